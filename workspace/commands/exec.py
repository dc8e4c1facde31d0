"""``exec [selection] [--jobs N] [--fail-fast] -- CMD [ARGS...]``: one command in every selected
sibling's directory, in parallel, with the shared venv first on PATH.

Each sibling's output is printed as one block when it finishes, headed by its name and exit
status; a summary names every sibling that failed. Never through a shell unless ``--shell``.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TextIO

from workspace.commands import Command
from workspace.commands._options import (
    add_jobs_argument,
    add_workspace_arguments,
    load_selected,
    name_broken,
)
from workspace.env.inuse import wait_for_setup
from workspace.errors import ExitCode, WorkspaceError
from workspace.runs.execute import PLACEHOLDERS, ExecOptions, ExecResult, Executor, Outcome
from workspace.runs.progress import LiveBoard, annotation, is_live
from workspace.runs.suites import usable_cores
from workspace.text import plural, seconds


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    add_jobs_argument(parser, cores="commands at once")
    parser.add_argument(
        "--fail-fast",
        action="store_true",
        help="start no more siblings after the first failure (the running ones finish)",
    )
    parser.add_argument(
        "--shell",
        metavar="STRING",
        help="run STRING with /bin/sh instead of an argv; it reads $WS_NAME and $WS_PATH",
    )
    parser.add_argument(
        "command",
        nargs=argparse.REMAINDER,
        metavar="-- CMD [ARGS...]",
        help=f"the command; {' and '.join(PLACEHOLDERS)} are replaced per sibling",
    )


def _command(args: argparse.Namespace) -> tuple[tuple[str, ...], bool]:
    argv = args.command[1:] if args.command[:1] == ["--"] else list(args.command)
    if args.shell is not None:
        if argv:
            raise WorkspaceError(
                f"exec: both --shell and a command ({argv[0]}) were given",
                hint="give either --shell 'STRING' or -- CMD ARGS, not both",
            )
        if not args.shell.strip():
            raise WorkspaceError("exec: --shell is empty", hint="--shell 'git status -s'")
        for placeholder, variable in PLACEHOLDERS.items():
            if placeholder in args.shell:
                raise WorkspaceError(
                    f"exec: --shell text holds the placeholder {placeholder}, which is never "
                    "spliced into shell code",
                    hint=f'use "${variable}" instead of {placeholder}',
                )
        return (args.shell,), True
    if not argv:
        raise WorkspaceError(
            "exec: no command given", hint="nox -s exec -- -- git log -1 --oneline"
        )
    return tuple(argv), False


def block(result: ExecResult) -> str:
    """One sibling's heading and its whole output."""
    if result.outcome is Outcome.SKIPPED:
        return f"== {result.name}: skipped ({result.reason})"
    status = f"exit {result.returncode}" if result.returncode is not None else "not run"
    why = f", {result.reason}" if result.reason else ""
    head = f"== {result.name}: {status}{why} in {seconds(result.duration)}"
    body = result.output.rstrip("\n")
    return head + ("\n" + body if body else "")


class _Printer:
    """Blocks as siblings finish: above a live board on a terminal, in ``::group::`` blocks on
    GitHub Actions, else plain."""

    def __init__(self, out: TextIO, total: int) -> None:
        self.out = out
        self.github = os.environ.get("GITHUB_ACTIONS") == "true"
        self.board = LiveBoard(out, total) if is_live(out) else None

    def start(self, name: str) -> None:
        if self.board is not None:
            self.board.start(name)

    def tick(self) -> None:
        if self.board is not None:
            self.board.refresh()  # the running times move on

    def finish(self, result: ExecResult) -> None:
        text = block(result)
        failed = result.outcome is Outcome.FAILED
        if self.github:
            head, _, body = text.partition("\n")
            error = f"::error title={result.name}::{annotation(head)}\n" if failed else ""
            text = f"{error}::group::{head}\n{body}\n::endgroup::" if body else error + head
        if self.board is not None:
            self.board.finish(result.name, text, failed=failed)
        else:
            self.out.write(text + "\n")
            self.out.flush()

    def close(self) -> None:
        if self.board is not None:
            self.board.close()


def summary(results: list[ExecResult]) -> str:
    by = {o: [r for r in results if r.outcome is o] for o in Outcome}
    line = (
        f"exec: {plural(len(results), 'sibling')}: {len(by[Outcome.OK])} ok, "
        f"{len(by[Outcome.FAILED])} failed, {len(by[Outcome.SKIPPED])} skipped"
    )
    for r in by[Outcome.FAILED]:
        line += f"\n  failed: {r.name} ({r.reason or f'exit {r.returncode}'})"
    return line


def _run(args: argparse.Namespace) -> int:
    command, shell = _command(args)
    graph, selected = load_selected(args)
    # standard error: standard output is the siblings' own
    wait_for_setup(graph.workspace, lambda line: print(f"exec: {line}", file=sys.stderr))
    jobs = args.jobs or usable_cores()
    printer = _Printer(sys.stdout, len(selected))
    executor = Executor(
        ExecOptions(command, jobs, graph.workspace.venv, shell=shell, fail_fast=args.fail_fast),
        on_start=printer.start,
        on_finish=printer.finish,
        on_tick=printer.tick,
    )
    try:
        results, interrupted = executor.run(selected)
    finally:
        printer.close()
    print(summary(results))
    failed = any(r.outcome is Outcome.FAILED for r in results)
    code = ExitCode.INTERRUPTED if interrupted else ExitCode.FAILED if failed else ExitCode.OK
    return name_broken(graph, selected, code)


COMMANDS = [
    Command(
        "exec",
        "run one command in every selected sibling's directory, in parallel",
        _add_arguments,
        _run,
    )
]
