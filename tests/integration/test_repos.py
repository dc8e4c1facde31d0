"""bootstrap, status, update and lock against real repositories in tmp_path."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.netsim import DelayProxy, GitDaemon
from tests.builders import bare_clone, commit_all, git, init_repo, pyproject, write_config
from workspace import load
from workspace.cli import main
from workspace.errors import ExitCode
from workspace.repos import clone
from workspace.repos import git as g
from workspace.repos.lock import LockEntry, read_lock, write_lock

REPO_ROOT = Path(__file__).resolve().parents[2]
NAMES = ("alpha", "beta", "gamma")


class Remotes:
    """Source repositories (to make new commits in) and their bare copies (the remotes)."""

    def __init__(self, base: Path, names: tuple[str, ...] = NAMES) -> None:
        self.base = base
        self.commits: dict[str, str] = {}
        for name in names:
            src = base / "src" / name
            self.commits[name] = init_repo(src, {"README.md": f"{name}\n"})
            bare_clone(src, base / "remotes" / f"{name}.git")

    def bare(self, name: str) -> Path:
        return self.base / "remotes" / f"{name}.git"

    def url(self, name: str) -> str:
        return self.bare(name).as_uri()

    def push_commit(self, name: str, file: str = "new.txt") -> str:
        """A new commit on the remote's main branch."""
        src = self.base / "src" / name
        (src / file).write_text(f"{file} {time.monotonic_ns()}\n")
        sha = commit_all(src, f"add {file}")
        git(src, "push", "-q", str(self.bare(name)), "main")
        self.commits[name] = sha
        return sha


@pytest.fixture
def remotes(tmp_path: Path) -> Remotes:
    return Remotes(tmp_path / "srv")


def config_text(siblings: dict[str, str], extra: dict[str, str] | None = None) -> str:
    lines = ['[workspace]\nname = "ws"\n']
    for name, repo in siblings.items():
        lines.append(f'[[siblings]]\nname = "{name}"\nrepo = "{repo}"\n')
        if extra and name in extra:
            lines.append(extra[name] + "\n")
    return "\n".join(lines)


def make_ws(root: Path, remotes: Remotes, extra: dict[str, str] | None = None) -> Path:
    return write_config(root, config_text({n: remotes.url(n) for n in NAMES}, extra))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def temp_dirs(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if clone.TMP_MARK in p.name]


# --------------------------------------------------------------------------- bootstrap


def test_clone_all_then_rerun_is_noop(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.OK, out
    assert "3 cloned" in out
    for name in NAMES:
        path = workspace_root.parent / name
        assert g.head_commit(path) == remotes.commits[name]
        assert g.status(path).branch == "main"
    before = {n: (workspace_root.parent / n / ".git").stat().st_mtime_ns for n in NAMES}

    code, out = run(capsys, "bootstrap", "--config", str(cfg), "--jobs", "1")
    assert code == ExitCode.OK, out
    assert "3 present" in out
    assert "cloned" not in out
    assert "warning" not in out
    after = {n: (workspace_root.parent / n / ".git").stat().st_mtime_ns for n in NAMES}
    assert before == after
    assert temp_dirs(workspace_root.parent) == []


def test_one_remote_missing_among_several(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.rmtree(remotes.bare("beta"))
    cfg = make_ws(workspace_root, remotes)
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.FAILED, out
    assert "2 cloned, 1 failed" in out
    failed_part = out.split("failed:\n", 1)[1]
    assert failed_part.startswith("  beta: not found\n")
    assert "beta.git" in failed_part  # git's own message, tail kept
    assert "hint:" in failed_part
    assert g.is_checkout(workspace_root.parent / "alpha")
    assert g.is_checkout(workspace_root.parent / "gamma")
    assert not (workspace_root.parent / "beta").exists()
    assert temp_dirs(workspace_root.parent) == []


def test_revision_that_does_not_exist(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes, {"gamma": 'revision = "release-9"'})
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.FAILED
    assert "gamma: revision missing" in out
    assert "'release-9'" in out
    assert not (workspace_root.parent / "gamma").exists()
    assert temp_dirs(workspace_root.parent) == []


def test_revisions_branch_tag_commit(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    first = remotes.commits["alpha"]
    src = remotes.base / "src" / "beta"
    git(src, "tag", "v1")
    git(src, "push", "-q", str(remotes.bare("beta")), "v1")
    git(src, "checkout", "-q", "-b", "dev")
    (src / "dev.txt").write_text("dev\n")
    dev = commit_all(src, "dev")
    git(src, "push", "-q", str(remotes.bare("beta")), "dev")
    remotes.push_commit("alpha")
    cfg = make_ws(
        workspace_root,
        remotes,
        {
            "alpha": f'revision = "{first}"',
            "beta": 'revision = "dev"',
            "gamma": 'revision = "main"',
        },
    )
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.OK, out
    sibs = workspace_root.parent
    assert g.head_commit(sibs / "alpha") == first
    assert g.status(sibs / "alpha").branch is None
    assert g.head_commit(sibs / "beta") == dev
    assert g.status(sibs / "beta").upstream == "origin/dev"
    code, out = run(capsys, "status", "--config", str(cfg), "--exit-code")
    assert code == ExitCode.OK, out


def test_existing_paths_are_left_alone_with_warnings(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    sibs = workspace_root.parent
    (sibs / "alpha").mkdir()
    (sibs / "alpha" / "mine.txt").write_text("keep me\n")
    git(sibs, "clone", "-q", str(remotes.bare("gamma")), str(sibs / "beta"))  # wrong origin
    cfg = make_ws(workspace_root, remotes)
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.OK, out
    assert "1 cloned, 2 present" in out
    assert "alpha: " in out
    assert "not a git checkout" in out
    assert f"beta: origin is {remotes.bare('gamma')}" in out
    assert (sibs / "alpha" / "mine.txt").read_text() == "keep me\n"
    assert sorted(p.name for p in (sibs / "alpha").iterdir()) == ["mine.txt"]


def test_leftover_temp_dir_of_killed_run_is_removed(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    sibs = workspace_root.parent
    stale = sibs / f".alpha{clone.TMP_MARK}999999999-x"
    (stale / ".git").mkdir(parents=True)
    cfg = make_ws(workspace_root, remotes)
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.OK, out
    assert not stale.exists()
    assert g.head_commit(sibs / "alpha") == remotes.commits["alpha"]


def test_symlink_that_escapes_is_refused(
    workspace_root: Path,
    remotes: Remotes,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (workspace_root.parent / "deps").symlink_to(outside, target_is_directory=True)
    text = config_text({"alpha": remotes.url("alpha"), "beta": remotes.url("beta")})
    text = text.replace('name = "alpha"\n', 'name = "alpha"\npath = "../deps/alpha"\n')
    cfg = write_config(workspace_root, text)
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.FAILED, out
    assert "alpha: refused:" in out
    assert "outside" in out
    assert list(outside.iterdir()) == []
    assert g.is_checkout(workspace_root.parent / "beta")


def test_link_mode(
    workspace_root: Path, remotes: Remotes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clones = tmp_path / "clones"
    git(tmp_path, "clone", "-q", str(remotes.bare("alpha")), str(clones / "alpha"))
    (clones / "beta").mkdir()  # not a clone: must not be linked
    cfg = make_ws(workspace_root, remotes)
    code, out = run(capsys, "bootstrap", "--config", str(cfg), "--link-from", str(clones))
    assert code == ExitCode.OK, out
    assert "1 linked" in out
    assert "2 cloned" in out
    alpha = workspace_root.parent / "alpha"
    assert alpha.is_symlink()
    assert alpha.resolve() == (clones / "alpha").resolve()
    assert not (workspace_root.parent / "beta").is_symlink()
    code, out = run(capsys, "status", "--config", str(cfg), "--json")
    data = {s["name"]: s for s in json.loads(out)["siblings"]}
    assert data["alpha"]["presence"] == "linked"
    assert data["beta"]["presence"] == "present"


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["bootstrap", "--locked"], ExitCode.USAGE, "wrknv.lock does not exist"),
        (["bootstrap", "--link-from", "/no/such/dir"], ExitCode.USAGE, "not a directory"),
        (["lock", "--check"], ExitCode.USAGE, "wrknv.lock does not exist"),
        (["bootstrap", "--only", "alpah"], ExitCode.USAGE, "did you mean 'alpha'"),
    ],
)
def test_bad_input(
    workspace_root: Path,
    remotes: Remotes,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    message: str,
) -> None:
    cfg = make_ws(workspace_root, remotes)
    got, out = run(capsys, *argv, "--config", str(cfg))
    assert got == code
    assert message in out
    assert out.startswith("error: ")
    assert not (workspace_root.parent / "alpha").exists()


@pytest.mark.parametrize("jobs", ["0", "-1", "many"])
def test_bad_jobs(workspace_root: Path, remotes: Remotes, jobs: str) -> None:
    cfg = make_ws(workspace_root, remotes)
    with pytest.raises(SystemExit) as info:
        main(["bootstrap", "--config", str(cfg), "--jobs", jobs])
    assert info.value.code == 2


# --------------------------------------------------------------------------- update


def test_update_fast_forwards_and_skips_dirty_and_diverged(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    assert run(capsys, "bootstrap", "--config", str(cfg))[0] == ExitCode.OK
    sibs = workspace_root.parent
    old = dict(remotes.commits)
    new_alpha = remotes.push_commit("alpha")
    remotes.push_commit("beta")
    remotes.push_commit("gamma")
    (sibs / "beta" / "README.md").write_text("local edit\n")  # dirty
    (sibs / "gamma" / "local.txt").write_text("local\n")
    local_gamma = commit_all(sibs / "gamma", "local work")  # diverged

    code, out = run(capsys, "update", "--config", str(cfg))
    assert code == ExitCode.OK, out
    assert "1 updated, 2 skipped" in out
    assert "beta: local changes (1 changed file); 1 upstream commit not merged" in out
    assert "gamma: diverged from origin/main (1 ahead, 1 behind)" in out
    assert g.head_commit(sibs / "alpha") == new_alpha
    assert g.head_commit(sibs / "beta") == old["beta"]
    assert (sibs / "beta" / "README.md").read_text() == "local edit\n"
    assert g.head_commit(sibs / "gamma") == local_gamma

    code, out = run(capsys, "update", "--config", str(cfg), "--only", "alpha")
    assert code == ExitCode.OK
    assert "1 up to date" in out


def test_update_reports_missing_and_failed_fetch(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    assert run(capsys, "bootstrap", "--config", str(cfg), "--only", "alpha,beta")[0] == 0
    shutil.rmtree(remotes.bare("beta"))
    code, out = run(capsys, "update", "--config", str(cfg))
    assert code == ExitCode.FAILED, out
    assert "gamma: missing (run bootstrap)" in out
    assert "beta: not found" in out


# --------------------------------------------------------------------------- lock and status


def test_lock_then_locked_bootstrap(
    workspace_root: Path, remotes: Remotes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    assert run(capsys, "bootstrap", "--config", str(cfg))[0] == ExitCode.OK
    code, out = run(capsys, "lock", "--config", str(cfg))
    assert code == ExitCode.OK, out
    assert "3 new or changed" in out
    locked = read_lock(load(cfg))
    assert locked is not None
    assert {n: e.commit for n, e in locked.items()} == remotes.commits
    assert locked["alpha"] == LockEntry(
        "alpha", str(remotes.bare("alpha").as_uri()), remotes.commits["alpha"]
    )
    assert run(capsys, "lock", "--config", str(cfg), "--check")[0] == ExitCode.OK

    old = dict(remotes.commits)
    remotes.push_commit("alpha")
    remotes.push_commit("gamma")
    # A second workspace elsewhere, from the same config and lock, gets the locked commits.
    other = tmp_path / "elsewhere" / "ws"
    other.mkdir(parents=True)
    shutil.copy(cfg, other / "wrknv.toml")
    shutil.copy(workspace_root / "wrknv.lock", other / "wrknv.lock")
    code, out = run(capsys, "bootstrap", "--config", str(other / "wrknv.toml"), "--locked")
    assert code == ExitCode.OK, out
    for name in NAMES:
        assert g.head_commit(other.parent / name) == old[name]
    assert g.status(other.parent / "beta").branch == "main"  # tip of its branch: on the branch
    assert g.status(other.parent / "alpha").branch is None  # behind the tip: detached

    # The first workspace moves on; --check names the sibling that moved.
    assert run(capsys, "update", "--config", str(cfg), "--only", "alpha")[0] == ExitCode.OK
    code, out = run(capsys, "lock", "--config", str(cfg), "--check")
    assert code == ExitCode.FAILED
    assert "differs  alpha: HEAD" in out
    assert "gamma" not in out.split("lock --check")[0]
    assert "2 of 3 siblings match" in out


def test_locked_bootstrap_of_unlocked_sibling_fails(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    ws = load(cfg)
    write_lock(ws, [LockEntry("alpha", remotes.url("alpha"), remotes.commits["alpha"], None)])
    code, out = run(capsys, "bootstrap", "--config", str(cfg), "--locked")
    assert code == ExitCode.FAILED
    assert "beta: not in wrknv.lock" in out
    assert g.head_commit(workspace_root.parent / "alpha") == remotes.commits["alpha"]


def test_lock_refuses_missing_sibling(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    run(capsys, "bootstrap", "--config", str(cfg), "--skip", "gamma")
    code, out = run(capsys, "lock", "--config", str(cfg))
    assert code == ExitCode.FAILED
    assert "cannot lock  gamma: missing" in out
    assert not (workspace_root / "wrknv.lock").exists()
    # Locking a selection merges into the existing file.
    assert run(capsys, "lock", "--config", str(cfg), "--only", "alpha")[0] == ExitCode.OK
    assert run(capsys, "lock", "--config", str(cfg), "--only", "beta")[0] == ExitCode.OK
    ws = load(cfg)
    assert sorted(read_lock(ws) or {}) == ["alpha", "beta"]


def test_status_json_and_exit_code(
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    assert run(capsys, "bootstrap", "--config", str(cfg), "--skip", "gamma")[0] == 0
    code, out = run(capsys, "status", "--config", str(cfg), "--exit-code")
    assert code == ExitCode.FAILED  # gamma is missing
    assert "gamma  missing" in out
    assert run(capsys, "bootstrap", "--config", str(cfg))[0] == 0
    assert run(capsys, "lock", "--config", str(cfg))[0] == 0
    code, out = run(capsys, "status", "--config", str(cfg), "--exit-code")
    assert code == ExitCode.OK, out
    assert out.count("lock ok") == 3

    sibs = workspace_root.parent
    (sibs / "alpha" / "README.md").write_text("edited\n")
    (sibs / "alpha" / "u1").write_text("")
    (sibs / "alpha" / "u2").write_text("")
    (sibs / "beta" / "x.txt").write_text("x\n")
    beta_head = commit_all(sibs / "beta", "local")
    git(sibs / "gamma", "remote", "set-url", "origin", str(remotes.bare("alpha")))

    code, out = run(capsys, "status", "--config", str(cfg), "--json")
    assert code == ExitCode.OK  # no --exit-code
    data = json.loads(out)
    assert data["drift"] is True
    by = {s["name"]: s for s in data["siblings"]}
    assert (by["alpha"]["changed"], by["alpha"]["untracked"], by["alpha"]["dirty"]) == (1, 2, True)
    assert by["alpha"]["drift"] == []  # dirty is not drift
    assert by["alpha"]["matches_lock"] is True
    assert (by["beta"]["ahead"], by["beta"]["behind"], by["beta"]["head"]) == (1, 0, beta_head)
    assert by["beta"]["matches_lock"] is False
    assert by["beta"]["branch"] == "main"
    assert by["gamma"]["origin_matches"] is False
    assert [d.split()[0] for d in by["gamma"]["drift"]] == ["origin"]

    out_file = workspace_root / "status.json"
    code, _ = run(capsys, "status", "--config", str(cfg), "--json", str(out_file), "--exit-code")
    assert code == ExitCode.FAILED
    assert json.loads(out_file.read_text())["siblings"][0]["name"] == "alpha"


# --------------------------------------------------------------------------- git daemon


@pytest.fixture
def daemon(remotes: Remotes) -> GitDaemon:
    with GitDaemon(remotes.base / "remotes") as d:
        yield d  # type: ignore[misc]


def test_git_daemon_with_local_rewrite(
    workspace_root: Path, remotes: Remotes, daemon: GitDaemon, capsys: pytest.CaptureFixture[str]
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
    workspace_root: Path, remotes: Remotes, capsys: pytest.CaptureFixture[str]
) -> None:
    from bench.netsim import free_port

    cfg = write_config(
        workspace_root, config_text({"alpha": f"git://127.0.0.1:{free_port()}/alpha.git"})
    )
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.FAILED
    assert "alpha: network error" in out


@pytest.mark.slow
def test_kill_in_the_middle_then_rerun(workspace_root: Path, tmp_path: Path) -> None:
    names = tuple(f"sib{i}" for i in range(6))
    remotes = Remotes(tmp_path / "srv", names)
    with GitDaemon(remotes.base / "remotes") as d, DelayProxy(d.port, delay=0.1) as proxy:
        cfg = write_config(
            workspace_root,
            config_text({n: d.url(f"{n}.git", proxy.port) for n in names}),
        )
        argv = [sys.executable, "-m", "workspace", "bootstrap", "--config", str(cfg), "-j", "2"]
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
    remotes = Remotes(tmp_path / "srv", names)
    with GitDaemon(remotes.base / "remotes") as d, DelayProxy(d.port, delay=0.1) as proxy:
        cfg = write_config(
            workspace_root, config_text({n: d.url(f"{n}.git", proxy.port) for n in names})
        )
        argv = [sys.executable, "-m", "workspace", "bootstrap", "--config", str(cfg), "-j", "2"]
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


def test_up_to_clones_needs_found_only_in_fresh_checkouts(
    workspace_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """app needs lib, lib needs base: unknown until app and then lib are cloned."""
    needs = {"app": ["lib"], "lib": ["base"], "base": [], "other": []}
    urls = {}
    for name, deps in needs.items():
        src = tmp_path / "src" / name
        init_repo(src, {"pyproject.toml": pyproject(name, dependencies=deps)})
        urls[name] = bare_clone(src, tmp_path / "remotes" / f"{name}.git").as_uri()
    cfg = write_config(workspace_root, config_text(urls))

    code, out = run(capsys, "bootstrap", "--config", str(cfg), "--up-to", "app")
    assert code == ExitCode.OK, out
    assert "bootstrap: 3 cloned" in out
    present = {p.name for p in workspace_root.parent.iterdir() if p.name in needs}
    assert present == {"app", "lib", "base"}
