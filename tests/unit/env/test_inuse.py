"""The lock that keeps a build out of an environment another process runs suites in."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from workspace.env.inuse import (
    LOCK_TIMEOUT,
    LockBusy,
    claim,
    hold,
    lock_timeout,
    me,
    read_holder,
    share,
    wait_free,
)
from workspace.errors import ExitCode, WorkspaceError

HOLD = (
    "import fcntl, sys, time\n"
    "f = open(sys.argv[1], 'a+')\n"
    "fcntl.flock(f.fileno(), fcntl.LOCK_SH)\n"
    "print('held', flush=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def held_elsewhere(tmp_path: Path) -> Iterator[Path]:
    """A lock file that another process holds shared (as a running test-all does)."""
    lock = tmp_path / "locks" / "3.12.lock"
    lock.parent.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(lock)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "held\n"
        yield lock
    finally:
        proc.kill()
        proc.wait()


def test_a_process_builds_only_when_no_other_uses_the_environment(tmp_path: Path) -> None:
    lock = tmp_path / "locks" / "3.11.lock"
    assert claim(lock)
    share(lock)
    assert claim(lock)  # its own shared hold is no obstacle: one handle per lock
    share(lock)


def test_another_process_using_it_means_no_build(held_elsewhere: Path) -> None:
    assert not claim(held_elsewhere)
    assert not claim(held_elsewhere)


# --------------------------------------------------------------------------- workspace locks

HOLD_EXCLUSIVE = (
    "import sys\n"
    "from pathlib import Path\n"
    "from workspace.env.inuse import hold, me\n"
    "with hold(Path(sys.argv[1]), me('setup', Path('.venv')), None, str):\n"
    "    print('held', flush=True)\n"
    "    sys.stdin.readline()\n"
)


@pytest.fixture
def setup_elsewhere(tmp_path: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    """A lock file that another process holds exclusively, as a running setup does."""
    lock = tmp_path / ".wrknv" / "setup.lock"
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD_EXCLUSIVE, str(lock)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[3])},
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "held\n"
        yield lock, proc
    finally:
        proc.kill()
        proc.wait()


def test_the_holder_names_itself_in_the_lock_until_it_lets_go(tmp_path: Path) -> None:
    lock = tmp_path / ".wrknv" / "checkouts.lock"
    with hold(lock, me("bootstrap"), None, str, timeout=0):
        holder = read_holder(lock)
        assert holder is not None
        assert (holder.pid, holder.verb, holder.building) == (os.getpid(), "bootstrap", "")
        assert str(holder) == f"bootstrap (pid {os.getpid()}, started {holder.started})"
    assert read_holder(lock) is None  # released: nobody to name
    with hold(lock, me("update"), None, str, timeout=0):  # and free to take again
        pass


@pytest.mark.parametrize(
    "text",
    ["", "not json", "[]", '{"pid": "1", "verb": "setup", "started": "x"}', '{"pid": 0}'],
)
def test_a_damaged_record_names_nobody(tmp_path: Path, text: str) -> None:
    lock = tmp_path / "setup.lock"
    lock.write_text(text)
    assert read_holder(lock) is None


def test_a_reader_waits_once_then_gives_up_naming_the_holder(
    setup_elsewhere: tuple[Path, subprocess.Popen[str]],
) -> None:
    lock, proc = setup_elsewhere
    said: list[str] = []
    with pytest.raises(LockBusy) as caught:
        wait_free(lock, said.append, lambda h: f"waiting for {h}", timeout=0.5)
    assert len(said) == 1
    assert said[0].startswith(f"waiting for setup (pid {proc.pid}, started ")
    assert caught.value.exit_code == ExitCode.FAILED
    assert caught.value.message.endswith(
        f"setup.lock: still held by setup (pid {proc.pid}, started "
        f"{said[0].split('started ')[1]} after 0.5 s"
    )
    assert proc.poll() is None


def test_a_reader_goes_on_when_the_holder_lets_go(
    setup_elsewhere: tuple[Path, subprocess.Popen[str]],
) -> None:
    lock, proc = setup_elsewhere
    said: list[str] = []

    def release(line: str) -> None:
        said.append(line)
        assert proc.stdin is not None
        proc.stdin.write("\n")
        proc.stdin.flush()

    wait_free(lock, release, str, timeout=30)
    assert len(said) == 1
    assert said[0].startswith(f"setup (pid {proc.pid}, started ")  # from the holder's record
    assert read_holder(lock) is None


def test_a_lock_never_taken_is_free(tmp_path: Path) -> None:
    wait_free(tmp_path / "setup.lock", None, str, timeout=0)
    assert not (tmp_path / "setup.lock").exists()  # a reader creates nothing


@pytest.mark.parametrize(
    ("value", "seconds"), [(None, 600.0), ("", 600.0), ("1.5", 1.5), ("0", 0.0)]
)
def test_the_lock_timeout_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str | None, seconds: float
) -> None:
    if value is None:
        monkeypatch.delenv(LOCK_TIMEOUT, raising=False)
    else:
        monkeypatch.setenv(LOCK_TIMEOUT, value)
    assert lock_timeout() == seconds


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "inf", "1e400"])
def test_a_lock_timeout_that_is_no_number_of_seconds_is_bad_input(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv(LOCK_TIMEOUT, value)
    with pytest.raises(WorkspaceError) as caught:
        lock_timeout()
    assert caught.value.exit_code == ExitCode.USAGE
    assert caught.value.message == f"{LOCK_TIMEOUT}={value!r}: expected a number of seconds >= 0"
