"""What earlier runs left behind: suite durations for scheduling, last results for reruns.

``.wrknv/durations.json`` keeps, per sibling (per sibling and Python, ``name@3.12``, when a run
covers several Pythons), the last measured duration, the xdist workers it ran with, and the
seconds of each test file (what a long suite is split by); its reader and writer are here. The
last run's results are read from ``.wrknv/runs/latest/summary.json`` (runs/summary.py), the
file test-all writes anyway, so there is one source for "what happened last time".
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from workspace.errors import WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.jsonfields import MAX_SECONDS, Fields
from workspace.model.statedir import SUMMARY, StateDir
from workspace.runs.results import Status, SuiteResult
from workspace.runs.summary import read_run
from workspace.text import display_path

DURATIONS_VERSION = 1
# Statuses whose duration says how long the suite takes (an interrupted one does not).
_MEASURED = frozenset({Status.PASSED, Status.FAILED, Status.NO_TESTS, Status.TIMEOUT})
_REWRITTEN = "test-all writes it anew after its run"
RERUN_HINT = "run test-all once without --rerun-failed"
Pair = tuple[str, str | None]  # (sibling, Python); None: a run over one Python
Warn = Callable[[str], None]


def _quiet(message: str) -> None:
    """Where a warning goes when the caller has nowhere to say it."""


@dataclass(frozen=True)
class Timing:
    """One entry of durations.json: the seconds of the suite's last whole run (None: only
    pieces of it ran yet) with the xdist workers it had, and the seconds of each test file."""

    seconds: float | None = None
    workers: int = 1
    files: Mapping[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.seconds is not None:
            data.update(seconds=round(self.seconds, 3), workers=self.workers)
        if self.files:
            data["files"] = dict(self.files)
        return data

    @classmethod
    def from_json(cls, f: Fields) -> Timing:
        files = f.obj("files")
        seconds = f.seconds("seconds") if "seconds" in f else None
        workers = f.whole("workers", 1, least=1)
        return cls(seconds, workers, {name: files.seconds(name) for name in files})


def read_durations(state: StateDir, warn: Warn = _quiet) -> dict[str, Timing]:
    """The entries of durations.json by key. It only guides the order and the plan, and the
    next run rewrites it: a damaged file is empty, a damaged entry is left out, each said to
    ``warn``."""
    try:
        data = Fields.load(state.durations, _REWRITTEN)
        if data is None:
            return {}
        if data.whole("version", DURATIONS_VERSION) != DURATIONS_VERSION:
            data.fail("version", f"expected {DURATIONS_VERSION}")
        entries = data.obj("siblings")
    except WorkspaceError as exc:
        warn(f"warning: {exc.message}; ignored (hint: {exc.hint})")
        return {}
    out, dropped = {}, []
    for key in entries:
        try:
            out[key] = Timing.from_json(entries.obj(key))
        except WorkspaceError as exc:
            dropped.append(exc)
    if dropped:  # one warning for the file, however many entries are damaged
        more = f" (and {len(dropped) - 1} more)" if len(dropped) > 1 else ""
        warn(f"warning: {dropped[0].message}; left out{more} (hint: {dropped[0].hint})")
    return out


def write_durations(state: StateDir, timings: Mapping[str, Timing]) -> None:
    siblings = {key: timings[key].to_json() for key in sorted(timings)}
    data = {"version": DURATIONS_VERSION, "siblings": siblings}
    text = json.dumps(data, indent=2, allow_nan=False)  # the values are finite: see save
    atomic_write_text(state.durations, text + "\n")


def load_durations(state: StateDir, warn: Warn = _quiet) -> dict[str, float]:
    """Expected single-worker seconds per key; empty when there is no usable history.

    A suite that ran with K xdist workers is expected to take about K times as long alone.
    """
    timings = read_durations(state, warn).items()
    return {key: t.seconds * t.workers for key, t in timings if t.seconds is not None}


def load_file_durations(state: StateDir, warn: Warn = _quiet) -> dict[str, dict[str, float]]:
    """Seconds per test file (relative to the sibling), per key."""
    return {key: dict(t.files) for key, t in read_durations(state, warn).items() if t.files}


def save_durations(state: StateDir, results: Iterable[SuiteResult]) -> None:
    """Merge this run's measured durations into the stored ones. A whole suite replaces its
    entry; a piece of a split suite (``files`` set) only updates the seconds of its files."""
    merged = read_durations(state)  # damaged: replaced by this run's durations
    for r in results:
        if r.status not in _MEASURED or not 0 < r.duration <= MAX_SECONDS:  # NaN too
            continue
        files = {name: s for name, s in r.file_seconds if 0 <= s <= MAX_SECONDS}
        if r.files:
            old = merged.get(r.key, Timing())
            merged[r.key] = replace(old, files={**old.files, **files})
        else:
            merged[r.key] = Timing(r.duration, r.workers, files)
    write_durations(state, merged)


def last_statuses(state: StateDir, warn: Warn = _quiet) -> dict[Pair, Status]:
    """Each suite's status in the last test-all run, by (sibling, Python); the Python is None
    for a run over one Python. A damaged entry is left out, said to ``warn``.

    Raises WorkspaceError when there is no last run to read.
    """
    summary = state.latest / SUMMARY
    if not summary.exists():
        raise WorkspaceError(
            f"no previous test-all run: {display_path(summary)} does not exist", hint=RERUN_HINT
        )
    run = read_run(state.latest, RERUN_HINT, drop=warn)
    return {(r.name, r.python): r.status for r in run.results}


def rerun_pairs(state: StateDir, warn: Warn = _quiet) -> set[Pair]:
    """The (sibling, Python) pairs that failed, timed out or errored in the last run."""
    return {pair for pair, status in last_statuses(state, warn).items() if status.failing}
