"""``graph``: the layers, the install order and the inferred edges."""

from __future__ import annotations

import argparse
from pathlib import Path

from workspace.commands import Command
from workspace.commands._options import add_workspace_arguments, load_selected, name_broken
from workspace.errors import ExitCode
from workspace.fsutil import write_output
from workspace.model.graph import format_text


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument(
        "--json", metavar="FILE", type=Path, help="write the graph as JSON ('-': stdout)"
    )
    parser.add_argument(
        "--mermaid", metavar="FILE", type=Path, help="write a Mermaid flowchart ('-': stdout)"
    )


def _run(args: argparse.Namespace) -> int:
    graph, selected = load_selected(args)
    if args.json is None and args.mermaid is None:
        print(format_text(graph, [s.name for s in selected]), end="")
    if args.json is not None:
        write_output(args.json, graph.to_json())
    if args.mermaid is not None:
        write_output(args.mermaid, graph.to_mermaid())
    return name_broken(graph, selected, ExitCode.OK)


COMMANDS = [
    Command("graph", "print the layers, the order and the dependency edges", _add_arguments, _run)
]
