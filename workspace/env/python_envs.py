"""One environment per Python that test-all runs on.

The shared venv serves its own Python (same MAJOR.MINOR); every other listed version gets an
environment under ``.wrknv/venvs/<version>/``, built by :func:`workspace.env.setup.setup` itself
(one resolution, every sibling editable, its own fingerprint, so a rerun with nothing changed is
a no-op), with that Python and without the siblings whose ``requires-python`` excludes it. A
Python the machine lacks, or an environment that does not build, is a problem of that Python
only: the others still run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from workspace.env.installed import importable
from workspace.env.interpreters import Interpreter, interpreter_version, pyenv_pythons, uv_find
from workspace.env.inuse import claim, share
from workspace.env.plan import make_plan
from workspace.env.setup import Options, setup
from workspace.env.uv import DOWNLOADS_ENV, ResolutionError, find_uv, run_uv
from workspace.env.venv import Log, read_fingerprint, venv_python, venv_version
from workspace.errors import WorkspaceError
from workspace.model.config import Workspace
from workspace.model.graph import Graph
from workspace.model.pythons import allows_minor, minor
from workspace.text import display_path, plural


@dataclass(frozen=True)
class PythonEnv:
    """Where one Python's suites run, or why they cannot."""

    version: str  # "3.12"
    venv: Path
    pins: Path  # what its setup resolved (part of the cache key)
    problem: str | None = None  # one line: the Python is missing, the env did not build
    hint: str | None = None
    xdist: bool = False  # pytest-xdist imports there
    output: str = ""  # uv's explanation of a build that failed

    def error_line(self) -> str:
        """The problem as the one ``error:`` line every verb prints."""
        return f"error: {self.problem} (hint: {self.hint})"


def shared_options(ws: Workspace) -> Options:
    """setup's options of the shared venv, as its fingerprint recorded them (the siblings
    allowed from the index), for another Python's environment built without setup's flags."""
    stamp = read_fingerprint(ws.venv, damaged_is_missing=True)  # damaged: none allowed
    return Options(from_index=stamp.flags.from_index if stamp is not None else ())


def shared_version(ws: Workspace) -> str | None:
    """The shared venv's MAJOR.MINOR, from its pyvenv.cfg; None when it has none."""
    version = venv_version(ws.venv)
    return None if version is None else minor(version)


def venv_for(ws: Workspace, version: str) -> Path:
    """The shared venv for its own Python, ``.wrknv/venvs/<version>`` for any other."""
    return ws.venv if version == shared_version(ws) else ws.state.venv(version)


def pins_for(ws: Workspace, version: str) -> Path:
    """Where the setup of ``version``'s environment keeps its resolution."""
    return ws.state.pins(None if version == shared_version(ws) else version)


def exclusions(graph: Graph, version: str, names: Iterable[str]) -> dict[str, str]:
    """The siblings (of ``names``) that cannot run on ``version``, each with why: its own
    ``requires-python`` excludes it, or that of a sibling it needs."""
    barred = {
        name: f"requires-python {info.requires_python} excludes {version}"
        for name, info in graph.projects.items()
        if info.requires_python is not None and not allows_minor([info.requires_python], version)
    }
    out = {}
    for name in names:
        if name in barred:
            out[name] = barred[name]
            continue
        needed = sorted(n for n in graph.closure([name], upward=False) if n in barred)
        if needed:
            out[name] = f"needs {needed[0]}, whose {barred[needed[0]]}"
    return out


def find_minor(uv: str, version: str) -> Interpreter | None:
    """An installed Python ``version``: uv's choice, else pyenv's (behind its shims). With
    ``UV_PYTHON_DOWNLOADS=automatic`` uv may fetch a missing one; otherwise never."""
    found = _installed_minor(uv, version)
    if found is not None or os.environ.get(DOWNLOADS_ENV) != "automatic":
        return found
    if run_uv(uv, "python", "install", "--", version, check=False, downloads=True).returncode:
        return None
    return _installed_minor(uv, version)


def _installed_minor(uv: str, version: str) -> Interpreter | None:
    path = uv_find(uv, version)
    found = interpreter_version(path) if path is not None else None
    if path is not None and found is not None and minor(found) == version:
        return Interpreter(path, found)
    return next((c for c in pyenv_pythons() if minor(c.version) == version), None)


def missing_python(version: str) -> tuple[str, str]:
    """The line (and its hint) for a Python this machine does not have."""
    return (
        f"Python {version} is not installed; its suites are not run",
        f"install it (pyenv install {version}, or uv python install {version}), or set "
        f"{DOWNLOADS_ENV}=automatic to let uv fetch it",
    )


def ensure_env(
    graph: Graph,
    version: str,
    exclude: Iterable[str],
    log: Log,
    base: Options | None = None,
    *,
    use_busy: bool = True,
) -> PythonEnv:
    """``version``'s environment, built or refreshed when its fingerprint differs (a no-op
    otherwise) with setup's ``base`` options (default: those the shared venv was built with);
    its problem in one line, and uv's output, when it cannot be had. While another process
    runs suites in it, it is never rebuilt: used as it is (``use_busy``), else a problem."""
    ws = graph.workspace
    venv, pins = venv_for(ws, version), pins_for(ws, version)
    if venv == ws.venv:
        return PythonEnv(version, venv, pins, xdist=_has_xdist(venv))
    interpreter = find_minor(find_uv(), version)
    if interpreter is None:
        return PythonEnv(version, venv, pins, *missing_python(version))
    lock = ws.state.env_lock(version)
    if not claim(lock):
        return _in_use(PythonEnv(version, venv, pins), log, use_busy=use_busy)
    try:
        return _build(graph, PythonEnv(version, venv, pins), interpreter, exclude, log, base)
    finally:
        share(lock)


def _in_use(env: PythonEnv, log: Log, *, use_busy: bool) -> PythonEnv:
    """An environment another process is using: as it is, or why it was not rebuilt."""
    version, where = env.version, display_path(env.venv)
    if not (env.venv / "pyvenv.cfg").is_file():
        why = f"the environment for Python {version} is not there: another run building it failed"
        return replace(env, problem=why, hint="see that run's output, then run again")
    if not use_busy:
        return replace(
            env,
            problem=f"{where} is in use by another run; the environment for Python {version} "
            "was not rebuilt",
            hint="run again when that run has finished",
        )
    log(f"{where} is in use by another run: its suites run in it as it is, not refreshed")
    return replace(env, xdist=_has_xdist(env.venv))


def _build(
    graph: Graph,
    env: PythonEnv,
    interpreter: Interpreter,
    exclude: Iterable[str],
    log: Log,
    base: Options | None,
) -> PythonEnv:
    """Build or refresh ``env`` with setup's code (this process holds its lock)."""
    ws, version, venv = graph.workspace, env.version, env.venv
    left_out = set(exclude)
    plan = make_plan(graph, [s for s in ws.siblings if s.name not in left_out])
    plan = replace(plan, workspace=replace(ws, venv=venv))
    base = shared_options(ws) if base is None else base
    options = replace(base, python=str(interpreter.path), pins=env.pins)
    say = _once(log, f"building {display_path(venv)} with {interpreter}")
    try:
        result = setup(plan, options, log=say)
    except WorkspaceError as exc:  # setup leaves the previous environment as it was
        return replace(
            env,
            problem=f"the environment for Python {version} was not built: {exc.message}",
            hint=exc.hint or f"uv's output is above; fix that requirement, or drop {version}",
            output=exc.output if isinstance(exc, ResolutionError) else "",
        )
    if result.changed:
        log(
            f"{display_path(venv)}: {plural(len(result.installed), 'sibling')} installed with "
            f"Python {result.python.version} in {result.duration:.1f} s"
        )
    return replace(env, xdist=_has_xdist(venv))


def _once(log: Log, line: str) -> Log:
    """A log that says ``line`` once, when setup first says anything (it builds)."""
    said: list[bool] = []

    def say(_msg: str) -> None:
        if not said:
            said.append(True)
            log(line)

    return say


def _has_xdist(venv: Path) -> bool:
    return importable(venv_python(venv), ("xdist",))["xdist"] is None


def ensure_envs(
    graph: Graph, versions: Sequence[str], names: Sequence[str], log: Log
) -> tuple[dict[str, PythonEnv], dict[str, dict[str, str]]]:
    """Every version's environment, and per version the siblings (of ``names``) it excludes."""
    excluded = {v: exclusions(graph, v, graph.workspace.names) for v in versions}
    envs = {v: ensure_env(graph, v, excluded[v], log) for v in versions}
    return envs, {v: {n: r for n, r in excluded[v].items() if n in names} for v in versions}


def env_for_sibling(
    graph: Graph, version: str, name: str, log: Log
) -> tuple[PythonEnv | None, str | None]:
    """``version``'s environment for one sibling's suite (``test NAME --python``), and why the
    sibling cannot run there (its requires-python, or one it needs), if so."""
    excluded = exclusions(graph, version, graph.workspace.names)
    why = excluded.get(name)
    if why is not None:
        return None, why
    return ensure_env(graph, version, excluded, log), None
