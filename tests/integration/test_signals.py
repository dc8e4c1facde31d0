"""SIGTERM is Ctrl-C everywhere: a signal to the main process alone (not its group) ends the
verb with 130 within seconds, every child process group with it, and no temporary clone left.

git is held mid-transfer by an ssh transport that stalls (``GIT_SSH_COMMAND`` is a script that
records its pid and sleeps), so the signal lands while clones and fetches run.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import suppress
from pathlib import Path

import pytest

from tests.builders import commit_all, git, make_workspace, write_config
from tests.integration.gitrepos import NAMES, config_text, temp_dirs
from tests.integration.suites import alive, suite_workspace, wait_dead
from workspace.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]
SIGNALS = [signal.SIGTERM, signal.SIGINT]
SECONDS = 8.0
# python -m workspace, with SIGINT's default action even when this harness ignores SIGINT
# (as a shell does for a background job): the verb then gets Python's Ctrl-C handler.
LAUNCH = (
    "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
    "os.execv(sys.executable, [sys.executable, '-m', 'workspace', *sys.argv[1:]])"
)  # "within a few seconds": well below the 60 s the stalled children would run


def _descendants(main: int) -> list[int]:
    """Every process below ``main`` (git, the shell that ran the script, uv, ...), from /proc."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue  # ended meanwhile
    found, todo = [], [main]
    while todo:
        pid = todo.pop()
        children = [c for c, parent in parents.items() if parent == pid]
        found += children
        todo += children
    return found


def _files(pid_dir: Path, count: int) -> Callable[[], bool]:
    return lambda: len(list(pid_dir.glob("*.pids"))) >= count


def _signal_when_ready(
    argv: list[str], env: Mapping[str, str], ready: Callable[[], bool], sig: int
) -> tuple[int, float, str, list[int]]:
    """Start ``python -m workspace ARGV``; once ``ready()``, send ``sig`` to its pid alone. Its
    exit status, the seconds it took to end after the signal, its output, and the processes it
    had started (all of them, at the signal)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *argv],
        env={**env, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not ready() and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()[0]
            time.sleep(0.05)
        assert ready()
        family = _descendants(proc.pid)
        sent = time.monotonic()
        os.kill(proc.pid, sig)
        output, _ = proc.communicate(timeout=60)
        return proc.returncode, time.monotonic() - sent, output, family
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# --------------------------------------------------------------------------- bootstrap, update


@pytest.fixture
def stall(tmp_path: Path) -> dict[str, str]:
    """The environment of a git whose ssh transport records its pid in tmp_path/pids and
    stalls for a minute."""
    script = tmp_path / "stall.sh"
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    script.write_text(
        textwrap.dedent(
            f"""\
            #!/bin/sh
            echo $$ > {pid_dir}/$$.tmp && mv {pid_dir}/$$.tmp {pid_dir}/$$.pids
            exec sleep 60
            """
        )
    )
    script.chmod(0o755)
    return {**os.environ, "GIT_SSH_COMMAND": str(script)}


@pytest.mark.parametrize("sig", SIGNALS, ids=lambda s: signal.Signals(s).name)
def test_bootstrap_stops_its_stalled_clones_and_removes_them(
    tmp_path: Path, stall: dict[str, str], sig: int
) -> None:
    (tmp_path / "ws").mkdir()
    cfg = write_config(tmp_path / "ws", config_text({n: f"ssh://x/{n}" for n in NAMES}))
    argv = ["bootstrap", "--config", str(cfg), "--jobs", "3"]
    code, took, out, family = _signal_when_ready(argv, stall, _files(tmp_path / "pids", 3), sig)
    assert code == ExitCode.INTERRUPTED, out
    assert took < SECONDS, out
    assert out.rstrip().endswith("interrupted"), out
    assert len(family) >= 6  # each clone's git and its stalled transport
    assert wait_dead(family) == []
    assert temp_dirs(tmp_path) == []
    assert not any((tmp_path / n).exists() for n in NAMES)


def test_update_stops_its_stalled_fetches(tmp_path: Path, stall: dict[str, str]) -> None:
    for name in NAMES:  # checkouts whose origin is behind the stalled transport
        (tmp_path / name).mkdir()
        git(tmp_path / name, "init", "--quiet", "-b", "main")
        (tmp_path / name / "README.md").write_text(name)
        commit_all(tmp_path / name, "first")
        git(tmp_path / name, "remote", "add", "origin", f"ssh://x/{name}")
    (tmp_path / "ws").mkdir()
    cfg = write_config(tmp_path / "ws", config_text({n: f"ssh://x/{n}" for n in NAMES}))
    argv = ["update", "--config", str(cfg), "--jobs", "3"]
    ready = _files(tmp_path / "pids", 3)
    code, took, out, family = _signal_when_ready(argv, stall, ready, signal.SIGTERM)
    assert code == ExitCode.INTERRUPTED, out
    assert took < SECONDS, out
    assert len(family) >= 6
    assert wait_dead(family) == []


# --------------------------------------------------------------------------- exec, test-all


def _sleeper(pid_dir: Path) -> str:
    """Python code that starts a child, records both pids, then sleeps."""
    return textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        with open(os.path.join({str(pid_dir)!r}, "%d.tmp" % os.getpid()), "w") as f:
            f.write("%d %d" % (os.getpid(), child.pid))
        os.replace(f.name, f.name[:-4] + ".pids")
        time.sleep(120)
        """
    )


def _recorded(pid_dir: Path) -> list[int]:
    return [int(p) for f in pid_dir.glob("*.pids") for p in f.read_text().split()]


def _sigterm_ends_every_group(argv: list[str], pid_dir: Path, groups: int) -> list[int]:
    """SIGTERM to the main process once each of ``groups`` sleepers runs: exit 130 in time,
    and every process they recorded (two per group) gone. Returns those pids."""
    code, took, out, _ = _signal_when_ready(
        argv, os.environ, _files(pid_dir, groups), signal.SIGTERM
    )
    assert code == ExitCode.INTERRUPTED, out
    assert took < SECONDS, out
    pids = _recorded(pid_dir)
    assert len(pids) == 2 * groups
    assert wait_dead(pids) == []
    return pids


def test_exec_sigterm_to_the_main_process_ends_every_group(tmp_path: Path) -> None:
    for name in NAMES:
        (tmp_path / name).mkdir()
    (tmp_path / "ws").mkdir()
    cfg = write_config(tmp_path / "ws", config_text({n: f"../{n}.git" for n in NAMES}))
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    argv = ["exec", "--config", str(cfg), "-j", "3", "--", sys.executable, "-c", _sleeper(pid_dir)]
    _sigterm_ends_every_group(argv, pid_dir, groups=3)


@pytest.mark.slow
def test_test_all_sigterm_to_the_main_process_ends_every_suite(
    tmp_path: Path, test_venv: Path
) -> None:
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    hang = {"tests/test_hang.py": f"def test_hang():\n    exec({_sleeper(pid_dir)!r})\n"}
    cfg = suite_workspace(tmp_path, test_venv, {"one": {"tests": hang}, "two": {"tests": hang}})
    argv = ["test-all", "--config", str(cfg), "--jobs=2"]
    pids = _sigterm_ends_every_group(argv, pid_dir, groups=2)
    assert not any(alive(p) for p in pids)


# --------------------------------------------------------------------------- setup


@pytest.fixture
def stalled_index() -> Iterator[tuple[str, threading.Event]]:
    """A package index that accepts connections and never answers: its URL, and an event set
    once uv has connected."""
    connected = threading.Event()
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []

    def accept() -> None:
        with suppress(OSError):
            while True:
                held.append(server.accept()[0])
                connected.set()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/simple", connected
    finally:
        server.close()
        for conn in held:
            conn.close()


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")
def test_setup_sigterm_ends_uv_and_exits_130(
    tmp_path: Path, stalled_index: tuple[str, threading.Event]
) -> None:
    url, connected = stalled_index
    cfg = make_workspace(tmp_path, {"alpha": {"dependencies": ["not-on-any-index-xyz"]}})
    env = {**os.environ, "UV_INDEX_URL": url, "UV_DEFAULT_INDEX": url, "UV_HTTP_TIMEOUT": "120"}
    for key in ("UV_OFFLINE", "UV_NO_INDEX", "UV_FIND_LINKS", "PIP_INDEX_URL"):
        env.pop(key, None)
    argv = ["setup", "--config", str(cfg)]
    code, took, out, family = _signal_when_ready(argv, env, connected.is_set, signal.SIGTERM)
    assert code == ExitCode.INTERRUPTED, out
    assert took < SECONDS, out
    assert family  # uv, stalled on the index
    assert wait_dead(family) == []
