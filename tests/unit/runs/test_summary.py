"""summary.json, the runs/latest link and the end table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.runs.samples import make_run
from workspace.errors import WorkspaceError
from workspace.runs.summary import (
    format_table,
    point_latest,
    read_summary,
    result_from_data,
    sibling_data,
    summary_data,
    write_run_files,
)


def test_summary_has_the_documented_shape(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    data = summary_data(run)
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
    assert read_summary(run.run_dir)["workspace"] == "demo"
    point_latest(tmp_path, run.run_dir)
    point_latest(tmp_path, run.run_dir)  # replacing an existing link works
    assert (tmp_path / "latest").resolve() == run.run_dir.resolve()


def test_table_sorted_by_duration_with_bound_and_ratio(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    text = format_table(run.results, run.wall_seconds, run.jobs)
    rows = [line.split()[0] for line in text.splitlines()[2:5]]
    assert rows == ["beta", "alpha", "gamma"]
    assert "lower bound 11.0s" in text
    assert "ratio 0.91" in text
    assert "timeout: beta: timed out after 9s" in text


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
        read_summary(tmp_path)
