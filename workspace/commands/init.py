"""``init [DIR]``: a meta-repository for the sibling checkouts that are already beside it."""

from __future__ import annotations

import argparse
from pathlib import Path

from workspace.commands import Command
from workspace.errors import ExitCode, WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.model.config import CONFIG_NAME
from workspace.repos.entries import plan_init
from workspace.text import display_path, plural


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir",
        nargs="?",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="the meta-repository to write wrknv.toml and noxfile.py in (default: here)",
    )
    parser.add_argument(
        "--siblings-dir",
        default="..",
        metavar="DIR",
        help="where the sibling checkouts are, relative to DIR (default: ..)",
    )
    parser.add_argument(
        "--layers",
        action="store_true",
        help="propose layers from the dependency graph: each sibling in the lowest its needs allow",
    )
    parser.add_argument(
        "--force", action="store_true", help="overwrite an existing wrknv.toml and noxfile.py"
    )


def _run(args: argparse.Namespace) -> int:
    meta: Path = args.dir.absolute()
    if not meta.is_dir():
        raise WorkspaceError(
            f"{display_path(meta)}: not a directory",
            hint="give the meta-repository's directory (make it first: mkdir, git init)",
        )
    targets = {CONFIG_NAME: meta / CONFIG_NAME, "noxfile.py": meta / "noxfile.py"}
    existing = [p for p in targets.values() if p.exists()]
    if existing and not args.force:
        raise WorkspaceError(
            f"{display_path(existing[0])} exists; init writes nothing",
            hint="edit it (add/remove), or pass --force to write a new one over it",
        )
    plan = plan_init(meta, args.siblings_dir, layers=args.layers)
    for found in plan.found:
        if found.origin is None:
            print(f"warning: {display_path(found.path)} has no origin remote; repo is its path")
    atomic_write_text(targets[CONFIG_NAME], plan.config)
    atomic_write_text(targets["noxfile.py"], plan.noxfile)
    what = plural(len(plan.found), "sibling")
    what += f", {plural(len(plan.layers), 'layer')}" if plan.layers else ""
    print(f"init: wrote {display_path(targets[CONFIG_NAME])} ({what})")
    print(f"init: wrote {display_path(targets['noxfile.py'])} (every session: nox -l)")
    if plan.ignores:
        gitignore = meta / ".gitignore"
        current = gitignore.read_text(encoding="utf-8") if gitignore.is_file() else ""
        prefix = "" if not current or current.endswith("\n") else "\n"
        atomic_write_text(gitignore, current + prefix + "\n".join(plan.ignores) + "\n")
        print(f"init: added to {display_path(gitignore)}: {', '.join(plan.ignores)}")
    print("next: nox -s setup, nox -s validate, nox -s test-all")
    return ExitCode.OK


COMMANDS = [
    Command(
        "init",
        "write wrknv.toml, noxfile.py and .gitignore lines for the checkouts beside DIR",
        _add_arguments,
        _run,
    )
]
