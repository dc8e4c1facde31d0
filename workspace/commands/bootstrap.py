"""``bootstrap``: clone every missing sibling, in parallel, atomically."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from workspace.commands import Command
from workspace.commands._checkouts import live_printer, summarize
from workspace.commands._options import add_git_arguments, load_selected, name_broken
from workspace.env.inuse import checkouts_lock
from workspace.errors import WorkspaceError
from workspace.model.graph import build
from workspace.model.selection import Selection
from workspace.repos import checkouts
from workspace.repos.lock import read_lock
from workspace.text import display_path


def _say(line: str) -> None:
    print(f"bootstrap: {line}", flush=True)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_git_arguments(parser)
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
    ws = load_selected(args)[0].workspace  # bad input is said before any wait
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
    with checkouts_lock(ws, "bootstrap", _say):
        return _bootstrap(args, checkouts.BootstrapOptions(link_from=link_from, lock=lock))


def _bootstrap(args: argparse.Namespace, options: checkouts.BootstrapOptions) -> int:
    """Clone what is missing now: loaded again under the lock, so that what a bootstrap we
    waited for cloned is seen as present."""
    start = time.monotonic()
    graph, asked = load_selected(args)
    ws, selected = graph.workspace, asked
    selection = Selection.from_args(args)
    results: list[checkouts.Result] = []
    seen: set[str] = set()
    # --up-to and --above follow edges read from checkouts: a sibling cloned now can reveal
    # needs (or dependants) that were unknown, so select again until nothing new appears.
    while todo := [s for s in selected if s.name not in seen]:
        results += checkouts.bootstrap(
            ws,
            todo,
            jobs=args.jobs,
            options=options,
            on_event=live_printer([s.name for s in todo]),
        )
        seen.update(s.name for s in todo)
        if not (selection.up_to or selection.above):
            break
        selected = selection.apply(build(ws))
    code = summarize("bootstrap", results, time.monotonic() - start, args.jobs)
    return name_broken(graph, asked, code)


COMMANDS = [
    Command(
        "bootstrap",
        "clone every missing sibling (in parallel; atomic; existing checkouts left alone)",
        _add_arguments,
        _run,
    )
]
