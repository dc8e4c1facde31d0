"""matrix and report end to end: per-sibling and sharded plans, --changed-since, GITHUB_OUTPUT,
merging two real shard runs, and the shipped workflow's shape (actionlint: test_workflow.py)."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.builders import commit_all
from tests.integration.suites import FAILING, suite_workspace
from workspace.cli import main

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"


@pytest.fixture
def venv(test_venv: Path) -> Path:
    """The suites' venv that every integration test shares (conftest.py)."""
    return test_venv


def plan(capsys: pytest.CaptureFixture[str], config: Path, *args: str) -> dict[str, Any]:
    assert main(["matrix", "--config", str(config), *args]) == 0
    data: dict[str, Any] = json.loads(capsys.readouterr().out)
    return data


def assert_fromjson_shape(data: Any) -> None:
    """What ``strategy.matrix: ${{ fromJSON(...) }}`` accepts: an object whose only key is
    ``include``, a list of flat objects with scalar values."""
    assert isinstance(data, dict)
    assert list(data) == ["include"]
    assert isinstance(data["include"], list)
    for entry in data["include"]:
        assert isinstance(entry, dict)
        assert entry
        for key, value in entry.items():
            assert isinstance(key, str)
            assert isinstance(value, (str, int, float))
            assert not isinstance(value, bool)


def test_per_sibling_matrix(tmp_path: Path, venv: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = suite_workspace(tmp_path, venv, {"alpha": {}, "beta": {"depends_on": ["alpha"]}})
    data = plan(capsys, config)
    assert_fromjson_shape(data)
    assert data["include"] == [
        {"name": n, "layer": "", "session": f"test({n})", "siblings": n, "python": "3.13"}
        for n in ("alpha", "beta")
    ]
    two = plan(capsys, config, "--python", "3.11,3.12", "--only", "beta")
    assert [(e["name"], e["python"]) for e in two["include"]] == [
        ("beta", "3.11"),
        ("beta", "3.12"),
    ]


def test_shards_balance_stored_durations(
    tmp_path: Path, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    durations = {"a": 50.0, "b": 40.0, "c": 30.0, "d": 30.0, "e": 20.0, "f": 10.0}
    config = suite_workspace(tmp_path, venv, {n: {} for n in durations})
    state = config.parent / ".wrknv"
    state.mkdir()
    (state / "durations.json").write_text(
        json.dumps({"siblings": {n: {"seconds": s, "workers": 1} for n, s in durations.items()}})
    )
    assert main(["matrix", "--config", str(config), "--shards", "3"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    err = captured.err
    assert_fromjson_shape(data)
    shards = data["include"]
    assert [e["name"] for e in shards] == ["shard-1-of-3", "shard-2-of-3", "shard-3-of-3"]
    placed = [n for e in shards for n in e["siblings"].split(",")]
    assert sorted(placed) == sorted(durations)
    span = max(e["estimated_seconds"] for e in shards)
    bound = max(*durations.values(), sum(durations.values()) / 3)
    assert span <= 4 / 3 * bound
    assert {e["session"] for e in shards} == {"test-all"}
    assert "estimated makespan" in err


def test_changed_since_narrows_the_matrix_and_github_output_is_written(
    tmp_path: Path,
    venv: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = suite_workspace(
        tmp_path,
        venv,
        {
            "base": {"git": True},
            "app": {"git": True, "depends_on": ["base"]},
            "lone": {"git": True},
        },
    )
    out = tmp_path / "github_output"
    monkeypatch.setenv("GITHUB_OUTPUT", str(out))
    assert plan(capsys, config, "--changed-since", "base") == {"include": []}
    assert out.read_text() == 'matrix={"include":[]}\ncount=0\n'
    (tmp_path / "base" / "CHANGELOG").write_text("x\n")
    commit_all(tmp_path / "base")
    data = plan(capsys, config, "--changed-since", "base")
    assert [e["name"] for e in data["include"]] == ["base", "app"]
    lines = out.read_text().splitlines()
    assert lines[-1] == "count=2"
    assert json.loads(lines[-2].removeprefix("matrix=")) == data


def _shard_run(config: Path, only: str, dest: Path) -> int:
    code = main(["test-all", "--config", str(config), "--only", only])
    shutil.copytree(config.parent / ".wrknv/runs/latest", dest, symlinks=False)
    return code


@pytest.mark.slow
def test_report_merges_two_real_shard_runs(
    tmp_path: Path, venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = suite_workspace(tmp_path, venv, {"alpha": {}, "beta": {"tests": FAILING}, "gamma": {}})
    assert _shard_run(config, "alpha,gamma", tmp_path / "shards/one") == 0
    assert _shard_run(config, "beta", tmp_path / "shards/two") == 1
    capsys.readouterr()
    merged = tmp_path / "merged"
    code = main(
        ["report", "--output", str(merged), *map(str, sorted((tmp_path / "shards").iterdir()))]
    )
    out = capsys.readouterr().out
    assert code == 1
    summary = json.loads((merged / "summary.json").read_text())
    assert {s["name"]: s["status"] for s in summary["siblings"]} == {
        "alpha": "passed",
        "gamma": "passed",
        "beta": "failed",
    }
    assert [s["ok"] for s in summary["shards"]] == [True, False]
    assert summary["jobs"] == sum(s["jobs"] for s in summary["shards"])
    for entry in summary["siblings"]:
        assert (merged / entry["log"]).is_file()
    cases = {
        (c.get("classname"), c.get("name"))
        for c in ET.parse(merged / "junit.xml").getroot().iter("testcase")
    }
    assert ("beta.tests.test_bad", "test_broken") in cases
    assert ("alpha.tests.test_ok", "test_one") in cases
    assert ("gamma.tests.test_ok", "test_two") in cases
    assert set(json.loads((merged / "durations.json").read_text())["siblings"]) == {
        "alpha",
        "beta",
        "gamma",
    }
    assert "report (2 shards)" in out
    assert main(["report", "--output", str(merged), str(tmp_path / "shards/one")]) == 0


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "no summary.json"),
        ("twice", "is given twice"),
    ],
)
def test_report_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, message: str
) -> None:
    run = tmp_path / "run"
    run.mkdir()
    args = [str(run)]
    if setup == "twice":
        (run / "summary.json").write_text('{"jobs": 1, "siblings": []}')
        args = [str(run), str(run)]
    assert main(["report", "--output", str(tmp_path / "out"), *args]) == 2
    assert message in capsys.readouterr().err


# --------------------------------------------------------------------------- the workflow


def test_workflow_has_the_planned_shape() -> None:
    text = WORKFLOW.read_text()
    for needle in (
        "fail-fast: false",
        "fromJSON(needs.plan.outputs.matrix)",
        "nox -s matrix",
        "nox -s report",
        "nox -s test-all",
        'test-all -- --only "$SIBLINGS" --files "$FILES"',  # a shard runs its pieces
        "FILES: ${{ matrix.files }}",
        "enable-cache: true",
        '["3.10", "3.11", "3.12", "3.13"]',
        "upload-artifact",
        "download-artifact",
    ):
        assert needle in text, needle
