"""``test-all``: every selected sibling's suite at once, in a bounded pool, with one summary."""

from __future__ import annotations

import argparse
import sys
import time

from workspace.children import DEFAULT_GRACE
from workspace.ci.markdown import step_summary_of_run
from workspace.commands import Command
from workspace.commands._options import (
    add_changed_since,
    add_jobs_argument,
    add_workspace_arguments,
    load_selected,
    name_broken,
    positive_float,
    pytest_extra,
    warn,
)
from workspace.env.inuse import wait_for_setup
from workspace.errors import ExitCode
from workspace.model.pythons import python_flag
from workspace.model.statedir import SUMMARY
from workspace.runs.progress import choose_handler
from workspace.runs.summary import format_table
from workspace.runs.testall import Request, plan_run, run_plan
from workspace.text import display_path, plural

_SWITCHES = {  # the on/off flags, in the order --help lists them
    "--rerun-failed": "only the siblings that failed, timed out or errored in the last run",
    "--fail-fast": "start nothing new after a suite fails; running suites finish",
    "--no-cache": "run every suite, even those whose inputs match a kept pass (passes are kept)",
    "--allow-no-tests": "a suite that collects no tests does not make the run fail",
}


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
    for flag, text in _SWITCHES.items():
        parser.add_argument(flag, action="store_true", help=text)
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


def _run(args: argparse.Namespace) -> int:
    request = Request(
        changed_since=args.changed_since,
        rerun_failed=args.rerun_failed,
        timeout=args.timeout,
        pytest_args=tuple(pytest_extra(args.pytest_args)),
        files=tuple(args.files or ()),
        pythons=python_flag(args.python),
        jobs=args.jobs,
        fail_fast=args.fail_fast,
        no_cache=args.no_cache,
        grace=args.kill_grace,
    )
    graph, selected = load_selected(args)
    wait_for_setup(graph.workspace, _say)  # never run suites in a venv being built
    plan = plan_run(graph, selected, request, _say, warn)
    if plan is None:
        print(f"test-all: nothing to test: {_why_nothing(args)}")
        return name_broken(graph, selected, ExitCode.OK)
    if plan.cached:
        _say(f"inputs unchanged, not run: {', '.join(plan.cached)}")
    options, to_run = plan.options, plan.to_run
    _say(
        f"{plural(len(to_run), 'suite')}, {plural(options.jobs, 'job')}, logs in "
        f"{display_path(options.run_dir)}"
    )
    extra = {
        "workspace": graph.workspace.name,
        "started": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        **request.options(),
    }
    handler = choose_handler(sys.stdout, len(to_run))
    try:
        run = run_plan(plan, handler, extra)
    finally:
        handler.close()
    print()
    print(format_table(run.results, run.wall_seconds, run.jobs), end="")
    print(f"summary: {display_path(run.run_dir / SUMMARY)}")
    step_summary_of_run(run.run_dir, warn, allow=args.allow_no_tests)
    if run.interrupted:
        print("test-all: interrupted; running suites were stopped", file=sys.stderr)
    return name_broken(graph, selected, run.exit_code(allow_no_tests=args.allow_no_tests))


def _why_nothing(args: argparse.Namespace) -> str:
    if args.changed_since:
        return f"no sibling changed since {args.changed_since}"
    return "nothing failed in the last run" if args.rerun_failed else "no Python sibling selected"


def _say(line: str) -> None:
    print(f"test-all: {line}", flush=True)


COMMANDS = [
    Command(
        "test-all",
        "run the selected siblings' test suites in parallel and summarize them",
        _add_arguments,
        _run,
    )
]
