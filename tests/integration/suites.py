"""Sibling packages with real pytest suites, and the venv they run in, for test-all and test."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.builders import git, init_repo, make_package, write_config

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


def make_workspace(
    tmp_path: Path,
    venv: Path,
    siblings: Mapping[str, Mapping[str, Any]],
    *,
    test: str = "",
    pythons: tuple[str, ...] = (),
) -> Path:
    """A workspace at tmp_path/ws whose siblings live beside it, each a package with tests.

    ``siblings`` maps a name to: tests (files), depends_on, timeout, xdist, present, git,
    requires (its requires-python), dependencies.
    """
    root = tmp_path / "ws"
    root.mkdir(exist_ok=True)
    lines = ["[workspace]", 'name = "demo"', f'venv = "{venv}"']
    lines += [f"pythons = {json.dumps(list(pythons))}"] if pythons else []
    lines.append("")
    if test:
        lines += ["[workspace.test]", test, ""]
    for name, spec in siblings.items():
        lines += ["[[siblings]]", f'name = "{name}"', f'repo = "../{name}"']
        if spec.get("depends_on"):
            lines.append(f"depends_on = {json.dumps(list(spec['depends_on']))}")
        settings = []
        if "timeout" in spec:
            settings.append(f"timeout = {spec['timeout']}")
        if "xdist" in spec:
            settings.append(f"xdist = {str(spec['xdist']).lower()}")
        if "args" in spec:
            settings.append(f"args = {json.dumps(list(spec['args']))}")
        if settings:
            lines.append(f"test = {{ {', '.join(settings)} }}")
        lines.append("")
        if spec.get("present", True):
            path = tmp_path / name
            make_package(
                path,
                name,
                tests=spec.get("tests", PASSING),
                requires_python=spec.get("requires"),
                dependencies=spec.get("dependencies", ()),
            )
            if spec.get("git"):
                (path / ".gitignore").write_text("__pycache__/\n*.egg-info/\n")
                init_repo(path)
                git(path, "tag", "base")
    return write_config(root, "\n".join(lines))


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
