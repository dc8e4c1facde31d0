"""Plan a CI job matrix: one entry per sibling, or K shards balanced by expected duration
(see ``ci/shards.py``). Expected durations come from the stored history; a sibling without
history is estimated from its number of test files.
"""

from __future__ import annotations

import json
import math
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workspace.ci.shards import Shard, ShardPlan, makespan, pack, whole
from workspace.errors import WorkspaceError
from workspace.model.config import Sibling, Workspace
from workspace.model.graph import Graph
from workspace.model.project import ProjectInfo
from workspace.model.pythons import allows_minor
from workspace.runs.suites import count_test_files
from workspace.runs.testfiles import find_test_files, names_paths
from workspace.text import plural

KNOWN_PYTHONS = ("3.9", "3.10", "3.11", "3.12", "3.13")
GITHUB_MAX_JOBS = 256  # GitHub Actions' limit on jobs from one matrix
DEFAULT_SECONDS_PER_FILE = 2.0


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
    seconds = {n: durations.get(n, max(count, 1) * per_file) for n, count in files.items()}
    source = {
        n: "history" if n in durations else f"{count} test files x {per_file:.1f}s"
        for n, count in files.items()
    }
    return seconds, source


def python_versions(
    ws: Workspace,
    projects: Mapping[str, ProjectInfo],
    names: Iterable[str],
    requested: Sequence[str] = (),
) -> list[str]:
    """The versions to run: the requested ones, else the newest known one that the workspace
    and every named sibling allow."""
    if requested:
        return list(requested)
    infos = [projects[name] for name in names if name in projects]
    specs = [ws.python] if ws.python else []
    specs += [i.requires_python for i in infos if i.requires_python is not None]
    allowed = [v for v in KNOWN_PYTHONS if allows_minor(specs, v)]
    if not allowed:
        shown = ", ".join(str(s) for s in specs)
        raise WorkspaceError(
            f"no Python in {', '.join(KNOWN_PYTHONS)} satisfies {shown}",
            hint="pass --python VERSION to choose one",
        )
    return [allowed[-1]]


def sibling_entries(
    graph: Graph, siblings: Sequence[Sibling], requested: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """One entry per sibling (and per requested Python version)."""
    return [
        {
            "name": sib.name,
            "layer": sib.layer or "",
            "session": f"test({sib.name})",
            "siblings": sib.name,
            "python": python,
        }
        for sib in siblings
        for python in python_versions(graph.workspace, graph.projects, [sib.name], requested)
    ]


def shard_entries(
    graph: Graph, shards: Sequence[Shard], requested: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """One entry per shard (and Python): ``siblings`` names every sibling the shard needs
    (for bootstrap and setup), ``whole`` those it runs whole, ``files`` the ``sibling:path``
    files it runs of a split one (for ``test-all --files``)."""
    total = len(shards)
    return [
        {
            "name": f"shard-{shard.index}-of-{total}",
            "shard": shard.index,
            "shards": total,
            "session": "test-all",
            "siblings": ",".join(shard.names),
            "whole": ",".join(shard.whole),
            "files": ",".join(shard.files),
            "python": python,
            "estimated_seconds": round(shard.estimated_seconds, 1),
        }
        for shard in shards
        for python in python_versions(graph.workspace, graph.projects, shard.names, requested)
    ]


def matrix_json(entries: Sequence[Mapping[str, Any]]) -> str:
    """``{"include": [...]}`` on one line, as ``fromJSON`` in ``strategy.matrix`` wants it."""
    if len(entries) > GITHUB_MAX_JOBS:
        raise WorkspaceError(
            f"the matrix has {len(entries)} entries; GitHub Actions runs at most "
            f"{GITHUB_MAX_JOBS} jobs from one matrix",
            hint="use --shards K to pack the siblings into K jobs",
        )
    return json.dumps({"include": list(entries)}, separators=(",", ":"))


def write_github_output(path: Path, matrix: str, count: int) -> None:
    """Append ``matrix=<json>`` and ``count=<n>`` to the file named by $GITHUB_OUTPUT."""
    with path.open("a", encoding="utf-8") as fh:
        fh.write(f"matrix={matrix}\ncount={count}\n")


@dataclass(frozen=True)
class Splittable:
    """What the plan may split, by sibling: the recorded seconds of the files a whole run
    ran (the only files a piece names), the weight of test files without history yet (they
    run in the rest piece), and why each other sibling may not be split."""

    weights: dict[str, dict[str, float]]
    unnamed: dict[str, float]
    why_not: dict[str, str]


def splittable(
    siblings: Sequence[Sibling], history: Mapping[str, Mapping[str, float]]
) -> Splittable:
    """For a sibling cloned here, recorded files that are gone are dropped and new test files
    are counted at the suite's mean; for one that is not (a CI plan job), the record is all."""
    out = Splittable({}, {}, {})
    for sib in siblings:
        seen = dict(history.get(sib.name, {}))
        named = names_paths(sib.test.args, sib.path, seen)
        if not sib.test.split:
            out.why_not[sib.name] = "split = false"
            continue
        if named:
            out.why_not[sib.name] = f"its test args name paths ({', '.join(named)})"
            continue
        cloned = sib.path.is_dir()
        if cloned:
            seen = {f: t for f, t in seen.items() if (sib.path / f).is_file()}
        if len(seen) < 2:
            out.why_not[sib.name] = f"{plural(len(seen), 'test file')} with recorded seconds"
            continue
        out.weights[sib.name] = seen
        new = [f for f in find_test_files(sib.path) if f not in seen] if cloned else []
        if new:
            out.unnamed[sib.name] = len(new) * math.fsum(seen.values()) / len(seen)
    return out


def format_plan(
    done: ShardPlan,
    estimates: Mapping[str, float],
    source: Mapping[str, str],
    why_not: Mapping[str, str],
) -> str:
    """The human side of ``--shards``: each shard's estimate, what was split and what could
    not be, and the makespan against the lower bound and against the plan without splitting."""
    shards = done.shards
    lines = []
    for shard in shards:
        shown = [
            p.name if not p.files else f"{p.name} ({plural(len(p.files), 'file')})"
            for p in shard.pieces
        ]
        lines.append(
            f"shard {shard.index}/{len(shards)}: {plural(len(shard.names), 'sibling')}, "
            f"estimated {shard.estimated_seconds:.1f}s: {', '.join(shown)}"
        )
    for name, n in sorted(done.split.items()):
        lines.append(f"split: {name} into {n} pieces ({_over(estimates[name], done.ideal)})")
    for name in sorted(n for n in why_not if estimates.get(n, 0.0) > done.ideal):
        lines.append(f"not split: {name} ({why_not[name]}; {_over(estimates[name], done.ideal)})")
    guessed = sorted(n for n, s in source.items() if s != "history")
    if guessed:
        lines.append(f"estimated from test files (no history): {', '.join(guessed)}")
    span, bound = makespan(shards), done.lower_bound
    ratio = f" ({span / bound:.2f}x)" if bound else ""
    lines.append(f"estimated makespan {span:.1f}s; lower bound {bound:.1f}s{ratio}")
    if done.split:
        unsplit = makespan(pack(whole(estimates), len(shards)))
        lines.append(f"without splitting: makespan {unsplit:.1f}s")
    return "\n".join(lines) + "\n"


def _over(seconds: float, ideal: float) -> str:
    return f"estimated {seconds:.1f}s > ideal shard {ideal:.1f}s"
