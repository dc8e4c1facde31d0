"""The test tools come with the workspace: setup installs pytest (and pytest-xdist where xdist is
on) whatever the siblings' groups say, and test-all refuses to start without pytest instead of
reporting every suite as failed."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.builders import make_workspace
from workspace.cli import main
from workspace.env.uv import find_uv

pytestmark = pytest.mark.slow


def workspace(base: Path, venv: str = ".venv") -> Path:
    """One sibling, lone, whose groups do not name pytest."""
    tests = {"tests/test_it.py": "def test_it():\n    assert True\n"}
    return make_workspace(base, {"lone": {"tests": tests}}, venv=venv)


def test_setup_brings_pytest_and_test_all_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workspace(tmp_path)
    assert main(["setup", "--config", str(config)]) == 0
    assert main(["validate", "--config", str(config)]) == 0
    assert "ok     tests" in capsys.readouterr().out
    assert main(["test-all", "--config", str(config)]) == 0


def test_test_all_refuses_a_venv_without_pytest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bare = tmp_path / "bare"
    subprocess.run([find_uv(), "venv", "--quiet", str(bare)], check=True)
    config = workspace(tmp_path, venv=str(bare))
    assert main(["test-all", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert "error: pytest does not import in the shared venv" in err
    assert "ModuleNotFoundError" in err
    assert not (config.parent / ".wrknv" / "runs").exists()  # no suite was started
    assert main(["test", "--config", str(config), "lone"]) == 2
