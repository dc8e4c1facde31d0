"""test-all's work: a frozen plan (which suites, on which Pythons, in which order, which have
a kept pass), then the run of that plan (the runner, the cache, durations, summary.json and
the ``latest`` link). The verb parses its flags into :class:`Request` and prints; nothing
here prints but through the ``say`` and ``warn`` it is given."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace

from workspace.children import DEFAULT_GRACE
from workspace.model.config import Sibling
from workspace.model.graph import Graph
from workspace.model.statedir import StateDir
from workspace.repos.changes import changed_since
from workspace.runs import history
from workspace.runs.cache import Cache, cache_reasons, split
from workspace.runs.events import Handler
from workspace.runs.keys import Inputs
from workspace.runs.per_python import across_pythons, pair_inputs
from workspace.runs.pieces import narrow_to_files, parse_files
from workspace.runs.results import RunResult, SuiteResult
from workspace.runs.runner import Runner, RunOptions
from workspace.runs.suites import (
    Suite,
    build_suites,
    count_test_files,
    order_suites,
    require_test_runner,
    usable_cores,
)
from workspace.runs.summary import point_latest, write_run_files
from workspace.text import display_path

Say = Callable[[str], None]


@dataclass(frozen=True)
class Request:
    """What test-all was asked for, its flags as data."""

    changed_since: str | None = None
    rerun_failed: bool = False
    timeout: float | None = None
    pytest_args: tuple[str, ...] = ()
    files: tuple[str, ...] = ()  # --files values
    pythons: tuple[str, ...] = ()  # --python values, checked
    jobs: int | None = None  # None: the usable cores
    fail_fast: bool = False
    no_cache: bool = False
    grace: float = DEFAULT_GRACE

    def options(self) -> dict[str, object]:
        """The flags summary.json records."""
        names = ("changed_since", "rerun_failed", "fail_fast", "no_cache")
        return {name: getattr(self, name) for name in names}


@dataclass(frozen=True)
class Plan:
    """Every suite in the order they start, the kept passes among them (by suite key) and each
    present suite's cache inputs; ``to_run`` is what the runner gets."""

    suites: tuple[Suite, ...]
    cached: Mapping[str, SuiteResult]
    inputs: Mapping[str, Inputs]
    options: RunOptions
    cache: Cache
    state: StateDir

    @property
    def to_run(self) -> list[Suite]:
        return [s for s in self.suites if s.key not in self.cached]


def plan_run(
    graph: Graph, selected: list[Sibling], request: Request, say: Say, warn: Say
) -> Plan | None:
    """The plan of this run, or None when nothing is left to test."""
    ws = graph.workspace
    rerun = history.rerun_pairs(ws.state, warn) if request.rerun_failed else None
    reasons = select(graph, selected, request.changed_since, rerun)
    chosen = [s for s in selected if s.name in reasons]
    suites = build_suites(
        ws,
        chosen,
        reasons,
        timeout=request.timeout,
        extra_args=list(request.pytest_args),
        broken=graph.broken,
    )
    suites = narrow_to_files(suites, parse_files(request.files), warn)
    if not suites:
        return None
    python, xdist = require_test_runner(ws)
    spread = across_pythons(graph, suites, request.pythons, log=say, warn=warn, rerun=rerun)
    present = [s for s in spread.suites if s.skip_reason is None]
    durations = history.load_durations(ws.state, warn=warn)
    unknown = {s.name: s.path for s in spread.suites if s.key not in durations}
    sizes = {n: count_test_files(p) for n, p in unknown.items() if n not in durations}
    ordered = order_suites(list(spread.suites), durations, sizes)
    cache = Cache(ws.state, ws.test.cache_size, warn)
    inputs = pair_inputs(graph, present, spread.envs)
    cached = {} if request.no_cache else split(cache, inputs, (s.key for s in present))
    ordered = with_cache_reasons(ordered, cache_reasons(cache, inputs, cached, request.no_cache))
    jobs, run_id = request.jobs or usable_cores(), new_run_id()
    options = RunOptions(
        python=python,
        venv=ws.venv,
        run_dir=ws.state.runs / run_id,
        run_id=run_id,
        jobs=jobs,
        fail_fast=request.fail_fast,
        grace=request.grace,
        xdist=bool(present) and jobs > 1 and (xdist or spread.xdist),
    )
    return Plan(tuple(ordered), cached, inputs, options, cache, ws.state)


def select(
    graph: Graph,
    selected: list[Sibling],
    since: str | None,
    rerun: Collection[history.Pair] | None,
) -> dict[str, str]:
    """The siblings to run (name -> why), after --changed-since and, given the pairs that
    did not pass last time (--rerun-failed), only those."""
    reasons = {s.name: "selected" for s in selected}
    if since:
        reasons = changed_since(graph, since, selected)
    if rerun is not None:
        again = {name for name, _ in rerun}  # on any Python
        reasons = {
            n: ("rerun: " + r if r != "selected" else "rerun: did not pass last time")
            for n, r in reasons.items()
            if n in again
        }
    return reasons


def with_cache_reasons(suites: list[Suite], said: Mapping[str, str]) -> list[Suite]:
    """Each suite's ``why`` with what the cache said of it (by suite key) after a plain
    ``selected``: a reason selection gave (``changed:``, ``rerun:``, ``dependant of``) stays
    as it is."""
    return [
        replace(s, selected_because=f"selected; {said[s.key]}")
        if s.key in said and s.selected_because == "selected"
        else s
        for s in suites
    ]


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


def run_plan(plan: Plan, handler: Handler, extra: Mapping[str, object]) -> RunResult:
    """Run what the plan does not reuse, put the cached suites in their places, and leave the
    run's files: first what a run must never lose (summary.json, JUnit, the ``latest`` link),
    then what only helps later runs (the kept passes, the durations)."""
    ran = Runner(plan.options, handler).run(plan.to_run)
    run = replace(ran, results=_in_place(plan, ran))
    write_run_files(run, extra)
    point_latest(plan.state.latest, run.run_dir)
    _remember(plan, run)
    return run


def _remember(plan: Plan, run: RunResult) -> None:
    """Keep every new pass and the durations. Neither decides the run: a file that cannot be
    written is a warning naming it (never the temporary file beside it)."""
    for result in run.results:
        if result.key in plan.inputs:
            plan.cache.put(plan.inputs[result.key], result, run.run_id)
    try:
        history.save_durations(plan.state, run.results)
    except OSError as exc:
        shown, why = display_path(plan.state.durations), exc.strerror or type(exc).__name__
        plan.cache.warn(
            f"warning: {shown}: cannot record the durations: {why} (hint: the run is not "
            "affected; the next run orders suites without them)"
        )


def _in_place(plan: Plan, ran: RunResult) -> tuple[SuiteResult, ...]:
    """The results in the plan's order, each kept pass reported as this run's suite (it may
    have been stored by a run over one Python, ``python=None``, or several, "3.12"), without
    the log and JUnit file of the run that kept it: a run directory names only its own files."""
    by_key = {r.key: r for r in ran.results}
    out = []
    for s in plan.suites:
        if s.key in plan.cached:
            kept = plan.cached[s.key]
            why = s.selected_because
            out.append(
                replace(
                    kept,
                    selected_because=why,
                    started=None,
                    python=s.python,
                    files=s.files,
                    log=None,
                    junit=None,
                    logs=(),
                )
            )
        elif s.key in by_key:
            out.append(by_key[s.key])
    return tuple(out)
