"""The lock that keeps a build out of an environment another process runs suites in."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from workspace.env.inuse import claim, share

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
