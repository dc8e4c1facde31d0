"""``validate``: prove the shared environment is what setup promises, check by check."""

from __future__ import annotations

import argparse
import json
import sys

from workspace.commands import Command
from workspace.commands._options import add_workspace_arguments
from workspace.env.checks import CheckResult, CheckStatus, error
from workspace.env.inuse import wait_for_setup
from workspace.env.validate import (
    Context,
    choose_checks,
    config_result,
    failed,
    run_checks,
    summarize,
)
from workspace.errors import ConfigError, ExitCode
from workspace.model import config
from workspace.model.graph import build
from workspace.model.selection import Selection
from workspace.text import plural

_MARK = {CheckStatus.OK: "ok", CheckStatus.WARNING: "WARN", CheckStatus.ERROR: "ERROR"}


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--strict", action="store_true", help="warnings fail too (exit 1)")
    parser.add_argument(
        "--only-check",
        action="append",
        default=[],
        metavar="NAME",
        help="run only this check (repeatable), e.g. --only-check deps",
    )


def collect(args: argparse.Namespace) -> list[CheckResult]:
    """Load what can be loaded and run every check; a broken config is itself a result."""
    checks = choose_checks(args.only_check)
    try:
        ws = config.load(args.config)
        graph = build(ws)
    except ConfigError as exc:
        return [
            error("config", line, "fix the file named on the line")
            for line in str(exc).splitlines()
        ]
    selected = Selection.from_args(args).apply(graph, lenient=True)
    wait_for_setup(ws, _say)  # check the venv setup finished, not one it is building
    return [config_result(ws), *run_checks(Context(graph, selected), checks)]


def _say(line: str) -> None:
    print(f"validate: {line}", file=sys.stderr, flush=True)  # stdout may be --json


def format_table(results: list[CheckResult]) -> str:
    width = max((len(r.name) for r in results), default=5)
    lines = []
    for r in results:
        lines.append(f"{_MARK[r.status]:<6} {r.name:<{width}}  {r.detail}")
        if r.hint and r.status is not CheckStatus.OK:
            lines.append(f"{'':<6} {'':<{width}}  hint: {r.hint}")
    return "\n".join(lines) + "\n"


def format_summary(results: list[CheckResult], strict: bool) -> str:
    counts = summarize(results)
    verdict = "FAILED" if failed(results, strict) else "passed"
    return (
        f"validate {verdict}: {counts[CheckStatus.OK]} ok, "
        f"{plural(counts[CheckStatus.WARNING], 'warning')}, "
        f"{plural(counts[CheckStatus.ERROR], 'error')}"
        + (" (--strict: warnings fail)" if strict else "")
    )


def _run(args: argparse.Namespace) -> int:
    results = collect(args)
    bad = failed(results, args.strict)
    if args.json:
        data = {
            "ok": not bad,
            "strict": args.strict,
            "summary": {status.value: n for status, n in summarize(results).items()},
            "checks": [r.to_dict() for r in results],
        }
        print(json.dumps(data, indent=2))
    else:
        print(format_table(results), end="")
        print(format_summary(results, args.strict))
    return ExitCode.FAILED if bad else ExitCode.OK


COMMANDS = [
    Command(
        "validate",
        "check the shared venv: Python, editables, imports, versions, layers, lock, tests, deps",
        _add_arguments,
        _run,
    )
]
