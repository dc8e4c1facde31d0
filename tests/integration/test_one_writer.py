"""One writer at a time, with real second processes: test-all and validate wait for a setup
that holds .wrknv/setup.lock, and two bootstraps at once clone every sibling once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.builders import Siblings
from tests.integration.gitrepos import NAMES, make_ws, temp_dirs
from workspace.repos import git as g

REPO = Path(__file__).resolve().parents[2]

# The holder: a setup as the product takes its lock, released when told on stdin.
HOLDER = """\
import sys
from pathlib import Path
from workspace.env.venv import setup_lock
from workspace.model import config

with setup_lock(config.load(Path(sys.argv[1]))):
    print("held", flush=True)
    sys.stdin.readline()
"""


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO), **extra}


def _verb(cwd: Path, *argv: str, **env: str) -> subprocess.Popen[str]:
    """``python -m workspace ARGV`` run in the workspace, as a user does."""
    return subprocess.Popen(
        [sys.executable, "-m", "workspace", *argv],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=_env(**env),
    )


@pytest.fixture
def config(workspace_root: Path, remotes: Siblings) -> Path:
    return make_ws(workspace_root, remotes)


@contextmanager
def _holding(script: Path, text: str, config: Path) -> Iterator[subprocess.Popen[str]]:
    """A process that runs ``text`` (a script taking a lock as the product does) and holds
    the lock until a line reaches its stdin."""
    script.write_text(text)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(config)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline() == "held\n"
        yield proc
    finally:
        proc.kill()
        proc.wait()


@pytest.fixture
def holder(config: Path, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    """A setup process holding the setup lock until a line reaches its stdin."""
    with _holding(tmp_path / "hold_setup.py", HOLDER, config) as proc:
        yield proc


def _wait_line(proc: subprocess.Popen[str]) -> str:
    """The verb's first line: it must be the one saying it waits (it is blocked after it)."""
    assert proc.stdout is not None
    return proc.stdout.readline()


@pytest.mark.parametrize("verb", ["test-all", "validate"])
def test_a_reader_waits_for_setup_then_goes_on(
    verb: str, config: Path, holder: subprocess.Popen[str]
) -> None:
    proc = _verb(config.parent, verb, "--config", str(config))
    first = _wait_line(proc)
    assert first.startswith(f"{verb}: waiting for setup (pid {holder.pid}, started ")
    assert first.rstrip().endswith("to finish building .venv")
    with pytest.raises(subprocess.TimeoutExpired):
        proc.wait(timeout=1)  # still waiting while setup holds the lock
    assert holder.stdin is not None
    holder.stdin.write("\n")
    holder.stdin.flush()
    rest, _ = proc.communicate(timeout=60)
    assert "waiting" not in rest  # said once
    assert ".wrknv/setup.lock" not in rest
    # It went on to its work, which finds no venv here (none was built): test-all stops
    # as bad input, validate's checks fail.
    assert proc.returncode == {"test-all": 2, "validate": 1}[verb], rest
    assert ("shared venv" if verb == "test-all" else "validate FAILED") in rest


@pytest.mark.parametrize("verb", ["test-all", "validate"])
def test_a_reader_gives_up_after_the_timeout_naming_the_holder(
    verb: str, config: Path, holder: subprocess.Popen[str]
) -> None:
    proc = _verb(config.parent, verb, "--config", str(config), WRKNV_LOCK_TIMEOUT="1")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1, out
    assert out.count("waiting for setup") == 1
    error = out.splitlines()[-1]
    assert error.startswith("error: .wrknv/setup.lock: still held by setup (pid ")
    assert f"(pid {holder.pid}, started " in error
    assert "after 1 s" in error
    assert "WRKNV_LOCK_TIMEOUT" in error
    assert holder.poll() is None  # the holder is left alone


@pytest.mark.parametrize("verb", ["test-all", "validate", "exec"])
def test_sigterm_to_a_waiting_verb_is_ctrl_c(
    verb: str, config: Path, holder: subprocess.Popen[str]
) -> None:
    """A CI cancel that lands while a verb waits (no scheduler running yet) is Ctrl-C too."""
    extra = ["--", "true"] if verb == "exec" else []
    proc = _verb(config.parent, verb, "--config", str(config), *extra)
    assert "waiting for setup" in _wait_line(proc)
    os.kill(proc.pid, signal.SIGTERM)  # the main process alone
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 130, out
    assert out.rstrip().endswith("interrupted")


def test_a_bad_lock_timeout_is_bad_input(config: Path, holder: subprocess.Popen[str]) -> None:
    proc = _verb(config.parent, "test-all", "--config", str(config), WRKNV_LOCK_TIMEOUT="soon")
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2, out
    assert out.startswith("error: WRKNV_LOCK_TIMEOUT='soon': expected a number of seconds >= 0")


def test_two_bootstraps_at_once_clone_each_sibling_once(config: Path, remotes: Siblings) -> None:
    first = _verb(config.parent, "bootstrap", "--config", str(config), "-j", "1")
    second = _verb(config.parent, "bootstrap", "--config", str(config), "-j", "1")
    outs = [p.communicate(timeout=120)[0] for p in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outs
    text = "\n".join(outs)
    assert "Errno" not in text
    assert "OSError" not in text
    cloned = [line for line in text.splitlines() if line.startswith("[") and " cloned " in line]
    assert len(cloned) == len(NAMES), text  # each sibling by one of them
    waited = [o for o in outs if "waiting for bootstrap (pid " in o]
    assert len(waited) <= 1
    if waited:  # the one that waited found every clone made
        assert "3 present" in waited[0]
    parent = config.parent.parent
    for name in NAMES:
        assert g.head_commit(parent / name) == remotes.commits[name]
    assert temp_dirs(parent) == []


BOOTSTRAP_HOLDER = """\
import sys
from pathlib import Path
from workspace.env.inuse import checkouts_lock
from workspace.model import config

with checkouts_lock(config.load(Path(sys.argv[1])), "bootstrap", print):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_update_waits_for_a_bootstrap(config: Path, tmp_path: Path) -> None:
    with _holding(tmp_path / "hold_checkouts.py", BOOTSTRAP_HOLDER, config) as holder:
        proc = _verb(config.parent, "update", "--config", str(config), WRKNV_LOCK_TIMEOUT="1")
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 1, out
        assert out.startswith(f"update: waiting for bootstrap (pid {holder.pid}, started "), out
        assert "to finish with the checkouts\n" in out
        assert f"error: .wrknv/checkouts.lock: still held by bootstrap (pid {holder.pid}" in out
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        assert holder.wait(timeout=30) == 0
        proc = _verb(config.parent, "update", "--config", str(config), WRKNV_LOCK_TIMEOUT="1")
        out, _ = proc.communicate(timeout=60)
        assert "waiting" not in out  # free now: update goes on at once
        assert "missing (run bootstrap)" in out
