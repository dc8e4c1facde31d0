"""``remove NAME``: take a sibling out of wrknv.toml, keeping every other byte of it.

tomlkit edits the file in place, so comments and layout outside the entry stay; the edited
config is validated before it is written (another sibling's depends_on on it is refused).
The checkout stays on disk.
"""

from __future__ import annotations

import argparse

from workspace.commands import Command
from workspace.commands._options import add_config_argument
from workspace.errors import ExitCode
from workspace.model import config
from workspace.model.scaffold import remove_entry, save
from workspace.text import display_path


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument("name", metavar="NAME", help="the sibling to take out of wrknv.toml")


def _run(args: argparse.Namespace) -> int:
    ws = config.load(args.config)
    ws.sibling(args.name)  # refuses a name that is not there, with a did-you-mean hint
    save(ws, remove_entry(ws.config_file.read_text(encoding="utf-8"), args.name))
    print(f"remove: {args.name} taken out of {display_path(ws.config_file)} (its checkout stays)")
    return ExitCode.OK


COMMANDS = [
    Command("remove", "take a sibling out of wrknv.toml (its checkout stays)", _add_arguments, _run)
]
