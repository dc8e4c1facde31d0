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
from dataclasses import replace
from pathlib import Path
from typing import Any

from workspace.fsutil import atomic_write_text
from workspace.model.pythons import minor
from workspace.runs.keys import Inputs, tree_data
from workspace.runs.results import Status, SuiteResult
from workspace.runs.summary import result_from_data, sibling_data
from workspace.text import display_path

CACHE = "cache"
ENTRY_FORMAT = 1


class Cache:
    """The entries of one workspace's cache."""

    def __init__(self, state_dir: Path, size: int, warn: Callable[[str], None]) -> None:
        self.folder = state_dir / CACHE
        self.size = size
        self.warn = warn

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.json"

    def _read(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(data, dict) or data.get("format") != ENTRY_FORMAT:
                raise ValueError("not a cache entry")
            result_from_data(data["result"], Path("/"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            self.warn(f"warning: {display_path(path)}: damaged ({exc}); run again, not cached")
            return None
        return data

    def get(self, inputs: Inputs) -> SuiteResult | None:
        """The kept pass of these inputs, reported as cached; None on a miss."""
        data = self._read(self._path(inputs.key))
        if data is None:
            return None
        kept = result_from_data(data["result"], Path("/"))
        when = data.get("run_id", "an earlier run")
        return replace(kept, status=Status.CACHED, reason=f"inputs unchanged since run {when}")

    def put(self, inputs: Inputs, result: SuiteResult, run_id: str) -> None:
        """Keep a pass (never anything else), then drop the oldest entries over the size."""
        if result.status is not Status.PASSED:
            return
        entry = {
            "format": ENTRY_FORMAT,
            "name": inputs.name,
            "python": result.python,
            "key": inputs.key,
            "run_id": run_id,
            "stored": time.time(),
            "parts": dict(inputs.parts),
            "trees": tree_data(inputs.trees),
            "pins": dict(inputs.pins),
            "result": sibling_data(result),
        }
        atomic_write_text(self._path(inputs.key), json.dumps(entry, indent=1) + "\n")
        self._evict()

    def _evict(self) -> None:
        entries = sorted(self.folder.glob("*.json"), key=_mtime, reverse=True)
        for old in entries[self.size :]:
            old.unlink(missing_ok=True)

    def newest_for(self, inputs: Inputs) -> dict[str, Any] | None:
        """The newest kept entry of the sibling of ``inputs`` in an environment of the same
        Python (MAJOR.MINOR), for explain: whether the run that kept it covered that Python
        alone (``python`` None) or several ("3.12") does not matter, the environment does."""
        wanted = environment_python(inputs.parts)
        for path in sorted(self.folder.glob("*.json"), key=_mtime, reverse=True):
            data = self._read(path)
            if data is None or data.get("name") != inputs.name:
                continue
            if environment_python(data.get("parts") or {}) == wanted:
                return data
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
    cache: Cache | None, inputs: Mapping[str, Inputs], names: Iterable[str]
) -> dict[str, SuiteResult]:
    """The suites (by name) whose inputs have a kept pass, as cached results."""
    if cache is None:
        return {}
    found = {}
    for name in names:
        if name in inputs:
            hit = cache.get(inputs[name])
            if hit is not None:
                found[name] = hit
    return found
