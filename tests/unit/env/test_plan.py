"""The install plan: siblings, their extras and groups, what is missing, version mismatches."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.version import Version

from tests.builders import make_package, write_config
from tests.unit.env.samples import plan_for
from workspace.cli import main
from workspace.env.plan import bootstrap_command, find_mismatches
from workspace.model import config
from workspace.model.graph import build


def test_plan_installs_python_siblings_and_skips_the_rest(ws_config: Path) -> None:
    plan = plan_for(ws_config)
    assert [s.name for s in plan.install] == ["core", "acme-cty", "kit", "app"]
    assert [s.name for s in plan.skipped] == ["notes"]
    assert plan.missing == ()
    assert plan.mismatches == ()


def test_requirements_name_every_sibling_editable_with_its_extras(ws_config: Path) -> None:
    plan = plan_for(ws_config)
    base = ws_config.parent.parent
    text = plan.requirements_text()
    assert f"-e {base / 'core'}[fast]" in text.splitlines()  # asked by app: core[fast]
    assert f"-e {base / 'app'}" in text.splitlines()
    # The git URL to kit in app's test group becomes the bare name; the override maps it home.
    assert "github" not in text
    assert plan.group_requirements["app"] == ("kit", "pytest")
    assert plan.group_requirements["core"] == ("kit", "pytest")  # the dev-only cycle
    overrides = plan.overrides_text().splitlines()
    assert sorted(overrides) == sorted(
        [f"-e {base / 'core'}[fast]", f"-e {base / 'kit'}", f"-e {base / 'acme-cty'}",
         f"-e {base / 'app'}"]
    )  # fmt: skip


def test_layers_are_bottom_up(ws_config: Path) -> None:
    plan = plan_for(ws_config)
    assert plan.layers == (("base", ("core",)), ("kit", ("acme-cty", "kit")), ("apps", ("app",)))


def test_missing_siblings_and_who_needs_them(ws_config: Path) -> None:
    text = ws_config.read_text().replace('name = "core"\n', 'name = "core"\npath = "../gone"\n')
    ws_config.write_text(text + '\n[[siblings]]\nname = "ghost"\nlayer = "apps"\n')
    plan = plan_for(ws_config)
    assert {s.name for s in plan.missing} == {"core", "ghost"}
    assert set(plan.needed_missing) == {("app", "core"), ("kit", "core")}
    assert bootstrap_command(["kit", "core", "kit"]) == "nox -s bootstrap -- --only core,kit"
    assert plan.why_missing("core") == "is not present"


def test_a_present_sibling_without_pyproject_is_never_taken_from_the_index(
    ws_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """kit and app need core; with core's pyproject.toml gone (a bad checkout), uv would fetch
    a 'core' from the index. setup refuses before anything resolves, naming both."""
    core = ws_config.parent.parent / "core"
    (core / "pyproject.toml").unlink()
    plan = plan_for(ws_config)
    assert set(plan.needed_missing) == {("app", "core"), ("kit", "core")}
    assert plan.why_missing("core").startswith("has no pyproject.toml in ")
    assert main(["setup", "--config", str(ws_config)]) == 1
    err = capsys.readouterr().err
    assert "kit needs core, which has no pyproject.toml in " in err
    assert "would come from the package index (hint: give it a pyproject.toml" in err
    assert not (ws_config.parent / ".venv").exists()  # nothing resolved, nothing made


def test_mismatch_names_both_siblings_and_the_local_version(
    ws_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = ws_config.parent.parent / "kit" / "pyproject.toml"
    kit.write_text(kit.read_text().replace("core>=0.3", "core>=0.4.0"))
    monkeypatch.chdir(ws_config.parent)
    (mismatch,) = plan_for(ws_config).mismatches
    assert str(mismatch) == "kit requires core>=0.4.0 but ../core is 0.3.1"


def test_dynamic_version_is_not_checked_but_said(ws_config: Path) -> None:
    core = ws_config.parent.parent / "core" / "pyproject.toml"
    core.write_text(core.read_text().replace('version = "0.3.1"', 'dynamic = ["version"]'))
    plan = plan_for(ws_config)
    assert plan.mismatches == ()
    assert any("core is dynamic" in note for note in plan.unchecked)
    ws = config.load(ws_config)
    found, unchecked = find_mismatches(build(ws), ["kit"], {"core": Version("0.1")})
    assert [m.target for m in found] == ["core"]
    assert unchecked == []


def test_editable_line_without_extras(tmp_path: Path) -> None:
    make_package(tmp_path / "solo", "solo")
    root = tmp_path / "ws"
    root.mkdir()
    repo = f"{tmp_path.as_uri()}/solo"
    cfg = write_config(
        root, f'[workspace]\nname = "w"\n[[siblings]]\nname = "solo"\nrepo = "{repo}"\n'
    )
    plan = plan_for(cfg)
    # then the test tools its suite needs: pytest, and pytest-xdist as xdist is on by default
    assert plan.requirements_text() == f"-e {tmp_path / 'solo'}\npytest\npytest-xdist\n"


def test_the_test_tools_join_the_one_resolution(tmp_path: Path) -> None:
    """Whatever the siblings' groups say, the venv can run their tests."""
    for name in ("a", "b", "notes"):
        make_package(tmp_path / name, name)
    root = tmp_path / "ws"
    root.mkdir()
    cfg = write_config(
        root,
        '[workspace]\nname = "w"\n[workspace.test]\nxdist = false\n'
        'requirements = ["pytest>=8", "pytest-timeout"]\n'
        '[[siblings]]\nname = "a"\nrepo = "../a"\n'
        '[[siblings]]\nname = "b"\nrepo = "../b"\n'
        'test = { requirements = ["pytest>=8", "hypothesis"], xdist = true }\n'
        '[[siblings]]\nname = "notes"\nrepo = "../notes"\ntest = { enabled = false }\n',
    )
    lines = plan_for(cfg).requirements_text().splitlines()
    assert lines[3:] == ["pytest>=8", "pytest-timeout", "hypothesis", "pytest-xdist"]
