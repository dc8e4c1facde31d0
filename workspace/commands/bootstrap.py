"""``bootstrap``: clone every missing sibling, in parallel, atomically.

Also holds the printing shared by ``update``: one line per sibling as it finishes, then one
summary that names each failure with its reason, git's message and a hint.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from workspace.cli import add_workspace_arguments, load_selected, positive_int
from workspace.commands import Command
from workspace.errors import ExitCode, WorkspaceError
from workspace.model.graph import build
from workspace.model.selection import Selection
from workspace.repos import pool, sync
from workspace.repos.lock import read_lock
from workspace.text import display_path


def add_jobs_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--jobs",
        "-j",
        type=positive_int,
        default=pool.DEFAULT_JOBS,
        metavar="N",
        help=f"git operations at once (default: {pool.DEFAULT_JOBS}; 1 to debug)",
    )


def _short(commit: str | None) -> str:
    return commit[:10] if commit else "-"


def format_result(result: sync.Result, width: int) -> str:
    label = "FAILED" if result.failed else result.status.value
    parts = [f"{label:<10}", f"{result.name:<{width}}"]
    if result.failed:
        parts.append(result.message + (f": {result.detail}" if result.detail else ""))
    else:
        if result.status is sync.Status.UPDATED:
            parts.append(f"{_short(result.before)}..{_short(result.commit)}")
        elif result.commit:
            parts.append(_short(result.commit))
        if result.message:
            parts.append(result.message)
    parts.append(f"({result.duration:.1f}s)")
    line = " ".join(p for p in parts if p)
    for warning in result.warnings:
        line += f"\n{'':<10} {'':<{width}} warning: {warning}"
    return line


def live_printer(
    siblings: Sequence[object], names: Sequence[str], out: TextIO | None = None
) -> Callable[[pool.Event[sync.Result]], None]:
    """An event handler that prints one line per sibling as it finishes, with a counter.

    On a terminal, a last line that is redrawn in place names the siblings still at work, so
    a slow clone is visible while it runs; logs (no terminal) get only the finished lines.
    """
    stream = out or sys.stdout
    live = stream.isatty()
    columns = shutil.get_terminal_size().columns - 1
    total = len(siblings)
    width = max((len(n) for n in names), default=0)
    done = 0
    working: list[str] = []

    def on_event(event: pool.Event[sync.Result]) -> None:
        nonlocal done
        if live:
            stream.write("\r\x1b[K")  # clear the in-place line before anything else
        if event.kind is pool.EventKind.STARTED:
            working.append(event.name)
        elif event.result is not None:
            working.remove(event.name)
            done += 1
            counter = f"[{done:>{len(str(total))}}/{total}]"
            stream.write(f"{counter} {format_result(event.result, width)}\n")
        if live and working:
            stream.write(f"... working on {len(working)}: {', '.join(working)}"[:columns])
        stream.flush()

    return on_event


def summarize(
    verb: str,
    results: Sequence[sync.Result],
    elapsed: float,
    jobs: int,
    out: TextIO | None = None,
) -> int:
    """Print the summary; return the exit code (FAILED when any sibling failed)."""
    out = out or sys.stdout
    counts = Counter(r.status for r in results)
    parts = [f"{counts[s]} {s.value}" for s in sync.Status if counts[s]]
    out.write(
        f"{verb}: {', '.join(parts) or 'nothing to do'} "
        f"({len(results)} siblings, {elapsed:.1f}s, {jobs} jobs)\n"
    )
    warned = [r for r in results if r.warnings]
    if warned:
        out.write("warnings:\n")
        for r in warned:
            for w in r.warnings:
                out.write(f"  {r.name}: {w}\n")
    skipped = [r for r in results if r.status is sync.Status.SKIPPED]
    if skipped:
        out.write("skipped:\n")
        for r in skipped:
            out.write(f"  {r.name}: {r.message}\n")
    failed = [r for r in results if r.failed]
    if failed:
        out.write("failed:\n")
        for r in failed:
            out.write(f"  {r.name}: {r.message}\n")
            if r.detail and r.detail != r.message:
                out.write(f"    git: {r.detail}\n")
            if r.hint:
                out.write(f"    hint: {r.hint}\n")
    out.flush()
    return ExitCode.FAILED if failed else ExitCode.OK


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    add_jobs_argument(parser)
    parser.add_argument(
        "--link-from",
        type=Path,
        metavar="DIR",
        help="symlink each missing sibling to an existing clone DIR/<name>, clone the rest",
    )
    parser.add_argument(
        "--locked",
        action="store_true",
        help="check out the exact commits recorded in wrknv.lock",
    )


def _run(args: argparse.Namespace) -> int:
    graph, selected = load_selected(args)
    ws = graph.workspace
    lock = None
    if args.locked:
        lock = read_lock(ws)
        if lock is None:
            raise WorkspaceError(
                f"--locked: {display_path(ws.lock_file)} does not exist",
                hint="run `nox -s lock` in a bootstrapped workspace and commit wrknv.lock",
            )
    link_from = None
    if args.link_from is not None:
        link_from = args.link_from.expanduser().absolute()
        if not link_from.is_dir():
            raise WorkspaceError(
                f"--link-from {args.link_from}: not a directory",
                hint="point it at the folder that holds your existing clones",
            )
    start = time.monotonic()
    options = sync.BootstrapOptions(link_from=link_from, lock=lock)
    selection = Selection.from_args(args)
    results: list[sync.Result] = []
    seen: set[str] = set()
    # --up-to and --above follow edges read from checkouts: a sibling cloned now can reveal
    # needs (or dependants) that were unknown, so select again until nothing new appears.
    while todo := [s for s in selected if s.name not in seen]:
        results += sync.bootstrap(
            ws,
            todo,
            jobs=args.jobs,
            options=options,
            on_event=live_printer(todo, [s.name for s in todo]),
        )
        seen.update(s.name for s in todo)
        if not (selection.up_to or selection.above):
            break
        selected = selection.apply(build(ws))
    return summarize("bootstrap", results, time.monotonic() - start, args.jobs)


COMMANDS = [
    Command(
        "bootstrap",
        "clone every missing sibling (in parallel; atomic; existing checkouts left alone)",
        _add_arguments,
        _run,
    )
]
