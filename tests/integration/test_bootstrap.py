"""bootstrap, status, update and lock against real repositories in tmp_path."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.builders import Siblings, commit_all, git, make_workspace, write_config
from tests.integration.gitrepos import NAMES, config_text, make_ws, run, temp_dirs
from workspace.cli import main
from workspace.errors import ExitCode
from workspace.repos import clone
from workspace.repos import git as g


def test_clone_all_then_rerun_is_noop(
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
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
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
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
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes, {"gamma": {"revision": "release-9"}})
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.FAILED
    assert "gamma: revision missing" in out
    assert "'release-9'" in out
    assert not (workspace_root.parent / "gamma").exists()
    assert temp_dirs(workspace_root.parent) == []


def test_revisions_branch_tag_commit(
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
) -> None:
    first = remotes.commits["alpha"]
    src = remotes.source("beta")
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
        {"alpha": {"revision": first}, "beta": {"revision": "dev"}, "gamma": {"revision": "main"}},
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
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
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
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
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
    remotes: Siblings,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    (workspace_root.parent / "deps").symlink_to(outside, target_is_directory=True)
    repos = {"alpha": remotes.url("alpha"), "beta": remotes.url("beta")}
    cfg = write_config(workspace_root, config_text(repos, {"alpha": {"path": "../deps/alpha"}}))
    code, out = run(capsys, "bootstrap", "--config", str(cfg))
    assert code == ExitCode.FAILED, out
    assert "alpha: refused:" in out
    assert "outside" in out
    assert list(outside.iterdir()) == []
    assert g.is_checkout(workspace_root.parent / "beta")


def test_link_mode(
    workspace_root: Path, remotes: Siblings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
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
    remotes: Siblings,
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
def test_bad_jobs(workspace_root: Path, remotes: Siblings, jobs: str) -> None:
    cfg = make_ws(workspace_root, remotes)
    assert main(["bootstrap", "--config", str(cfg), "--jobs", jobs]) == 2


def test_up_to_clones_needs_found_only_in_fresh_checkouts(
    workspace_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """app needs lib, lib needs base: unknown until app and then lib are cloned."""
    needs = {"app": ["lib"], "lib": ["base"], "base": [], "other": []}
    cfg = make_workspace(
        tmp_path,
        {n: {"dependencies": d, "remote": True, "present": False} for n, d in needs.items()},
    )

    code, out = run(capsys, "bootstrap", "--config", str(cfg), "--up-to", "app")
    assert code == ExitCode.OK, out
    assert "bootstrap: 3 cloned" in out
    present = {p.name for p in workspace_root.parent.iterdir() if p.name in needs}
    assert present == {"app", "lib", "base"}
