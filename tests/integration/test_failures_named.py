"""Failing tests named: a real test-all run of a suite whose two tests fail lists each
exact pytest node id, with the first line of its message, in its text output and in
summary.json (with the file and line it failed at)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.integration.suites import suite_workspace
from workspace.cli import main

TWO_FAIL = {
    "tests/test_two.py": (
        "import pytest\n\n"
        "def test_fine():\n    pass\n\n"
        "@pytest.mark.parametrize('x', [1, 2], ids=['one two', 'ok'])\n"
        "def test_param(x):\n    assert x == 2, 'not two'\n\n"
        "class TestPlain:\n"
        "    def test_broken(self):\n        raise ValueError('bad value')\n"
    )
}
IDS = ("tests/test_two.py::TestPlain::test_broken", "tests/test_two.py::test_param[one two]")


def test_each_failing_test_is_named_in_the_output_and_summary(
    tmp_path: Path, test_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = suite_workspace(tmp_path, test_venv, {"alpha": {"tests": TWO_FAIL}, "beta": {}})
    assert main(["test-all", "--config", str(config), "--jobs", "2"]) == 1
    out = capsys.readouterr().out
    latest = config.parent / ".wrknv/runs/latest"
    assert f"    {IDS[0]}: ValueError: bad value\n" in out
    assert f"    {IDS[1]}: AssertionError: not two\n" in out
    assert "failed: alpha (log: " in out
    sibs = {s["name"]: s for s in json.loads((latest / "summary.json").read_text())["siblings"]}
    assert sibs["alpha"]["failures"] == [
        {
            "test": IDS[0],
            "message": "ValueError: bad value",
            "file": "tests/test_two.py",
            "line": 12,
        },
        {
            "test": IDS[1],
            "message": "AssertionError: not two",
            "file": "tests/test_two.py",
            "line": 8,
        },
    ]
    assert sibs["alpha"]["more_failures"] == 0
    assert sibs["beta"]["failures"] == []
