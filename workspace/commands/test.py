"""``test NAME [-- PYTEST_ARGS]``: one sibling's suite in the shared venv, in the foreground.

This is what the nox session ``test(<name>)`` calls. It runs from the sibling's directory with
the sibling's configured pytest args, then the extra ones; pytest's own output goes straight to
the terminal, so ``--pdb`` and Ctrl-C behave as they do with plain pytest.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from workspace.commands import Command
from workspace.commands._options import add_config_argument
from workspace.env.python_envs import env_for_sibling
from workspace.env.venv import venv_python
from workspace.errors import EnvError, ExitCode, WorkspaceError
from workspace.model import config
from workspace.model.graph import build
from workspace.model.pythons import one_python
from workspace.runs.results import PYTEST_NO_TESTS
from workspace.runs.suites import require_test_runner
from workspace.text import display_path


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_config_argument(parser)
    parser.add_argument(
        "--python",
        metavar="VERSION",
        help="run it on this Python, in its environment (the shared venv for its own Python, "
        "else .wrknv/venvs/VERSION, built or refreshed first)",
    )
    parser.add_argument("name", metavar="NAME", help="the sibling whose suite to run")
    parser.add_argument(
        "pytest_args",
        nargs=argparse.REMAINDER,
        metavar="-- PYTEST_ARGS",
        help="passed to pytest after the sibling's configured args",
    )


def _run(args: argparse.Namespace) -> int:
    ws = config.load(args.config)
    sib = ws.sibling(args.name)
    if not sib.runs_tests:
        raise WorkspaceError(
            f"{sib.name} has no tests to run (python_package = false, or test.enabled = false, "
            f"in {display_path(ws.config_file)})",
            hint="a sibling that is no Python package runs its tests with "
            "test = { enabled = true }",
        )
    if not sib.path.is_dir():
        raise WorkspaceError(
            f"{sib.name} is not present at {sib.path}",
            hint="clone it with the bootstrap session, or fix its path in wrknv.toml",
        )
    python, _ = require_test_runner(ws)
    if args.python:
        found = _on_python(ws, sib.name, args.python)
        if found is None:
            return ExitCode.OK
        python = found
    extra = args.pytest_args[1:] if args.pytest_args[:1] == ["--"] else args.pytest_args
    command = [str(python), "-m", "pytest", *sib.test.args, *extra]
    print(f"test {sib.name}: {' '.join(command)}  (in {display_path(sib.path)})", flush=True)
    try:
        rc = subprocess.run(command, cwd=sib.path, check=False).returncode
    except OSError as exc:
        raise WorkspaceError(
            f"cannot start {python}: {exc.strerror}", hint="recreate the venv with `nox -s setup`"
        ) from None
    if rc == 0:
        return ExitCode.OK
    if rc == PYTEST_NO_TESTS:
        print(f"test {sib.name}: pytest collected no tests", file=sys.stderr)
    return ExitCode.FAILED


def _on_python(ws: config.Workspace, name: str, version: str) -> Path | None:
    """The interpreter of ``version``'s environment; None (said why) when the sibling's
    requires-python excludes that Python."""
    version = one_python(version)
    env, why = env_for_sibling(build(ws), version, name, lambda line: print(f"test: {line}"))
    if why is not None or env is None:
        print(f"test {name}: not run on Python {version}: {why}")
        return None
    if env.problem is not None:
        if env.output:
            print(env.output, file=sys.stderr)
        raise EnvError(env.problem, hint=env.hint)
    return venv_python(env.venv)


COMMANDS = [
    Command(
        "test",
        "run one sibling's test suite in the shared venv (args after -- go to pytest)",
        _add_arguments,
        _run,
    )
]
