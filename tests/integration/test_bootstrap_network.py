"""bootstrap over a loopback git daemon: rewrites, refusals, kills, Ctrl-C, no prompts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.netsim import DelayProxy, GitDaemon
from tests.builders import Siblings, git, write_config
from tests.integration.gitrepos import NAMES, config_text, remote_siblings, run, temp_dirs
from workspace import load
from workspace.errors import ExitCode
from workspace.repos import git as g
from workspace.repos.lock import read_lock

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_git_daemon_with_local_rewrite(
    workspace_root: Path, remotes: Siblings, daemon: GitDaemon, capsys: pytest.CaptureFixture[str]
) -> None:
    """The config names a host that does not exist; wrknv.local.toml points it at the daemon."""
    cfg = write_config(
        workspace_root,
        config_text({n: f"https://g.example.invalid/org/{n}.git" for n in (*NAMES, "ghost")}),
    )
    write_config(
        workspace_root,
        f'[rewrite]\n"https://g.example.invalid/org/" = "git://127.0.0.1:{daemon.port}/"\n',
        name="wrknv.local.toml",
    )
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.FAILED, out
    assert "3 cloned, 1 failed" in out
    assert "ghost: not found" in out
    for name in NAMES:
        path = workspace_root.parent / name
        assert g.head_commit(path) == remotes.commits[name]
        assert g.origin_url(path) == daemon.url(f"{name}.git")
    code, out = run(
        capsys, "status", "--config", str(cfg), "--only", "alpha,beta,gamma", "--exit-code"
    )
    assert code == ExitCode.OK, out
    # The lock is shared: it records the URL of wrknv.toml, never one developer's mirror.
    code, out = run(capsys, "lock", "--config", str(cfg), "--only", "alpha,beta,gamma")
    assert code == ExitCode.OK, out
    locked = read_lock(load(cfg))
    assert locked is not None
    assert locked["alpha"].repo == "https://g.example.invalid/org/alpha.git"


def test_connection_refused_is_network(
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.netsim import free_port

    cfg = write_config(
        workspace_root, config_text({"alpha": f"git://127.0.0.1:{free_port()}/alpha.git"})
    )
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.FAILED
    assert "alpha: network error" in out


def _slow_bootstrap(root: Path, daemon: GitDaemon, port: int, names: tuple[str, ...]) -> list[str]:
    """The command line of a bootstrap, 2 clones at a time, of ``names`` through the proxy."""
    cfg = write_config(root, config_text({n: daemon.url(f"{n}.git", port) for n in names}))
    return [sys.executable, "-m", "workspace", "bootstrap", "--config", str(cfg), "-j", "2"]


@pytest.mark.slow
def test_kill_in_the_middle_then_rerun(workspace_root: Path, tmp_path: Path) -> None:
    names = tuple(f"sib{i}" for i in range(6))
    remotes = remote_siblings(tmp_path, names)
    with GitDaemon(remotes.remote_dir) as d, DelayProxy(d.port, delay=0.1) as proxy:
        argv = _slow_bootstrap(workspace_root, d, proxy.port, names)
        proc = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        sibs = workspace_root.parent
        deadline = time.monotonic() + 60
        try:
            # Kill once one sibling is done and another is half-way (its temp dir exists).
            while time.monotonic() < deadline and proc.poll() is None:
                done = [n for n in names if (sibs / n).exists()]
                if done and temp_dirs(sibs):
                    break
                time.sleep(0.01)
            assert proc.poll() is None, "bootstrap finished before it could be killed"
        finally:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

        present = [n for n in names if (sibs / n).exists()]
        assert 0 < len(present) < len(names)
        for name in present:  # whatever exists is complete
            assert g.head_commit(sibs / name) == remotes.commits[name]
            assert git(sibs / name, "status", "--porcelain") == ""
        # Nothing else was made beside them: only complete siblings and hidden temp dirs.
        made = {p.name for p in sibs.iterdir()} - {"ws", "srv"}
        assert made == set(present) | {p.name for p in temp_dirs(sibs)}

        proc2 = subprocess.run(argv, cwd=REPO_ROOT, capture_output=True, text=True, check=False)
    assert proc2.returncode == ExitCode.OK, proc2.stdout + proc2.stderr
    assert f"{len(names) - len(present)} cloned, {len(present)} present" in proc2.stdout
    for name in names:
        assert g.head_commit(sibs / name) == remotes.commits[name]
    assert temp_dirs(sibs) == []


@pytest.mark.slow
def test_ctrl_c_cleans_up(workspace_root: Path, tmp_path: Path) -> None:
    """SIGINT to the process group (what Ctrl-C does): exit 130, no temp dirs, nothing half-made."""
    names = tuple(f"sib{i}" for i in range(4))
    remotes = remote_siblings(tmp_path, names)
    with GitDaemon(remotes.remote_dir) as d, DelayProxy(d.port, delay=0.1) as proxy:
        argv = _slow_bootstrap(workspace_root, d, proxy.port, names)
        proc = subprocess.Popen(
            argv,
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        sibs = workspace_root.parent
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None and not temp_dirs(sibs):
            time.sleep(0.01)
        assert proc.poll() is None, "bootstrap finished before it could be interrupted"
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == ExitCode.INTERRUPTED, out + err
    assert "interrupted" in err
    assert "Traceback" not in err
    assert temp_dirs(sibs) == []
    for name in names:
        if (sibs / name).exists():
            assert g.head_commit(sibs / name) == remotes.commits[name]


def test_authentication_fails_fast_without_prompt(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An http remote that demands credentials: git must not prompt, the reason says so."""
    import http.server
    import threading

    class NeedsAuth(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="private"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), NeedsAuth)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/private.git"
        cfg = write_config(workspace_root, config_text({"private": url}))
        code, out = run(capsys, "bootstrap", "--config", str(cfg))
    finally:
        server.shutdown()
        server.server_close()
    assert code == ExitCode.FAILED
    assert "private: authentication required or refused" in out
    assert "ssh agent or a credential helper" in out
    assert not (workspace_root.parent / "private").exists()
