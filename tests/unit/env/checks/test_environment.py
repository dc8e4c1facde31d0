"""validate's checks of the venv itself, on stand-in contexts."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from workspace.env.checks import CheckStatus
from workspace.env.checks.environment import check_tests
from workspace.model.config import TestSettings


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
