"""``lock``: record each sibling's HEAD in wrknv.lock; ``--check`` compares instead."""

from __future__ import annotations

import argparse

from workspace.commands import Command
from workspace.commands._options import add_git_arguments, load_selected, name_broken
from workspace.errors import ExitCode, WorkspaceError
from workspace.model.config import Sibling
from workspace.model.graph import Graph
from workspace.repos.lock import check_lock, collect_lock, merge_lock, read_lock, write_lock
from workspace.text import display_path, plural


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_git_arguments(parser)
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name each sibling whose HEAD differs from wrknv.lock",
    )


def _check(graph: Graph, selected: list[Sibling], jobs: int) -> int:
    ws = graph.workspace
    lock = read_lock(ws)
    if lock is None:
        raise WorkspaceError(
            f"{display_path(ws.lock_file)} does not exist", hint="run `nox -s lock` to write it"
        )
    checks = check_lock(selected, lock, jobs=jobs)
    bad = [c for c in checks if not c.ok]
    for c in bad:
        print(f"differs  {c.name}: {c.problem}")
    print(
        f"lock --check: {len(checks) - len(bad)} of {plural(len(checks), 'sibling')} match "
        f"{display_path(ws.lock_file)}"
    )
    if bad:
        print(
            "hint: `nox -s bootstrap -- --locked` for missing ones; check out the locked "
            "commits, or run `nox -s lock` to record the new ones"
        )
    return ExitCode.FAILED if bad else ExitCode.OK


def _run(args: argparse.Namespace) -> int:
    graph, selected = load_selected(args)
    code = (_check if args.check else _lock)(graph, selected, args.jobs)
    return name_broken(graph, selected, code)


def _lock(graph: Graph, selected: list[Sibling], jobs: int) -> int:
    ws = graph.workspace
    old = read_lock(ws)
    results = collect_lock(selected, jobs=jobs)
    for r in results:
        for w in r.warnings:
            print(f"warning  {r.name}: {w}")
    problems = [r for r in results if r.problem]
    if problems:
        # A lock is one consistent set: write none of it, but say where each sibling stands.
        for r in results:
            if r.entry is not None:
                print(f"lockable     {r.name}: {r.entry.commit[:10]}")
        for r in problems:
            print(f"cannot lock  {r.name}: {r.problem}")
        names = ",".join(r.name for r in problems)
        print(
            f"lock: nothing written; {plural(len(problems), 'sibling')} cannot be locked "
            f"(hint: fix {'it' if len(problems) == 1 else 'them'}, or lock the rest with "
            f"--skip {names})"
        )
        return ExitCode.FAILED
    entries = merge_lock(old, [r.entry for r in results if r.entry], ws.names)
    path = write_lock(ws, entries)
    changed = [r.name for r in results if r.entry and (old is None or old.get(r.name) != r.entry)]
    print(
        f"lock: wrote {display_path(path)} ({plural(len(entries), 'sibling')}, "
        f"{len(changed)} new or changed{': ' + ', '.join(changed) if changed else ''})"
    )
    return ExitCode.OK


COMMANDS = [
    Command(
        "lock",
        "write wrknv.lock with each sibling's commit (--check: compare, write nothing)",
        _add_arguments,
        _run,
    )
]
