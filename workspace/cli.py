"""``python -m workspace VERB ...``: the only place that prints errors and picks exit codes."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from workspace.commands import find_commands
from workspace.errors import ExitCode, WorkspaceError


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m workspace",
        description="Develop many sibling repositories as one workspace.",
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for command in find_commands(verb).values():
        p = sub.add_parser(command.name, help=command.help, description=command.help)
        command.add_arguments(p)
        p.set_defaults(run=command.run, main=main)
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
