"""Which environments a run is using: a lock file per extra Python's environment, held shared
by every process that runs suites there and exclusively by the one that builds it.

test-all and ``test --python`` build or refresh ``.wrknv/venvs/<version>/`` in place. Doing
that while another test-all runs suites in it would change packages under running tests, so a
process builds only when it can take the lock exclusively, and afterwards keeps it shared for
as long as it lives (a CLI or nox process: one verb; the OS drops it at exit). A process that
cannot take it uses the environment as it is. Without ``fcntl`` (Windows) there is no lock.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO

from workspace.fsutil import flock

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
