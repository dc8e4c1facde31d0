"""``matrix``: JSON for a CI job matrix, per sibling or in balanced shards."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from workspace.ci import matrix
from workspace.ci.shards import plan
from workspace.commands import Command
from workspace.commands._options import (
    add_changed_since,
    add_workspace_arguments,
    load_selected,
    name_broken,
    positive_int,
    warn,
)
from workspace.errors import ExitCode
from workspace.fsutil import write_output
from workspace.model.pythons import python_flag
from workspace.repos.changes import changed_since
from workspace.runs import history


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    add_changed_since(parser)
    parser.add_argument(
        "--shards",
        type=positive_int,
        metavar="K",
        help="pack the siblings into K jobs balanced by expected duration "
        "(default: one job per sibling)",
    )
    parser.add_argument(
        "--python",
        action="append",
        metavar="VERSION",
        help="Python version(s) for every entry, repeatable or comma-separated "
        "(default: the newest that the workspace and the siblings allow)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("-"),
        metavar="FILE",
        help="where to write the JSON ('-', the default: stdout)",
    )


def _run(args: argparse.Namespace) -> int:
    pythons = list(python_flag(args.python))  # checked before anything is read
    graph, selected = load_selected(args)
    ws = graph.workspace
    siblings = [s for s in selected if s.python_package]
    if args.changed_since:
        reasons = changed_since(graph, args.changed_since, siblings)
        siblings = [s for s in siblings if s.name in reasons]
    if args.shards:
        estimates, source = matrix.estimate(siblings, history.load_durations(ws.state, warn=warn))
        files = matrix.splittable(siblings, history.load_file_durations(ws.state))
        done = plan(estimates, files.weights, args.shards, files.unnamed)
        entries = matrix.shard_entries(graph, done.shards, pythons)
        if done.shards:
            text = matrix.format_plan(done, estimates, source, files.why_not)
            print(text, end="", file=sys.stderr)
    else:
        entries = matrix.sibling_entries(graph, siblings, pythons)
    text = matrix.matrix_json(entries)
    write_output(args.output, text + "\n")
    if not entries:
        print("matrix: no sibling selected; the matrix is empty", file=sys.stderr)
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output:
        matrix.write_github_output(Path(github_output), text, len(entries))
    return name_broken(graph, selected, ExitCode.OK)


COMMANDS = [
    Command(
        "matrix",
        "print a CI job matrix (JSON for strategy.matrix): per sibling, or --shards K",
        _add_arguments,
        _run,
    )
]
