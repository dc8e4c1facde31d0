"""What setup will install, decided from the graph before anything runs: the siblings, their
extras and groups, the needed siblings that are missing, and version mismatches."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version

from workspace.model.config import Sibling, Workspace
from workspace.model.graph import Graph, requested_extras
from workspace.model.project import ProjectInfo, groups_to_install

if TYPE_CHECKING:
    from workspace.env.installed import InstalledDist


def _relative(path: Path) -> str:
    """A path relative to the current directory, as in ``../provide-foundation``."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


@dataclass(frozen=True)
class Mismatch:
    """A sibling asks for a version of another sibling that the local checkout is not."""

    source: str
    target: str
    requirement: str
    path: Path
    version: str

    def __str__(self) -> str:
        return (
            f"{self.source} requires {self.requirement} but {_relative(self.path)} "
            f"is {self.version}"
        )


@dataclass(frozen=True)
class InstallPlan:
    """What setup will install, computed from the graph without running anything."""

    workspace: Workspace
    install: tuple[Sibling, ...]  # selected, present Python siblings, in install order
    missing: tuple[Sibling, ...]  # selected but not on disk
    skipped: tuple[Sibling, ...]  # selected, present, but python_package = false or no pyproject
    needed_missing: tuple[tuple[str, str], ...]  # (who needs it, missing sibling)
    extras: Mapping[str, tuple[str, ...]]  # extras per present Python sibling
    groups: Mapping[str, tuple[str, ...]]  # dependency groups installed per sibling
    group_requirements: Mapping[str, tuple[str, ...]]  # flattened, per installed sibling
    projects: Mapping[str, ProjectInfo]
    mismatches: tuple[Mismatch, ...] = ()
    unchecked: tuple[str, ...] = ()  # constraints that could not be checked (dynamic version)
    layers: tuple[tuple[str | None, tuple[str, ...]], ...] = field(default=())
    broken: Mapping[str, str] = field(default_factory=dict)  # see Graph.broken

    def why_missing(self, name: str) -> str:
        """Why a needed sibling cannot be installed from its checkout, in words."""
        sib = self.workspace.sibling(name)
        if not sib.path.is_dir():
            return "is not present"
        if name in self.broken:
            return f"has a pyproject.toml that cannot be read ({self.broken[name]})"
        if not sib.python_package:
            return "is not a Python package (python_package = false)"
        return f"has no pyproject.toml in {_relative(sib.path)}"

    def editable_line(self, name: str) -> str:
        sib = self.workspace.sibling(name)
        extras = self.extras.get(name, ())
        return f"-e {sib.path}" + (f"[{','.join(extras)}]" if extras else "")

    def requirements_text(self, names: Iterable[str] | None = None) -> str:
        """The requirements input: the siblings as editables and their groups flattened."""
        chosen = [s.name for s in self.install] if names is None else list(names)
        lines = [self.editable_line(n) for n in chosen]
        for name in chosen:
            lines += [*self.group_requirements.get(name, ()), *self.test_requirements(name)]
        return "\n".join(dict.fromkeys(lines)) + "\n"  # each line once, the first time

    def test_requirements(self, name: str) -> tuple[str, ...]:
        """What the sibling's suite needs in the venv (``test.requirements``, pytest unless
        said otherwise), with pytest-xdist when its suite may use workers. The sibling's own
        groups are in the same resolution, so their pins win."""
        sib = self.workspace.sibling(name)
        if not sib.runs_tests:
            return ()
        return (*sib.test.requirements, *(["pytest-xdist"] if sib.test.xdist else []))

    def overrides_text(self) -> str:
        """Every present Python sibling, editable, so any requirement on one resolves here."""
        return "\n".join(self.editable_line(n) for n in sorted(self.projects)) + "\n"


def _extras(
    graph: Graph, install: Sequence[str], groups: Mapping[str, tuple[str, ...]]
) -> dict[str, set[str]]:
    """Extras asked of each present sibling by anything that is installed."""
    seed = {name: set(graph.extras.get(name, ())) for name in graph.projects}
    for name in install:
        seed.setdefault(name, set()).update(graph.workspace.sibling(name).extras)
    found = requested_extras(graph.projects, graph.sibling_for, seed, install, groups)
    return {name: found[name] for name in seed}


def local_version(info: ProjectInfo) -> Version | None:
    try:
        return Version(info.version) if info.version is not None else None
    except InvalidVersion:
        return None


def find_mismatches(
    graph: Graph, names: Iterable[str], versions: Mapping[str, Version] | None = None
) -> tuple[list[Mismatch], list[str]]:
    """Sibling-to-sibling version constraints the local checkouts do not satisfy.

    ``versions`` supplies versions for siblings whose pyproject version is dynamic (for
    example, the installed version); constraints that still cannot be checked are returned as
    the second list.
    """
    chosen = set(names)
    mismatches: list[Mismatch] = []
    unchecked: list[str] = []
    for edge in graph.edges:
        if edge.source not in chosen or edge.requirement is None:
            continue
        info = graph.projects.get(edge.target)
        if info is None:
            continue
        req = Requirement(edge.requirement)
        if req.url or not req.specifier:
            continue
        version = local_version(info) or (versions or {}).get(edge.target)
        if version is None:
            unchecked.append(
                f"{edge.source} requires {req}: the version of {edge.target} is dynamic"
            )
            continue
        if not req.specifier.contains(version, prereleases=True):
            path = graph.workspace.sibling(edge.target).path
            mismatches.append(Mismatch(edge.source, edge.target, str(req), path, str(version)))
    return mismatches, unchecked


def installed_mismatches(
    graph: Graph, names: Iterable[str], dists: Mapping[str, InstalledDist]
) -> tuple[list[Mismatch], list[str]]:
    """:func:`find_mismatches`, with the versions that the venv holds for siblings whose
    pyproject version is dynamic (a VERSION file, setuptools-scm, hatch-vcs)."""
    chosen = list(names)
    versions: dict[str, Version] = {}
    for name in chosen:
        info = graph.projects.get(name)
        dist = dists.get(info.name) if info is not None else None
        if dist is not None:
            with contextlib.suppress(InvalidVersion):
                versions[name] = Version(dist.version)
    return find_mismatches(graph, chosen, versions)


def make_plan(graph: Graph, selected: Sequence[Sibling]) -> InstallPlan:
    """Decide what to install: present Python siblings, their extras, groups and checks."""
    ws = graph.workspace
    install: list[Sibling] = []
    missing: list[Sibling] = []
    skipped: list[Sibling] = []
    for sib in selected:
        if not sib.path.is_dir():
            missing.append(sib)
        elif not sib.python_package or sib.name not in graph.projects:
            skipped.append(sib)
        else:
            install.append(sib)
    names = [s.name for s in install]
    groups = {n: groups_to_install(ws.sibling(n), graph.projects[n]) for n in names}
    extras = _extras(graph, names, groups)

    group_reqs: dict[str, tuple[str, ...]] = {}
    for name in names:
        out: list[str] = []
        info = graph.projects[name]
        for group in groups[name]:
            for req in info.groups.get(group, ()):
                target = graph.sibling_for(req)
                if target is None:
                    out.append(str(req))
                elif target in graph.projects:
                    # Only the name: the override turns it into the local editable checkout.
                    marker = f"; {req.marker}" if req.marker else ""
                    out.append(f"{graph.projects[target].name}{marker}")
        group_reqs[name] = tuple(out)

    # A needed sibling that is no Python project here would be fetched from the index: refuse.
    needed_missing = sorted(
        {(e.source, e.target) for e in graph.edges if e.source in names}
        - {(e.source, e.target) for e in graph.edges if e.target in graph.projects}
    )
    mismatches, unchecked = find_mismatches(graph, names)
    layers: list[tuple[str | None, tuple[str, ...]]] = []
    for layer in ws.layers or (None,):
        members = tuple(s.name for s in install if layer is None or s.layer == layer)
        if members:
            layers.append((layer, members))
    return InstallPlan(
        workspace=ws,
        install=tuple(install),
        missing=tuple(missing),
        skipped=tuple(skipped),
        needed_missing=tuple(needed_missing),
        extras={n: tuple(sorted(x)) for n, x in extras.items()},
        groups=groups,
        group_requirements=group_reqs,
        projects=dict(graph.projects),
        mismatches=tuple(mismatches),
        unchecked=tuple(unchecked),
        layers=tuple(layers),
        broken=dict(graph.broken),
    )


def bootstrap_command(names: Iterable[str]) -> str:
    return f"nox -s bootstrap -- --only {','.join(sorted(set(names)))}"
