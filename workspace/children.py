"""The processes the tool starts, each in a process group of its own so that its children go
with it: signalling a group, SIGTERM taken as Ctrl-C, and :func:`run_child` for the commands a
thread runs (git, uv), whose groups the scheduler's interrupt path ends (:func:`stop_children`)
so that Ctrl-C or SIGTERM never waits for a command that would run on (a stalled clone)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any

from workspace.errors import ExitCode, WorkspaceError

DEFAULT_GRACE = 5.0  # seconds between SIGTERM and SIGKILL


class Interrupted(WorkspaceError):
    """A command of :func:`run_child` refused or ended because Ctrl-C or SIGTERM stops the run."""

    exit_code = ExitCode.INTERRUPTED


def kill_group(pid: int, sig: int) -> None:
    """Signal a unit's whole process group; a group already gone is fine."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


# The process groups run_child started and that are still running, and whether an interrupt
# is stopping them; the lock makes starting one and stopping them all exclude each other.
_children: set[subprocess.Popen[str]] = set()
_children_lock = threading.Lock()
_stopping = threading.Event()


def allow_children() -> None:
    """After an interrupted run: the next one may start children again."""
    _stopping.clear()


def stop_children(sig: int) -> None:
    """The interrupt path: no new child starts, and each running group gets ``sig``."""
    with _children_lock:
        _stopping.set()
        for proc in _children:
            kill_group(proc.pid, sig)


def run_child(argv: Sequence[str], what: str, **popen: Any) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in a process group of its own, its output captured as text. In a thread
    unit, the run's Ctrl-C or SIGTERM ends the group (:class:`Interrupted` is raised); in the
    main thread, SIGTERM is Ctrl-C and either ends it before KeyboardInterrupt goes on."""
    with _children_lock:
        if _stopping.is_set():
            raise Interrupted(f"interrupted: {what} not started", hint="run the command again")
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
            **popen,
        )
        _children.add(proc)
    try:
        with sigterm_as_interrupt():
            out, err = proc.communicate()
    except BaseException:
        _end_group(proc)
        raise
    finally:
        with _children_lock:
            _children.discard(proc)
    if proc.returncode < 0 and _stopping.is_set():
        raise Interrupted(f"interrupted: {what} stopped", hint="run the command again")
    return subprocess.CompletedProcess(list(argv), proc.returncode, out, err)


def _end_group(proc: subprocess.Popen[str], grace: float = DEFAULT_GRACE) -> None:
    """SIGTERM the group, SIGKILL it if its leader outlives ``grace``; a second Ctrl-C does not
    cut this short."""
    kill_group(proc.pid, signal.SIGTERM)
    with suppress(KeyboardInterrupt, subprocess.TimeoutExpired):
        proc.wait(grace)
    kill_group(proc.pid, signal.SIGKILL)
    with suppress(KeyboardInterrupt):
        proc.wait()


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """A CI cancel (SIGTERM) stops the work the same way as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
