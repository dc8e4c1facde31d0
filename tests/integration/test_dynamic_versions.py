"""Version skew when a sibling's version is dynamic (here hatchling reads it from its code, as
setuptools-scm or a VERSION file would give it): setup cannot read it before the install, so
after the one install it reads the installed version and reports the skew as for static ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import make_workspace, pyproject
from workspace.cli import main

pytestmark = pytest.mark.slow


def workspace(base: Path, core_version: str) -> Path:
    """core's version is dynamic (hatchling reads it from its code); kit needs core>=2."""
    core = pyproject("core", backend="hatchling").replace('version = "0.1.0"\n', "")
    core = core.replace("[project]\n", '[project]\ndynamic = ["version"]\n')
    core += '\n[tool.hatch.version]\npath = "src/core/__init__.py"\n'
    files = {"pyproject.toml": core, "src/core/__init__.py": f'__version__ = "{core_version}"\n'}
    return make_workspace(
        base,
        {
            "core": {"package": False, "files": files},
            "kit": {"dependencies": ["core>=2"], "backend": "hatchling"},
        },
    )


def test_skew_of_a_dynamic_version_is_reported_after_the_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workspace(tmp_path, "1.5.0")
    assert main(["setup", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert "note: kit requires core>=2: the version of core is dynamic" in err
    assert "version mismatch: kit requires core>=2 but " in err
    assert "/core is 1.5.0" in err
    assert "1 sibling version constraint not met by the installed versions" in err
    # The same report on a rerun that has nothing to install, and --allow-mismatch goes on.
    assert main(["setup", "--config", str(config)]) == 1
    assert "version mismatch: kit requires core>=2" in capsys.readouterr().err
    assert main(["setup", "--config", str(config), "--allow-mismatch"]) == 0


def test_a_dynamic_version_that_fits_is_ready(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = workspace(tmp_path, "2.1.0")
    assert main(["setup", "--config", str(config)]) == 0
    assert "version mismatch" not in capsys.readouterr().err
