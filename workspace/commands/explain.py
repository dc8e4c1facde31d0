"""``explain NAME [-- PYTEST_ARGS]``: what a suite's cache key is made of, and on a miss, what
changed since the newest pass kept for that sibling."""

from __future__ import annotations

import argparse

from workspace.commands import Command
from workspace.commands._options import add_config_argument, pytest_extra, warn
from workspace.env.python_envs import pins_for, venv_for
from workspace.errors import ExitCode, WorkspaceError
from workspace.model import config
from workspace.model.graph import build
from workspace.model.pythons import one_python
from workspace.runs.cache import Cache
from workspace.runs.keys import changes, pin_changes, suite_inputs


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument(
        "--python",
        metavar="VERSION",
        help="the suite on this Python, of a test-all run over several (its environment's key)",
    )
    parser.add_argument("name", metavar="NAME", help="the sibling whose suite to explain")
    parser.add_argument(
        "pytest_args",
        nargs=argparse.REMAINDER,
        metavar="-- PYTEST_ARGS",
        help="the arguments test-all would be given, which are part of the key",
    )


def _run(args: argparse.Namespace) -> int:
    ws = config.load(args.config)
    sib = ws.sibling(args.name)
    extra = pytest_extra(args.pytest_args)
    python = one_python(args.python) if args.python is not None else None
    inputs = suite_inputs(
        build(ws),
        [sib.name],
        {sib.name: (*sib.test.args, *extra)},
        venv=venv_for(ws, python) if python else None,
        pins_file=pins_for(ws, python) if python else None,
    )
    if sib.name not in inputs:
        raise WorkspaceError(
            f"{sib.name}: its result is never cached (test.cache = false, setup has not run, "
            "or git cannot read a checkout it depends on)",
            hint="run nox -s setup, and check the checkouts with nox -s status",
        )
    mine = inputs[sib.name]
    print(f"explain {sib.name}: key {mine.key[:16]}")
    for part, digest in sorted(mine.parts.items()):
        print(f"  {part:<28} {digest[:16]}")
    cache = Cache(ws.state, ws.test.cache_size, warn)
    if cache.get(mine) is not None:
        print("hit: a kept pass has these inputs; test-all reports it as cached")
        return ExitCode.OK
    newest = cache.newest_for(mine)
    if newest is None:
        print(f"miss: no pass of {sib.name} is kept yet")
        return ExitCode.OK
    print(f"miss: since the pass kept from run {newest.run_id}:")
    said = changes(newest.parts, mine, newest.trees)
    if newest.parts.get("pins") != mine.parts.get("pins"):
        said += pin_changes(newest.pins, mine.pins)
    for line in said:
        print(f"  {line}")
    return ExitCode.OK


COMMANDS = [
    Command(
        "explain",
        "what a suite's cache key is made of, and what changed since its last kept pass",
        _add_arguments,
        _run,
    )
]
