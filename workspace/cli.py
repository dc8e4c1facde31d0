"""``python -m workspace VERB ...``: the only place that prints errors and picks exit codes."""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from workspace.children import sigterm_as_interrupt
from workspace.commands import find_commands
from workspace.errors import ExitCode, WorkspaceError
from workspace.text import with_config

# The packages a verb imports only when it needs them; a missing one is said in words.
_NEEDED = {"packaging": "packaging", "dependency_groups": "dependency-groups", "tomli": "tomli"}


def build_parser(verb: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m workspace",
        description="Develop many sibling repositories as one workspace.",
        allow_abbrev=False,
    )
    sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True)
    for command in find_commands(verb).values():
        p = sub.add_parser(
            command.name, help=command.help, description=command.help, allow_abbrev=False
        )
        command.add_arguments(p)
        p.set_defaults(run=command.bound(main))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one verb; always an exit status, never an exception (argparse's exits included):
    an unexpected one is a bug, said in one line with status 70 (the traceback with
    ``WRKNV_DEBUG=1``)."""
    try:
        return _main(argv)
    except Exception as exc:  # a bug of ours: one line, the traceback only when asked for
        debug = os.environ.get("WRKNV_DEBUG") == "1"
        if debug:
            traceback.print_exc()
        text = next(iter(str(exc).splitlines()), "")
        more = "" if debug else " (set WRKNV_DEBUG=1 to see the traceback)"
        _error(f"internal error: {type(exc).__name__}: {text}; please report it{more}")
        return ExitCode.INTERNAL


def _main(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    nul = next((a for a in argv if "\x00" in a), None)
    if nul is not None:  # no path, name or revision can hold one; the OS would refuse it
        _error(f"argument {nul!r} holds a NUL character (hint: remove it)")
        return ExitCode.USAGE
    parser = build_parser(argv[0] if argv and not argv[0].startswith("-") else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, or a bad flag that argparse has reported
        return exc.code if isinstance(exc.code, int) else ExitCode.USAGE
    try:
        with sigterm_as_interrupt():  # a CI cancel stops every verb as Ctrl-C does
            return int(args.run(args))
    except WorkspaceError as exc:
        _error(str(exc), getattr(args, "config", None))
        return exc.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except ModuleNotFoundError as exc:
        package = _NEEDED.get((exc.name or "").partition(".")[0])
        if package is None:
            raise
        _error(
            f"{sys.executable} has no {package!r} package, which provide-workspace needs "
            f"(hint: {sys.executable} -m pip install {package})"
        )
        return ExitCode.USAGE
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        hint = "check the path, its permissions and the free space"
        _error(f"{where}{exc.strerror or exc} (hint: {hint})")
        return ExitCode.FAILED


def _error(text: str, config: Path | None = None) -> None:
    """One ``error:`` line per line of the message; hints that name a session get the
    ``--config`` the user gave, so that running them works on the same workspace."""
    for line in text.splitlines():
        print(f"error: {with_config(line, config)}", file=sys.stderr)


def run() -> None:
    """The ``provide-workspace`` command: ``main`` with the process's arguments, as the exit."""
    sys.exit(main())
