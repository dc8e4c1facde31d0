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


# Each verb's session, in the order `nox -l` lists them: the test sessions come between these.
_SETUP_VERBS = {
    "init": "Write wrknv.toml, noxfile.py and .gitignore lines for the checkouts beside this one.",
    "graph": "Print the layers, install order and dependency edges (--json/--mermaid FILE).",
    "bootstrap": "Clone every missing sibling in parallel (--jobs N, --locked, --link-from DIR).",
    "status": "One line per sibling: presence, branch, dirty, ahead/behind, lock and origin drift.",
    "update": "Fetch and fast-forward every clean sibling; skip dirty or diverged ones.",
    "lock": "Record every sibling's commit in wrknv.lock (--check compares instead).",
    "setup": "Build the shared .venv: every sibling editable, in one uv resolution.",
    "validate": "Prove the environment is right: every check, a table, exit 1 on errors.",
}
_RUN_VERBS = {
    "test-all": "Run the selected siblings' suites in parallel, longest first, "
    "within the core budget.",
    "explain": "Say what a suite's cache key is made of, "
    "and what changed since its last kept pass.",
    "exec": "One command in every selected sibling's directory: ``-- [flags] -- CMD ARGS``.",
    "matrix": "Print the CI job matrix as JSON (--shards K packs siblings into balanced shards).",
    "report": "Merge the run directories of several shards into one summary, JUnit file and table.",
}


def _run(session: nox.Session, verb: str, args: Sequence[str]) -> None:
    code = main([verb, *args])
    if code != ExitCode.OK:
        session.error(f"{verb} failed (exit status {code})")


def _verb_session(verb: str, description: str) -> None:
    """Declare the session ``verb``: the verb with the session's arguments."""

    def run_verb(session: nox.Session) -> None:
        _run(session, verb, session.posargs)

    run_verb.__doc__ = description
    nox.session(name=verb, venv_backend="none")(run_verb)


def _test_session(name: str, python: str | None) -> None:
    """Declare ``test(<name>)``, or ``test-3.12(<name>)`` for one Python of several: nox
    ignores a ``python=`` list on sessions that make no venv, so each Python is a session name
    of its own, as nox itself names sessions parametrized by Python."""

    def test(session: nox.Session, sibling: str) -> None:
        config, pytest_args = split_config(session.posargs)  # --config is the verb's
        head = ["--config", config] if config else []
        head += ["--python", python] if python else []
        _run(session, "test", [*head, sibling, "--", *pytest_args])

    where = f"on Python {python}" if python else "in the shared venv"
    test.__doc__ = f"Run one sibling's tests {where} (posargs go to pytest)."
    params = [
        nox.param(s.name, id=s.name, tags=[t for t in (s.layer, *s.tags) if t]) for s in SIBLINGS
    ]
    nox.session(name=name, venv_backend="none")(nox.parametrize("sibling", params)(test))


for _verb, _description in _SETUP_VERBS.items():
    _verb_session(_verb, _description)
# test(<name>) always (what a CI matrix entry names); one Python configured: on that Python.
_test_session("test", PYTHONS[0] if len(PYTHONS) == 1 else None)
for _python in PYTHONS if len(PYTHONS) > 1 else ():
    _test_session(f"test-{_python}", _python)
for _verb, _description in _RUN_VERBS.items():
    _verb_session(_verb, _description)
