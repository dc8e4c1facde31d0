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

from tests.builders import init_repo, make_package, write_config
from workspace.cli import main
from workspace.env.setup import index_siblings

pytestmark = pytest.mark.slow


@pytest.fixture
def config(tmp_path: Path) -> Path:
    init_repo(make_package(tmp_path / "app", "app", dependencies=["pytest"]))
    (tmp_path / "ws").mkdir()
    return write_config(
        tmp_path / "ws",
        '[workspace]\nname = "w"\n\n[workspace.test]\nxdist = false\n\n'
        '[[siblings]]\nname = "app"\nrepo = "../app"\n\n'
        '[[siblings]]\nname = "iniconfig"\nrepo = "https://example.invalid/iniconfig.git"\n',
    )


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


def test_the_pins_say_who_needs_what() -> None:
    pins = (
        "-e /src/app\niniconfig==2.3.1\n    # via\n    #   -r requirements.in\n    #   pytest\n"
        "pluggy==1.7.0\n    # via pytest\nFoo.Bar[x] == 1.0 ; python_version > '3'\n"
    )
    assert index_siblings(pins, ["IniConfig", "foo-bar", "absent"]) == {
        "iniconfig": ["pytest"],
        "foo-bar": [],
    }
