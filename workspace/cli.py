"""``python -m workspace VERB ...``: the only place that prints errors and picks exit codes."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence
from pathlib import Path

import workspace.commands
from workspace.commands import Command
from workspace.errors import ExitCode, WorkspaceError
from workspace.model import config
from workspace.model.graph import Graph, build
from workspace.model.selection import Selection, add_selection_arguments


def commands(verb: str | None = None) -> dict[str, Command]:
    """The verbs, found in workspace/commands. A verb lives in the module of its name
    (``test-all`` in ``test_all.py``), so running one imports only that module."""
    modules = [info.name for info in pkgutil.iter_modules(workspace.commands.__path__)]
    if verb is not None and verb.replace("-", "_") in modules:
        modules = [verb.replace("-", "_")]
    found: dict[str, Command] = {}
    for name in modules:
        module = importlib.import_module(f"workspace.commands.{name}")
        for command in getattr(module, "COMMANDS", ()):
            found[command.name] = command
    return dict(sorted(found.items()))


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
        help=f"the workspace config (default: ${config.ENV_VAR}, else the nearest "
        f"{config.CONFIG_NAME})",
    )


def add_workspace_arguments(parser: argparse.ArgumentParser) -> None:
    """--config and the selection flags: what almost every verb takes."""
    add_config_argument(parser)
    add_selection_arguments(parser)


def load_selected(args: argparse.Namespace) -> tuple[Graph, list[config.Sibling]]:
    """Load the config, build and check the graph, and apply the selection flags."""
    ws = config.load(args.config)
    graph = build(ws)
    graph.check()
    return graph, Selection.from_args(args).apply(graph)


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m workspace",
        description="Develop many sibling repositories as one workspace.",
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for command in commands(verb).values():
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(p)
        p.set_defaults(run=command.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv[0] if argv and not argv[0].startswith("-") else None)
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except WorkspaceError as exc:
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return ExitCode.USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
