"""Sessions of provide-workspace. Each one parses nothing itself: it hands its posargs to
``workspace`` (the same code as ``python -m workspace VERB``) and turns a failure into an exit.

    nox -l                       list the sessions
    nox -s graph -- --above provide-foundation
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))

from workspace import ExitCode, WorkspaceError, load  # noqa: E402
from workspace.cli import main  # noqa: E402

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]

PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
# Run the suite on every supported interpreter this machine has; at least the current one.
TEST_PYTHONS = [v for v in PYTHONS if shutil.which(f"python{v}")] or [
    f"{sys.version_info[0]}.{sys.version_info[1]}"
]

# The workspace is read once, at import, for the per-sibling test sessions. A broken config
# must not break `nox -l`: the error is reported by whichever session needs the config.
try:
    WORKSPACE = load()
    SIBLINGS = [s for s in WORKSPACE.siblings if s.python_package]
except WorkspaceError:
    SIBLINGS = []


def _workspace(session: nox.Session, verb: str, *args: str) -> None:
    code = main([verb, *args, *session.posargs])
    if code != ExitCode.OK:
        session.error(f"{verb} failed (exit status {code})")


# ----------------------------------------------------------------------------- the project


@nox.session(python=TEST_PYTHONS)
def tests(session: nox.Session) -> None:
    """Run this project's own test suite (posargs go to pytest)."""
    session.install("-e", ".", "--group", "test")
    session.run("pytest", *(session.posargs or ["-n", "auto"]))


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and types: ruff check, ruff format --check, mypy."""
    session.install("-e", ".", "--group", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


# ----------------------------------------------------------------------------- the workspace


@nox.session(venv_backend="none")
def graph(session: nox.Session) -> None:
    """Print the layers, install order and dependency edges (--json/--mermaid FILE)."""
    _workspace(session, "graph")
