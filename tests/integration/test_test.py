"""The test verb: one sibling's suite in the foreground, in the shared venv."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import Sibling
from tests.integration.suites import FAILING, suite_workspace
from workspace.cli import main


def test_test_verb_runs_one_suite_with_configured_and_extra_args(
    tmp_path: Path, test_venv: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    config = suite_workspace(
        tmp_path, test_venv, {"alpha": {"tests": FAILING, "test": {"args": ["-p", "no:randomly"]}}}
    )
    assert main(["test", "--config", str(config), "alpha"]) == 1
    assert main(["test", "--config", str(config), "alpha", "-k", "fine"]) == 0
    assert main(["test", "--config", str(config), "alpha", "--", "-k", "fine"]) == 0
    out = capfd.readouterr().out
    assert "-p no:randomly -k fine" in out
    assert "1 passed, 1 deselected" in out


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"nope": {}}, "no sibling named 'alpha'"),
        ({"alpha": {"present": False}}, "is not present"),
    ],
)
def test_test_verb_errors(
    tmp_path: Path,
    test_venv: Path,
    capsys: pytest.CaptureFixture[str],
    spec: dict[str, Sibling],
    message: str,
) -> None:
    config = suite_workspace(tmp_path, test_venv, spec)
    assert main(["test", "--config", str(config), "alpha"]) == 2
    assert message in capsys.readouterr().err
