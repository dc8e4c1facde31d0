"""update, lock and status on real git repositories in tmp_path (file:// remotes)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.builders import Siblings, commit_all, git
from tests.integration.gitrepos import NAMES, make_ws, run
from workspace import load
from workspace.errors import ExitCode
from workspace.repos import git as g
from workspace.repos.lock import LockEntry, read_lock, write_lock


def test_update_fast_forwards_and_skips_dirty_and_diverged(
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
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
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    assert run(capsys, "bootstrap", "--config", str(cfg), "--only", "alpha,beta")[0] == 0
    shutil.rmtree(remotes.bare("beta"))
    code, out = run(capsys, "update", "--config", str(cfg))
    assert code == ExitCode.FAILED, out
    assert "gamma: missing (run bootstrap)" in out
    assert "beta: not found" in out


def test_lock_then_locked_bootstrap(
    workspace_root: Path, remotes: Siblings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
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
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    ws = load(cfg)
    write_lock(ws, [LockEntry("alpha", remotes.url("alpha"), remotes.commits["alpha"], None)])
    code, out = run(capsys, "bootstrap", "--config", str(cfg), "--locked")
    assert code == ExitCode.FAILED
    assert "beta: not in wrknv.lock" in out
    assert g.head_commit(workspace_root.parent / "alpha") == remotes.commits["alpha"]


def test_lock_refuses_missing_sibling(
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
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
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
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
    assert by["gamma"]["drift"] == []  # another origin is a note, not drift
    assert by["gamma"]["notes"] == [
        f"origin is {remotes.bare('alpha')}, wrknv.toml says {remotes.url('gamma')}"
    ]
    assert data["orphans"] == []

    out_file = workspace_root / "status.json"
    code, _ = run(capsys, "status", "--config", str(cfg), "--json", str(out_file), "--exit-code")
    assert code == ExitCode.FAILED
    assert json.loads(out_file.read_text())["siblings"][0]["name"] == "alpha"


def test_status_names_stray_checkouts_and_fails_on_notes_only_when_strict(
    workspace_root: Path, remotes: Siblings, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = make_ws(workspace_root, remotes)
    assert run(capsys, "bootstrap", "--config", str(cfg))[0] == 0
    sibs = workspace_root.parent
    code, out = run(capsys, "status", "--config", str(cfg), "--strict")
    assert code == ExitCode.OK, out
    assert "stray" not in out

    git(sibs, "clone", "-q", str(remotes.bare("alpha")), "extra")  # a checkout nobody named
    (sibs / "extra" / "pyproject.toml").write_text('[project]\nname = "extra-tool"\n')
    (sibs / "not-git").mkdir()  # not a checkout: never listed
    git(sibs / "gamma", "remote", "set-url", "origin", str(remotes.bare("beta")))

    code, out = run(capsys, "status", "--config", str(cfg), "--exit-code")
    assert code == ExitCode.OK, out  # notes and strays are no drift
    assert f"  ~ origin is {remotes.bare('beta')}, wrknv.toml says {remotes.url('gamma')}" in out
    assert f"extra-tool  origin {remotes.bare('alpha')}" in out
    assert "not-git" not in out
    assert out.splitlines()[-1] == (
        "3 siblings: 0 missing, 0 dirty, 0 differ from wrknv.toml, 1 note, 1 stray checkout"
    )
    assert run(capsys, "status", "--config", str(cfg), "--strict")[0] == ExitCode.FAILED
    assert run(capsys, "status", "--config", str(cfg), "--only", "alpha", "--strict")[0] == (
        ExitCode.FAILED  # a stray checkout is the workspace's, whatever the selection
    )

    code, out = run(capsys, "status", "--config", str(cfg), "--json")
    data = json.loads(out)
    assert data["orphans"] == [
        {"path": str(sibs / "extra"), "name": "extra-tool", "origin": str(remotes.bare("alpha"))}
    ]
    assert {s["name"]: s["notes"] != [] for s in data["siblings"]} == {
        "alpha": False,
        "beta": False,
        "gamma": True,
    }

    shutil.rmtree(sibs / "extra")
    git(sibs / "gamma", "remote", "set-url", "origin", str(remotes.bare("gamma")))
    assert run(capsys, "status", "--config", str(cfg), "--strict")[0] == ExitCode.OK
