"""validate's deps check on a real venv: what the shared venv hides is found, by file and line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.builders import Sibling, make_workspace, pyproject
from workspace.cli import main

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed"),
]

APP = '''\
"""app: each import below is a case."""
from __future__ import annotations
import packaging.version
import core
import json
from typing import TYPE_CHECKING
from . import sub
from app.sub import VALUE
import kit
if TYPE_CHECKING:
    import iniconfig
try:
    import pluggy
except ImportError:
    pluggy = None
'''
APP_TEST = """\
import pytest
import iniconfig
import pluggy
from helpers import HELP
from app import VALUE
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core declares packaging; kit (flat layout) needs core; app declares only kit and its
    dev group pytest and iniconfig, and imports more than that. Nothing but pytest, its own
    dependencies and the build backends comes from the index."""
    core_files = {
        "src/core/__init__.py": "import json\nfrom packaging.version import Version\n",
        "tests/test_core.py": "import pytest\nfrom helpers import HELP\nimport core\n",
        "tests/helpers.py": "HELP = 1\n",
    }
    kit_files = {
        "pyproject.toml": pyproject("kit", dependencies=["core"], backend="hatchling"),
        "kit/__init__.py": "import core\n",
    }
    app_files = {
        "src/app/__init__.py": APP,
        "src/app/sub.py": "VALUE = 1\n",
        "tests/test_app.py": APP_TEST,
        "tests/helpers.py": "HELP = 1\n",
        "setup_helpers.py": "import not_package_code_so_never_checked\n",
    }
    siblings: dict[str, Sibling] = {
        "core": {"dependencies": ["packaging"], "files": core_files},
        "kit": {"package": False, "files": kit_files},
        "app": {
            "dependencies": ["kit"],
            "groups": {"dev": ["pytest", "iniconfig"]},
            "backend": "flit",
            "files": app_files,
        },
    }
    config = make_workspace(tmp_path_factory.mktemp("deps-ws"), siblings, name="deps")
    assert main(["setup", "--config", str(config)]) == 0
    return config


def deps(
    config: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, list[dict[str, str]]]:
    capsys.readouterr()
    code = main(["validate", "--config", str(config), "--json", "--only-check", "deps", *args])
    checks = json.loads(capsys.readouterr().out)["checks"]
    return code, [c for c in checks if c["name"] == "deps"]


def test_the_check_names_each_undeclared_import(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found = deps(built, capsys)
    assert code == 1
    by_status = {(c["status"], c["detail"]) for c in found if c["status"] != "ok"}
    assert by_status == {
        (
            "error",
            "app: src/app/__init__.py:3 imports packaging.version (packaging), which app does "
            "not declare; it is installed only because core needs it",
        ),
        (
            "error",
            "app: src/app/__init__.py:4 imports core (core), which app does not declare; it is "
            "installed only because kit needs it",
        ),
        (
            "warning",
            "app: src/app/__init__.py:11 imports iniconfig (iniconfig), which app does not "
            "declare; it is installed as another distribution's dependency (under "
            "TYPE_CHECKING)",
        ),
        (
            "warning",
            "app: src/app/__init__.py:13 imports pluggy (pluggy), which app does not declare; "
            "it is installed as another distribution's dependency (guarded by except "
            "ImportError)",
        ),
        (
            "error",
            "app: tests/test_app.py:3 imports pluggy (pluggy), which neither app's dependencies "
            "nor its dev/test groups declare; it is installed as another distribution's "
            "dependency",
        ),
    }
    hints = {c["hint"] for c in found if c["status"] == "error"}
    assert "add core to app's [project] dependencies" in hints
    assert "add pluggy to app's dev or test dependency group" in hints


def test_a_selection_still_knows_every_siblings_modules(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, found = deps(built, capsys, "--only", "app")
    assert code == 1
    assert any("imports core (core)" in c["detail"] for c in found)
    code, found = deps(built, capsys, "--only", "core,kit")
    assert code == 0
    assert [c["detail"] for c in found] == ["every import of 2 siblings is declared"]


def test_declaring_them_makes_the_check_pass(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    app = built.parent.parent / "app"
    before = (app / "pyproject.toml").read_text()
    try:
        (app / "pyproject.toml").write_text(
            pyproject(
                "app",
                dependencies=["kit", "core", "packaging"],
                optional={"speed": ["pluggy", "iniconfig"]},
                groups={"dev": ["pytest", "iniconfig"]},
                backend="flit",
            )
        )
        code, found = deps(built, capsys, "--only", "app")
        assert [c["status"] for c in found] == ["ok"]
        assert code == 0
    finally:
        (app / "pyproject.toml").write_text(before)
