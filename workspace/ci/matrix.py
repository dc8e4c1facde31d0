"""Plan a CI job matrix: one entry per sibling, or K shards balanced by expected duration.

Shards are packed with the LPT rule (longest first onto the currently lightest shard), which
gives a makespan within 4/3 of the optimum. Expected durations come from the stored history;
a sibling without history is estimated from its number of test files.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet

from workspace.env.interpreters import allows_minor
from workspace.errors import SelectionError, WorkspaceError
from workspace.model.config import Sibling, Workspace
from workspace.model.graph import Graph
from workspace.model.project import ProjectInfo
from workspace.runs.results import lower_bound
from workspace.runs.suites import count_test_files
from workspace.text import plural

KNOWN_PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
GITHUB_MAX_JOBS = 256  # GitHub Actions' limit on jobs from one matrix
DEFAULT_SECONDS_PER_FILE = 2.0


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    names: tuple[str, ...]
    estimated_seconds: float


# --------------------------------------------------------------------------- estimates


def estimate(
    siblings: Sequence[Sibling], durations: Mapping[str, float]
) -> tuple[dict[str, float], dict[str, str]]:
    """Expected seconds per sibling, and where each figure came from.

    With no history, seconds per test file is the median over the siblings that have both a
    history and test files, else a default.
    """
    files = {s.name: count_test_files(s.path) if s.path.is_dir() else 0 for s in siblings}
    rates = [durations[n] / files[n] for n in files if n in durations and files[n] > 0]
    per_file = statistics.median(rates) if rates else DEFAULT_SECONDS_PER_FILE
    out: dict[str, float] = {}
    source: dict[str, str] = {}
    for s in siblings:
        if s.name in durations:
            out[s.name] = durations[s.name]
            source[s.name] = "history"
        else:
            out[s.name] = max(files[s.name], 1) * per_file
            source[s.name] = f"{files[s.name]} test files x {per_file:.1f}s"
    return out, source


def pack(estimates: Mapping[str, float], k: int) -> list[Shard]:
    """LPT: each sibling, longest first, goes to the shard with the least work so far.

    Never more shards than siblings, so no shard is empty.
    """
    if k < 1:
        raise SelectionError(f"--shards {k}: expected at least 1", hint="use --shards 1 or more")
    count = min(k, len(estimates))
    loads = [0.0] * count
    members: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(estimates, key=lambda n: (-estimates[n], n)):
        i = min(range(count), key=lambda j: (loads[j], j))
        loads[i] += estimates[name]
        members[i].append(name)
    return [Shard(i + 1, tuple(members[i]), loads[i]) for i in range(count)]


def makespan(shards: Iterable[Shard]) -> float:
    return max((s.estimated_seconds for s in shards), default=0.0)


# --------------------------------------------------------------------------- Python versions


def python_versions(
    ws: Workspace,
    projects: Mapping[str, ProjectInfo],
    names: Iterable[str],
    requested: Sequence[str] = (),
) -> list[str]:
    """The versions to run: the requested ones, else the newest known one that the workspace
    and every named sibling allow."""
    specs = [ws.python] if ws.python else []
    for name in names:
        info = projects.get(name)
        if info is not None and info.requires_python is not None:
            specs.append(info.requires_python)
    if requested:
        return list(requested)
    allowed = [v for v in KNOWN_PYTHONS if allows_minor(specs, v)]
    if not allowed:
        shown = ", ".join(str(s) for s in specs if isinstance(s, SpecifierSet))
        raise WorkspaceError(
            f"no Python in {', '.join(KNOWN_PYTHONS)} satisfies {shown}",
            hint="pass --python VERSION to choose one",
        )
    return [allowed[-1]]


# --------------------------------------------------------------------------- entries


def sibling_entries(
    graph: Graph, siblings: Sequence[Sibling], requested_pythons: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """One entry per sibling (and per requested Python version)."""
    entries = []
    for sib in siblings:
        for python in python_versions(
            graph.workspace, graph.projects, [sib.name], requested_pythons
        ):
            entries.append(
                {
                    "name": sib.name,
                    "layer": sib.layer or "",
                    "session": f"test({sib.name})",
                    "siblings": sib.name,
                    "python": python,
                }
            )
    return entries


def shard_entries(
    graph: Graph, shards: Sequence[Shard], requested_pythons: Sequence[str] = ()
) -> list[dict[str, Any]]:
    entries = []
    total = len(shards)
    for shard in shards:
        for python in python_versions(
            graph.workspace, graph.projects, shard.names, requested_pythons
        ):
            entries.append(
                {
                    "name": f"shard-{shard.index}-of-{total}",
                    "shard": shard.index,
                    "shards": total,
                    "session": "test-all",
                    "siblings": ",".join(shard.names),
                    "python": python,
                    "estimated_seconds": round(shard.estimated_seconds, 1),
                }
            )
    return entries


def matrix_json(entries: Sequence[Mapping[str, Any]]) -> str:
    """``{"include": [...]}`` on one line, as ``fromJSON`` in ``strategy.matrix`` wants it."""
    if len(entries) > GITHUB_MAX_JOBS:
        raise WorkspaceError(
            f"the matrix has {len(entries)} entries; GitHub Actions runs at most "
            f"{GITHUB_MAX_JOBS} jobs from one matrix",
            hint="use --shards K to pack the siblings into K jobs",
        )
    return json.dumps({"include": list(entries)}, separators=(",", ":"), sort_keys=False)


def write_github_output(path: Path, matrix: str, count: int) -> None:
    """Append ``matrix=<json>`` and ``count=<n>`` to the file named by $GITHUB_OUTPUT."""
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"matrix={matrix}\ncount={count}\n")


def format_plan(
    shards: Sequence[Shard],
    estimates: Mapping[str, float],
    source: Mapping[str, str],
) -> str:
    """The human side of ``--shards``: each shard's estimate and the makespan."""
    lines = []
    for shard in shards:
        lines.append(
            f"shard {shard.index}/{len(shards)}: {plural(len(shard.names), 'sibling')}, "
            f"estimated {shard.estimated_seconds:.1f}s: {', '.join(shard.names)}"
        )
    guessed = sorted(n for n, s in source.items() if s != "history")
    if guessed:
        lines.append(f"estimated from test files (no history): {', '.join(guessed)}")
    bound = lower_bound(((s, 1) for s in estimates.values()), len(shards))
    span = makespan(shards)
    ratio = f" ({span / bound:.2f}x)" if bound else ""
    lines.append(f"estimated makespan {span:.1f}s; lower bound {bound:.1f}s{ratio}")
    return "\n".join(lines) + "\n"
