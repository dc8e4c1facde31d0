"""One environment per Python: where each lives, which siblings a requires-python excludes,
and the line for a Python the machine lacks."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from packaging.version import Version

from tests.builders import make_package, write_config
from tests.unit.env.samples import stamp
from workspace.env import python_envs, uv
from workspace.env.interpreters import Interpreter
from workspace.env.python_envs import exclusions, missing_python, pins_for, venv_for
from workspace.env.setup import Options
from workspace.env.uv import ResolutionError
from workspace.env.venv import Flags, write_fingerprint
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
    monkeypatch.setattr(python_envs, "shared_version", lambda _ws: "3.11")
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

    def run(argv: list[str], what: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        calls.append((argv[1:], kwargs["env"].get("UV_PYTHON_DOWNLOADS")))
        return subprocess.CompletedProcess(argv, 0 if "install" in argv else 2, "", "")

    monkeypatch.setattr(uv, "run_child", run)  # every uv call goes through it
    monkeypatch.setattr(python_envs, "pyenv_pythons", lambda: [])
    return calls


def test_uv_may_fetch_a_missing_python_only_when_the_user_lets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The one ``uv python install`` call carries the user's UV_PYTHON_DOWNLOADS=automatic;
    every other uv call (and every call without the setting) says never."""
    monkeypatch.setenv("UV_PYTHON_DOWNLOADS", "automatic")
    calls = _record_uv(monkeypatch)
    assert python_envs.find_minor("uv", "3.99") is None
    assert calls == [
        (["python", "find", "--no-python-downloads", "--", "3.99"], "never"),
        (["python", "install", "--", "3.99"], "automatic"),
        (["python", "find", "--no-python-downloads", "--", "3.99"], "never"),
    ]
    assert uv.uv_env()["UV_PYTHON_DOWNLOADS"] == "never"
    monkeypatch.delenv("UV_PYTHON_DOWNLOADS")
    calls.clear()
    assert python_envs.find_minor("uv", "3.99") is None
    assert [argv[1] for argv, _ in calls] == ["find"]
    assert uv.uv_env(downloads=True)["UV_PYTHON_DOWNLOADS"] == "never"


def _setup_records(
    monkeypatch: pytest.MonkeyPatch, graph: Graph, fails: ResolutionError | None = None
) -> list[Options]:
    """Every Options that ensure_env hands setup (which does nothing, or raises ``fails``),
    with Python 3.12 found, and the shared venv of another Python."""
    seen: list[Options] = []

    def fake_setup(plan: Any, options: Options, log: Any) -> Any:
        seen.append(options)
        if fails is not None:
            raise fails
        return SimpleNamespace(changed=False)

    interpreter = Interpreter(Path("/opt/py312/bin/python3.12"), Version("3.12.1"))
    monkeypatch.setattr(python_envs, "shared_version", lambda _ws: "3.11")
    monkeypatch.setattr(python_envs, "find_minor", lambda _uv, _v: interpreter)
    monkeypatch.setattr(python_envs, "find_uv", lambda: "uv")
    monkeypatch.setattr(python_envs, "setup", fake_setup)
    monkeypatch.setattr(python_envs, "_has_xdist", lambda _venv: False)
    return seen


def test_another_pythons_environment_is_built_with_setups_options(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """setup --all-pythons --force forces it and --from-index carries over; test-all (no
    options) takes the siblings allowed from the index from the shared venv's fingerprint."""
    seen = _setup_records(monkeypatch, graph)
    ws = graph.workspace
    given = Options(force=True, layered=True, from_index=("core",))
    assert python_envs.ensure_env(graph, "3.12", [], print, given).problem is None
    assert seen[-1] == replace(
        given, python="/opt/py312/bin/python3.12", pins=ws.state_dir / "setup" / "3.12" / "pins.txt"
    )
    ws.venv.mkdir(parents=True)
    write_fingerprint(ws.venv, stamp(flags=Flags(from_index=("tool",))))
    python_envs.ensure_env(graph, "3.12", [], print)
    assert seen[-1].from_index == ("tool",)
    assert not seen[-1].force
    (ws.venv / ".wrknv-fingerprint.json").write_text('{"flags": {"from_index": 5}}')
    python_envs.ensure_env(graph, "3.12", [], print)  # damaged: as if setup had not run
    assert not seen[-1].from_index


def test_uvs_explanation_of_a_failed_build_is_kept(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    failure = ResolutionError("uv pip compile failed", "  x No solution found: core>=9")
    _setup_records(monkeypatch, graph, failure)
    env = python_envs.ensure_env(graph, "3.12", [], print)
    assert env.output == "  x No solution found: core>=9"
    assert env.error_line() == (
        "error: the environment for Python 3.12 was not built: uv pip compile failed (hint: "
        "uv's output is above; fix that requirement, or drop 3.12)"
    )


def test_an_environment_in_use_by_another_run_is_never_rebuilt(
    graph: Graph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """test-all uses it as it is, with one line; setup --all-pythons reports it."""
    seen = _setup_records(monkeypatch, graph)
    venv = graph.workspace.state_dir / "venvs" / "3.12"
    venv.mkdir(parents=True)
    (venv / "pyvenv.cfg").write_text("version_info = 3.12.1\n")
    monkeypatch.setattr(python_envs, "claim", lambda _lock: False)
    said: list[str] = []
    env = python_envs.ensure_env(graph, "3.12", [], said.append)
    assert env.problem is None
    assert env.venv == venv
    (line,) = said
    assert line.endswith(
        ".wrknv/venvs/3.12 is in use by another run: its suites run in it as it is, not refreshed"
    )
    refused = python_envs.ensure_env(graph, "3.12", [], said.append, Options(), use_busy=False)
    assert refused.error_line().endswith(
        ".wrknv/venvs/3.12 is in use by another run; the environment for Python 3.12 "
        "was not rebuilt (hint: run again when that run has finished)"
    )
    assert seen == []  # setup never ran
