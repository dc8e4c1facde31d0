"""validate's checks of the venv itself, on stand-in contexts."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from packaging.version import Version

from tests.unit.env.samples import stamp
from workspace.env.checks import CheckStatus
from workspace.env.checks.environment import (
    check_from_index,
    check_setup_current,
    check_tests,
    check_venv,
)
from workspace.env.venv import Flags, write_fingerprint
from workspace.model.config import TestSettings
from workspace.model.statedir import fingerprint_file


def _ctx(tmp_path: Path, installed: set[str], settings: list[TestSettings]) -> object:
    sibs = [SimpleNamespace(name=f"s{i}", test=t) for i, t in enumerate(settings)]
    modules = {"pytest": "pytest", "xdist": "pytest-xdist"}  # module -> its distribution
    tools = {
        m: None if dist in installed else f"ModuleNotFoundError: No module named '{m}'"
        for m, dist in modules.items()
    }
    return SimpleNamespace(python_siblings=sibs, test_tools=tools, site=tmp_path)


@pytest.mark.parametrize(
    ("installed", "settings", "status", "text"),
    [
        ({"pytest", "pytest-xdist"}, [TestSettings()], CheckStatus.OK, "usable"),
        ({"pytest"}, [TestSettings(xdist=False)], CheckStatus.OK, "usable"),
        ({"pytest"}, [TestSettings()], CheckStatus.WARNING, "pytest-xdist does not import"),
        (set(), [TestSettings(xdist=False)], CheckStatus.WARNING, "pytest does not import"),
        ({"pytest"}, [TestSettings(args=("-n", "4"), xdist=False)], CheckStatus.WARNING, "pass -n"),
        ({"pytest"}, [TestSettings(timeout=0.0, xdist=False)], CheckStatus.WARNING, "not positive"),
    ],
)
def test_test_settings(
    tmp_path: Path,
    installed: set[str],
    settings: list[TestSettings],
    status: CheckStatus,
    text: str,
) -> None:
    (result,) = check_tests(_ctx(tmp_path, installed, settings))  # type: ignore[arg-type]
    assert result.status is status
    assert text in result.detail


def _venv_ctx(tmp_path: Path, siblings: tuple[str, ...] = ()) -> Any:
    """A venv made from Python 3.11.7 in ``tmp_path/home`` (no fingerprint yet)."""
    venv, home = tmp_path / ".venv", tmp_path / "home"
    (venv / "bin").mkdir(parents=True)
    home.mkdir()
    (venv / "bin" / "python").write_text("")
    (venv / "pyvenv.cfg").write_text(f"home = {home}\nversion_info = 3.11.7\n")
    sibs = [SimpleNamespace(name=n, path=tmp_path) for n in siblings]
    return SimpleNamespace(workspace=SimpleNamespace(venv=venv), python_siblings=sibs)


def test_the_venv_is_what_its_fingerprint_says(tmp_path: Path) -> None:
    ctx = _venv_ctx(tmp_path)
    (result,) = check_venv(ctx)
    assert result.status is CheckStatus.WARNING
    assert "was not made by setup, or setup did not finish" in result.detail
    write_fingerprint(ctx.workspace.venv, stamp(python_home=tmp_path / "home"))
    (result,) = check_venv(ctx)
    assert result.status is CheckStatus.OK
    write_fingerprint(ctx.workspace.venv, stamp(python_version=Version("3.12.1")))
    (result,) = check_venv(ctx)
    assert result.status is CheckStatus.ERROR
    assert "after setup used Python 3.12.1 (/py/bin)" in result.detail
    write_fingerprint(ctx.workspace.venv, stamp(python_home=Path("/py\0/bin")))
    (result,) = check_venv(ctx)  # a home no path can be: another Python's, never a traceback
    assert result.status is CheckStatus.ERROR


def test_siblings_the_last_setup_left_out_are_said(tmp_path: Path) -> None:
    ctx = _venv_ctx(tmp_path, ("core", "app"))
    write_fingerprint(ctx.workspace.venv, stamp(installed=("core",)))
    (result,) = check_setup_current(ctx)
    assert result.status is CheckStatus.WARNING
    assert result.detail == "not installed by the last setup: app"


def test_siblings_from_the_index_are_said(tmp_path: Path) -> None:
    ctx = _venv_ctx(tmp_path)
    assert check_from_index(ctx) == []
    write_fingerprint(ctx.workspace.venv, stamp(flags=Flags(from_index=("iniconfig", "x"))))
    (result,) = check_from_index(ctx)
    assert result.status is CheckStatus.WARNING
    assert result.detail.startswith("iniconfig, x came from the package index")


@pytest.mark.parametrize(
    "text",
    ['{"installed": 5}', "[]", "{", '{"flags": {"from_index": 3}}'],
)
def test_a_damaged_fingerprint_is_one_warning_never_a_traceback(tmp_path: Path, text: str) -> None:
    """check_venv names the file and what is wrong; the checks that read the fingerprint
    after it leave it to that one line."""
    ctx = _venv_ctx(tmp_path, ("core",))
    fingerprint_file(ctx.workspace.venv).write_text(text)
    (result,) = check_venv(ctx)
    assert result.status is CheckStatus.WARNING
    assert result.detail.startswith(str(fingerprint_file(ctx.workspace.venv)))
    assert "--force" in str(result.hint)
    assert check_setup_current(ctx) == []
    assert check_from_index(ctx) == []
