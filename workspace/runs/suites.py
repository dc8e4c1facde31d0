"""The suites of a run: one per Python sibling, their order (longest first), their xdist
workers within the core budget, and the exact command and environment each one gets."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from workspace.env.installed import importable
from workspace.env.venv import venv_python
from workspace.errors import EnvError
from workspace.model.config import Sibling, Workspace
from workspace.model.statedir import JUNIT
from workspace.runs.pieces import piece_args
from workspace.runs.results import suite_key
from workspace.runs.testfiles import find_test_files
from workspace.text import display_path

_XDIST_ARGS = ("-n", "--numprocesses", "--dist", "-d", "--tx", "no:xdist")  # -p no:xdist
# Variables of an outer pytest-xdist run that must not leak into the suites we start.
_LEAKY_ENV = (
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
    "PYTEST_CURRENT_TEST",
)


@dataclass(frozen=True)
class Suite:
    """One sibling's suite as it will be run."""

    name: str
    path: Path
    args: tuple[str, ...] = ()
    timeout: float | None = None
    xdist: bool = True
    selected_because: str = "selected"
    expected_seconds: float | None = None  # single-worker estimate from history
    skip_reason: str | None = None  # set: recorded as not-run, never started
    python: str | None = None  # the Python it runs on, when a run covers several
    files: tuple[str, ...] = ()  # a piece of a split suite: its --files (see runs/pieces.py)
    venv: Path | None = None  # its Python's environment; None: the run's (the shared venv)
    excluded: bool = False  # skipped because requires-python excludes its Python

    @property
    def key(self) -> str:
        return suite_key(self.name, self.python)


def count_test_files(path: Path) -> int:
    """The test files pytest would collect below ``path`` (see :func:`find_test_files`)."""
    return len(find_test_files(path))


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS reports it)."""
    getaffinity = getattr(os, "sched_getaffinity", None)
    if getaffinity is not None:
        return max(1, len(getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def require_venv(ws: Workspace) -> Path:
    """The shared venv's interpreter; EnvError when the venv has not been created."""
    python = venv_python(ws.venv)
    if not python.exists():
        raise EnvError(
            f"the shared venv {ws.venv} does not exist",
            hint="create it with `nox -s setup`",
        )
    return python


def require_test_runner(ws: Workspace) -> tuple[Path, bool]:
    """The shared venv's interpreter, and whether pytest-xdist imports there; EnvError when
    the venv is missing or pytest does not import, so that no suite is started to fail."""
    python = require_venv(ws)
    tools = importable(python, ("pytest", "xdist"))
    if tools["pytest"] is not None:
        raise EnvError(
            f"pytest does not import in the shared venv {display_path(ws.venv)}: {tools['pytest']}",
            hint="pytest is in [workspace.test] requirements unless removed there: "
            "run nox -s setup",
        )
    return python, tools["xdist"] is None


def build_suites(
    ws: Workspace,
    siblings: Sequence[Sibling],
    reasons: Mapping[str, str],
    *,
    timeout: float | None = None,
    extra_args: Sequence[str] = (),
    broken: Mapping[str, str] | None = None,
) -> list[Suite]:
    """A Suite per sibling whose tests run (``Sibling.runs_tests``); absent and ``broken``
    ones (name -> why their pyproject.toml cannot be read) are marked not-run with the reason."""
    suites = []
    for sib in siblings:
        if not sib.runs_tests:
            continue
        skip = None
        if not sib.path.is_dir():
            skip = f"not present at {sib.path} (clone it with the bootstrap session)"
        elif sib.name in (broken or {}):
            skip = f"its pyproject.toml cannot be read: {(broken or {})[sib.name]}"
        suites.append(
            Suite(
                name=sib.name,
                path=sib.path,
                args=(*sib.test.args, *extra_args),
                timeout=timeout if timeout is not None else sib.test.timeout,
                xdist=sib.test.xdist,
                selected_because=reasons.get(sib.name, "selected"),
                skip_reason=skip,
            )
        )
    return suites


def order_suites(
    suites: Iterable[Suite],
    expected: Mapping[str, float],
    sizes: Mapping[str, int] | None = None,
) -> list[Suite]:
    """Longest expected first; suites with no history go before all of them (they may be long,
    and running them early is how they get a history), the biggest (``sizes``: test files)
    first among those."""
    with_times = [_with_expected(s, expected.get(s.key, expected.get(s.name))) for s in suites]
    size = sizes or {}
    return sorted(
        with_times,
        key=lambda s: (
            s.expected_seconds is not None,
            -(s.expected_seconds or 0.0),
            -size.get(s.name, 0),
            s.name,
            s.python or "",
        ),
    )


def _with_expected(suite: Suite, seconds: float | None) -> Suite:
    """The suite with its expected seconds (its own Python's history, else the sibling's)."""
    return suite if seconds is None else replace(suite, expected_seconds=seconds)


def workers_for(suite: Suite, free: int, remaining: int, *, xdist: bool) -> int:
    """xdist workers for a suite started now. With fewer suites left than free cores, the spare
    cores are shared out among them; otherwise one each. Never more than ``free``."""
    if not (suite.xdist and xdist) or free <= 1 or remaining >= free:
        return 1
    if any(a in _XDIST_ARGS or a.startswith(("--numprocesses=", "-n")) for a in suite.args):
        return 1  # the sibling's own args decide its workers, or turn xdist off
    return max(1, free // max(remaining, 1))


def suite_command(python: Path, suite: Suite, workdir: Path, workers: int) -> list[str]:
    """The exact pytest command: isolation flags first, the sibling's args after."""
    cmd = [
        str(python),
        "-m",
        "pytest",
        f"--junitxml={workdir / JUNIT}",
        "-o",
        f"cache_dir={workdir / 'cache'}",
        f"--basetemp={workdir / 'basetemp'}",
    ]
    if workers > 1:
        cmd += ["-n", str(workers)]
    return [*cmd, *suite.args, *piece_args(suite.files)]


def suite_env(base: Mapping[str, str], venv: Path, workdir: Path, name: str) -> dict[str, str]:
    """The suite's environment: its own temp dir and coverage file, the shared venv first on
    PATH, and nothing from an outer xdist run."""
    env = {k: v for k, v in base.items() if k not in _LEAKY_ENV}
    tmp = str(workdir / "tmp")
    env.update(
        TMPDIR=tmp,
        TEMP=tmp,
        TMP=tmp,
        COVERAGE_FILE=str(workdir / ".coverage"),
        VIRTUAL_ENV=str(venv),
        PATH=os.pathsep.join([str(venv_python(venv).parent), base.get("PATH", "")]),
        WRKNV_SIBLING=name,
    )
    return env
