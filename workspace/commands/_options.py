"""What several verbs share: the argument types and flags, loading the selected siblings, and
warnings on standard error."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from workspace.errors import ExitCode
from workspace.model import config
from workspace.model.config import Sibling
from workspace.model.graph import Graph, build
from workspace.model.selection import Selection, add_selection_arguments
from workspace.scheduler import DEFAULT_JOBS


def positive_int(text: str) -> int:
    """An argparse type for counts such as --jobs and --shards."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected at least 1, got {value}")
    return value


def positive_float(text: str) -> float:
    """An argparse type for durations in seconds, such as --timeout."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected more than 0 seconds, got {text}")
    return value


def add_config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="FILE",
        help=f"the workspace config, or the directory that holds it (default: "
        f"${config.ENV_VAR}, else the nearest {config.CONFIG_NAME})",
    )


def add_workspace_arguments(parser: argparse.ArgumentParser) -> None:
    """--config and the selection flags: what almost every verb takes."""
    add_config_argument(parser)
    add_selection_arguments(parser)


def load_selected(args: argparse.Namespace) -> tuple[Graph, list[Sibling]]:
    """Load the config, build and check the graph, and apply the selection flags."""
    ws = config.load(args.config)
    graph = build(ws)
    graph.check()
    return graph, Selection.from_args(args).apply(graph)


def name_broken(graph: Graph, selected: Sequence[Sibling], code: int) -> int:
    """After the verb's own output: name each selected sibling whose pyproject.toml could not
    be read (the verb went on with the others); any makes the status at least 1."""
    broken = [s.name for s in selected if s.name in graph.broken]
    for name in broken:
        hint = f"fix it, or leave it out with --skip {name}"
        print(f"broken: {name}: {graph.broken[name]} (hint: {hint})", file=sys.stderr)
    return max(code, ExitCode.FAILED) if broken else code


def add_jobs_argument(parser: argparse.ArgumentParser, cores: str | None = None) -> None:
    """--jobs N: git operations at once; with ``cores`` (what N counts) the default is None,
    which the verb takes as the usable cores."""
    parser.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=None if cores else DEFAULT_JOBS,
        metavar="N",
        help=f"{cores} (default: the usable cores)"
        if cores
        else f"git operations at once (default: {DEFAULT_JOBS}; 1 to debug)",
    )


def add_git_arguments(parser: argparse.ArgumentParser) -> None:
    """--config, the selection flags and --jobs: the verbs that run git in each sibling."""
    add_workspace_arguments(parser)
    add_jobs_argument(parser)


def add_changed_since(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--changed-since",
        metavar="REF",
        help="only siblings whose repository changed since REF (commits, uncommitted or "
        "untracked files), plus every sibling that depends on one of them",
    )


def pytest_extra(values: Sequence[str] | None) -> list[str]:
    """The pytest arguments given after ``--``, as test-all passes them to every suite and as
    its cache keys them (explain must key them the same way)."""
    return [a for a in values or () if a != "--"]


def warn(text: str) -> None:
    """A line on standard error that does not stop the verb."""
    print(text, file=sys.stderr)
