"""validate's checks of the venv itself: its Python, how it was built, uv pip check, the
test tools."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from packaging.specifiers import SpecifierSet

from workspace.env.checks import SETUP_HINT, CheckResult, error, ok, warning
from workspace.env.interpreters import find_python
from workspace.env.plan import make_plan
from workspace.env.uv import find_uv, run_uv, uv_version
from workspace.env.venv import (
    REBUILD,
    fingerprint,
    read_fingerprint,
    read_pyvenv,
    venv_interpreter,
    venv_python,
    venv_version,
)
from workspace.errors import WorkspaceError
from workspace.fsutil import same_path
from workspace.text import display_path, plural

if TYPE_CHECKING:
    from workspace.env.validate import Context


def check_python(ctx: Context) -> list[CheckResult]:
    """A Python that satisfies the workspace and every selected sibling."""
    try:
        spec = ctx.spec
    except WorkspaceError as exc:
        return [error("python", exc.message, exc.hint)]
    shown = str(spec) or "any version"
    version = venv_version(ctx.workspace.venv)
    if version is None:
        try:
            found = find_python(find_uv(), spec)
        except WorkspaceError as exc:
            return [error("python", f"requirement {shown}: {exc.message}", exc.hint)]
        return [ok("python", f"requirement {shown}: setup would use {found}")]
    if not spec.contains(version, prereleases=True):
        return [
            error(
                "python",
                f"the venv has Python {version}, which does not satisfy {shown}",
                "run: nox -s setup (it rebuilds the venv with a matching Python)",
            )
        ]
    return [ok("python", f"Python {version} satisfies {shown}")]


def check_venv(ctx: Context) -> list[CheckResult]:
    """The venv exists, runs, and was built from the Python setup chose."""
    venv = ctx.workspace.venv
    shown = display_path(venv)
    cfg = read_pyvenv(venv)
    if not cfg:
        return [error("venv", f"{shown} is missing (no pyvenv.cfg)", SETUP_HINT)]
    version = venv_version(venv)
    home = cfg.get("home", "")
    if not venv_python(venv).exists() or not home or not Path(home).is_dir():
        return [
            error(
                "venv",
                f"{shown} is broken: its base Python {home or '(unknown)'} is gone",
                REBUILD,
            )
        ]
    try:
        stamp = read_fingerprint(venv)
    except WorkspaceError as exc:
        return [warning("venv", exc.message, exc.hint)]
    if stamp is None:
        return [
            warning(
                "venv",
                f"{shown} (Python {version}) was not made by setup, or setup did not finish",
                SETUP_HINT,
            )
        ]
    if version != stamp.python_version or not same_path(Path(home), stamp.python_home):
        return [
            error(
                "venv",
                f"{shown} was rebuilt with Python {version} ({home}) after setup used Python "
                f"{stamp.python_version} ({stamp.python_home})",
                REBUILD,
            )
        ]
    return [ok("venv", f"{shown} built by setup from Python {version} ({home})")]


def check_setup_current(ctx: Context) -> list[CheckResult]:
    """The venv was set up from the config, lock and pyproject files as they are now."""
    stamp = read_fingerprint(ctx.workspace.venv, damaged_is_missing=True)
    if stamp is None:
        return []  # check_venv reports it
    wanted = {s.name for s in ctx.python_siblings if s.path.is_dir()}
    missing = sorted(wanted - set(stamp.installed))
    if missing:
        return [
            warning(
                "setup",
                f"not installed by the last setup: {', '.join(missing)}",
                SETUP_HINT,
            )
        ]
    names = [n for n in stamp.installed if n in ctx.workspace.names]
    plan = make_plan(ctx.graph, [ctx.workspace.sibling(n) for n in names])
    python = venv_interpreter(ctx.workspace.venv, SpecifierSet())
    if python is None:
        return []
    try:
        uv_text = uv_version(find_uv())
    except WorkspaceError as exc:
        return [warning("setup", exc.message, exc.hint)]
    if fingerprint(plan, python, uv_text, stamp.flags) != stamp.hash:
        return [
            warning(
                "setup",
                "the config, lock, a pyproject file or uv changed since the last setup",
                SETUP_HINT,
            )
        ]
    return [ok("setup", f"up to date with the config ({stamp.created})")]


def check_from_index(ctx: Context) -> list[CheckResult]:
    """Siblings that setup let come from the package index (--from-index) are said."""
    stamp = read_fingerprint(ctx.workspace.venv, damaged_is_missing=True)  # check_venv says it
    names = stamp.flags.from_index if stamp is not None else ()
    if not names:
        return []
    return [
        warning(
            "from-index",
            f"{', '.join(names)} came from the package index, not from checkouts "
            "(setup --from-index)",
            "bootstrap them and run setup without --from-index",
        )
    ]


def check_pip(ctx: Context) -> list[CheckResult]:
    """``uv pip check``: every installed distribution's requirements are met."""
    python = venv_python(ctx.workspace.venv)
    if not python.exists():
        return [error("pip-check", "no venv to check", SETUP_HINT)]
    try:
        proc = run_uv(find_uv(), "pip", "check", "--python", str(python), check=False)
    except WorkspaceError as exc:
        return [error("pip-check", exc.message, exc.hint)]
    text = (proc.stdout + proc.stderr).strip()
    if proc.returncode:
        problems = [line.strip() for line in text.splitlines() if line.strip()]
        return [
            error(
                "pip-check",
                "; ".join(problems[-5:]) or f"uv pip check exited {proc.returncode}",
                REBUILD,
            )
        ]
    return [ok("pip-check", text.splitlines()[-1] if text else "no broken requirements")]


def check_tests(ctx: Context) -> list[CheckResult]:
    """The test settings can work: pytest (and pytest-xdist where asked) import in the venv,
    and the values make sense."""
    problems: list[str] = []
    hints: list[str] = []
    python_sibs = ctx.python_siblings
    if not python_sibs:
        return [ok("tests", "no Python siblings selected")]
    tools = ctx.test_tools
    if tools.get("pytest"):
        problems.append(f"pytest does not import in the venv ({tools['pytest']})")
        hints.append("pytest is in [workspace.test] requirements unless removed: nox -s setup")
    xdist = [s.name for s in python_sibs if s.test.xdist]
    if xdist and tools.get("xdist"):
        problems.append(f"xdist is on for {', '.join(xdist)} but pytest-xdist does not import")
        hints.append("run nox -s setup (it installs pytest-xdist), or set test.xdist = false")
    for sib in python_sibs:
        if sib.test.timeout is not None and sib.test.timeout <= 0:
            problems.append(f"{sib.name}: timeout {sib.test.timeout} is not positive")
        numprocs = any(
            a in ("-n", "--numprocesses") or a.startswith(("-n=", "--numprocesses="))
            for a in sib.test.args
        )
        if numprocs and not sib.test.xdist:
            problems.append(f"{sib.name}: test args pass -n but xdist = false")
            hints.append("drop -n from test.args; the runner adds it when xdist is on")
    if problems:
        return [warning("tests", "; ".join(problems), "; ".join(dict.fromkeys(hints)) or None)]
    return [ok("tests", f"settings usable for {plural(len(python_sibs), 'Python sibling')}")]
