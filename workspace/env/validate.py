"""validate: the context the checks look at, the list of checks, and the runner of them all.

A check never stops the others: an unexpected failure inside one becomes an error result of
that check. What the checks need from the venv (installed distributions, where their import
names resolve) is read once, lazily, by :class:`Context`.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

from packaging.specifiers import SpecifierSet

from workspace.env.checks import CheckResult, CheckStatus, error, ok
from workspace.env.checks.deps import check_deps
from workspace.env.checks.environment import (
    check_from_index,
    check_pip,
    check_python,
    check_setup_current,
    check_tests,
    check_venv,
)
from workspace.env.checks.siblings import (
    check_editables,
    check_imports,
    check_layers,
    check_lock,
    check_siblings,
    check_versions,
)
from workspace.env.installed import InstalledDist, VenvContents, importable, read_venv
from workspace.env.interpreters import python_spec
from workspace.env.venv import site_packages, venv_python
from workspace.errors import WorkspaceError
from workspace.model.config import Sibling, Workspace
from workspace.model.graph import Graph
from workspace.text import display_path, plural


class Context:
    """What the checks look at; the venv is inspected once, on first use."""

    def __init__(self, graph: Graph, selected: Iterable[Sibling]) -> None:
        self.graph = graph
        self.workspace: Workspace = graph.workspace
        self.selected = tuple(selected)

    @property
    def python_siblings(self) -> list[Sibling]:
        return [s for s in self.selected if s.python_package and s.name in self.graph.projects]

    @cached_property
    def site(self) -> Path | None:
        return site_packages(self.workspace.venv)

    @cached_property
    def _contents(self) -> VenvContents | WorkspaceError:
        if self.site is None:
            return VenvContents()
        wanted = [self.graph.projects[s.name].name for s in self.python_siblings]
        try:
            return read_venv(venv_python(self.workspace.venv), wanted)
        except WorkspaceError as exc:
            return exc  # kept, so that every check that asks reports it without a rerun

    @property
    def contents(self) -> VenvContents:
        """One run of the venv's Python: its distributions, and the Python siblings' import
        names with where each resolves. Raises when that Python cannot run."""
        found = self._contents
        if isinstance(found, WorkspaceError):
            raise found
        return found

    def dist_of(self, sib: Sibling) -> InstalledDist | None:
        return self.contents.dists.get(self.graph.projects[sib.name].name)

    @cached_property
    def names(self) -> dict[str, list[str]]:
        """Import names per Python sibling installed in the venv."""
        return self.import_names(self.contents, self.python_siblings)

    def import_names(
        self, contents: VenvContents, siblings: Iterable[Sibling]
    ) -> dict[str, list[str]]:
        """Import names per sibling (of ``siblings``) that ``contents`` holds."""
        dists = {s.name: self.graph.projects[s.name].name for s in siblings}
        return {n: list(contents.import_names(d)) for n, d in dists.items() if d in contents.dists}

    @cached_property
    def test_tools(self) -> dict[str, str | None]:
        """Whether pytest and xdist import in the venv (module -> None, or why not)."""
        python = venv_python(self.workspace.venv)
        return importable(python, ("pytest", "xdist")) if python.exists() else {}

    @cached_property
    def spec(self) -> SpecifierSet:
        projects = {s.name: self.graph.projects[s.name] for s in self.python_siblings}
        return python_spec(self.workspace, projects)


CHECKS: tuple[Callable[[Context], list[CheckResult]], ...] = (
    check_python,
    check_venv,
    check_setup_current,
    check_from_index,
    check_siblings,
    check_editables,
    check_imports,
    check_versions,
    check_layers,
    check_pip,
    check_lock,
    check_tests,
    check_deps,
)


def check_name(check: Callable[[Context], list[CheckResult]]) -> str:
    return check.__name__.removeprefix("check_")


def choose_checks(names: Iterable[str]) -> list[Callable[[Context], list[CheckResult]]]:
    """The checks named (``--only-check``), in their usual order; every check without names."""
    wanted = set(names)
    known = {check_name(c): c for c in CHECKS}
    unknown = sorted(wanted - set(known))
    if unknown:
        raise WorkspaceError(
            f"validate: no check named {', '.join(map(repr, unknown))}",
            hint=f"the checks: {', '.join(known)}",
        )
    return [c for n, c in known.items() if n in wanted or not wanted]


def run_checks(
    ctx: Context, checks: Iterable[Callable[[Context], list[CheckResult]]] = CHECKS
) -> list[CheckResult]:
    """Every check, whatever the others found; a check that breaks becomes an error result."""
    results: list[CheckResult] = []
    for check in checks:
        try:
            results.extend(check(ctx))
        except (WorkspaceError, OSError, ValueError, subprocess.SubprocessError) as exc:
            results.append(error(check_name(check), f"the check could not run: {exc}"))
    return results


def config_result(workspace: Workspace) -> CheckResult:
    return ok(
        "config",
        f"{display_path(workspace.config_file)}: {plural(len(workspace.siblings), 'sibling')}, "
        f"{plural(len(workspace.layers), 'layer')}",
    )


def summarize(results: Iterable[CheckResult]) -> dict[CheckStatus, int]:
    counts = dict.fromkeys(CheckStatus, 0)
    for result in results:
        counts[result.status] += 1
    return counts


def failed(results: Iterable[CheckResult], strict: bool) -> bool:
    bad = {CheckStatus.ERROR, CheckStatus.WARNING} if strict else {CheckStatus.ERROR}
    return any(r.status in bad for r in results)
