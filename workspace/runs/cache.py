"""The result cache: a passing suite is kept under its key, and a suite whose key has a kept
pass is not run again, across repositories and their dependency graph.

One JSON file per key under ``.wrknv/cache/``, written atomically, so two test-all runs at once
never see half an entry; the oldest entries beyond ``cache_size`` are removed. A damaged entry
is a miss with one warning. Failures, timeouts and interrupted runs are never kept.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from workspace.errors import WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.jsonfields import Fields
from workspace.model.pythons import minor
from workspace.model.statedir import StateDir
from workspace.runs.keys import Inputs, Tree, tree_data
from workspace.runs.results import Status, SuiteResult

ENTRY_FORMAT = 1


@dataclass(frozen=True)
class CacheEntry:
    """One kept pass: the suite's key part by part (for explain), and its result."""

    name: str
    python: str | None  # the Python of the run that kept it, when that run covered several
    key: str
    run_id: str
    stored: float  # seconds since the epoch
    parts: Mapping[str, str]
    trees: Mapping[str, Tree]
    pins: Mapping[str, str]
    result: SuiteResult

    def to_json(self) -> dict[str, Any]:
        return {
            "format": ENTRY_FORMAT,
            "name": self.name,
            "python": self.python,
            "key": self.key,
            "run_id": self.run_id,
            "stored": self.stored,
            "parts": dict(self.parts),
            "trees": tree_data(self.trees),
            "pins": dict(self.pins),
            "result": self.result.to_json(),
        }

    @classmethod
    def from_json(cls, f: Fields) -> CacheEntry:
        if f.whole("format") != ENTRY_FORMAT:
            f.fail("format", f"expected {ENTRY_FORMAT}: an entry this version keeps")
        parts, pins, trees = f.obj("parts"), f.obj("pins"), f.obj("trees")
        return cls(
            name=f.text("name"),
            python=f.opt_text("python"),
            key=f.text("key"),
            run_id=f.text("run_id"),
            stored=f.seconds("stored"),
            parts={k: parts.text(k) for k in parts},
            trees={k: _tree(trees.obj(k)) for k in trees},
            pins={k: pins.text(k) for k in pins},
            result=SuiteResult.from_json(f.obj("result")),
        )


def _tree(f: Fields) -> Tree:
    changed = f.obj("changed")
    return Tree(f.opt_text("tree"), {path: changed.text(path) for path in changed})


def read_entry(path: Path) -> CacheEntry | None:
    """The entry in ``path``; None when there is none. WorkspaceError when it is damaged."""
    data = Fields.load(path, "run again: the suite runs and its pass is kept anew")
    return None if data is None else CacheEntry.from_json(data)


def write_entry(path: Path, entry: CacheEntry) -> None:
    atomic_write_text(path, json.dumps(entry.to_json(), indent=1) + "\n")


class Cache:
    def __init__(self, state: StateDir, size: int, warn: Callable[[str], None]) -> None:
        self.folder = state.cache
        self.size = size
        self.warn = warn

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def _read(self, path: Path) -> CacheEntry | None:
        """A damaged entry is a miss, with one warning."""
        try:
            return read_entry(path)
        except WorkspaceError as exc:
            self.warn(f"warning: {exc.message} (a damaged cache entry: run again, not cached)")
            return None

    def get(self, inputs: Inputs) -> SuiteResult | None:
        """The kept pass of these inputs, reported as cached; None on a miss."""
        entry = self._read(self._path(inputs.key))
        if entry is None:
            return None
        reason = f"inputs unchanged since run {entry.run_id}"
        return replace(entry.result, status=Status.CACHED, reason=reason)

    def put(self, inputs: Inputs, result: SuiteResult, run_id: str) -> None:
        """Keep a pass (never anything else), then drop the oldest entries over the size."""
        if result.status is not Status.PASSED:
            return
        entry = CacheEntry(
            inputs.name,
            result.python,
            inputs.key,
            run_id,
            time.time(),
            inputs.parts,
            inputs.trees,
            inputs.pins,
            result,
        )
        write_entry(self._path(inputs.key), entry)
        self._evict()

    def _evict(self) -> None:
        entries = sorted(self.folder.glob("*.json"), key=_mtime, reverse=True)
        for old in entries[self.size :]:
            old.unlink(missing_ok=True)

    def newest_for(self, inputs: Inputs) -> CacheEntry | None:
        """The newest kept entry of the sibling of ``inputs`` in an environment of the same
        Python (MAJOR.MINOR), for explain: whether the run that kept it covered that Python
        alone (``python`` None) or several ("3.12") does not matter, the environment does."""
        wanted = environment_python(inputs.parts)
        for path in sorted(self.folder.glob("*.json"), key=_mtime, reverse=True):
            entry = self._read(path)
            if entry and entry.name == inputs.name and environment_python(entry.parts) == wanted:
                return entry
        return None


def environment_python(parts: Mapping[str, str]) -> str | None:
    """The MAJOR.MINOR of a key's environment: its ``python`` part, such as "CPython-3.12.1"."""
    text = parts.get("python")
    return minor(text.rpartition("-")[2]) if isinstance(text, str) and text else None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def split(
    cache: Cache, inputs: Mapping[str, Inputs], names: Iterable[str]
) -> dict[str, SuiteResult]:
    """The suites (by name) whose inputs have a kept pass, as cached results."""
    hits = {name: cache.get(inputs[name]) for name in names if name in inputs}
    return {name: hit for name, hit in hits.items() if hit is not None}
