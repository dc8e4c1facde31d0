"""The Python requirement of a workspace and finding an interpreter that meets it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.builders import write_config
from workspace.env.interpreters import find_python, python_spec
from workspace.env.uv import find_uv
from workspace.errors import EnvError
from workspace.model import config
from workspace.model.project import parse_project


def _project(tmp: Path, name: str, requires: str | None) -> object:
    data = {"project": {"name": name, "version": "1"}}
    if requires:
        data["project"]["requires-python"] = requires
    return parse_project(tmp / name / "pyproject.toml", data, name)


@pytest.mark.parametrize(
    ("workspace_python", "siblings", "clash"),
    [
        (None, {"a": ">=3.9", "b": "<4"}, None),
        (">=3.10", {"a": ">=3.9"}, None),
        (">=3.12", {"a": "<3.11"}, "python >=3.12 vs a requires-python <3.11"),
        (None, {"a": ">=3.12", "b": "<3.10", "c": ">=3"}, "a requires-python >=3.12 vs b"),
        (None, {"a": "==3.9.*", "b": "==3.10.*"}, "a requires-python ==3.9.* vs b"),
        # exact, not probed: releases that no round list of patch numbers holds
        (None, {"a": "==3.12.3"}, None),
        (None, {"a": ">=3.11.2,<3.11.5"}, None),
        ("~=3.12.0", {"a": ">=3.12.7"}, None),
        (None, {"a": "<3.11", "b": ">=3"}, None),
        (None, {"a": "==3.12.3", "b": "!=3.12.3"}, "a requires-python ==3.12.3 vs b"),
        (">3.11.2,<3.11.3", {}, "no Python version satisfies"),
    ],
)
def test_python_requirement_intersection(
    workspace_root: Path,
    workspace_python: str | None,
    siblings: dict[str, str],
    clash: str | None,
) -> None:
    line = f'python = "{workspace_python}"\n' if workspace_python else ""
    cfg = write_config(workspace_root, f'[workspace]\nname = "w"\n{line}')
    ws = config.load(cfg)
    projects = {n: _project(workspace_root, n, r) for n, r in siblings.items()}
    if clash is None:
        spec = python_spec(ws, projects)  # type: ignore[arg-type]
        for requirement in siblings.values():
            assert str(SpecifierSet(requirement)) in str(spec) or requirement == "<4"
    else:
        with pytest.raises(EnvError) as info:
            python_spec(ws, projects)  # type: ignore[arg-type]
        assert clash in info.value.message
        assert info.value.hint


def test_find_python_never_picks_an_unsatisfying_interpreter() -> None:
    uv = find_uv()
    with pytest.raises(EnvError) as info:
        find_python(uv, SpecifierSet("<2"))
    assert "never downloaded" in info.value.message
    with pytest.raises(EnvError):
        find_python(uv, SpecifierSet("<2"), sys.executable)
    found = find_python(uv, SpecifierSet(">=3.9"), sys.executable)
    assert found.version == Version(".".join(map(str, sys.version_info[:3])))
