"""env: the plan, Python requirements, mismatches, fingerprint and lock, without installing."""

from __future__ import annotations

import fcntl
import sys
import types
from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.builders import env_workspace, make_package, write_config
from workspace.env import uv as uv_module
from workspace.env.interpreters import Interpreter, find_python, python_spec
from workspace.env.plan import Plan, bootstrap_command, find_mismatches, make_plan
from workspace.env.uv import find_uv
from workspace.env.venv import LOCK_NAME, fingerprint, read_pyvenv, setup_lock, venv_version
from workspace.errors import EnvError
from workspace.model import config
from workspace.model.graph import build
from workspace.model.project import parse_project


@pytest.fixture
def ws_config(tmp_path: Path) -> Path:
    return env_workspace(tmp_path)


def plan_for(cfg: Path) -> Plan:
    ws = config.load(cfg)
    graph = build(ws)
    return make_plan(graph, [ws.sibling(n) for n in graph.order()])


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


def test_fingerprint_follows_every_input(ws_config: Path) -> None:
    plan = plan_for(ws_config)
    python = Interpreter(Path("/py/bin"), Version("3.11.7"))
    first = fingerprint(plan, python, "uv 0.1", {})
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", {}) == first
    assert fingerprint(plan, python, "uv 0.2", {}) != first
    assert fingerprint(plan, python, "uv 0.1", {"python": "3.12"}) != first
    other = Interpreter(Path("/py/bin"), Version("3.12.1"))
    assert fingerprint(plan, other, "uv 0.1", {}) != first
    kit = ws_config.parent.parent / "kit" / "pyproject.toml"
    kit.write_text(kit.read_text() + "\n")
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", {}) != first
    ws_config.write_text(ws_config.read_text() + "\n")
    (ws_config.parent / "wrknv.lock").write_text("version = 1\n")
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", {}) != first


def test_setup_lock_excludes_a_second_holder(ws_config: Path) -> None:
    ws = config.load(ws_config)
    lock_file = ws.state_dir / LOCK_NAME
    with setup_lock(ws), lock_file.open("a+") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with (ws.state_dir / LOCK_NAME).open("a+") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again


def test_uv_of_the_uv_package_comes_before_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in nox: the uv installed with nox[uv], then PATH (where a pyenv shim may come first)."""
    monkeypatch.setattr(uv_module.shutil, "which", lambda _name: "/on/path/uv")
    monkeypatch.setitem(sys.modules, "uv", types.SimpleNamespace(find_uv_bin=lambda: "/pkg/uv"))
    assert find_uv() == "/pkg/uv"
    monkeypatch.setitem(sys.modules, "uv", None)  # no uv package: PATH
    assert find_uv() == "/on/path/uv"


def test_missing_uv_is_an_error_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(uv_module.shutil, "which", lambda _name: None)
    monkeypatch.setitem(sys.modules, "uv", None)
    with pytest.raises(EnvError) as info:
        find_uv()
    assert "uv is not installed" in info.value.message
    assert "nox[uv]" in (info.value.hint or "")


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("home = /x\nversion_info = 3.11.7\n", "3.11.7"),
        ("home = /x\nversion = 3.9.18\n", "3.9.18"),
        ("home = /x\n", None),
        ("version_info = banana\n", None),
    ],
)
def test_venv_version_from_pyvenv_cfg(tmp_path: Path, text: str, version: str | None) -> None:
    (tmp_path / "pyvenv.cfg").write_text(text)
    assert venv_version(tmp_path) == (Version(version) if version else None)
    assert read_pyvenv(tmp_path).get("home") == ("/x" if "home" in text else None)


def test_venv_version_of_nothing(tmp_path: Path) -> None:
    assert read_pyvenv(tmp_path / "none") == {}
    assert venv_version(tmp_path / "none") is None


def test_find_python_never_picks_an_unsatisfying_interpreter() -> None:
    uv = find_uv()
    with pytest.raises(EnvError) as info:
        find_python(uv, SpecifierSet("<2"))
    assert "never downloaded" in info.value.message
    with pytest.raises(EnvError):
        find_python(uv, SpecifierSet("<2"), sys.executable)
    found = find_python(uv, SpecifierSet(">=3.9"), sys.executable)
    assert found.version == Version(".".join(map(str, sys.version_info[:3])))


def test_editable_line_without_extras(tmp_path: Path) -> None:
    make_package(tmp_path / "solo", "solo")
    root = tmp_path / "ws"
    root.mkdir()
    repo = f"{tmp_path.as_uri()}/solo"
    cfg = write_config(
        root, f'[workspace]\nname = "w"\n[[siblings]]\nname = "solo"\nrepo = "{repo}"\n'
    )
    plan = plan_for(cfg)
    assert plan.requirements_text() == f"-e {tmp_path / 'solo'}\n"
