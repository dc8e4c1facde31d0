"""report's output: the merged table and the page, each on its own stream."""

from __future__ import annotations

from pathlib import Path

import pytest

from workspace.cli import main
from workspace.runs.results import RunResult, Status, SuiteResult
from workspace.runs.summary import write_run_files


def shard(tmp_path: Path, name: str, *results: SuiteResult) -> Path:
    run_dir = tmp_path / name
    run_dir.mkdir()
    write_run_files(RunResult(name, run_dir, 1, 2.0, results))
    return run_dir


def test_the_page_on_standard_output_is_alone_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    one = shard(tmp_path, "one", SuiteResult("alpha", Status.PASSED, duration=1.0))
    two = shard(tmp_path, "two", SuiteResult("beta", Status.PASSED, duration=2.0))
    out_dir = str(tmp_path / "out")
    assert main(["report", "--output", out_dir, "--markdown", "-", str(one), str(two)]) == 0
    out, err = capsys.readouterr()
    assert out.startswith("## ✅ report (2 shards): 2 suites passed\n")
    assert "merged:" not in out
    assert "merged: " in err
    assert "report (2 shards): 2 suites" in err  # the text table
    # without --markdown - the table and the merged line stay on standard output
    assert main(["report", "--output", out_dir, str(one), str(two)]) == 0
    out, err = capsys.readouterr()
    assert "merged: " in out
    assert "## " not in out


def test_the_page_follows_allow_no_tests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    one = shard(tmp_path, "one", SuiteResult("alpha", Status.PASSED, duration=1.0))
    two = shard(tmp_path, "two", SuiteResult("empty", Status.NO_TESTS, duration=1.0))
    args = ["report", "--output", str(tmp_path / "out"), "--markdown", "-", str(one), str(two)]
    assert main([*args, "--allow-no-tests"]) == 0
    assert capsys.readouterr().out.startswith("## ✅ report (2 shards): 2 suites, none failed\n")
    assert main(args) == 1
    assert capsys.readouterr().out.startswith("## ❌ report (2 shards): 1 of 2 suites did not")
