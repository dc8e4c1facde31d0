"""One environment per Python: where each lives, which siblings a requires-python excludes,
and the line for a Python the machine lacks."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.builders import make_package, write_config
from workspace.env import pythons, uv
from workspace.env.pythons import exclusions, missing_python, pins_for, venv_for
from workspace.model import config
from workspace.model.graph import Graph, build

CONFIG = """
[workspace]
name = "w"
pythons = ["3.11", "3.12"]

[[siblings]]
name = "core"
repo = "../core"

[[siblings]]
name = "app"
repo = "../app"

[[siblings]]
name = "tool"
repo = "../tool"
"""


@pytest.fixture
def graph(workspace_root: Path) -> Graph:
    base = workspace_root.parent
    make_package(base / "core", "core", requires_python=">=3.12")
    make_package(base / "app", "app", dependencies=["core"])  # needs core: excluded with it
    make_package(base / "tool", "tool", requires_python=">=3.9,<4")
    return build(config.load(write_config(workspace_root, CONFIG)))


def test_requires_python_excludes_a_sibling_and_those_that_need_it(graph: Graph) -> None:
    assert exclusions(graph, "3.11", ["core", "app", "tool"]) == {
        "core": "requires-python >=3.12 excludes 3.11",
        "app": "needs core, whose requires-python >=3.12 excludes 3.11",
    }
    assert exclusions(graph, "3.12", ["core", "app", "tool"]) == {}
    assert exclusions(graph, "3.11", ["tool"]) == {}


def test_a_patch_level_bound_still_allows_its_minor(graph: Graph, workspace_root: Path) -> None:
    make_package(workspace_root.parent / "tool", "tool", requires_python=">=3.11.5")
    rebuilt = build(config.load(workspace_root / "wrknv.toml"))
    assert "tool" not in exclusions(rebuilt, "3.11", ["tool"])
    assert "tool" in exclusions(rebuilt, "3.10", ["tool"])


def test_the_shared_venv_serves_its_own_python_only(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = graph.workspace
    monkeypatch.setattr(pythons, "shared_version", lambda _ws: "3.11")
    assert venv_for(ws, "3.11") == ws.venv
    assert venv_for(ws, "3.12") == ws.root / ".wrknv" / "venvs" / "3.12"
    assert pins_for(ws, "3.11") == ws.root / ".wrknv" / "setup" / "pins.txt"
    assert pins_for(ws, "3.12") == ws.root / ".wrknv" / "setup" / "3.12" / "pins.txt"


def test_a_missing_python_is_one_line_with_a_hint() -> None:
    line, hint = missing_python("3.99")
    assert line == "Python 3.99 is not installed; its suites are not run"
    assert "pyenv install 3.99" in hint
    assert "UV_PYTHON_DOWNLOADS=automatic" in hint


def _record_uv(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], str | None]]:
    """uv calls as (arguments, their UV_PYTHON_DOWNLOADS); an install "works", yet no find
    finds the Python."""
    calls: list[tuple[list[str], str | None]] = []

    def run(argv: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((argv[1:], kwargs["env"].get("UV_PYTHON_DOWNLOADS")))
        return subprocess.CompletedProcess(argv, 0 if "install" in argv else 2, "", "")

    monkeypatch.setattr(subprocess, "run", run)
    monkeypatch.setattr(pythons, "pyenv_pythons", lambda: [])
    return calls


def test_uv_may_fetch_a_missing_python_only_when_the_user_lets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one ``uv python install`` call carries the user's UV_PYTHON_DOWNLOADS=automatic;
    every other uv call (and every call without the setting) says never."""
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "automatic")
    calls = _record_uv(monkeypatch)
    assert pythons.find_minor("uv", "3.99") is None
    assert calls == [
        (["python", "find", "--no-python-downloads", "--", "3.99"], "never"),
        (["python", "install", "--", "3.99"], "automatic"),
        (["python", "find", "--no-python-downloads", "--", "3.99"], "never"),
    ]
    assert uv.uv_env()["UV_PYTHON_DOWNLOADS"] == "never"
    monkeypatch.delenv("UV_PYTHON_DOWNLOADS")
    calls.clear()
    assert pythons.find_minor("uv", "3.99") is None
    assert [argv[1] for argv, _ in calls] == ["find"]
    assert uv.uv_env(downloads=True)["UV_PYTHON_DOWNLOADS"] == "never"
