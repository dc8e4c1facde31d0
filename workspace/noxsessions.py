"""The nox sessions of a workspace. A noxfile that imports this module has every verb as a
session (``nox -s setup``, ``nox -s test-all``, one ``test(<name>)`` per sibling, and one
``test-3.12(<name>)`` per sibling and Python when ``[workspace] pythons`` names several, ...)::

    import nox
    import workspace.noxsessions  # noqa: F401

A session parses nothing itself: it hands its arguments after ``--`` to the same code as
``provide-workspace VERB`` (``python -m workspace VERB``), in nox's own process, and turns a
status other than 0 into a failed session.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import nox

from workspace.cli import main
from workspace.errors import ExitCode, WorkspaceError
from workspace.model.config import CONFIG_NAME, Sibling, Workspace, find_config, load


def split_config(args: Sequence[str]) -> tuple[str | None, list[str]]:
    """``--config X`` (or ``--config=X``) taken out of session arguments, and the rest."""
    config, rest = None, []
    items = iter(args)
    for arg in items:
        if arg == "--config":
            config = next(items, None)
        elif arg.startswith("--config="):
            config = arg.split("=", 1)[1]
        else:
            rest.append(arg)
    return config, rest


def config_in(argv: Sequence[str], cwd: Path) -> Path | None:
    """The ``--config`` given after nox's ``--``, as an absolute path."""
    if "--" not in argv:
        return None
    config, _ = split_config(argv[argv.index("--") + 1 :])
    return (cwd / config).absolute() if config else None


def started_in() -> Path:
    """The directory nox was started in; nox itself moves to the noxfile's directory."""
    pwd = os.environ.get("PWD")
    return Path(pwd) if pwd and Path(pwd).is_dir() else Path.cwd()


def named_workspace(argv: Sequence[str]) -> Workspace | None:
    """The config the command names (``--config``, else ``$WRKNV_CONFIG``, else the nearest
    wrknv.toml from where nox was started). A broken or missing config must not break
    ``nox -l``: the session that needs it reports the error."""
    start = started_in()
    try:
        path = config_in(argv, start) or find_config(start)
        if path.is_dir():
            path = path / CONFIG_NAME
        return load(path)
    except WorkspaceError:
        return None


def siblings_with_tests(ws: Workspace | None) -> list[Sibling]:
    """The siblings that get a ``test(<name>)`` session (none without a config)."""
    return [] if ws is None else [s for s in ws.siblings if s.runs_tests]


WORKSPACE = named_workspace(sys.argv)  # read once, at import, for the session list
SIBLINGS = siblings_with_tests(WORKSPACE)
PYTHONS = () if WORKSPACE is None else WORKSPACE.pythons  # [workspace] pythons


def _workspace(session: nox.Session, verb: str, *args: str) -> None:
    code = main([verb, *args, *session.posargs])
    if code != ExitCode.OK:
        session.error(f"{verb} failed (exit status {code})")


@nox.session(venv_backend="none")
def init(session: nox.Session) -> None:
    """Write wrknv.toml, noxfile.py and .gitignore lines for the checkouts beside this one."""
    _workspace(session, "init")


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


def _test_session(name: str, python: str | None) -> None:
    """Declare ``test(<name>)``, or ``test-3.12(<name>)`` for one Python of several: nox
    ignores a ``python=`` list on sessions that make no venv, so each Python is a session name
    of its own, as nox itself names sessions parametrized by Python."""

    def test(session: nox.Session, sibling: str) -> None:
        config, pytest_args = split_config(session.posargs)  # --config is the verb's
        head = ["--config", config] if config else []
        head += ["--python", python] if python else []
        code = main(["test", *head, sibling, "--", *pytest_args])
        if code != ExitCode.OK:
            session.error(f"test failed (exit status {code})")

    where = f"on Python {python}" if python else "in the shared venv"
    test.__doc__ = f"Run one sibling's tests {where} (posargs go to pytest)."
    params = [
        nox.param(s.name, id=s.name, tags=[t for t in (s.layer, *s.tags) if t]) for s in SIBLINGS
    ]
    nox.session(name=name, venv_backend="none")(nox.parametrize("sibling", params)(test))


# test(<name>) always (what a CI matrix entry names); one Python configured: on that Python.
_test_session("test", PYTHONS[0] if len(PYTHONS) == 1 else None)
for _python in PYTHONS if len(PYTHONS) > 1 else ():
    _test_session(f"test-{_python}", _python)


@nox.session(name="test-all", venv_backend="none")
def test_all(session: nox.Session) -> None:
    """Run the selected siblings' suites in parallel, longest first, within the core budget."""
    _workspace(session, "test-all")


@nox.session(venv_backend="none")
def explain(session: nox.Session) -> None:
    """Say what a suite's cache key is made of, and what changed since its last kept pass."""
    _workspace(session, "explain")


@nox.session(name="exec", venv_backend="none")
def exec_(session: nox.Session) -> None:
    """One command in every selected sibling's directory: ``-- [flags] -- CMD ARGS``."""
    _workspace(session, "exec")


@nox.session(venv_backend="none")
def matrix(session: nox.Session) -> None:
    """Print the CI job matrix as JSON (--shards K packs siblings into balanced shards)."""
    _workspace(session, "matrix")


@nox.session(venv_backend="none")
def report(session: nox.Session) -> None:
    """Merge the run directories of several shards into one summary, JUnit file and table."""
    _workspace(session, "report")
