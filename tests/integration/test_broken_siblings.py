"""One broken sibling never blocks the others.

Three siblings, the middle one broken in one of four ways; every verb that works across siblings
finishes the other two, names the broken one, and exits with the status below. ``--skip beta``
leaves it out, and the status is that of the rest (0). A verb that never reads what is broken
(bootstrap and graph do not read a checkout's git objects) has nothing to report.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.builders import Sibling, git, make_workspace
from tests.integration.gitrepos import NAMES
from workspace.cli import main

VERBS = ("status", "update", "lock", "bootstrap", "graph", "matrix", "test-all")
# kind -> the exit status of each verb in VERBS, with beta broken that way
EXPECTED = {
    # a merge conflict left in pyproject.toml: every verb reads it through the graph
    "pyproject": (1, 1, 1, 1, 1, 1, 1),
    # a corrupt index: git cannot say the checkout's state
    "git": (1, 1, 1, 0, 0, 0, 0),
    # a detached HEAD is a state, not a fault: pinned revisions are detached
    "detached": (0, 0, 0, 0, 0, 0, 0),
    # a missing checkout: bootstrap clones it; lock cannot lock it; test-all cannot run it
    "missing": (0, 0, 1, 0, 0, 0, 1),
}


def break_it(kind: str, path: Path) -> None:
    if kind == "pyproject":
        text = (path / "pyproject.toml").read_text(encoding="utf-8")
        (path / "pyproject.toml").write_text(f"<<<<<<< HEAD\n{text}=======\n>>>>>>> other\n")
    elif kind == "git":
        (path / ".git" / "index").write_bytes(b"not an index")
    elif kind == "detached":
        git(path, "checkout", "-q", "--detach", "HEAD")
    else:
        shutil.rmtree(path)


@pytest.fixture
def workspace(tmp_path: Path, test_venv: Path) -> Path:
    """Three packages with a passing test, each checked out from its file:// remote."""
    ok = {"tests/test_ok.py": "def test_ok():\n    assert True\n"}
    siblings: dict[str, Sibling] = {n: {"remote": True, "tests": ok} for n in NAMES}
    return make_workspace(tmp_path, siblings, venv=test_venv, test={"xdist": False})


def run(capsys: pytest.CaptureFixture[str], verb: str, config: Path, *more: str) -> tuple[int, str]:
    capsys.readouterr()
    code = main([verb, "--config", str(config), *more])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_the_others_are_done_and_the_broken_one_is_named(
    workspace: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    break_it(kind, workspace.parent.parent / "beta")
    for verb, expected in zip(VERBS, EXPECTED[kind], strict=True):
        code, text = run(capsys, verb, workspace)
        assert code == expected, f"{verb} with beta broken ({kind}):\n{text}"
        assert "Traceback" not in text
        for other in ("alpha", "gamma"):
            assert other in text, f"{verb} did not report {other} ({kind}):\n{text}"
        if expected:
            assert "beta" in text, f"{verb} did not name beta ({kind}):\n{text}"
        if kind == "missing" and verb == "bootstrap":
            break_it(kind, workspace.parent.parent / "beta")  # bootstrap cloned it again


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_skip_leaves_the_broken_one_out(
    workspace: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    break_it(kind, workspace.parent.parent / "beta")
    for verb in VERBS:
        code, text = run(capsys, verb, workspace, "--skip", "beta")
        assert code == 0, f"{verb} --skip beta ({kind}):\n{text}"
