"""Which environments a run is using: a lock file per extra Python's environment, held shared
by every process that runs suites there and exclusively by the one that builds it.

test-all and ``test --python`` build or refresh ``.wrknv/venvs/<version>/`` in place. Doing
that while another test-all runs suites in it would change packages under running tests, so a
process builds only when it can take the lock exclusively, and afterwards keeps it shared for
as long as it lives (a CLI or nox process: one verb; the OS drops it at exit). A process that
cannot take it uses the environment as it is. Without ``fcntl`` (Windows) there is no lock.

The workspace-wide locks live here too. setup holds ``.wrknv/setup.lock`` exclusively while it
builds; test-all, validate and exec wait for it to be free before they start (at the start
only: they do not hold it while they run). bootstrap and update hold
``.wrknv/checkouts.lock`` exclusively, so a second one waits for the first. The holder writes
who it is into the lock file, so that a waiter can say whom it waits for; a wait ends after
``WRKNV_LOCK_TIMEOUT`` seconds (default 600) with a LockBusy naming the holder.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from workspace.errors import ExitCode, WorkspaceError
from workspace.fsutil import flock
from workspace.jsonfields import Fields
from workspace.model.config import Workspace
from workspace.text import display_path

LOCK_TIMEOUT = "WRKNV_LOCK_TIMEOUT"  # the environment variable: seconds a wait may last
DEFAULT_LOCK_TIMEOUT = 600.0
_POLL = 0.1  # seconds between two attempts at a busy lock
_RECORD_BYTES = 4096  # a holder's record is far smaller; more is not read
Log = Callable[[str], None]

_HELD: dict[Path, IO[str]] = {}  # lock file -> its handle, one per lock per process


def claim(lock: Path) -> bool:
    """Take ``lock`` exclusively, to build; False when another process holds it, and then it
    is held shared (after waiting for a build in progress, never for a run)."""
    handle = _HELD.get(lock)
    if handle is None:
        lock.parent.mkdir(parents=True, exist_ok=True)
        handle = _HELD[lock] = lock.open("a+")
    if flock(handle, wait=False):
        return True
    flock(handle, shared=True)  # a shared hold of our own was dropped by the attempt: again
    return False


def share(lock: Path) -> None:
    """Keep ``lock`` shared: this process runs suites in the environment from now on."""
    handle = _HELD.get(lock)
    if handle is not None:
        flock(handle, shared=True)


# --------------------------------------------------------------------------- workspace locks


class LockBusy(WorkspaceError):
    """Another process held a workspace lock for longer than a wait may last: nothing ran."""

    exit_code = ExitCode.FAILED


@dataclass(frozen=True)
class Holder:
    """Who holds a workspace lock, as it wrote itself into the lock file."""

    pid: int
    verb: str  # setup, bootstrap, update
    started: str
    building: str = ""  # the absolute path of the environment setup builds; "" for none

    def __str__(self) -> str:
        return f"{self.verb} (pid {self.pid}, started {self.started})"

    def to_dict(self) -> dict[str, object]:
        return {
            "pid": self.pid,
            "verb": self.verb,
            "started": self.started,
            "building": self.building,
        }


def read_holder(lock: Path) -> Holder | None:
    """The record's one reader: None when there is none (the lock is free, or its holder has
    not written it yet) or it is damaged; it only names the holder in a message."""
    try:
        fields = Fields.load(lock, "a record naming the lock's holder", limit=_RECORD_BYTES)
        if fields is None:
            return None
        return Holder(
            fields.whole("pid", least=1),
            fields.text("verb"),
            fields.text("started"),
            fields.text("building", ""),
        )
    except WorkspaceError:
        return None


def _write_record(fh: IO[str], holder: Holder) -> None:
    """The record's one writer: this process, in the lock file it has just taken."""
    fh.seek(0)
    fh.truncate()
    fh.write(json.dumps(holder.to_dict(), allow_nan=False) + "\n")
    fh.flush()


def lock_timeout() -> float:
    """How long a wait for a workspace lock may last: ``WRKNV_LOCK_TIMEOUT`` seconds, else
    the default; a value that is not a number of seconds is bad input."""
    raw = os.environ.get(LOCK_TIMEOUT, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise WorkspaceError(
            f"{LOCK_TIMEOUT}={raw[:40]!r}: expected a number of seconds >= 0",
            hint=f"unset it to wait up to {DEFAULT_LOCK_TIMEOUT:g} s, or set e.g. "
            f"{LOCK_TIMEOUT}=60",
        )
    return value


Waiting = Callable[[Holder | None], str]  # the line said once when a lock is busy


def _take(
    fh: IO[str], lock: Path, *, shared: bool, say: Log | None, waiting: Waiting, limit: float
) -> None:
    """Take ``lock`` (open as ``fh``), polling until ``limit`` seconds have passed; says
    ``waiting`` once when the first poll finds it still busy (so the holder has written who
    it is by then, and a lock held for an instant is not mentioned)."""
    start = time.monotonic()
    deadline, said = start + limit, False
    while not flock(fh, shared=shared, wait=False):
        if time.monotonic() >= deadline:
            holder = read_holder(lock)
            raise LockBusy(
                f"{display_path(lock)}: still held by {holder or 'another process'} "
                f"after {limit:g} s",
                hint=f"let it finish (or stop it), then run again; {LOCK_TIMEOUT}=SECONDS "
                "waits longer",
            )
        if not said and say is not None and time.monotonic() - start >= _POLL:
            say(waiting(read_holder(lock)))
            said = True
        time.sleep(min(_POLL, max(deadline - time.monotonic(), 0.0)))


@contextlib.contextmanager
def hold(
    lock: Path,
    holder: Holder,
    say: Log | None,
    waiting: Waiting,
    timeout: float | None = None,
) -> Iterator[None]:
    """Hold ``lock`` exclusively for the block, with ``holder``'s record in it, after waiting
    for another holder (saying ``waiting`` once) up to ``timeout`` (default: lock_timeout())."""
    limit = lock_timeout() if timeout is None else timeout
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+", encoding="utf-8") as fh:  # closing it lets go of the lock
        _take(fh, lock, shared=False, say=say, waiting=waiting, limit=limit)
        _write_record(fh, holder)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                fh.truncate(0)  # released: no holder to name


def wait_free(lock: Path, say: Log | None, waiting: Waiting, timeout: float | None = None) -> None:
    """Return once no process holds ``lock`` exclusively (saying ``waiting`` once if one
    does), up to ``timeout``; the lock is not kept."""
    limit = lock_timeout() if timeout is None else timeout
    try:
        fh = lock.open(encoding="utf-8")
    except FileNotFoundError:
        return  # never taken, so nobody holds it
    with fh:
        _take(fh, lock, shared=True, say=say, waiting=waiting, limit=limit)


def me(verb: str, building: Path | None = None) -> Holder:
    """This process as the holder of a workspace lock."""
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    return Holder(os.getpid(), verb, started, str(building.absolute()) if building else "")


def wait_for_setup(ws: Workspace, say: Log) -> None:
    """test-all, validate and exec start only once no setup builds an environment; a setup
    begun after they started is not waited for (they do not hold the lock)."""

    def waiting(holder: Holder | None) -> str:
        venv = Path(holder.building) if holder and holder.building else ws.venv
        return f"waiting for {holder or 'setup'} to finish building {display_path(venv)}"

    wait_free(ws.state.setup_lock, say, waiting)


def checkouts_lock(ws: Workspace, verb: str, say: Log) -> contextlib.AbstractContextManager[None]:
    """bootstrap and update change the checkouts one at a time: a second one waits."""

    def waiting(holder: Holder | None) -> str:
        return f"waiting for {holder or 'another bootstrap or update'} to finish with the checkouts"

    return hold(ws.state.checkouts_lock, me(verb), say, waiting)
