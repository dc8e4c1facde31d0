"""wrknv.toml into frozen dataclasses: defaults, finding the config, the root config."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import write_config
from tests.unit.model.samples import GOOD
from workspace.errors import WorkspaceError
from workspace.model import config


def test_a_good_config_gets_every_default(workspace_root: Path) -> None:
    ws = config.load(write_config(workspace_root, GOOD))
    parent = workspace_root.parent
    assert ws.name == "demo"
    assert ws.venv == workspace_root / ".venv"
    assert ws.lock_file == workspace_root / "wrknv.lock"
    assert str(ws.python) == ">=3.9"
    core, cli, docs = ws.siblings
    assert core.repo == "https://github.com/example/core.git"
    assert core.path == parent / "core"
    assert core.dependency_groups is None
    assert core.test == config.TestSettings(args=("-q",), timeout=300.0, xdist=True)
    assert cli.repo == "https://gitlab.example/cli.git"
    assert cli.path == parent / "apps" / "cli"
    assert cli.test == config.TestSettings(args=("-x",), timeout=300.0, xdist=False)
    assert docs.repo == str((workspace_root / "../mirror/docs").resolve())
    assert docs.python_package is False
    assert ws.sibling("cli") is cli


def test_config_is_found_upwards_or_through_the_environment(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(workspace_root, GOOD)
    deep = workspace_root / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert config.find_config() == workspace_root / "wrknv.toml"

    other = tmp_path / "elsewhere" / "custom.toml"
    other.parent.mkdir()
    other.write_text(GOOD)
    monkeypatch.setenv("WRKNV_CONFIG", str(other))
    ws = config.load()
    assert ws.root == other.parent
    assert ws.lock_file == other.parent / "wrknv.lock"

    monkeypatch.setenv("WRKNV_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(WorkspaceError, match="no such file"):
        config.find_config()


def test_no_config_anywhere_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError) as info:
        config.find_config(tmp_path)
    assert "no wrknv.toml" in str(info.value)
    assert "WRKNV_CONFIG" in (info.value.hint or "")


def test_the_root_config_describes_the_provide_io_ecosystem() -> None:
    ws = config.load(Path(__file__).parents[3] / "wrknv.toml")
    assert ws.layers == ("foundation", "framework", "tools")
    assert len(ws.siblings) == 14
    foundation = ws.sibling("provide-foundation")
    assert foundation.repo == "https://github.com/provide-io/provide-foundation.git"
    assert foundation.path == ws.root.parent / "provide-foundation"
    assert {s.layer for s in ws.siblings} == set(ws.layers)
