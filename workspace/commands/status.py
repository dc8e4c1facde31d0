"""``status``: one line per sibling, then the checkouts wrknv.toml does not name; ``--json`` as
data; ``--exit-code`` as a CI drift gate (``--strict``: notes and stray checkouts count too)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from workspace.commands import Command
from workspace.commands._options import add_git_arguments, load_selected, name_broken
from workspace.errors import ExitCode
from workspace.fsutil import write_output
from workspace.repos import status
from workspace.repos.lock import read_lock
from workspace.repos.scan import Checkout
from workspace.text import display_path, plural


def _changes(s: status.SiblingStatus) -> str:
    parts = [f"{s.changed} changed"] if s.changed else []
    parts += [f"{s.untracked} untracked"] if s.untracked else []
    return ", ".join(parts) or "clean"


def _tracking(s: status.SiblingStatus) -> str:
    if s.ahead is None or s.behind is None:
        return "no upstream"
    if not (s.ahead or s.behind):
        return "even"
    return f"+{s.ahead} -{s.behind}"


def _lock(s: status.SiblingStatus, has_lock: bool) -> str:
    if not has_lock:
        return ""
    if s.locked is None:
        return "unlocked"
    return "lock ok" if s.head == s.locked else "lock differs"


def format_status(
    states: Sequence[status.SiblingStatus], has_lock: bool, orphans: Sequence[Checkout] = ()
) -> str:
    width = max((len(s.name) for s in states), default=0)
    lines = []
    for s in states:
        if s.presence in (status.Presence.MISSING, status.Presence.NOT_GIT, status.Presence.BROKEN):
            why = f": {s.drift[0]}" if s.presence is status.Presence.BROKEN else ""
            lines.append(f"{s.name:<{width}}  {s.presence.value}{why}")
            continue
        origin = "origin ok" if s.origin_matches else "origin!"
        cells = [
            f"{s.name:<{width}}",
            f"{s.presence.value:<7}",
            f"{s.branch or '(detached)':<16}",
            (s.head or "(no commit)")[:10],
            f"{_changes(s):<22}",
            f"{_tracking(s):<11}",
            _lock(s, has_lock),
            origin,
        ]
        lines.append("  ".join(c for c in cells if c).rstrip())
        lines += [f"{'':<{width}}  ! {d}" for d in s.drift]
        lines += [f"{'':<{width}}  ~ {n}" for n in s.notes]
    if orphans:
        lines.append("checkouts that wrknv.toml does not name (`nox -s add -- PATH` adds one):")
        for c in orphans:
            lines.append(f"  {display_path(c.path)}  {c.name}  origin {c.origin or '(none)'}")
    drifted = sum(1 for s in states if s.drift)
    missing = sum(1 for s in states if s.presence is status.Presence.MISSING)
    dirty = sum(1 for s in states if s.dirty)
    notes = sum(len(s.notes) for s in states)
    counts = [f"{missing} missing", f"{dirty} dirty"]
    counts.append(f"{drifted} differ from wrknv.toml{' or wrknv.lock' if has_lock else ''}")
    counts += [plural(notes, "note")] if notes else []
    counts += [plural(len(orphans), "stray checkout")] if orphans else []
    lines.append(f"{len(states)} siblings: {', '.join(counts)}")
    return "\n".join(lines) + "\n"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_git_arguments(parser)
    parser.add_argument(
        "--json",
        nargs="?",
        const=Path("-"),
        type=Path,
        metavar="FILE",
        help="print the status as JSON (to FILE if given; '-' or nothing: stdout)",
    )
    parser.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 1 when any sibling is missing or differs from wrknv.toml or wrknv.lock",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="--exit-code, and notes (an origin that differs) and stray checkouts fail too",
    )


def _run(args: argparse.Namespace) -> int:
    graph, selected = load_selected(args)
    ws = graph.workspace
    lock = read_lock(ws)
    states = status.status(selected, lock, jobs=args.jobs)
    orphans = status.orphans(ws)
    if args.json is not None:
        data = {
            "workspace": ws.name,
            "lock": str(ws.lock_file) if lock is not None else None,
            "drift": any(s.drift for s in states),
            "siblings": [s.to_json() for s in states],
            "orphans": [{"path": str(c.path), "name": c.name, "origin": c.origin} for c in orphans],
        }
        write_output(args.json, json.dumps(data, indent=2) + "\n")
    else:
        print(format_status(states, lock is not None, orphans), end="")
    failing = any(s.drift for s in states)
    if args.strict:
        failing = failing or bool(orphans) or any(s.notes for s in states)
    # a checkout that could not be read fails it; the others were shown
    broken = any(s.presence is status.Presence.BROKEN for s in states)
    code = (
        ExitCode.FAILED if broken or ((args.exit_code or args.strict) and failing) else ExitCode.OK
    )
    return name_broken(graph, selected, code)


COMMANDS = [
    Command(
        "status",
        "show each sibling: present, branch, changes, ahead/behind, lock and origin",
        _add_arguments,
        _run,
    )
]
