"""The schedule chart: lanes by interval partitioning, safe task names, the makespan's bar."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workspace.ci.gantt import assign_lanes, bars, gantt, task_name
from workspace.runs.results import PieceResult, RunResult, ShardRun, Status, SuiteResult

# A task line as Mermaid's gantt grammar reads it: text without ':', '#' or ';', then the data.
TASK = re.compile(r"^    [^:#;%\n]+ :(crit, )?(active, )?\d+, \d+$")


def entry(
    name: str, start: float | None, length: float, status: str = "passed", **extra: Any
) -> SuiteResult:
    return SuiteResult(name, Status(status), duration=length, started=start, **extra)


def run(*results: SuiteResult, shards: tuple[str, ...] = ()) -> RunResult:
    """A run of these results; merged from these shard directories when given."""
    merged = tuple(ShardRun(d, None, 1, 0.0, False, True) for d in shards)
    return RunResult("r", Path("."), 1, 0.0, results, shards=merged)


def piece(shard: str, status: str, start: float | None, length: float, *files: str) -> PieceResult:
    return PieceResult(shard, Status(status), start, length, files)


def test_lanes_reuse_the_lowest_free_lane() -> None:
    # a and b overlap; c starts when a ends and takes a's lane; d overlaps b and c.
    spans = [(0.0, 4.0), (0.0, 9.0), (4.0, 6.0), (5.0, 7.0)]
    assert assign_lanes(spans) == [0, 1, 0, 2]
    assert assign_lanes([]) == []
    # A suite of no length is still drawn (one millisecond wide): it gets a lane of its own.
    assert assign_lanes([(0.0, 2.0), (1.0, 1.0)]) == [0, 1]


@given(
    st.lists(
        st.tuples(st.integers(0, 50), st.integers(1, 20)).map(lambda p: (p[0], p[0] + p[1])),
        max_size=30,
    )
)
def test_lanes_never_overlap_and_are_as_few_as_the_peak(spans: list[tuple[int, int]]) -> None:
    floats = [(float(a), float(b)) for a, b in spans]
    lanes = assign_lanes(floats)
    for i, (a, b) in enumerate(floats):
        for j, (c, d) in enumerate(floats):
            if i < j and lanes[i] == lanes[j]:
                assert b <= c or d <= a
    peak = max((sum(1 for a, b in floats if a <= t < b) for t, _ in floats), default=0)
    used = len(set(lanes))
    assert used == max(peak, 1 if floats else 0)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("alpha (3.12)", "alpha (3.12)"),
        ("a:b#c;d%e", "a b c d e"),
        ("two\nlines", "two lines"),
        ("click-me", "· click-me"),
        ("Section-x", "· Section-x"),
        ("2024-01-01 thing", "· 2024-01-01 thing"),
        (":::", "-"),
    ],
)
def test_task_names_cannot_break_the_chart(text: str, expected: str) -> None:
    assert task_name(text) == expected


def test_the_bar_that_sets_the_makespan_is_critical_and_failures_are_active() -> None:
    summary = run(
        entry("short", 0.0, 1.0),
        entry("long", 0.0, 5.0),
        entry("bad", 1.0, 2.0, status="failed"),
        entry("kept", 0.0, 3.0, status="cached"),
        entry("never", None, 0.0, status="not-run"),
    )
    chart, notes = gantt(summary)
    lines = chart.splitlines()
    assert lines[:4] == ["```mermaid", "gantt", "    dateFormat x", "    axisFormat %S.%L"]
    assert lines[-1] == "```"
    tasks = [line for line in lines if line.startswith("    ") and ":" in line[4:]]
    tasks = [t for t in tasks if not t.lstrip().startswith(("dateFormat", "axisFormat"))]
    assert all(TASK.match(t) for t in tasks), tasks
    assert "    long :crit, 0, 5000" in lines
    assert "    bad (failed) :active, 1000, 3000" in lines
    assert "    short :0, 1000" in lines
    assert not any("kept" in line or "never" in line for line in lines)
    assert lines.index("    section lane 1") < lines.index("    section lane 2")
    assert notes == []


def test_a_merged_report_has_lanes_per_shard() -> None:
    # a suite joined from two shards, its pieces' times unknown: no lane can hold it
    untimed = (piece("shards/one", "passed", None, 0.5), piece("shards/two", "passed", None, 0.5))
    summary = run(
        entry("a", 0.0, 2.0, shard="shards/one"),
        entry("b", 0.0, 3.0, shard="shards/one"),
        entry("c", 0.0, 7.0, shard="shards/two", python="3.12"),
        entry("split", 0.0, 1.0, pieces=untimed),
        shards=("shards/one", "shards/two"),
    )
    placed, unplaced = bars(summary)
    assert {(b.label, b.section) for b in placed} == {
        ("a", "shard 1 · lane 1"),
        ("b", "shard 1 · lane 2"),
        ("c (3.12)", "shard 2 · lane 1"),
    }
    assert [b.label for b in placed if b.critical] == ["c (3.12)"]
    assert unplaced == 1
    chart, notes = gantt(summary)
    assert "    section shard 2 · lane 1" in chart
    assert notes == ["Not drawn: 1 suite split over several shards."]


def test_each_piece_of_a_joined_split_suite_is_drawn_on_its_shard() -> None:
    runs = (
        piece("shards/one", "passed", 0.0, 4, "tests/test_a.py"),
        piece("shards/two", "failed", 1.0, 5, "!tests/test_a.py"),  # the rest: all but that file
    )
    joined = entry("big", 0.0, 9.0, pieces=runs)
    summary = run(
        joined, entry("a", 0.0, 2.0, shard="shards/one"), shards=("shards/one", "shards/two")
    )
    placed, unplaced = bars(summary)
    assert unplaced == 0
    assert {(b.label, b.section, b.start, b.end) for b in placed} == {
        ("big [part 1/2]", "shard 1 · lane 2", 0.0, 4.0),
        ("big [part 2/2] (failed)", "shard 2 · lane 1", 1.0, 6.0),
        ("a", "shard 1 · lane 1", 0.0, 2.0),
    }
    assert [b.label for b in placed if b.critical] == ["big [part 2/2] (failed)"]


def test_the_chart_keeps_the_makespan_and_failures_when_capped() -> None:
    siblings = [entry(f"s{i}", 0.0, 1.0 + i / 10) for i in range(5)]
    siblings.append(entry("bad", 0.0, 0.5, status="timeout"))
    chart, notes = gantt(run(*siblings), max_bars=3)
    names = {line.split(" :")[0].strip() for line in chart.splitlines() if " :" in line}
    assert names == {"s4", "s3", "bad (timeout)"}
    assert notes == ["3 of 6 bars left out (the shortest); the chart shows at most 3."]


def test_a_longer_run_has_minutes_on_its_axis() -> None:
    chart, _ = gantt(run(entry("a", 0.0, 4.0), entry("b", 2.0, 12.5)))
    assert "    axisFormat %M:%S\n" in chart
    assert "    b :crit, 2000, 14500\n" in chart


def test_no_chart_when_nothing_ran() -> None:
    assert gantt(run(entry("kept", 0.0, 3.0, status="cached"))) == ("", [])
    assert gantt(run(entry("old", None, 3.0))) == ("", [])
