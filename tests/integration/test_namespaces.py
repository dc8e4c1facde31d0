"""One namespace split across three sibling repositories, as real ecosystems do (acme.core,
acme.testing, acme.cli): setup and validate must be clean for both kinds of namespace package,
pkgutil-style (every repository ships ``acme/__init__.py`` calling ``extend_path``) and native
PEP 420 (no ``acme/__init__.py``), over src and flat layouts, setuptools and hatchling."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import Sibling, make_workspace, pyproject
from workspace.cli import main

pytestmark = pytest.mark.slow

PKGUTIL_INIT = '__path__ = __import__("pkgutil").extend_path(__path__, __name__)\n'
# name, layout, backend, the part of the namespace it owns
SIBLINGS = (
    ("acme-core", "src", "setuptools", "core"),
    ("acme-testing", "flat", "hatchling", "testing"),
    ("acme-cli", "src", "hatchling", "cli"),
)


def namespace_part(name: str, layout: str, backend: str, part: str, style: str) -> Sibling:
    """A sibling that owns acme.<part>, in its layout and backend, pkgutil-style or native."""
    top = "src/acme" if layout == "src" else "acme"
    files = {
        "pyproject.toml": pyproject(name, "1.0.0", backend=backend, groups={"test": ["pytest"]}),
        f"{top}/{part}/__init__.py": f'WHO = "{name}"\n',
        "tests/test_it.py": f"def test_it():\n    from acme.{part} import WHO\n",
    }
    if style == "pkgutil":
        files[f"{top}/__init__.py"] = PKGUTIL_INIT
    if backend == "hatchling":
        files["pyproject.toml"] += f'\n[tool.hatch.build.targets.wheel]\npackages = ["{top}"]\n'
    else:
        where = "src" if layout == "src" else "."
        files["pyproject.toml"] += (
            f'\n[tool.setuptools.packages.find]\nwhere = ["{where}"]\ninclude = ["acme*"]\n'
        )
    return {"package": False, "files": files}


@pytest.fixture(scope="module", params=["pkgutil", "native"])
def workspace(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp(f"ns-{request.param}")
    siblings = {s[0]: namespace_part(*s, request.param) for s in SIBLINGS}
    config = make_workspace(base, siblings, name="acme", test={"xdist": False})
    assert main(["setup", "--config", str(config)]) == 0
    return config


def test_validate_is_clean(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code = main(["validate", "--config", str(workspace), "--json"])
    data = json.loads(capsys.readouterr().out)
    bad = [c for c in data["checks"] if c["status"] != "ok"]
    assert bad == []
    assert code == 0
    imports = {c["name"]: c["detail"] for c in data["checks"] if c["name"].startswith("imports:")}
    for name, _layout, _backend, part in SIBLINGS:
        # The deepest name the sibling owns, not the namespace all three share.
        assert imports[f"imports:{name}"].startswith(f"acme.{part} from ")


def test_each_siblings_tests_import_their_part(workspace: Path) -> None:
    assert main(["test-all", "--config", str(workspace), "--jobs", "2"]) == 0
