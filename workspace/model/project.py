"""What a sibling's own pyproject.toml says: its name, version and requirements."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workspace.errors import ConfigError, Problem
from workspace.model.config import Sibling
from workspace.model.fields import Collector
from workspace.text import display_path, normalize_name
from workspace.tomlread import read_toml

if TYPE_CHECKING:
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet

PYPROJECT = "pyproject.toml"
DEFAULT_GROUPS = ("dev", "test")


@dataclass(frozen=True)
class ProjectInfo:
    """The parts of ``[project]`` and ``[dependency-groups]`` the workspace needs."""

    file: Path
    name: str  # normalized (PEP 503)
    version: str | None  # None when the version is dynamic
    requires_python: SpecifierSet | None
    dependencies: tuple[Requirement, ...] = field(compare=False)
    optional: Mapping[str, tuple[Requirement, ...]] = field(compare=False)
    groups: Mapping[str, tuple[Requirement, ...]] = field(compare=False)
    build_backend: str | None = None


def read_project(sibling: Sibling) -> ProjectInfo | None:
    """Read ``<sibling>/pyproject.toml``; None when the sibling is missing or has none."""
    file = sibling.path / PYPROJECT
    if not file.is_file():
        return None
    return parse_project(file, read_toml(file), sibling.name)


class _Reader(Collector):
    """Collects every problem of one pyproject.toml, so that all are reported together."""

    def requirements(self, values: Any, key: str) -> tuple[Requirement, ...]:
        from packaging.requirements import InvalidRequirement

        if not isinstance(values, list):
            self.add(key, "expected a list of requirement strings")
            return ()
        out = []
        for i, text in enumerate(values):
            try:
                out.append(_requirement(text))
            except (InvalidRequirement, TypeError) as exc:
                self.add(f"{key}[{i}]", f"invalid requirement: {exc}")
        return tuple(out)

    def groups(self, raw: Any) -> dict[str, tuple[Requirement, ...]]:
        """[dependency-groups], with ``{include-group = ...}`` entries resolved."""
        import dependency_groups

        groups: dict[str, tuple[Requirement, ...]] = {}
        if not isinstance(raw, dict):
            return groups
        for group, entries in raw.items():
            key = f"dependency-groups.{group}"
            if isinstance(entries, list) and all(isinstance(e, str) for e in entries):
                groups[group] = self.requirements(entries, key)
                continue
            try:
                resolved = dependency_groups.resolve(raw, group)
            except (ValueError, TypeError, LookupError) as exc:
                self.add(key, str(exc))
                continue
            groups[group] = self.requirements(list(resolved), key)
        return groups


def parse_project(file: Path, data: Mapping[str, Any], fallback_name: str) -> ProjectInfo:
    # packaging and dependency_groups are imported where they are used, not at the top: a
    # command that finds no project to read (bootstrap in a fresh workspace) then starts
    # without loading them.
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    read = _Reader(file)
    project = data.get("project", {})
    if not isinstance(project, dict):
        project = {}
    name = project.get("name") or fallback_name
    version = project.get("version") if isinstance(project.get("version"), str) else None
    requires_python = None
    if isinstance(project.get("requires-python"), str):
        try:
            requires_python = SpecifierSet(project["requires-python"])
        except InvalidSpecifier:
            read.add("project.requires-python", "invalid version specifier")
    dependencies = read.requirements(project.get("dependencies", []), "project.dependencies")
    raw_optional = project.get("optional-dependencies", {})
    optional = {
        extra: read.requirements(values, f"project.optional-dependencies.{extra}")
        for extra, values in (raw_optional.items() if isinstance(raw_optional, dict) else ())
    }
    groups = read.groups(data.get("dependency-groups", {}))
    build = data.get("build-system", {})
    backend = build.get("build-backend") if isinstance(build, dict) else None
    if read.problems:
        raise ConfigError(read.problems)
    return ProjectInfo(
        file=file,
        name=normalize_name(str(name)),
        version=version,
        requires_python=requires_python,
        dependencies=dependencies,
        optional=optional,
        groups=groups,
        build_backend=backend if isinstance(backend, str) else None,
    )


@cache
def _requirement(text: str) -> Requirement:
    """Parsing is the costliest step of reading a workspace; the same strings recur a lot."""
    from packaging.requirements import Requirement

    return Requirement(text)


def groups_to_install(sibling: Sibling, project: ProjectInfo) -> tuple[str, ...]:
    """The dependency groups installed for a sibling: configured ones, else dev/test if present."""
    if sibling.dependency_groups is None:
        return tuple(g for g in DEFAULT_GROUPS if g in project.groups)
    missing = [g for g in sibling.dependency_groups if g not in project.groups]
    if missing:
        raise ConfigError(
            [
                Problem(
                    display_path(project.file),
                    "dependency-groups",
                    f"has no group {', '.join(map(repr, missing))} (wanted by {sibling.key}"
                    f".dependency_groups, {sibling.name})",
                    f"groups defined: {', '.join(project.groups) or 'none'}",
                )
            ]
        )
    return sibling.dependency_groups
