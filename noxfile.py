# /// script
# dependencies = ["nox>=2025.2.9", "uv", "packaging>=22", "dependency-groups>=1.1", "tomlkit>=0.12"]
# ///
"""Sessions of provide-workspace. The workspace sessions (graph, bootstrap, ..., test-all) come
from ``workspace.noxsessions``, the same module any team's noxfile imports; this file adds the
project's own sessions (tests, lint, docs, bench, demo), which install what they need into
their own environments.

    nox -l                       list the sessions
    nox -s graph -- --above provide-foundation
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT))

import workspace.noxsessions  # noqa: E402, F401  (graph, bootstrap, ..., test-all: the workspace)
from workspace.cli import main  # noqa: E402
from workspace.env.interpreters import available_versions, pyenv_pythons  # noqa: E402
from workspace.errors import ExitCode  # noqa: E402

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["lint", "tests"]
# A machine without every supported Python still runs the suite on those it has.
nox.options.error_on_missing_interpreters = False

PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
CURRENT = f"{sys.version_info[0]}.{sys.version_info[1]}"
# Never download an interpreter: use the ones this machine has (override by setting it).
os.environ.setdefault("UV_PYTHON_DOWNLOADS", "never")


# pyenv's versions that are not active are put on PATH (after everything else), where uv and
# nox can find them; the suite runs on each supported Python the machine has.
os.environ["PATH"] = os.pathsep.join(
    [os.environ.get("PATH", ""), *(str(p.path.parent) for p in pyenv_pythons())]
)
TEST_PYTHONS = available_versions(PYTHONS, os.environ["PATH"])


# ----------------------------------------------------------------------------- the project


@nox.session(python=TEST_PYTHONS)
def tests(session: nox.Session) -> None:
    """Run this project's own test suite (posargs go to pytest)."""
    session.install("-e", ".", "--group", "test")
    args = session.posargs or ["-n", "auto"]
    if not session.posargs and session.python != CURRENT:
        # The slow tests exercise git, uv and pytest, not the interpreter: once is enough.
        args = [*args, "-m", "not slow"]
    session.run("pytest", *args)


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and types: ruff check, ruff format --check, mypy."""
    session.install("-e", ".", "--group", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session(venv_backend="none")
def demo(session: nox.Session) -> None:
    """Run bootstrap, setup, validate and test-all on the bundled demo workspace."""
    code = main(["demo", *session.posargs])
    if code != ExitCode.OK:
        session.error(f"demo failed (exit status {code})")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks; write docs/benchmarks.md and the raw JSON (-- --quick: reduced)."""
    # vcstool is a peer measured against bootstrap; it lives only in this environment.
    # vcstool 0.3 imports pkg_resources, which setuptools dropped in 81.
    session.install("-e", ".", "nox[uv]", "vcstool", "setuptools<81")
    session.run("python", "-m", "bench.run", *session.posargs)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation site into site/ with mkdocs build --strict."""
    session.install("-r", "docs/requirements.txt")
    session.run("mkdocs", "build", "--strict", env={"NO_MKDOCS_2_WARNING": "1"})
