"""A needed sibling never comes from the package index by accident.

The workspace lists a sibling named ``iniconfig`` that is not checked out, and ``app`` needs
pytest, which needs iniconfig: the resolution would take iniconfig from the index, so setup
refuses, naming it and who needs it, unless ``--from-index iniconfig`` says to; then setup and
validate both say so.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import Sibling, make_workspace
from workspace.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture
def config(tmp_path: Path) -> Path:
    app: Sibling = {"dependencies": ["pytest"]}
    iniconfig: Sibling = {"present": False, "repo": "https://example.invalid/iniconfig.git"}
    return make_workspace(tmp_path, {"app": app, "iniconfig": iniconfig}, test={"xdist": False})


def test_an_indirect_need_is_refused_before_the_venv_is_touched(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["setup", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "iniconfig is needed by pytest" in err
    assert "the resolution takes iniconfig from the package index" in err
    assert "--from-index" in err
    assert not (config.parent / ".venv").exists()


def test_from_index_takes_it_and_says_so(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", "--config", str(config), "--from-index", "IniConfig"]) == 0
    capsys.readouterr()
    assert main(["validate", "--config", str(config), "--json", "--only", "app"]) == 0
    checks = {c["name"]: c for c in json.loads(capsys.readouterr().out)["checks"]}
    assert checks["from-index"]["status"] == "warning"
    assert "iniconfig came from the package index" in checks["from-index"]["detail"]


def test_from_index_names_a_sibling(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", "--config", str(config), "--from-index", "inconfig"]) == 2
    assert "did you mean 'iniconfig'?" in capsys.readouterr().err
