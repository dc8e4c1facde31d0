"""validate's ``deps`` check: what a sibling's code imports is what it declares.

One shared venv hides a forgotten dependency: a sibling imports a package that is only there
because another sibling needs it. For each sibling, every import in its package code (read with
``ast``) is mapped to the distribution that provides it (the venv's
``packages_distributions()``, and the siblings' own import names), which must be in its
``[project] dependencies`` or one of its extras; its tests may also use its dev/test groups and
the workspace's test requirements. The standard library and the sibling's own modules never
count; an import under ``TYPE_CHECKING`` or guarded by ``except ImportError`` is a warning.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from workspace.env.checks import SETUP_HINT, CheckResult, CheckStatus, error, ok, warning
from workspace.env.imports import Import, Kind, imports_of
from workspace.env.installed import VenvContents, read_venv
from workspace.env.venv import venv_python
from workspace.errors import ConfigError
from workspace.model.config import Sibling
from workspace.model.project import DEFAULT_GROUPS, ProjectInfo, groups_to_install
from workspace.text import normalize_name, plural

if TYPE_CHECKING:
    from packaging.requirements import Requirement

    from workspace.env.validate import Context

NAME = "deps"
_PRUNE = frozenset({"build", "dist", "docs", "doc", "examples", "node_modules", "__pycache__"})
_TEST_DIRS = frozenset({"tests", "test", "testing"})


@dataclass(frozen=True)
class Finding:
    sibling: str
    file: str  # relative to the sibling's checkout
    imp: Import
    dist: str | None  # the providing distribution; None when nothing installed provides it
    tests: bool  # found in test code

    def message(self, needers: Iterable[str]) -> str:
        where = f"{self.sibling}: {self.file}:{self.imp.line} imports {self.imp.module}"
        if self.dist is None:
            return f"{where}, which no distribution in the venv provides"
        scope = (
            f"neither {self.sibling}'s dependencies nor its dev/test groups declare"
            if self.tests
            else f"{self.sibling} does not declare"
        )
        needers = list(needers)
        verb = "needs" if len(needers) == 1 else "need"
        why = f"only because {', '.join(needers)} {verb} it"
        pulled = why if needers else "as another distribution's dependency"
        return f"{where} ({self.dist}), which {scope}; it is installed {pulled}"


def _is_test(rel: Path) -> bool:
    if any(part in _TEST_DIRS for part in rel.parts[:-1]) or rel.name == "conftest.py":
        return True
    return rel.name.startswith("test_") or rel.name.endswith("_test.py")


def _python_files(root: Path) -> Iterator[Path]:
    """The checkout's .py files, without hidden, build and venv directories."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and d not in _PRUNE
            and not os.path.exists(os.path.join(folder, d, "pyvenv.cfg"))
        )
        yield from (Path(folder, f) for f in sorted(files) if f.endswith(".py"))


def _package_roots(names: Iterable[str], resolved: Mapping[str, Mapping[str, object]]) -> list[str]:
    """Where the sibling's import names live: package directories, or module files."""
    roots = []
    for name in names:
        where = resolved.get(name, {})
        locations = where.get("locations")
        origin = where.get("origin")
        if isinstance(locations, list) and locations:
            roots += [os.path.realpath(str(p)) for p in locations]
        elif isinstance(origin, str):
            roots.append(os.path.realpath(origin))
    return roots


def _local_names(sib: Sibling, test_dirs: Iterable[Path]) -> set[str]:
    """Top-level names a sibling's own files provide (the checkout, src/, the test folders)."""
    names = set()
    for folder in {sib.path, sib.path / "src", *test_dirs}:
        for entry in folder.iterdir() if folder.is_dir() else ():
            stem = entry.name.removesuffix(".py")
            if stem.isidentifier():
                names.add(stem)
    return names


class _Scan:
    """The workspace-wide facts every sibling is checked against."""

    def __init__(self, ctx: Context, contents: VenvContents, names: Mapping[str, list[str]]):
        self.ctx = ctx
        self.contents = contents
        projects = ctx.graph.projects
        # import name -> the sibling's distribution; longest first, for namespaces split across
        # repositories (acme.core in one, acme.cli in another)
        pairs = [(n, projects[s].name) for s, found in names.items() for n in found]
        self.sibling_names = sorted(pairs, key=lambda p: -len(p[0]))
        self.stdlib = contents.stdlib or frozenset(
            {*sys.stdlib_module_names, *sys.builtin_module_names}
        )
        self.runners = {_req_name(r) for r in ctx.workspace.test.requirements}
        self.needed_by: dict[str, list[str]] = {}
        for project in projects.values():
            groups = (r for reqs in project.groups.values() for r in reqs)
            for req in (*_runtime(project), *groups):
                self.needed_by.setdefault(normalize_name(req.name), []).append(project.name)

    def providers(self, module: str, own: str, local: set[str]) -> tuple[str, ...] | None:
        """The distributions that may provide the module (empty: nothing installed does), or
        None when it is the standard library's or the sibling's own: nothing to check."""
        top = module.split(".", maxsplit=1)[0]
        if top in self.stdlib:
            return None
        for name, dist in self.sibling_names:
            if module == name or module.startswith(name + "."):
                return None if dist == own else (dist,)
        if top in local:
            return None
        candidates = [d for d in self.contents.providers.get(top, ()) if d != own]
        if len(candidates) > 1:  # a namespace shared by several: which has the module's files
            path = "/".join(module.split(".")[:2])
            owning = [d for d in candidates if self._has_files(d, path)]
            candidates = owning or candidates
        return tuple(candidates)

    def _has_files(self, dist: str, prefix: str) -> bool:
        found = self.contents.dists.get(dist)
        files = found.files if found else ()
        return any(f.startswith((prefix + "/", prefix + ".")) for f in files)


def _req_name(text: str) -> str:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return normalize_name(Requirement(text).name)
    except InvalidRequirement:
        return normalize_name(text)


def _runtime(project: ProjectInfo) -> list[Requirement]:
    return [*project.dependencies, *(r for reqs in project.optional.values() for r in reqs)]


def _declared(
    project: ProjectInfo, groups: Iterable[str], projects: Mapping[str, ProjectInfo]
) -> set[str]:
    """What the sibling declares, by distribution name. Asking another sibling for an extra
    (``demo-rpc[schema]``) declares what that extra requires too."""
    by_dist = {p.name: p for p in projects.values()}
    reqs = [*_runtime(project), *(r for g in groups for r in project.groups.get(g, ()))]
    names = {normalize_name(r.name) for r in reqs}
    for req in reqs:
        other = by_dist.get(normalize_name(req.name))
        if other is not None:
            extras = (r for e in req.extras for r in other.optional.get(e, ()))
            names |= {normalize_name(r.name) for r in extras}
    return names


def _test_groups(sib: Sibling, project: ProjectInfo) -> tuple[str, ...]:
    try:
        return groups_to_install(sib, project)
    except ConfigError:  # a group wrknv.toml names is missing; the siblings check says so
        return tuple(g for g in DEFAULT_GROUPS if g in project.groups)


def _scan_sibling(scan: _Scan, sib: Sibling, names: list[str]) -> tuple[list[Finding], list[str]]:
    """The undeclared imports of one sibling, and the files that could not be parsed."""
    project = scan.ctx.graph.projects[sib.name]
    projects = scan.ctx.graph.projects
    declared = _declared(project, (), projects)
    declared_tests = _declared(project, _test_groups(sib, project), projects) | scan.runners
    roots = _package_roots(names, scan.ctx.contents.resolved)
    files = []
    for path in _python_files(sib.path):
        rel = path.relative_to(sib.path)
        real = os.path.realpath(path)
        if _is_test(rel):
            files.append((path, rel, True))
        elif any(real == r or real.startswith(r + os.sep) for r in roots):
            files.append((path, rel, False))
    local = _local_names(sib, {p.parent for p, _, tests in files if tests})
    findings: dict[tuple[bool, str], Finding] = {}
    unreadable = []
    for path, rel, tests in files:
        try:
            found = imports_of(path)
        except (SyntaxError, ValueError, OSError) as exc:
            unreadable.append(f"{sib.name}: cannot parse {rel}: {exc}")
            continue
        for imp in found:
            dists = scan.providers(imp.module, project.name, local)
            if dists is None or any(d in (declared_tests if tests else declared) for d in dists):
                continue
            dist = dists[0] if dists else None
            key = (tests, dist or imp.module.split(".", maxsplit=1)[0])
            first = findings.get(key)
            if first is None or (first.imp.kind is not Kind.REQUIRED and imp.kind is Kind.REQUIRED):
                findings[key] = Finding(sib.name, rel.as_posix(), imp, dist, tests)
    return list(findings.values()), unreadable


def _result(scan: _Scan, finding: Finding, own: str) -> CheckResult:
    needed_by = scan.needed_by.get(finding.dist or "", [])
    needers = [n for n in dict.fromkeys(needed_by) if n != own]
    text = finding.message(needers)
    if finding.dist is None:
        return warning(NAME, text, "install what provides it, or remove the import")
    kind = finding.imp.kind
    if kind is not Kind.REQUIRED:
        why = (
            "under TYPE_CHECKING" if kind is Kind.TYPE_CHECKING else "guarded by except ImportError"
        )
        return warning(NAME, f"{text} ({why})", f"declare {finding.dist} if it is meant")
    where = "dev or test dependency group" if finding.tests else "[project] dependencies"
    return error(NAME, text, f"add {finding.dist} to {finding.sibling}'s {where}")


def _workspace_names(ctx: Context) -> tuple[VenvContents, Mapping[str, list[str]]]:
    """The venv's contents with the import names of every installed Python sibling, selected
    or not: an import may come from a sibling outside the selection."""
    projects = ctx.graph.projects
    everyone = [s for s in ctx.workspace.siblings if s.python_package and s.name in projects]
    if len(everyone) == len(ctx.python_siblings):
        return ctx.contents, ctx.names
    contents = read_venv(venv_python(ctx.workspace.venv), [projects[s.name].name for s in everyone])
    return contents, ctx.import_names(contents, everyone)


def check_deps(ctx: Context) -> list[CheckResult]:
    """Every import in each selected sibling's code is declared by that sibling."""
    if ctx.site is None:
        return [error(NAME, "no venv to map imports to distributions", SETUP_HINT)]
    contents, names = _workspace_names(ctx)
    scan = _Scan(ctx, contents, names)
    results: list[CheckResult] = []
    checked = 0
    for sib in ctx.python_siblings:
        if sib.name not in names or not sib.path.is_dir():
            continue  # not installed or missing: the siblings and editables checks say so
        checked += 1
        findings, unreadable = _scan_sibling(scan, sib, names[sib.name])
        own = ctx.graph.projects[sib.name].name
        results += [_result(scan, f, own) for f in findings]
        results += [warning(NAME, line, "fix the syntax error") for line in unreadable]
    if not any(r.status is not CheckStatus.OK for r in results):
        results.append(ok(NAME, f"every import of {plural(checked, 'sibling')} is declared"))
    return results
