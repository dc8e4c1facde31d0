"""summary.json, the runs/latest link and the end table."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests.unit.runs.samples import make_run
from workspace.errors import WorkspaceError
from workspace.jsonfields import Fields
from workspace.runs.results import Failure, RunResult, Status, SuiteResult
from workspace.runs.summary import format_table, point_latest, read_run, write_run_files
from workspace.text import display_path


def sibling_data(r: SuiteResult, run_dir: Path) -> dict[str, Any]:
    return r.to_json(run_dir)


def result_from_data(entry: dict[str, Any], run_dir: Path) -> SuiteResult:
    return SuiteResult.from_json(Fields(entry, run_dir / "summary.json"), run_dir)


def test_summary_has_the_documented_shape(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    data = run.to_json()
    assert data["jobs"] == 2
    assert data["wall_seconds"] == 10.0
    assert data["lower_bound_seconds"] == pytest.approx(max(9.0, (4.0 + 18.0) / 2))
    alpha = data["siblings"][0]
    assert alpha == {
        "name": "alpha",
        "status": "failed",
        "returncode": 1,
        "duration_seconds": 4.0,
        "tests": {"passed": 1, "failed": 1, "skipped": 0, "errors": 0},
        "selected_because": "changed: 1 commit since main",
        "log": "alpha.log",
        "junit": "alpha/junit.xml",
        "workers": 1,
        "command": ["python", "-m", "pytest"],
        "reason": None,
        "python": None,
        "files": [],
        "started_seconds": None,
        "file_seconds": {},
        "excluded": False,
        "failures": [],
        "more_failures": 0,
    }
    assert data["siblings"][2]["returncode"] is None
    json.dumps(data)  # serializable


def test_summary_entries_round_trip(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    for r in run.results:
        assert result_from_data(sibling_data(r, run.run_dir), run.run_dir) == r


def test_write_run_files_and_latest_link(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    write_run_files(run, {"workspace": "demo"})
    assert json.loads((run.run_dir / "summary.json").read_text())["workspace"] == "demo"
    assert read_run(run.run_dir) == run
    point_latest(tmp_path / "latest", run.run_dir)
    point_latest(tmp_path / "latest", run.run_dir)  # replacing an existing link works
    assert (tmp_path / "latest").resolve() == run.run_dir.resolve()


def test_table_sorted_by_duration_with_bound_and_ratio(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    text = format_table(run.results, run.wall_seconds, run.jobs)
    rows = [line.split()[0] for line in text.splitlines()[2:5]]
    assert rows == ["beta", "alpha", "gamma"]
    assert "lower bound 11.0s" in text
    assert "ratio 0.91" in text
    assert "timeout: beta: timed out after 9s" in text


def test_a_run_over_several_pythons_has_one_row_per_pair(tmp_path: Path) -> None:
    results = [
        SuiteResult("alpha", Status.PASSED, 0, 2.0, python="3.11"),
        SuiteResult("alpha", Status.PASSED, 0, 3.0, python="3.12"),
        SuiteResult(
            "beta",
            Status.NOT_RUN,
            python="3.11",
            reason="requires-python >=3.12 excludes 3.11",
            excluded=True,
        ),
    ]
    lines = format_table(results, 3.0, 2).splitlines()
    assert lines[0].split()[:3] == ["sibling", "python", "status"]
    assert [line.split()[:3] for line in lines[2:5]] == [
        ["alpha", "3.12", "passed"],
        ["alpha", "3.11", "passed"],
        ["beta", "3.11", "not-run"],
    ]
    assert "  excluded: beta@3.11: requires-python >=3.12 excludes 3.11" in lines  # no failure


def test_one_python_keeps_the_table_as_it_was(tmp_path: Path) -> None:
    text = format_table(make_run(tmp_path).results, 10.0, 2)
    assert text.splitlines()[0].split()[:2] == ["sibling", "status"]


def test_the_exclusion_survives_the_summary(tmp_path: Path) -> None:
    kept = SuiteResult("beta", Status.NOT_RUN, python="3.11", reason="x", excluded=True)
    data = sibling_data(kept, tmp_path)
    assert data["excluded"] is True
    assert data["python"] == "3.11"
    assert result_from_data(data, tmp_path) == kept


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no summary.json"),
        ("{", "not valid JSON"),
        ('{"jobs": 1}', "not a test-all summary"),
        ('{"siblings": [{"name": "a", "status": "great"}]}', "siblings[0]"),
        ('{"siblings": [{"status": "passed"}]}', "siblings[0]"),
    ],
)
def test_read_summary_rejects_what_it_cannot_merge(
    tmp_path: Path, content: str | None, message: str
) -> None:
    if content is not None:
        (tmp_path / "summary.json").write_text(content)
    with pytest.raises(WorkspaceError, match=message.replace("[", r"\[")):
        read_run(tmp_path)


def test_summary_json_records_no_path_outside_its_run_directory(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    elsewhere = SuiteResult(
        "delta", Status.FAILED, log=tmp_path / "old" / "delta.log", logs=(tmp_path / "x.log",)
    )
    entry = elsewhere.to_json(run.run_dir)
    assert (entry["log"], entry["junit"], entry["logs"]) == (None, None, [])
    inside = run.results[0].to_json(run.run_dir)
    assert (inside["log"], inside["junit"]) == ("alpha.log", "alpha/junit.xml")


def test_a_summary_json_that_is_no_regular_file_is_refused_at_once(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    os.mkfifo(run_dir / "summary.json")  # reading it would wait for a writer forever
    with pytest.raises(WorkspaceError, match=r"summary\.json: refused: not a regular file"):
        read_run(run_dir)
    (run_dir / "summary.json").unlink()
    write_run_files(RunResult("r", tmp_path / "other", 1, 1.0, ()))
    (run_dir / "summary.json").symlink_to(tmp_path / "other" / "summary.json")
    with pytest.raises(WorkspaceError, match="refused: it leads outside"):
        read_run(run_dir)


def test_the_table_names_each_failing_test_under_its_suite(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    failures = tuple(Failure(f"t.py::test_p[{i} x]", f"boom {i}") for i in range(12))
    alpha = replace(run.results[0], failures=(Failure("t.py::test_id"), *failures))
    beta = replace(run.results[1], failures=failures[:2], more_failures=3)
    text = format_table([alpha, beta], 10.0, 2)
    log = f"(log: {display_path(tmp_path / 'run' / 'alpha.log')})"
    lines = text.splitlines()
    start = lines.index("  timeout: beta: timed out after 9s")
    assert lines[start + 1 :] == [
        "    t.py::test_p[0 x]: boom 0",
        "    t.py::test_p[1 x]: boom 1",
        "    ... and 3 more",  # the ones summary.json could not keep
        f"  failed: alpha {log}",
        "    t.py::test_id",
        *(f"    t.py::test_p[{i} x]: boom {i}" for i in range(9)),
        "    ... and 3 more",  # 13 failed: 10 shown
    ]
