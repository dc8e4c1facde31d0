"""``update``: fetch every present sibling and fast-forward it; never reset, rebase or stash."""

from __future__ import annotations

import argparse
import time

from workspace.commands import Command
from workspace.commands._checkouts import live_printer, summarize
from workspace.commands._options import add_git_arguments, load_selected, name_broken
from workspace.env.inuse import checkouts_lock
from workspace.repos import checkouts


def _run(args: argparse.Namespace) -> int:
    graph, selected = load_selected(args)
    with checkouts_lock(graph.workspace, "update", _say):  # one bootstrap or update at a time
        start = time.monotonic()
        printer = live_printer([s.name for s in selected])
        results = checkouts.update(selected, jobs=args.jobs, on_event=printer)
    code = summarize("update", results, time.monotonic() - start, args.jobs)
    return name_broken(graph, selected, code)


def _say(line: str) -> None:
    print(f"update: {line}", flush=True)


COMMANDS = [
    Command(
        "update",
        "fetch each sibling and fast-forward it (dirty or diverged ones are skipped)",
        add_git_arguments,
        _run,
    )
]
