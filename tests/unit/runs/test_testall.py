"""test-all's plan and the run of it (runs/testall.py); a real plan over real suites is in
tests/integration/test_test_all.py."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

from tests.unit.model.samples import SIBLINGS, make_workspace
from workspace.model.graph import build
from workspace.model.statedir import StateDir
from workspace.runs import history
from workspace.runs.cache import Cache
from workspace.runs.results import Status, SuiteResult
from workspace.runs.runner import RunOptions
from workspace.runs.suites import Suite
from workspace.runs.summary import read_run
from workspace.runs.testall import Plan, Request, run_plan, select, with_cache_reasons


def test_a_plan_of_kept_passes_starts_nothing_and_reports_each_as_this_runs_suite(
    tmp_path: Path,
) -> None:
    state = StateDir(tmp_path / ".wrknv")
    kept = SuiteResult("alpha", Status.CACHED, duration=3.0, reason="inputs unchanged", started=1.0)
    suite = Suite("alpha", tmp_path, selected_because="changed: x", python="3.12", files=("t.py",))
    options = RunOptions(Path(sys.executable), tmp_path / "venv", state.runs / "r1", "r1", 2)
    plan = Plan((suite,), {suite.key: kept}, {}, options, Cache(state, 10, print), state)
    assert plan.to_run == []

    run = run_plan(plan, lambda event: None, {"workspace": "ws", **Request().options()})

    as_this_run = replace(
        kept, selected_because="changed: x", started=None, python="3.12", files=("t.py",)
    )
    assert run.results == (as_this_run,)
    assert read_run(state.latest).results == (as_this_run,)
    assert history.load_durations(state) == {}  # a kept pass took no time in this run


def test_select_narrows_to_what_did_not_pass_last_time_on_any_python(tmp_path: Path) -> None:
    graph = build(make_workspace(tmp_path, SIBLINGS))
    selected = graph.workspace.siblings[:3]
    names = [s.name for s in selected]
    assert select(graph, list(selected), None, None) == dict.fromkeys(names, "selected")
    again = select(graph, list(selected), None, {(names[1], "3.12")})
    assert again == {names[1]: "rerun: did not pass last time"}
    assert select(graph, list(selected), None, set()) == {}


def test_the_summary_records_the_flags_of_the_request() -> None:
    request = Request(changed_since="main", rerun_failed=True, fail_fast=True, no_cache=True)
    assert request.options() == {
        "changed_since": "main",
        "rerun_failed": True,
        "fail_fast": True,
        "no_cache": True,
    }


def test_a_kept_pass_names_no_file_of_the_run_that_kept_it(tmp_path: Path) -> None:
    state = StateDir(tmp_path / ".wrknv")
    old = state.runs / "r0"
    (old / "alpha").mkdir(parents=True)
    (old / "alpha.log").write_text("the old run's log\n")
    (old / "alpha" / "junit.xml").write_text("<testsuite/>\n")
    kept = SuiteResult(
        "alpha", Status.CACHED, log=old / "alpha.log", junit=old / "alpha" / "junit.xml"
    )
    suite = Suite("alpha", tmp_path, selected_because="selected")
    options = RunOptions(Path(sys.executable), tmp_path / "venv", state.runs / "r1", "r1", 2)
    plan = Plan((suite,), {suite.key: kept}, {}, options, Cache(state, 10, print), state)

    run = run_plan(plan, lambda event: None, {})

    assert (run.results[0].log, run.results[0].junit) == (None, None)
    entry = json.loads((state.runs / "r1" / "summary.json").read_text())["siblings"][0]
    assert (entry["log"], entry["junit"]) == (None, None)
    assert "r0" not in (state.runs / "r1" / "junit.xml").read_text()


def test_the_cache_reason_follows_a_plain_selected_and_never_replaces_selections(
    tmp_path: Path,
) -> None:
    suites = [
        Suite("alpha", tmp_path),
        Suite("beta", tmp_path, selected_because="dependant of alpha"),
        Suite("gamma", tmp_path, selected_because="rerun: did not pass last time"),
        Suite("delta", tmp_path),  # never cached: the cache says nothing of it
    ]
    said = {s.key: "new" for s in suites[:3]}
    whys = [s.selected_because for s in with_cache_reasons(suites, said)]
    assert whys == [
        "selected; new",
        "dependant of alpha",
        "rerun: did not pass last time",
        "selected",
    ]
