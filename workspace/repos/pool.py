"""The bounded worker pool that every operation across siblings runs in.

Each operation is a function of one sibling that returns a frozen result and never prints.
:func:`run_pool` runs it for many siblings with at most ``jobs`` at a time and reports each
start and finish to an event callback (called from one thread at a time), which is where the
commands print. Results come back in the order the siblings were given.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from enum import Enum
from typing import Generic, TypeVar

from workspace.model.config import Sibling

# Clones and fetches wait on the network, not on the CPU, so the pool is not sized by cores.
# Eight keeps below OpenSSH's default MaxStartups (10), past which a self-hosted server starts
# dropping new connections, and is enough to hide round-trip latency (see bench/).
DEFAULT_JOBS = 8


class EventKind(Enum):
    STARTED = "started"
    FINISHED = "finished"


T = TypeVar("T")


@dataclass(frozen=True)
class Event(Generic[T]):
    kind: EventKind
    name: str
    result: T | None = None  # set when FINISHED


def run_pool(
    siblings: Sequence[Sibling],
    work: Callable[[Sibling], T],
    jobs: int = DEFAULT_JOBS,
    on_event: Callable[[Event[T]], None] | None = None,
) -> list[T]:
    """Run ``work`` for each sibling, at most ``jobs`` at once; results in the given order.

    On Ctrl-C the siblings not yet started are cancelled, the running ones are left to end
    (their git got the same signal and cleans up), then KeyboardInterrupt propagates.
    """
    lock = threading.Lock()

    def emit(event: Event[T]) -> None:
        if on_event is not None:
            with lock:
                on_event(event)

    def one(sib: Sibling) -> T:
        emit(Event(EventKind.STARTED, sib.name))
        return work(sib)

    results: dict[str, T] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="wrknv")
    try:
        pending: dict[Future[T], Sibling] = {pool.submit(one, s): s for s in siblings}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                sib = pending.pop(fut)
                result = fut.result()
                results[sib.name] = result
                emit(Event(EventKind.FINISHED, sib.name, result))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[s.name] for s in siblings]
