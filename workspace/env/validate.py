"""validate's checks: each a small function returning results; the runner collects them all.

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

from workspace.env.check_results import CheckResult, Status, error, ok
from workspace.env.checks_siblings import (
    check_editables,
    check_imports,
    check_layers,
    check_lock,
    check_siblings,
    check_versions,
)
from workspace.env.checks_venv import (
    check_pip,
    check_python,
    check_setup_current,
    check_tests,
    check_venv,
)
from workspace.env.installed import InstalledDist, import_names, installed_dists, resolve_imports
from workspace.env.interpreters import python_spec
from workspace.env.venv import (
    site_packages,
    venv_python,
)
from workspace.errors import GraphError, WorkspaceError
from workspace.model.config import Sibling, Workspace
from workspace.model.graph import Graph
from workspace.text import display_path


class _LenientGraph(Graph):
    """A graph whose order does not raise: validate reports broken rules as results."""

    def generations(self) -> list[list[str]]:
        try:
            return super().generations()
        except GraphError:
            ws = self.workspace
            by_layer = sorted(ws.siblings, key=lambda s: (ws.layer_index(s.layer), s.name))
            return [[s.name for s in by_layer]]


def lenient(graph: Graph) -> Graph:
    return _LenientGraph(graph.workspace, graph.projects, graph.edges, graph.extras)


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
    def dists(self) -> dict[str, InstalledDist]:
        return installed_dists(self.site)

    def dist_of(self, sib: Sibling) -> InstalledDist | None:
        return self.dists.get(self.graph.projects[sib.name].name)

    @cached_property
    def names(self) -> dict[str, list[str]]:
        """Import names per Python sibling installed in the venv."""
        out = {}
        for sib in self.python_siblings:
            dist = self.dist_of(sib)
            if dist is not None and self.site is not None:
                out[sib.name] = import_names(dist, self.site, sib.path)
        return out

    @cached_property
    def resolved(self) -> dict[str, dict[str, object]]:
        python = venv_python(self.workspace.venv)
        if not python.exists():
            return {}
        return resolve_imports(python, (n for names in self.names.values() for n in names))

    @cached_property
    def spec(self) -> SpecifierSet:
        projects = {s.name: self.graph.projects[s.name] for s in self.python_siblings}
        return python_spec(self.workspace, projects)


CHECKS: tuple[Callable[[Context], list[CheckResult]], ...] = (
    check_python,
    check_venv,
    check_setup_current,
    check_siblings,
    check_editables,
    check_imports,
    check_versions,
    check_layers,
    check_pip,
    check_lock,
    check_tests,
)


def run_checks(
    ctx: Context, checks: Iterable[Callable[[Context], list[CheckResult]]] = CHECKS
) -> list[CheckResult]:
    """Every check, whatever the others found; a check that breaks becomes an error result."""
    results: list[CheckResult] = []
    for check in checks:
        name = check.__name__.removeprefix("check_")
        try:
            results.extend(check(ctx))
        except (WorkspaceError, OSError, ValueError, subprocess.SubprocessError) as exc:
            results.append(error(name, f"the check could not run: {exc}", None))
    return results


def config_result(workspace: Workspace) -> CheckResult:
    return ok(
        "config",
        f"{display_path(workspace.config_file)}: {len(workspace.siblings)} siblings, "
        f"{len(workspace.layers)} layers",
    )


def summarize(results: Iterable[CheckResult]) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for result in results:
        counts[result.status] += 1
    return counts


def failed(results: Iterable[CheckResult], strict: bool) -> bool:
    bad = {Status.ERROR, Status.WARNING} if strict else {Status.ERROR}
    return any(r.status in bad for r in results)


__all__ = [
    "CheckResult",
    "Context",
    "Status",
    "config_result",
    "failed",
    "lenient",
    "run_checks",
    "summarize",
]
