"""The result cache: a passing suite is kept under its key, and a suite whose key has a kept
pass is not run again, across repositories and their dependency graph.

One JSON file per key under ``.wrknv/cache/``, written atomically, so two test-all runs at once
never see half an entry; the oldest entries beyond ``cache_size`` are removed. An entry counts
only if it proves itself (the key it is filed under, the suite, the environment asked for, a
pass, a regular file within MAX_ENTRY): anything else is a miss with one warning, and the file
is deleted. Failures, timeouts and interrupted runs are never kept; a pass that cannot be
written is a warning, never the run's failure.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from workspace.errors import WorkspaceError
from workspace.fsutil import atomic_write_text, read_within
from workspace.jsonfields import MAX_SECONDS, Fields
from workspace.model.pythons import minor
from workspace.model.statedir import StateDir
from workspace.runs.keys import Inputs, Tree, first_change, tree_data
from workspace.runs.results import Status, SuiteResult
from workspace.text import display_path

ENTRY_FORMAT = 1
MAX_ENTRY = 4 * 1024 * 1024  # bytes: an entry past it is not read
# The parts of a key that say which environment the suite ran in (keys.environment).
ENVIRONMENT = ("venv", "pins", "python", "platform")
_HINT = "nothing to do: the suite runs and its pass is kept anew"
_UNKEPT = "hint: the run is not affected; make the cache folder a folder you can write to"


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
    """The entry in ``path``; None when there is none. WorkspaceError when it is damaged,
    larger than MAX_ENTRY, or not a regular file."""
    data = Fields.load(path, _HINT, limit=MAX_ENTRY)
    return None if data is None else CacheEntry.from_json(data)


def write_entry(path: Path, entry: CacheEntry) -> None:
    """Strict JSON: ``put`` keeps only finite numbers (see :func:`finite`)."""
    atomic_write_text(path, json.dumps(entry.to_json(), indent=1, allow_nan=False) + "\n")


def finite(result: SuiteResult) -> SuiteResult:
    """The result with no number that JSON cannot hold or the reader would refuse: a time that
    is not finite (or past the bound) is not recorded."""

    def ok(value: float) -> bool:
        return 0 <= value <= MAX_SECONDS  # False for NaN

    return replace(
        result,
        duration=result.duration if ok(result.duration) else 0.0,
        started=result.started if result.started is not None and ok(result.started) else None,
        file_seconds=tuple((name, s) for name, s in result.file_seconds if ok(s)),
    )


def disproof(entry: CacheEntry, inputs: Inputs) -> str | None:
    """Why ``entry`` is not a kept pass of ``inputs`` (None: it is): it must record the key it
    is filed under, the suite, the environment asked for, and a pass."""
    wanted = {part: inputs.parts.get(part) for part in ENVIRONMENT}
    recorded = {part: entry.parts.get(part) for part in ENVIRONMENT}
    if entry.key != inputs.key:
        return f"records the key {entry.key[:12]}..., not the key it is filed under"
    if entry.name != inputs.name or entry.result.name != inputs.name:
        return f"records the suite {entry.name!r}, not {inputs.name!r}"
    if recorded != wanted:
        said = recorded.get("python") or "another environment"
        return f"records the environment of {said}, not {wanted.get('python') or 'this one'}"
    if entry.result.status is not Status.PASSED:
        return f"records the status {entry.result.status.value}, not a pass"
    return None


class Cache:
    def __init__(self, state: StateDir, size: int, warn: Callable[[str], None]) -> None:
        self.folder, self.last_passes = state.cache, state.last_passes
        self.size = size
        self.warn = warn
        self.unwritable = False  # a pass could not be kept: said once

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def _read(self, path: Path, inputs: Inputs | None = None) -> CacheEntry | None:
        """The entry in ``path`` when it proves a pass of ``inputs`` (None: of whatever key
        it is filed under). Anything else is a miss with one warning, and the file goes."""
        try:
            entry = read_entry(path)
        except WorkspaceError as exc:
            self._discard(path, exc.message)
            return None
        if entry is None:
            return None
        if inputs is None:  # explain, over every entry: each proves the key of its parts
            inputs = Inputs(entry.name, entry.parts, entry.trees, entry.pins)
        filed = path.name == f"{inputs.key}.json"
        why = disproof(entry, inputs) if filed else "not filed under the key of its parts"
        if why is None:
            return entry
        self._discard(path, f"{display_path(path)}: {why}")
        return None

    def _discard(self, path: Path, message: str) -> None:
        self.warn(f"warning: {message} (a damaged cache entry: discarded; the suite runs)")
        with contextlib.suppress(OSError):  # a directory in its place stays: put warns then
            path.unlink(missing_ok=True)

    def get(self, inputs: Inputs) -> SuiteResult | None:
        """The kept pass of these inputs, reported as cached; None on a miss."""
        entry = self._read(self._path(inputs.key), inputs)
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
            finite(result),
        )
        path = self._path(inputs.key)
        try:
            write_entry(path, entry)
        except OSError as exc:  # its message may name the temporary file: name the entry
            why = exc.strerror or type(exc).__name__
            if not self.unwritable:  # once: the next entry would fail the same way
                self.warn(f"warning: {display_path(path)}: cannot keep the pass: {why} ({_UNKEPT})")
            self.unwritable = True
            return
        with contextlib.suppress(OSError):  # only the reason of a later miss is lost
            atomic_write_text(self._last(inputs), inputs.key + "\n")
        self._evict()

    def _last(self, inputs: Inputs) -> Path:
        """The file naming the key of the newest pass kept for the sibling of ``inputs`` in
        an environment of its Python: one small read finds it, where newest_for scans."""
        which = json.dumps([inputs.name, environment_python(inputs.parts)])
        return self.last_passes / f"{hashlib.sha256(which.encode()).hexdigest()[:32]}.txt"

    def last_pass(self, inputs: Inputs) -> CacheEntry | None:
        """The newest pass kept for the sibling of ``inputs`` on its Python, by the pointer
        :meth:`put` leaves; None when there is none (or it was evicted since)."""
        try:  # a FIFO or a symlink in its place is never waited on or followed
            data = read_within(self._last(inputs), None, 128, follow=False)[0]
            key = data.decode("ascii").strip()
        except (OSError, UnicodeError):
            return None
        if len(key) != 64 or any(c not in "0123456789abcdef" for c in key):
            return None
        entry = self._read(self._path(key))
        if entry is None or entry.name != inputs.name:
            return None
        same = environment_python(entry.parts) == environment_python(inputs.parts)
        return entry if same else None

    def miss_reason(self, inputs: Inputs) -> str:
        """Why ``inputs`` have no kept pass, for test-all's ``why``: the first input that
        changed since the last pass of the suite, or ``new`` when none was kept."""
        last = self.last_pass(inputs)
        said = last and first_change(last.parts, inputs, last.trees, last.pins)
        return f"changed since the last pass: {said}" if said else "new"

    def _evict(self) -> None:
        entries = sorted(self.folder.glob("*.json"), key=_mtime, reverse=True)
        for old in entries[self.size :]:
            with contextlib.suppress(OSError):
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


def cache_reasons(
    cache: Cache, inputs: Mapping[str, Inputs], hits: Mapping[str, SuiteResult], no_cache: bool
) -> dict[str, str]:
    """What the cache says of each suite with inputs (by name): ``cached: ...`` for a hit,
    ``--no-cache``, or the reason of a miss (one small read each, misses only)."""
    out = {}
    for name, mine in inputs.items():
        if no_cache:
            out[name] = "--no-cache"
        elif name in hits:
            out[name] = f"cached: {hits[name].reason}"
        else:
            out[name] = cache.miss_reason(mine)
    return out
