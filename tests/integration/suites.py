"""Sibling packages with real pytest suites, and the venv they run in, for test-all and test."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.builders import Sibling, make_workspace

PASSING = {"tests/test_ok.py": "def test_one():\n    assert True\n\ndef test_two():\n    pass\n"}


FAILING = {
    "tests/test_bad.py": (
        "def test_fine():\n    pass\n\n"
        "def test_broken():\n    assert 1 + 1 == 3, 'arithmetic is off'\n"
    )
}


def make_venv(path: Path) -> Path:
    """A venv with pytest and pytest-xdist, made with uv (the setup verb is not needed)."""
    subprocess.run(["uv", "venv", "-q", str(path)], check=True)
    python = path / "bin" / "python"
    subprocess.run(
        ["uv", "pip", "install", "-q", "--python", str(python), "pytest", "pytest-xdist"],
        check=True,
    )
    return path


def suite_workspace(
    base: Path, venv: Path, siblings: Mapping[str, Sibling], **options: Any
) -> Path:
    """A workspace at base/ws, run in ``venv``, whose siblings are packages beside it with
    PASSING tests and no git history unless their entry in ``siblings`` says otherwise."""
    return make_workspace(base, siblings, venv=venv, git=False, tests=PASSING, **options)


def alive(pid: int) -> bool:
    """True while ``pid`` is a live process (a zombie awaiting its reaper counts as dead)."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            state = stat.read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return False
        return state not in ("Z", "X")
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_dead(pids: list[int], seconds: float = 10.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        living = [p for p in pids if alive(p)]
        if not living:
            return []
        time.sleep(0.05)
    return [p for p in pids if alive(p)]


def interrupt_when_ready(proc: subprocess.Popen[str], pid_dir: Path, count: int) -> str:
    """Once ``count`` pid files are in ``pid_dir``, send SIGINT (Ctrl-C) to ``proc``; return
    its output. ``proc`` is killed if it does not end within a minute."""
    try:
        deadline = time.monotonic() + 60
        while len(list(pid_dir.glob("*.pids"))) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(list(pid_dir.glob("*.pids"))) == count
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return output
