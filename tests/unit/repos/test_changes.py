"""Which siblings changed since a REF, on real git repositories."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import commit_all, git, init_repo, make_package, write_config
from workspace.errors import SelectionError
from workspace.model.config import Workspace, load
from workspace.model.graph import build
from workspace.repos.changes import Change, changed_since, check_ref, sibling_change


def workspace(tmp_path: Path) -> Workspace:
    """base <- mid <- top, and a separate pair other <- user; every sibling a git repo."""
    root = tmp_path / "ws"
    root.mkdir()
    deps = {"base": [], "mid": ["base"], "top": ["mid"], "other": [], "user": ["other"]}
    lines = ['[workspace]\nname = "w"\n']
    for name, needs in deps.items():
        lines.append(f'[[siblings]]\nname = "{name}"\nrepo = "../{name}"\ndepends_on = {needs!r}\n')
        make_package(tmp_path / name, name)
        (tmp_path / name / ".gitignore").write_text("__pycache__/\n")
        init_repo(tmp_path / name)
        git(tmp_path / name, "tag", "v1")
    write_config(root, "\n".join(lines).replace("'", '"'))
    return load(root / "wrknv.toml")


def test_change_kinds(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    sib = ws.sibling("base")
    assert sibling_change(sib, "v1") == Change("base", True, 0, 0)
    (sib.path / "new.txt").write_text("x")
    assert sibling_change(sib, "v1") == Change("base", True, 0, 1)
    commit_all(sib.path)
    change = sibling_change(sib, "v1")
    assert change == Change("base", True, 1, 0)
    assert change is not None
    assert change.describe("v1") == "changed: 1 commit since v1"
    # REF unknown in this repo: judged by its work tree alone
    assert sibling_change(sib, "no-such-ref") == Change("base", False, 0, 0)


def test_not_a_repository_counts_as_changed(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    sib = ws.sibling("other")
    import shutil

    shutil.rmtree(sib.path / ".git")
    change = sibling_change(sib, "v1")
    assert change is not None
    assert change.changed
    assert "not a git repository" in change.describe("v1")


def test_missing_sibling_has_no_change(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    import shutil

    shutil.rmtree(ws.sibling("user").path)
    assert sibling_change(ws.sibling("user"), "v1") is None


def test_changed_since_adds_dependants_only(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    graph = build(ws)
    assert changed_since(graph, "v1") == {}
    (ws.sibling("mid").path / "edit.txt").write_text("x")
    reasons = changed_since(graph, "v1")
    assert reasons == {
        "mid": "changed: 1 uncommitted or untracked path",
        "top": "dependant of mid",
    }
    # a change below the candidates still pulls in the candidates that depend on it
    limited = changed_since(graph, "v1", [ws.sibling("top"), ws.sibling("user")])
    assert limited == {"top": "dependant of mid"}


@pytest.mark.parametrize("ref", ["", "-x", "--output=/tmp/x", "a\nb", "a\x00"])
def test_unusable_refs_are_rejected(ref: str) -> None:
    with pytest.raises(SelectionError):
        check_ref(ref)


def test_a_ref_that_no_sibling_has_is_an_error(tmp_path: Path) -> None:
    graph = build(workspace(tmp_path))
    with pytest.raises(SelectionError, match="no-such-tag: no sibling has this revision") as info:
        changed_since(graph, "no-such-tag")
    assert info.value.exit_code == 2
    assert "fetch" in str(info.value.hint)


def test_a_ref_that_some_siblings_lack_is_said_per_sibling(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    git(ws.sibling("other").path, "tag", "-d", "v1")
    reasons = changed_since(build(ws), "v1")
    assert reasons == {
        "other": "changed: v1 is not a revision here, so it cannot be compared",
        "user": "dependant of other",
    }
