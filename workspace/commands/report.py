"""``report DIR...``: merge the run directories of several shards into one summary."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from workspace.ci.markdown import append_step_summary, render, write_markdown
from workspace.ci.merge import merge
from workspace.commands import Command
from workspace.commands._options import warn
from workspace.errors import ExitCode
from workspace.fsutil import check_output_dir, check_output_file
from workspace.model.statedir import JUNIT, SUMMARY
from workspace.runs.results import exit_code
from workspace.runs.summary import format_table
from workspace.text import display_path, plural


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dirs", nargs="+", type=Path, metavar="DIR", help="run directories written by test-all"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("wrknv-report"),
        metavar="DIR",
        help="where the merged summary.json, junit.xml and durations.json go "
        "(default: ./wrknv-report)",
    )
    parser.add_argument(
        "--allow-no-tests",
        action="store_true",
        help="a suite that collected no tests does not make the report fail",
    )
    parser.add_argument(
        "--markdown",
        type=Path,
        metavar="FILE",
        help="also write the Markdown page (table, failures' log tails, schedule chart) to "
        "FILE (- for standard output); it goes to $GITHUB_STEP_SUMMARY whenever that is set",
    )


def _run(args: argparse.Namespace) -> int:
    check_output_dir(args.output)  # both before anything is merged or written
    if args.markdown is not None and str(args.markdown) != "-":
        check_output_file(args.markdown)
    run = merge(list(args.dirs), args.output, warn=warn)
    title = f"report ({plural(len(args.dirs), 'shard')})"
    table = format_table(
        run.results, run.wall_seconds, run.jobs, title=title, bound=run.lower_bound
    )
    # With the page on standard output, the table goes to standard error: the page stays whole.
    out = sys.stderr if str(args.markdown) == "-" else sys.stdout
    print(table, end="", file=out)
    merged = f"{display_path(args.output / SUMMARY)}, {display_path(args.output / JUNIT)}"
    print(f"merged: {merged}", file=out)
    page = render(run, title=title, allow_no_tests=args.allow_no_tests)
    if args.markdown is not None:
        write_markdown(args.markdown, page)
    append_step_summary(page)
    if run.interrupted:
        return ExitCode.FAILED
    return exit_code(run.results, allow_no_tests=args.allow_no_tests)


COMMANDS = [
    Command(
        "report",
        "merge the summary.json and junit.xml of several test-all runs (CI shards)",
        _add_arguments,
        _run,
    )
]
