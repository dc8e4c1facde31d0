"""What earlier runs left behind: suite durations for scheduling, last results for reruns.

``.wrknv/durations.json`` keeps, per sibling (per sibling and Python, ``name@3.12``, when a run
covers several Pythons), the last measured duration, the xdist workers it ran with, and the
seconds of each test file (what a long suite is split by). The last run's results are read from
``.wrknv/runs/latest/summary.json``, the file test-all writes anyway, so there is one source for
"what happened last time".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from workspace.errors import WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.runs.results import Status, SuiteResult
from workspace.text import display_path

DURATIONS = "durations.json"
RUNS = "runs"
LATEST = "latest"
SUMMARY = "summary.json"
# Statuses whose duration says how long the suite takes (an interrupted one does not).
_MEASURED = frozenset({Status.PASSED, Status.FAILED, Status.NO_TESTS, Status.TIMEOUT})
Pair = tuple[str, str | None]  # (sibling, Python); None: a run over one Python
RERUN_STATUSES = frozenset({Status.FAILED, Status.TIMEOUT, Status.ERROR})


def durations_file(state_dir: Path) -> Path:
    return state_dir / DURATIONS


def _entries(state_dir: Path, warn: Callable[[str], None] | None) -> dict[str, dict[str, Any]]:
    """The stored entries by key. A damaged file is ignored, said to ``warn``: it only guides
    the order and the plan, and the next run rewrites it."""
    try:
        raw = _read_json(durations_file(state_dir), "test-all writes it anew after its run")
    except WorkspaceError as exc:
        if warn is not None:
            warn(f"warning: {exc.message}; ignored (hint: {exc.hint})")
        return {}
    entries = raw.get("siblings") if isinstance(raw, dict) else None
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(v, dict)}


def load_durations(state_dir: Path, warn: Callable[[str], None] | None = None) -> dict[str, float]:
    """Expected single-worker seconds per key; empty when there is no usable history.

    A suite that ran with K xdist workers is expected to take about K times as long alone.
    """
    out: dict[str, float] = {}
    for name, entry in _entries(state_dir, warn).items():
        seconds, workers = entry.get("seconds"), entry.get("workers", 1)
        if isinstance(seconds, (int, float)) and seconds >= 0 and isinstance(workers, int):
            out[name] = float(seconds) * max(workers, 1)
    return out


def load_file_durations(
    state_dir: Path, warn: Callable[[str], None] | None = None
) -> dict[str, dict[str, float]]:
    """Seconds per test file (relative to the sibling), per key."""
    out: dict[str, dict[str, float]] = {}
    for name, entry in _entries(state_dir, warn).items():
        files = entry.get("files")
        if isinstance(files, dict):
            out[name] = {
                str(f): float(t) for f, t in files.items() if isinstance(t, (int, float)) and t >= 0
            }
    return out


def save_durations(state_dir: Path, results: Iterable[SuiteResult]) -> None:
    """Merge this run's measured durations into the stored ones. A whole suite replaces its
    entry; a piece of a split suite (``files`` set) only updates the seconds of its files."""
    merged = _entries(state_dir, None)  # damaged: replaced by this run's durations
    for r in results:
        if r.status not in _MEASURED or r.duration <= 0:
            continue
        if r.files:
            entry = dict(merged.get(r.key, {}))
            old = entry.get("files")
            entry["files"] = {**(old if isinstance(old, dict) else {}), **dict(r.file_seconds)}
            merged[r.key] = entry
        else:
            merged[r.key] = {"seconds": round(r.duration, 3), "workers": r.workers}
            if r.file_seconds:
                merged[r.key]["files"] = dict(r.file_seconds)
    text = json.dumps({"version": 1, "siblings": dict(sorted(merged.items()))}, indent=2)
    atomic_write_text(durations_file(state_dir), text + "\n")


def latest_run(state_dir: Path) -> Path:
    return state_dir / RUNS / LATEST


def last_statuses(state_dir: Path) -> dict[Pair, Status]:
    """Each suite's status in the last test-all run, by (sibling, Python); the Python is None
    for a run over one Python.

    Raises WorkspaceError when there is no last run to read.
    """
    summary = latest_run(state_dir) / SUMMARY
    raw = _read_json(summary, "run test-all once without --rerun-failed")
    if raw is None:
        raise WorkspaceError(
            f"no previous test-all run: {display_path(summary)} does not exist",
            hint="run test-all once without --rerun-failed",
        )
    siblings = raw.get("siblings") if isinstance(raw, dict) else None
    if not isinstance(siblings, list):
        raise WorkspaceError(
            f"{display_path(summary)}: not a test-all summary (no 'siblings' list)",
            hint="run test-all once without --rerun-failed",
        )
    out: dict[Pair, Status] = {}
    for entry in siblings:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            python = entry.get("python")
            try:
                out[entry["name"], python if isinstance(python, str) else None] = Status(
                    entry.get("status")
                )
            except ValueError:
                continue
    return out


def rerun_pairs(state_dir: Path) -> set[Pair]:
    """The (sibling, Python) pairs that failed, timed out or errored in the last run."""
    return {pair for pair, s in last_statuses(state_dir).items() if s in RERUN_STATUSES}


def _read_json(path: Path, hint: str) -> Mapping[str, Any] | None:
    """The JSON object in a file the tool wrote; None when there is no file. A file that is
    damaged (unreadable, not JSON, not an object) is a WorkspaceError naming it."""
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise WorkspaceError(f"{shown}: cannot read: {exc}", hint=hint) from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise WorkspaceError(f"{shown}: not valid JSON ({exc})", hint=hint) from None
    if not isinstance(data, dict):
        raise WorkspaceError(f"{shown}: not a JSON object", hint=hint)
    return data
