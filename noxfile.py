"""Sessions of provide-workspace. A workspace session parses nothing itself: it hands its
posargs to ``workspace`` (the same code as ``python -m workspace VERB``), in nox's own process,
and turns a failure into an exit. The project's sessions (tests, lint, docs, bench) install
what they need into their own environments.

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

from workspace import ExitCode, WorkspaceError, load  # noqa: E402
from workspace.cli import main  # noqa: E402
from workspace.env.interpreters import available_versions, pyenv_pythons  # noqa: E402

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

# The workspace is read once, at import, for the per-sibling test sessions. A broken config
# must not break `nox -l`: the error is reported by whichever session needs the config.
try:
    WORKSPACE = load()
    SIBLINGS = [s for s in WORKSPACE.siblings if s.runs_tests]
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


# ----------------------------------------------------------------------------- the workspace


@nox.session(venv_backend="none")
def graph(session: nox.Session) -> None:
    """Print the layers, install order and dependency edges (--json/--mermaid FILE)."""
    _workspace(session, "graph")


@nox.session(venv_backend="none")
def bootstrap(session: nox.Session) -> None:
    """Clone every missing sibling in parallel (--jobs N, --locked, --link-from DIR)."""
    _workspace(session, "bootstrap")


@nox.session(venv_backend="none")
def status(session: nox.Session) -> None:
    """One line per sibling: presence, branch, dirty, ahead/behind, lock and origin drift."""
    _workspace(session, "status")


@nox.session(venv_backend="none")
def update(session: nox.Session) -> None:
    """Fetch and fast-forward every clean sibling; skip dirty or diverged ones."""
    _workspace(session, "update")


@nox.session(venv_backend="none")
def lock(session: nox.Session) -> None:
    """Record every sibling's commit in wrknv.lock (--check compares instead)."""
    _workspace(session, "lock")


@nox.session(venv_backend="none")
def setup(session: nox.Session) -> None:
    """Build the shared .venv: every sibling editable, in one uv resolution."""
    _workspace(session, "setup")


@nox.session(venv_backend="none")
def validate(session: nox.Session) -> None:
    """Prove the environment is right: every check, a table, exit 1 on errors."""
    _workspace(session, "validate")


@nox.session(venv_backend="none")
@nox.parametrize(
    "sibling",
    [nox.param(s.name, id=s.name, tags=[t for t in (s.layer, *s.tags) if t]) for s in SIBLINGS],
)
def test(session: nox.Session, sibling: str) -> None:
    """Run one sibling's tests in the shared venv (posargs go to pytest)."""
    _workspace(session, "test", sibling, "--")


@nox.session(name="test-all", venv_backend="none")
def test_all(session: nox.Session) -> None:
    """Run the selected siblings' suites in parallel, longest first, within the core budget."""
    _workspace(session, "test-all")


@nox.session(venv_backend="none")
def matrix(session: nox.Session) -> None:
    """Print the CI job matrix as JSON (--shards K packs siblings into balanced shards)."""
    _workspace(session, "matrix")


@nox.session(venv_backend="none")
def report(session: nox.Session) -> None:
    """Merge the run directories of several shards into one summary, JUnit file and table."""
    _workspace(session, "report")


@nox.session(venv_backend="none")
def demo(session: nox.Session) -> None:
    """Run bootstrap, setup, validate and test-all on the bundled demo workspace."""
    _workspace(session, "demo")


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
