"""``add PATH_OR_URL``: one more sibling in wrknv.toml, from a checkout or a repository URL.

The entry is appended; the rest of the file stays byte for byte, and the whole config is
validated before it is written (atomically).
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from workspace.commands import Command
from workspace.commands._options import add_config_argument
from workspace.errors import ExitCode, WorkspaceError
from workspace.model import config
from workspace.model.scaffold import add_entry, save
from workspace.repos.entries import entry_for
from workspace.text import display_path, normalize_name


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("target", metavar="PATH_OR_URL", help="a checkout, or a repository URL")
    parser.add_argument("--name", help="the sibling's name (default: its project's name)")
    parser.add_argument("--layer", help="the layer it belongs to")
    parser.add_argument("--revision", help="a branch, tag or commit to check out")


def _run(args: argparse.Namespace) -> int:
    ws = config.load(args.config)
    entry = replace(entry_for(args.target, ws, args.name), layer=args.layer, revision=args.revision)
    if normalize_name(entry.name) in {normalize_name(n) for n in ws.names}:
        raise WorkspaceError(
            f"{display_path(ws.config_file)}: a sibling named {entry.name!r} is there already",
            hint="give another --name, or remove it first",
        )
    save(ws, add_entry(ws.config_file.read_text(encoding="utf-8"), entry))
    print(f"add: {entry.name} added to {display_path(ws.config_file)} (next: nox -s bootstrap)")
    return ExitCode.OK


COMMANDS = [
    Command("add", "add a sibling to wrknv.toml, from a checkout or a URL", _add_arguments, _run),
]
