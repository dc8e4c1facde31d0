"""K CI shards balanced by expected duration, a suite longer than a shard split by test file.

Shards are packed with the LPT rule (longest first onto the currently lightest shard), which
keeps the makespan within 4/3 of the optimum for the pieces it is given. A whole suite is one
piece, so without splitting no plan ends before the longest suite. A suite whose expected
duration exceeds the ideal shard length (total / K) is therefore cut into file groups of about
that length, balanced by each file's measured seconds (a file without history counts as the
suite's mean), unless its settings say ``split = false``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from workspace.errors import SelectionError


@dataclass(frozen=True)
class Piece:
    """A sibling's whole suite (no ``files``), or the listed test files of it."""

    name: str
    seconds: float
    files: tuple[str, ...] = ()


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    pieces: tuple[Piece, ...]
    estimated_seconds: float

    @property
    def names(self) -> tuple[str, ...]:
        """Every sibling the shard runs, whole or in part."""
        return tuple(p.name for p in self.pieces)

    @property
    def whole(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.pieces if not p.files)

    @property
    def files(self) -> tuple[str, ...]:
        """``sibling:path`` for every file of a split suite that the shard runs."""
        return tuple(f"{p.name}:{f}" for p in self.pieces for f in p.files)


def pack(pieces: Iterable[Piece], k: int) -> list[Shard]:
    """LPT: each piece, longest first, goes to the shard with the least work so far. Never
    more shards than pieces, so no shard is empty; pieces of one sibling that meet on a shard
    become one."""
    if k < 1:
        raise SelectionError(f"--shards {k}: expected at least 1", hint="use --shards 1 or more")
    items = sorted(pieces, key=lambda p: (-p.seconds, p.name, p.files))
    count = min(k, len(items))
    loads = [0.0] * count
    members: list[list[Piece]] = [[] for _ in range(count)]
    for piece in items:
        i = min(range(count), key=lambda j: (loads[j], j))
        loads[i] += piece.seconds
        members[i].append(piece)
    return [Shard(i + 1, _join(members[i]), loads[i]) for i in range(count)]


def _join(pieces: list[Piece]) -> tuple[Piece, ...]:
    by_name: dict[str, Piece] = {}
    for p in pieces:
        old = by_name.get(p.name)
        files = p.files if old is None else tuple(sorted(old.files + p.files))
        by_name[p.name] = Piece(p.name, p.seconds + (old.seconds if old else 0.0), files)
    return tuple(by_name.values())


def whole(estimates: Mapping[str, float]) -> list[Piece]:
    return [Piece(name, seconds) for name, seconds in estimates.items()]


def makespan(shards: Iterable[Shard]) -> float:
    return max((s.estimated_seconds for s in shards), default=0.0)


def file_weights(files: Sequence[str], history: Mapping[str, float]) -> dict[str, float]:
    """Each file's measured seconds; a file without history counts as the mean of those with
    it (1.0 each when none has any, so that the files share the suite equally)."""
    known = [history[f] for f in files if f in history]
    mean = sum(known) / len(known) if known else 1.0
    return {f: history.get(f, mean) for f in files}


def split_suite(name: str, seconds: float, weights: Mapping[str, float], n: int) -> list[Piece]:
    """``n`` file groups balanced by weight (LPT again), each group's seconds its share of the
    suite's expected ``seconds``."""
    total = math.fsum(weights.values()) or 1.0  # fsum: the same in any order
    groups: list[list[str]] = [[] for _ in range(n)]
    loads = [0.0] * n
    for f in sorted(weights, key=lambda f: (-weights[f], f)):
        i = min(range(n), key=lambda j: (loads[j], j))
        loads[i] += weights[f]
        groups[i].append(f)
    return [
        Piece(name, seconds * loads[i] / total, tuple(sorted(groups[i])))
        for i in range(n)
        if groups[i]
    ]


@dataclass(frozen=True)
class Plan:
    shards: list[Shard]
    split: dict[str, int]  # sibling -> number of pieces, for the siblings that were split
    lower_bound: float  # no plan of these pieces ends sooner


def plan(
    estimates: Mapping[str, float], weights: Mapping[str, Mapping[str, float]], k: int
) -> Plan:
    """Split every suite in ``weights`` (its files' weights; only the splittable ones are
    given) whose estimate exceeds total / ``k`` into about ideal-length pieces, then pack."""
    ideal = math.fsum(estimates.values()) / max(k, 1)
    pieces: list[Piece] = []
    split: dict[str, int] = {}
    indivisible = 0.0  # the longest piece that cannot be cut further
    for name in sorted(estimates):
        seconds, files = estimates[name], weights.get(name, {})
        if len(files) > 1 and seconds > ideal > 0:
            n = min(len(files), k, math.ceil(seconds / ideal))
            pieces += split_suite(name, seconds, files, n)
            split[name] = n
            scale = seconds / (math.fsum(files.values()) or 1.0)
            indivisible = max(indivisible, max(files.values()) * scale)
        else:
            pieces.append(Piece(name, seconds))
            indivisible = max(indivisible, seconds)
    return Plan(pack(pieces, k), split, max(ideal, indivisible))
