"""The sibling dependency graph: inferred edges by category, the layer rule, and the order.

Runtime edges (project dependencies, and the extras that are installed) decide install order
and must not form cycles or point to a higher layer. Dev edges (dependency groups) may form
cycles, as a foundation and the test kit that tests it do, and never change the order.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import Enum
from functools import cached_property
from typing import TYPE_CHECKING

from workspace.errors import ConfigError, GraphError
from workspace.model.config import Workspace
from workspace.model.project import ProjectInfo, groups_to_install, read_project
from workspace.text import display_path, normalize_name, plural

if TYPE_CHECKING:
    from packaging.requirements import Requirement


class Category(str, Enum):
    RUNTIME = "runtime"  # [project].dependencies, installed extras, depends_on
    DEV = "dev"  # [dependency-groups] that are installed


ALL_CATEGORIES = frozenset(Category)


@dataclass(frozen=True)
class Edge:
    """``source`` needs ``target``; ``via`` says where that was declared."""

    source: str
    target: str
    category: Category
    via: str
    requirement: str | None = None


@dataclass(frozen=True)
class Graph:
    workspace: Workspace
    projects: Mapping[str, ProjectInfo]  # present Python siblings only
    edges: tuple[Edge, ...]
    extras: Mapping[str, frozenset[str]]  # extras installed per sibling
    # Present siblings whose pyproject.toml cannot be read: name -> why, in one line. They
    # have no inferred edges; the other siblings go on without them.
    broken: Mapping[str, str] = field(default_factory=dict)

    @cached_property
    def _ends(self) -> dict[tuple[str, bool], list[Edge]]:
        """The edges from each sibling, at ``(name, False)``, and to it, at ``(name, True)``."""
        index: dict[tuple[str, bool], list[Edge]] = {}
        for e in self.edges:
            index.setdefault((e.source, False), []).append(e)
            index.setdefault((e.target, True), []).append(e)
        return index

    def needs(self, name: str, categories: Iterable[Category] = ALL_CATEGORIES) -> set[str]:
        cats = set(categories)
        return {e.target for e in self._ends.get((name, False), ()) if e.category in cats}

    def needed_by(self, name: str, categories: Iterable[Category] = ALL_CATEGORIES) -> set[str]:
        cats = set(categories)
        return {e.source for e in self._ends.get((name, True), ()) if e.category in cats}

    def closure(self, names: Iterable[str], *, upward: bool) -> set[str]:
        """``names`` and everything they need (or, ``upward``, everything that needs them)."""
        step = self.needed_by if upward else self.needs
        seen = set(names)
        todo = list(seen)
        while todo:
            for other in step(todo.pop()):
                if other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    @cached_property
    def _distributions(self) -> dict[str, str]:
        return _distributions(self.workspace, self.projects)

    def sibling_for(self, req: Requirement) -> str | None:
        """The sibling a requirement names, or None for anything else."""
        return self._distributions.get(normalize_name(req.name))

    def layer_violations(self) -> list[str]:
        """Runtime edges that point to a higher layer, one sentence each."""
        ws = self.workspace
        if not ws.layers:
            return []
        out = []
        for edge in self.edges:
            if edge.category is not Category.RUNTIME:
                continue
            src, dst = ws.sibling(edge.source), ws.sibling(edge.target)
            if ws.layer_index(dst.layer) > ws.layer_index(src.layer):
                out.append(
                    f"{src.name} (layer {src.layer}) depends on {dst.name} (layer {dst.layer}), "
                    f"a higher layer, via {edge.via}"
                )
        return out

    def generations(self) -> list[list[str]]:
        """Kahn's algorithm over runtime edges, declared layer by layer, bottom-up.

        Each generation is sorted by name, so the result does not depend on file order.
        """
        self._check_layers()
        ws = self.workspace
        waiting = {n: self.needs(n, [Category.RUNTIME]) for n in ws.names}
        done: set[str] = set()
        out: list[list[str]] = []
        for layer in ws.layers or (None,):
            members = {s.name for s in ws.siblings if layer is None or s.layer == layer}
            while not members <= done:
                ready = sorted(n for n in members - done if waiting[n] <= done)
                if not ready:
                    raise GraphError(
                        f"{display_path(ws.config_file)}: runtime dependency cycle: "
                        f"{' -> '.join(self._find_cycle(members - done))}",
                        hint="move one of these requirements into a [dependency-groups] "
                        "group, or drop it",
                    )
                out.append(ready)
                done.update(ready)
        return out

    def order(self, *, lenient: bool = False) -> list[str]:
        """The generations in one list. ``lenient``: a graph that breaks a rule gives the
        declared order (layer by layer, then by name) instead of raising; validate reports the
        broken rule as a result of its own."""
        try:
            return [n for gen in self.generations() for n in gen]
        except GraphError:
            if not lenient:
                raise
        ws = self.workspace
        return [
            s.name for s in sorted(ws.siblings, key=lambda s: (ws.layer_index(s.layer), s.name))
        ]

    def check(self) -> None:
        """Raise GraphError for an upward layer edge or a runtime cycle."""
        self.generations()

    def _check_layers(self) -> None:
        violations = self.layer_violations()
        if violations:
            raise GraphError(
                f"{display_path(self.workspace.config_file)}: layer rule broken: "
                + "; ".join(violations),
                hint="a sibling may only need siblings in its own or a lower layer; "
                "move one of them to another layer",
            )

    def _find_cycle(self, stuck: set[str]) -> list[str]:
        """A runtime cycle among siblings that Kahn's algorithm could not place."""
        path: list[str] = []
        node = min(stuck)
        while node not in path:
            path.append(node)
            node = min(self.needs(node, [Category.RUNTIME]) & stuck)
        return [*path[path.index(node) :], node]

    def to_json(self) -> str:
        ws = self.workspace
        data = {
            "workspace": ws.name,
            "layers": list(ws.layers),
            "order": self.order(),
            "generations": self.generations(),
            "siblings": [
                {
                    "name": s.name,
                    "layer": s.layer,
                    "path": str(s.path),
                    "present": s.name in self.projects or s.path.is_dir(),
                    "python_package": s.python_package,
                    "extras": sorted(self.extras.get(s.name, ())),
                    "tags": list(s.tags),
                }
                for s in ws.siblings
            ],
            "edges": [{**asdict(e), "category": e.category.value} for e in self.edges],
        }
        return json.dumps(data, indent=2) + "\n"

    def to_mermaid(self) -> str:
        """A Mermaid flowchart: one subgraph per layer, solid runtime and dotted dev edges."""
        ws = self.workspace
        order = self.order()
        ids = {name: f"n{i}" for i, name in enumerate(order)}
        lines = ["flowchart BT"]
        for layer in (*ws.layers, None):
            nodes = [f'{ids[n]}["{n}"]' for n in order if ws.sibling(n).layer == layer]
            if nodes and layer is None:
                lines += [f"    {node}" for node in nodes]
            elif nodes:
                lines += [
                    f"    subgraph {layer}",
                    *(f"        {node}" for node in nodes),
                    "    end",
                ]
        links = {(e.source, e.target, e.category) for e in self.edges}
        for src, dst, category in sorted(links, key=lambda k: (ids[k[0]], ids[k[1]], k[2])):
            arrow = "-->" if category is Category.RUNTIME else "-.->"
            lines.append(f"    {ids[src]} {arrow} {ids[dst]}")
        return "\n".join(lines) + "\n"


def build(workspace: Workspace) -> Graph:
    """Read every present sibling's pyproject.toml and infer the edges between siblings."""
    projects: dict[str, ProjectInfo] = {}
    broken: dict[str, str] = {}
    for sib in workspace.siblings:
        if sib.python_package:
            try:
                info = read_project(sib)
            except ConfigError as exc:
                broken[sib.name] = str(exc).splitlines()[0]
                continue
            if info is not None:
                projects[sib.name] = info
    by_dist = _distributions(workspace, projects)

    def sibling_for(req: Requirement) -> str | None:
        return by_dist.get(normalize_name(req.name))

    # Extras are installed when configured or requested by another sibling's requirement.
    extras = requested_extras(
        projects, sibling_for, {s.name: set(s.extras) for s in workspace.siblings}, active=projects
    )

    edges: list[Edge] = []
    for sib in workspace.siblings:
        edges.extend(Edge(sib.name, dep, Category.RUNTIME, "depends_on") for dep in sib.depends_on)
        info = projects.get(sib.name)
        if info is None:
            continue
        sources: list[tuple[Category, str, tuple[Requirement, ...]]] = [
            (Category.RUNTIME, "project.dependencies", info.dependencies)
        ]
        sources += [
            (Category.RUNTIME, f"project.optional-dependencies.{x}", info.optional[x])
            for x in sorted(extras[sib.name])
            if x in info.optional
        ]
        sources += [
            (Category.DEV, f"dependency-groups.{g}", info.groups[g])
            for g in groups_to_install(sib, info)
        ]
        for category, via, reqs in sources:
            for req in reqs:
                dst = sibling_for(req)
                if dst and dst != sib.name:
                    edges.append(Edge(sib.name, dst, category, via, str(req)))
    return Graph(
        workspace=workspace,
        projects=projects,
        edges=tuple(edges),
        extras={k: frozenset(v) for k, v in extras.items()},
        broken=broken,
    )


def _distributions(workspace: Workspace, projects: Mapping[str, ProjectInfo]) -> dict[str, str]:
    """Distribution name -> sibling: a requirement names a distribution, not a sibling."""
    index: dict[str, str] = {normalize_name(s.name): s.name for s in workspace.siblings}
    index.update({info.name: name for name, info in projects.items()})
    return index


def requested_extras(
    projects: Mapping[str, ProjectInfo],
    sibling_for: Callable[[Requirement], str | None],
    extras: Mapping[str, set[str]],
    active: Iterable[str],
    groups: Mapping[str, Iterable[str]] | None = None,
) -> dict[str, set[str]]:
    """The extras asked of each sibling, to a fixed point: starting from ``extras``, every
    requirement of an ``active`` sibling (its dependencies, the optional dependencies of its
    extras, and the requirements of its ``groups``) asks its target for its extras and makes
    the target active, which can ask for more."""
    found = {name: set(x) for name, x in extras.items()}
    active = set(active)
    changed = True
    while changed:
        changed = False
        for name in sorted(active):
            info = projects.get(name)
            if info is None:
                continue
            reqs = list(info.dependencies)
            for extra in sorted(found.get(name, ())):
                reqs += info.optional.get(extra, ())
            for group in (groups or {}).get(name, ()):
                reqs += info.groups.get(group, ())
            for req in reqs:
                target = sibling_for(req)
                if target is None or target == name:
                    continue
                if target not in active:
                    active.add(target)
                    changed = True
                if not set(req.extras) <= found.setdefault(target, set()):
                    found[target] |= set(req.extras)
                    changed = True
    return found


def format_text(graph: Graph, selected: list[str] | None = None) -> str:
    """The human view printed by ``nox -s graph``: layers, order, and the edges."""
    ws = graph.workspace
    chosen = set(selected if selected is not None else ws.names)
    order = [n for n in graph.order() if n in chosen]
    lines = [
        f"workspace {ws.name}: {len(order)} of {plural(len(ws.siblings), 'sibling')} selected",
        "",
    ]
    if ws.layers:
        lines.append("layers (bottom-up):")
        for layer in ws.layers:
            members = [n for n in order if ws.sibling(n).layer == layer]
            lines.append(f"  {layer}: {', '.join(members) if members else '-'}")
        lines.append("")
    lines.append("order:")
    for i, gen in enumerate(graph.generations(), 1):
        members = [n for n in gen if n in chosen]
        if members:
            lines.append(f"  {i}. {', '.join(members)}")
    edges = [e for e in graph.edges if e.source in chosen]
    if edges:
        lines += ["", "edges:"]
        for e in edges:
            req = f" ({e.requirement})" if e.requirement else ""
            lines.append(f"  {e.source} -> {e.target}  [{e.category.value}: {e.via}]{req}")
    missing = [s.name for s in ws.siblings if s.name in chosen and not s.path.exists()]
    if missing:
        lines += ["", f"not present (edges unknown until bootstrap): {', '.join(missing)}"]
    return "\n".join(lines) + "\n"
