"""``test-all``: every selected sibling's suite at once, in a bounded pool, with one summary."""

from __future__ import annotations

import argparse
import secrets
import sys
import time
from collections.abc import Collection, Mapping
from dataclasses import replace

from workspace.ci.markdown import step_summary_of_run
from workspace.commands import Command
from workspace.commands._options import (
    add_changed_since,
    add_jobs_argument,
    add_workspace_arguments,
    load_selected,
    positive_float,
    pytest_extra,
    warn,
)
from workspace.env.python_envs import PythonEnv
from workspace.errors import ExitCode
from workspace.model.config import Sibling
from workspace.model.graph import Graph
from workspace.model.pythons import python_flag
from workspace.repos.changes import changed_since
from workspace.runs import history
from workspace.runs.cache import Cache, split
from workspace.runs.keys import Inputs
from workspace.runs.per_python import across_pythons, pair_inputs
from workspace.runs.pieces import narrow_to_files, parse_files
from workspace.runs.progress import choose_handler
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
from workspace.runs.summary import format_table, point_latest, write_run_files
from workspace.scheduler import DEFAULT_GRACE
from workspace.text import display_path, plural


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    add_changed_since(parser)
    add_jobs_argument(parser, cores="cores to use: outer suites x xdist workers never exceed N")
    parser.add_argument(
        "--timeout",
        type=positive_float,
        metavar="SECONDS",
        help="per-suite time limit (default: each sibling's test.timeout)",
    )
    parser.add_argument(
        "--rerun-failed",
        action="store_true",
        help="only the siblings that failed, timed out or errored in the last run",
    )
    parser.add_argument(
        "--fail-fast",
        action="store_true",
        help="start nothing new after a suite fails; running suites finish",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="run every suite, even those whose inputs match a kept pass (passes are kept)",
    )
    parser.add_argument(
        "--allow-no-tests",
        action="store_true",
        help="a suite that collects no tests does not make the run fail",
    )
    parser.add_argument(
        "--files",
        action="append",
        metavar="SIBLING:PATH,...",
        help="run only these test files of SIBLING, one piece of a suite that matrix --shards "
        "split (repeatable or comma-separated)",
    )
    parser.add_argument(
        "--python",
        action="append",
        metavar="VERSION",
        help="run every suite on each of these Pythons, repeatable or comma-separated "
        "(default: [workspace] pythons, else the shared venv's)",
    )
    parser.add_argument(
        "--kill-grace",
        type=positive_float,
        default=DEFAULT_GRACE,
        metavar="SECONDS",
        help=f"after SIGTERM, wait this long before SIGKILL (default: {DEFAULT_GRACE:g})",
    )
    parser.add_argument(
        "pytest_args", nargs="*", metavar="-- PYTEST_ARGS", help="passed to every suite's pytest"
    )


def select(
    args: argparse.Namespace,
    graph: Graph,
    selected: list[Sibling],
    rerun: Collection[history.Pair] | None,
) -> dict[str, str]:
    """The siblings to run (name -> why), after --changed-since and, given the pairs that
    did not pass last time (--rerun-failed), only those."""
    reasons = {s.name: "selected" for s in selected}
    if args.changed_since:
        reasons = changed_since(graph, args.changed_since, selected)
    if rerun is not None:
        again = {name for name, _ in rerun}  # on any Python
        reasons = {
            n: ("rerun: " + r if r != "selected" else "rerun: did not pass last time")
            for n, r in reasons.items()
            if n in again
        }
    return reasons


def new_run_id() -> str:
    return time.strftime("%Y%m%d-%H%M%S") + "-" + secrets.token_hex(2)


def _run(args: argparse.Namespace) -> int:
    graph, selected = load_selected(args)
    ws = graph.workspace
    rerun = history.rerun_pairs(ws.state, warn) if args.rerun_failed else None
    reasons = select(args, graph, selected, rerun)
    chosen = [s for s in selected if s.name in reasons]
    extra = pytest_extra(args.pytest_args)
    suites = build_suites(
        ws, chosen, reasons, timeout=args.timeout, extra_args=extra, broken=graph.broken
    )
    suites = narrow_to_files(suites, parse_files(args.files), warn)
    if not suites:
        print(f"test-all: nothing to test: {_why_nothing(args)}")
        return ExitCode.OK
    python, xdist = require_test_runner(ws)
    spread = across_pythons(
        graph, suites, python_flag(args.python), log=_say, warn=warn, rerun=rerun
    )
    suites, xdist = list(spread.suites), xdist or spread.xdist
    present = [s for s in suites if s.skip_reason is None]
    jobs = args.jobs or usable_cores()
    durations = history.load_durations(ws.state, warn=warn)
    unknown = {s.name: s.path for s in suites if s.key not in durations}
    sizes = {n: count_test_files(p) for n, p in unknown.items() if n not in durations}
    suites = order_suites(suites, durations, sizes)
    runs_dir = ws.state.runs
    run_id = new_run_id()
    options = RunOptions(
        python=python,
        venv=ws.venv,
        run_dir=runs_dir / run_id,
        run_id=run_id,
        jobs=jobs,
        fail_fast=args.fail_fast,
        grace=args.kill_grace,
        xdist=bool(present) and jobs > 1 and xdist,
    )
    reused = _reuse(args, graph, suites, spread.envs)
    to_run = [s for s in suites if s.key not in reused[2]]
    handler = choose_handler(sys.stdout, len(to_run))
    started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    print(
        f"test-all: {plural(len(to_run), 'suite')}, {plural(jobs, 'job')}, logs in "
        f"{display_path(options.run_dir)}",
        flush=True,
    )
    run = _merge(Runner(options, handler).run(to_run), suites, reused)
    close = getattr(handler, "close", None)
    if close is not None:
        close()
    history.save_durations(ws.state, run.results)
    write_run_files(run, _extra(args, ws.name, started))
    point_latest(ws.state.latest, run.run_dir)
    print()
    print(format_table(run.results, run.wall_seconds, run.jobs), end="")
    print(f"summary: {display_path(run.run_dir / 'summary.json')}")
    step_summary_of_run(run.run_dir, warn, allow=args.allow_no_tests)
    if run.interrupted:
        print("test-all: interrupted; running suites were stopped", file=sys.stderr)
    return run.exit_code(allow_no_tests=args.allow_no_tests)


def _why_nothing(args: argparse.Namespace) -> str:
    if args.changed_since:
        return f"no sibling changed since {args.changed_since}"
    return "nothing failed in the last run" if args.rerun_failed else "no Python sibling selected"


def _say(line: str) -> None:
    print(f"test-all: {line}", flush=True)


def _reuse(
    args: argparse.Namespace, graph: Graph, suites: list[Suite], envs: Mapping[str, PythonEnv]
) -> tuple[Cache, dict[str, Inputs], dict[str, SuiteResult]]:
    """The cache, every present suite's inputs, and the suites whose inputs have a kept pass
    (none with --no-cache); all by suite key."""
    ws = graph.workspace
    cache = Cache(ws.state, ws.test.cache_size, warn)
    present = [s for s in suites if s.skip_reason is None]
    inputs = pair_inputs(graph, present, envs)
    cached = {} if args.no_cache else split(cache, inputs, (s.key for s in present))
    if cached:
        print(f"test-all: inputs unchanged, not run: {', '.join(cached)}", flush=True)
    return cache, inputs, cached


def _merge(
    run: RunResult,
    suites: list[Suite],
    reused: tuple[Cache, dict[str, Inputs], dict[str, SuiteResult]],
) -> RunResult:
    """The run with the cached suites in their places; every new pass kept."""
    cache, inputs, cached = reused
    ran = {r.key: r for r in run.results}
    results = tuple(
        # a kept pass of the same environment, stored from a run over one Python (python=None)
        # or several ("3.12"): it is reported as this run's suite
        replace(
            cached[s.key],
            selected_because=s.selected_because,
            started=None,
            python=s.python,
            files=s.files,
        )
        if s.key in cached
        else ran[s.key]
        for s in suites
        if s.key in cached or s.key in ran
    )
    for result in results:
        if result.key in inputs:
            cache.put(inputs[result.key], result, run.run_id)
    return replace(run, results=results)


def _extra(args: argparse.Namespace, workspace: str, started: str) -> dict[str, object]:
    return {
        "workspace": workspace,
        "started": started,
        "changed_since": args.changed_since,
        "rerun_failed": args.rerun_failed,
        "fail_fast": args.fail_fast,
        "no_cache": args.no_cache,
    }


COMMANDS = [
    Command(
        "test-all",
        "run the selected siblings' test suites in parallel and summarize them",
        _add_arguments,
        _run,
    )
]
