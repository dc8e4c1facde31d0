"""The graph verb: the layers and order as text, and the files it writes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.builders import make_package
from tests.unit.model.samples import make_workspace
from workspace.cli import main
from workspace.model.graph import build

ROOT_CONFIG = Path(__file__).parents[3] / "wrknv.toml"


def test_graph_command_on_the_root_config_prints_the_layers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["graph", "--config", str(ROOT_CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "  foundation: provide-foundation, provide-testkit" in out
    assert (
        "  framework: pyvider, pyvider-components, pyvider-cty, pyvider-hcl, pyvider-rpcplugin"
        in out
    )
    assert "  tools: flavorpack, plating" in out


def test_graph_command_with_present_siblings_selects_dependants(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "provide-workspace"
    root.mkdir()
    shutil.copy(ROOT_CONFIG, root / "wrknv.toml")
    make_package(
        tmp_path / "provide-foundation", "provide-foundation", groups={"dev": ["provide-testkit"]}
    )
    make_package(
        tmp_path / "provide-testkit", "provide-testkit", dependencies=["provide-foundation>=0.1"]
    )
    make_package(tmp_path / "pyvider-cty", "pyvider-cty", dependencies=["provide-foundation"])
    make_package(tmp_path / "pyvider", "pyvider", dependencies=["pyvider-cty", "attrs"])
    make_package(tmp_path / "flavorpack", "flavorpack", dependencies=["click"])
    cfg = str(root / "wrknv.toml")

    assert main(["graph", "--config", cfg]) == 0
    out = capsys.readouterr().out
    assert "  pyvider -> pyvider-cty  [runtime: project.dependencies] (pyvider-cty)" in out
    assert "  provide-foundation -> provide-testkit  [dev: dependency-groups.dev]" in out

    assert main(["graph", "--config", cfg, "--above", "provide-foundation"]) == 0
    out = capsys.readouterr().out
    assert "workspace provide-workspace: 4 of 14 siblings selected" in out
    assert "  foundation: provide-foundation, provide-testkit" in out
    assert "  framework: pyvider-cty, pyvider" in out
    assert "  tools: -" in out


def test_graph_command_writes_files(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    out_json, out_mmd = tmp_path / "g.json", tmp_path / "g.mmd"
    cfg = str(ws.config_file)
    assert main(["graph", "--config", cfg, "--json", str(out_json), "--mermaid", str(out_mmd)]) == 0
    assert json.loads(out_json.read_text())["workspace"] == "t"
    assert out_mmd.read_text() == build(ws).to_mermaid()


@pytest.mark.parametrize("flag", ["--json", "--mermaid"])
def test_an_output_path_that_is_a_directory_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flag: str
) -> None:
    """Exit 2 (bad input, nothing written), not 1 with the OS's own words."""
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["graph", "--config", str(ROOT_CONFIG), flag, str(out_dir)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: {out_dir}: is a directory, and a file is needed here "
        "(hint: name a file in it, or '-' for standard output)\n"
    )
    assert list(out_dir.iterdir()) == []


def test_an_output_path_below_a_file_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "out"
    blocker.write_text("mine\n", encoding="utf-8")
    target = blocker / "sub" / "graph.json"
    assert main(["graph", "--config", str(ROOT_CONFIG), "--json", str(target)]) == 2
    err = capsys.readouterr().err
    assert err == (
        f"error: {target}: {blocker} is a file, and a folder is needed here "
        "(hint: choose another path, or move that file away)\n"
    )
    assert blocker.read_text(encoding="utf-8") == "mine\n"
