"""The one scheduler of parallel work (test-all's suites, exec's commands, the git steps of
bootstrap, update, lock and status): units are process groups or threads; it holds the budget,
timeouts, fail-fast, Ctrl-C and SIGTERM, and posts events. Callers map each :class:`UnitFinished`
to their own result; nothing here prints.

A thread unit starts its commands (git, uv) with ``children.run_child``; the interrupt path
ends their process groups with the units' own.
"""

from __future__ import annotations

import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, replace
from enum import Enum
from functools import partial
from typing import Any, Generic, Protocol, TypeVar, cast

from workspace.children import (
    DEFAULT_GRACE,
    allow_children,
    kill_group,
    sigterm_as_interrupt,
    stop_children,
)
from workspace.errors import WorkspaceError

T = TypeVar("T")

# Clones and fetches wait on the network, not on the CPU, so git steps are not sized by cores.
# Eight keeps below OpenSSH's default MaxStartups (10), past which a self-hosted server starts
# dropping new connections, and is enough to hide round-trip latency (see bench/).
DEFAULT_JOBS = 8
INTERRUPTED = "interrupted before it started"


class CannotStart(WorkspaceError):
    """Raised by a unit's ``spawn``: this unit cannot start; the others still can."""


@dataclass(frozen=True)
class Unit(Generic[T]):
    """A process group that ``spawn(slots)`` starts with ``start_new_session=True``, taking
    ``slots(free, units left)`` slots; or a ``call`` in a thread of its own, in one slot, with
    no timeout (a thread cannot be stopped: Ctrl-C waits for it)."""

    name: str
    spawn: Callable[[int], subprocess.Popen[bytes]] | None = None
    call: Callable[[], T] | None = None
    slots: Callable[[int, int], int] = lambda free, left: 1
    timeout: float | None = None  # seconds; then the group is stopped


class Ending(Enum):
    DONE = "done"  # ran to its end: see returncode (a process) or value (a thread)
    TIMED_OUT = "timed out"  # a group past its deadline, stopped
    INTERRUPTED = "interrupted"  # stopped by Ctrl-C or SIGTERM (a thread: abandoned by a second)
    CANNOT_START = "cannot start"  # its spawn raised CannotStart: see reason
    NOT_STARTED = "not started"  # fail-fast or an interrupt came first: see reason


@dataclass(frozen=True)
class UnitStarted:
    name: str
    slots: int


@dataclass(frozen=True)
class UnitFinished(Generic[T]):
    name: str
    ending: Ending
    returncode: int | None = None  # a process's
    value: T | None = None  # a thread's
    reason: str | None = None
    started: float = 0.0  # seconds after the scheduler began
    ended: float = 0.0
    slots: int = 0  # what it held; none if it never ran

    @property
    def duration(self) -> float:
        return self.ended - self.started


@dataclass(frozen=True)
class Heartbeat:
    """Posted every ``tick`` seconds: each running unit and how long it has run."""

    running: tuple[tuple[str, float], ...]
    elapsed: float


Event = UnitStarted | UnitFinished[T] | Heartbeat


@dataclass(frozen=True)
class Batch(Generic[T]):
    finished: tuple[UnitFinished[T], ...]  # in the order the units were given
    interrupted: bool  # by Ctrl-C or SIGTERM
    wall: float


@dataclass
class _Running(Generic[T]):
    unit: Unit[T]
    slots: int
    started: float
    proc: subprocess.Popen[bytes] | None = None
    thread: threading.Thread | None = None
    outcome: tuple[T | None, BaseException | None] | None = None  # a thread's, once it ended
    terminated_at: float | None = None  # when its timeout sent SIGTERM


class Scheduler(Generic[T]):
    """Runs units within ``jobs`` slots; ``run()`` returns an outcome for every unit given
    (names must be unique). ``fail_fast(finished)`` gives the reason to start nothing more, or
    None; the units still waiting then end NOT_STARTED with it."""

    def __init__(
        self,
        jobs: int,
        on_event: Callable[[Event[T]], None] | None = None,
        *,
        fail_fast: Callable[[UnitFinished[T]], str | None] | None = None,
        grace: float = DEFAULT_GRACE,
        poll: float = 0.05,
        tick: float = 0.25,
    ) -> None:
        self.jobs, self.fail_fast = max(1, jobs), fail_fast
        self.on_event: Callable[[Event[T]], None] = on_event or (lambda event: None)
        self.grace, self.poll, self.tick = grace, poll, tick
        self.pending: list[Unit[T]] = []
        self.running: dict[str, _Running[T]] = {}
        self.finished: dict[str, UnitFinished[T]] = {}
        self.stopped: str | None = None  # why nothing more starts
        self.t0 = time.monotonic()
        self._woken: queue.SimpleQueue[str] = queue.SimpleQueue()  # a thread ended

    def run(self, units: Sequence[Unit[T]]) -> Batch[T]:
        self.pending, self.t0, interrupted = list(units), time.monotonic(), False
        with sigterm_as_interrupt():
            try:
                try:
                    self._loop()
                except KeyboardInterrupt:
                    interrupted = True
                    self._stop_all()
                    self._stop(INTERRUPTED)
            except BaseException:
                self._abandon()
                raise
            finally:
                allow_children()  # the next run may start children again
        # Missing only when Ctrl-C came in the middle of starting it.
        lost = UnitFinished[T]("", Ending.NOT_STARTED, reason=INTERRUPTED)
        finished = tuple(self.finished.get(u.name, replace(lost, name=u.name)) for u in units)
        return Batch(finished, interrupted, time.monotonic() - self.t0)

    def _loop(self) -> None:
        last_tick = float("-inf")
        while self.pending or self.running:
            while self.pending and self.stopped is None:
                free = self.jobs - sum(r.slots for r in self.running.values())
                if free < 1:
                    break
                left, unit = len(self.pending), self.pending.pop(0)
                self._start(unit, min(max(1, unit.slots(free, left)), free))
            if self.running:
                with suppress(queue.Empty):  # until a thread ends, or a poll's time
                    self._woken.get(timeout=self.poll)
            self._reap()
            now = time.monotonic()
            if now - last_tick >= self.tick:
                last_tick = now
                running = tuple((n, now - r.started) for n, r in self.running.items())
                self.on_event(Heartbeat(running, now - self.t0))

    def _start(self, unit: Unit[T], slots: int) -> None:
        run = _Running(unit, slots, time.monotonic())
        if unit.spawn is None:
            run.thread = threading.Thread(target=self._call, args=(run,), name=f"wrknv-{unit.name}")
            run.thread.start()
        else:
            try:
                run.proc = unit.spawn(slots)
            except CannotStart as exc:
                self._end(run, Ending.CANNOT_START, reason=exc.message)
                return
        self.running[unit.name] = run
        self.on_event(UnitStarted(unit.name, slots))

    def _call(self, run: _Running[T]) -> None:
        """In the unit's own thread: keep what the callable returned or raised."""
        try:
            run.outcome = (cast(Callable[[], T], run.unit.call)(), None)
        except BaseException as exc:  # raised again in the scheduler's thread
            run.outcome = (None, exc)
        self._woken.put(run.unit.name)

    def _reap(self, *, stopping: bool = False) -> None:
        now = time.monotonic()
        for name, run in list(self.running.items()):
            rc = run.proc.poll() if run.proc is not None else None
            if run.proc is None and run.outcome is not None:
                del self.running[name]
                value, error = run.outcome
                if error is not None and stopping:  # what the interrupt made it raise
                    self._end(run, Ending.INTERRUPTED, reason="interrupted")
                elif error is not None:
                    raise error
                else:
                    self._end(run, Ending.DONE, value=value)
            elif run.proc is not None and rc is not None:
                del self.running[name]
                kill_group(run.proc.pid, signal.SIGKILL)  # what it left in its group goes too
                ending = Ending.INTERRUPTED if stopping else Ending.DONE
                timed_out = run.terminated_at is not None
                self._end(run, Ending.TIMED_OUT if timed_out else ending, returncode=rc)
            elif run.proc is not None and not stopping:
                self._enforce_timeout(run, now)

    def _enforce_timeout(self, run: _Running[T], now: float) -> None:
        pid, timeout = cast(subprocess.Popen[bytes], run.proc).pid, run.unit.timeout
        if run.terminated_at is None and timeout and now >= run.started + timeout:
            run.terminated_at = now
            kill_group(pid, signal.SIGTERM)
        elif run.terminated_at is not None and now - run.terminated_at >= self.grace:
            kill_group(pid, signal.SIGKILL)

    def _end(self, run: _Running[T], ending: Ending, **outcome: Any) -> None:
        outcome.update(started=run.started - self.t0, ended=time.monotonic() - self.t0)
        self._record(UnitFinished(run.unit.name, ending, slots=run.slots, **outcome))

    def _record(self, finished: UnitFinished[T]) -> None:
        self.finished[finished.name] = finished
        self.on_event(finished)
        if self.fail_fast is not None and self.stopped is None:
            reason = self.fail_fast(finished)
            if reason is not None:
                self._stop(reason)

    def _stop(self, reason: str) -> None:
        """Start nothing more: each unit still waiting ends NOT_STARTED for ``reason``."""
        self.stopped = reason
        pending, self.pending = self.pending, []
        for unit in pending:
            self._record(UnitFinished(unit.name, Ending.NOT_STARTED, reason=reason))

    def _stop_all(self) -> None:
        """Ctrl-C: SIGTERM every group (the threads' children too), SIGKILL what outlives the
        grace period, and wait for the threads. A second Ctrl-C cuts the waiting short."""
        self.stopped = INTERRUPTED
        stop_children(signal.SIGTERM)
        for run in self.running.values():
            if run.proc is not None:
                kill_group(run.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        with suppress(KeyboardInterrupt):
            while self.running:
                self._reap(stopping=True)
                if time.monotonic() >= deadline:
                    self._kill_groups()
                if self.running:
                    with suppress(queue.Empty):
                        self._woken.get(timeout=self.poll)
        self._kill_groups()
        self._reap(stopping=True)
        for run in list(self.running.values()):  # threads a second Ctrl-C left behind
            del self.running[run.unit.name]
            self._end(run, Ending.INTERRUPTED, reason="interrupted")

    def _kill_groups(self) -> None:
        stop_children(signal.SIGKILL)
        for proc in [r.proc for r in self.running.values() if r.proc is not None]:
            kill_group(proc.pid, signal.SIGKILL)
            proc.wait()

    def _abandon(self) -> None:
        """Something raised (a thread unit, an event handler): kill the groups at once and
        wait for the threads; no more events."""
        self._kill_groups()
        for run in self.running.values():
            if run.thread is not None:
                run.thread.join()
        self.running.clear()


class Named(Protocol):
    @property
    def name(self) -> str: ...


N = TypeVar("N", bound=Named)


def run_threads(
    items: Sequence[N],
    work: Callable[[N], T],
    jobs: int = DEFAULT_JOBS,
    on_event: Callable[[Event[T]], None] | None = None,
) -> list[T]:
    """``work`` for each item, each in a thread, at most ``jobs`` at once; values in the order
    given. An exception in ``work`` is raised once the running threads end. On Ctrl-C or
    SIGTERM nothing new starts, the running ones finish, then KeyboardInterrupt is raised."""
    units = [Unit(item.name, call=partial(work, item)) for item in items]
    batch = Scheduler[T](jobs, on_event).run(units)
    if batch.interrupted:
        raise KeyboardInterrupt
    return [cast(T, f.value) for f in batch.finished]
