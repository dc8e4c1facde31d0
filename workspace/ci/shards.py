"""K CI shards balanced by expected duration, a suite longer than a shard split by test file.

Shards are packed with the LPT rule (longest first onto the currently lightest shard), which
keeps the makespan within 4/3 of the optimum for the pieces it is given. A whole suite is one
piece, so without splitting no plan ends before the longest suite. A suite whose expected
duration exceeds the ideal shard length (total / K) is therefore cut into file groups of about
that length, balanced by each file's recorded seconds, unless its settings say ``split = false``.

Only files a whole run recorded are named: they are files pytest collects. One group of each
split suite is its *rest*: it runs the suite as usual but without the other groups' files, so
a test file added since the history was written runs there, never nowhere.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from workspace.errors import SelectionError

MIN_WEIGHT = 0.001  # seconds: a file recorded as taking no time still weighs something


@dataclass(frozen=True)
class Piece:
    """A sibling's whole suite; or only ``files`` of it; or, the rest of a split suite, all of
    it but ``skip``."""

    name: str
    seconds: float
    files: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()

    @property
    def selection(self) -> tuple[str, ...]:
        """The piece for ``test-all --files``: ``name:path`` to run, ``!name:path`` to leave out."""
        return (
            *(f"{self.name}:{f}" for f in self.files),
            *(f"!{self.name}:{f}" for f in self.skip),
        )


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
        return tuple(p.name for p in self.pieces if not p.selection)

    @property
    def files(self) -> tuple[str, ...]:
        """The ``--files`` selection of every piece of a split suite that the shard runs."""
        return tuple(item for p in self.pieces for item in p.selection)


def pack(pieces: Iterable[Piece], k: int) -> list[Shard]:
    """LPT: each piece, longest first, goes to the shard with the least work so far. Never
    more shards than pieces, so no shard is empty; pieces of one sibling that meet on a shard
    become one."""
    if k < 1:
        raise SelectionError(f"--shards {k}: expected at least 1", hint="use --shards 1 or more")
    items = sorted(pieces, key=lambda p: (-p.seconds, p.name, p.files, p.skip))
    count = min(k, len(items))
    loads = [0.0] * count
    members: list[list[Piece]] = [[] for _ in range(count)]
    for piece in items:
        i = min(range(count), key=lambda j: (loads[j], j))
        loads[i] += piece.seconds
        members[i].append(piece)
    return [Shard(i + 1, _join(members[i]), loads[i]) for i in range(count)]


def _join(pieces: list[Piece]) -> tuple[Piece, ...]:
    """One piece per sibling: files run together; the rest with some files run beside it
    skips fewer (and with every other group, skips nothing: the whole suite)."""
    by_name: dict[str, Piece] = {}
    for p in pieces:
        old = by_name.get(p.name)
        if old is None:
            by_name[p.name] = p
            continue
        seconds = old.seconds + p.seconds
        rest, other = (old, p) if old.skip else (p, old)
        if rest.skip:
            skip = tuple(f for f in rest.skip if f not in other.files)
            by_name[p.name] = Piece(p.name, seconds, skip=skip)
        else:
            by_name[p.name] = Piece(p.name, seconds, tuple(sorted(old.files + p.files)))
    return tuple(by_name.values())


def whole(estimates: Mapping[str, float]) -> list[Piece]:
    return [Piece(name, seconds) for name, seconds in estimates.items()]


def makespan(shards: Iterable[Shard]) -> float:
    return max((s.estimated_seconds for s in shards), default=0.0)


def split_suite(
    name: str, seconds: float, weights: Mapping[str, float], n: int, unnamed: float = 0.0
) -> list[Piece]:
    """``n`` file groups balanced by weight (LPT again), each group's seconds its share of the
    suite's expected ``seconds``. The first group is the rest (see the module's docstring); it
    starts with ``unnamed``, the weight of the files that have no history yet."""
    weights = {f: max(w, MIN_WEIGHT) for f, w in weights.items()}  # no group left empty
    total = math.fsum(weights.values()) + unnamed  # fsum: the same in any order
    groups: list[list[str]] = [[] for _ in range(n)]
    loads = [unnamed] + [0.0] * (n - 1)
    for f in sorted(weights, key=lambda f: (-weights[f], f)):
        i = min(range(n), key=lambda j: (loads[j], j))
        loads[i] += weights[f]
        groups[i].append(f)
    others = tuple(sorted(f for group in groups[1:] for f in group))
    pieces = [Piece(name, seconds * loads[0] / total, skip=others)]
    return pieces + [
        Piece(name, seconds * loads[i] / total, tuple(sorted(groups[i]))) for i in range(1, n)
    ]


@dataclass(frozen=True)
class ShardPlan:
    shards: list[Shard]
    split: dict[str, int]  # sibling -> the shards its pieces run on, for the split siblings
    ideal: float  # total / K
    lower_bound: float  # no plan of these pieces ends sooner


def plan(
    estimates: Mapping[str, float],
    weights: Mapping[str, Mapping[str, float]],
    k: int,
    unnamed: Mapping[str, float] | None = None,
) -> ShardPlan:
    """Split every suite in ``weights`` (its recorded files' seconds; only the splittable ones
    are given) whose estimate exceeds total / ``k`` into about ideal-length pieces, then pack.
    ``unnamed``: per suite, the weight of its test files that have no history yet."""
    ideal = math.fsum(estimates.values()) / max(k, 1)
    pieces: list[Piece] = []
    indivisible = 0.0  # the longest piece that cannot be cut further
    for name in sorted(estimates):
        seconds, files = estimates[name], weights.get(name, {})
        if len(files) > 1 and seconds > ideal > 0:
            n = min(len(files), k, math.ceil(seconds / ideal))
            extra = (unnamed or {}).get(name, 0.0)
            pieces += split_suite(name, seconds, files, n, extra)
            scale = seconds / (math.fsum(max(w, MIN_WEIGHT) for w in files.values()) + extra)
            indivisible = max(indivisible, max(files.values()) * scale)
        else:
            pieces.append(Piece(name, seconds))
            indivisible = max(indivisible, seconds)
    shards = pack(pieces, k)
    spread = Counter(p.name for s in shards for p in s.pieces if p.selection)
    return ShardPlan(shards, dict(sorted(spread.items())), ideal, max(ideal, indivisible))
