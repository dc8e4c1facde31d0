"""The merge of several CI shards' run directories into one summary.json, junit.xml and
durations.json, so that the next matrix is planned from every shard's durations.

The pieces of one split suite (results with ``files``, one per shard) become one result again:
counts summed, the worst status, the seconds of all pieces, every log listed."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from workspace.errors import ExitCode, WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.runs.history import save_durations
from workspace.runs.junit import JUNIT, merged_junit, run_suites
from workspace.runs.results import Counts, Status, SuiteResult, exit_code, lower_bound, spans
from workspace.runs.summary import SUMMARY, read_summary, result_from_data, sibling_data
from workspace.text import display_path

# The status of merged pieces: the first of these that any piece has. A piece that collected
# no tests is fine when another one passed.
_WORST = (
    Status.ERROR,
    Status.TIMEOUT,
    Status.FAILED,
    Status.NOT_RUN,
    Status.PASSED,
    Status.CACHED,
    Status.NO_TESTS,
)


@dataclass(frozen=True)
class _Shard:
    dir: Path
    data: dict[str, Any]
    results: list[SuiteResult]


def _read(dirs: list[Path]) -> list[_Shard]:
    seen: set[Path] = set()
    shards = []
    for run_dir in dirs:
        if run_dir.resolve() in seen:
            raise WorkspaceError(
                f"{display_path(run_dir)} is given twice", hint="pass each shard once"
            )
        seen.add(run_dir.resolve())
        data = read_summary(run_dir)
        shards.append(
            _Shard(run_dir, data, [result_from_data(e, run_dir) for e in data["siblings"]])
        )
    return shards


def _entries(shards: list[_Shard], output: Path) -> list[dict[str, Any]]:
    """Every shard's sibling entries, with the shard named and paths relative to ``output``."""
    out = []
    for shard in shards:
        for entry in shard.data["siblings"]:
            merged = dict(entry, shard=str(shard.dir))
            for key_name in ("log", "junit"):
                if isinstance(entry.get(key_name), str):
                    merged[key_name] = os.path.relpath(shard.dir / entry[key_name], output)
            out.append(merged)
    return out


def join_pieces(
    entries: list[dict[str, Any]], results: list[SuiteResult]
) -> tuple[list[dict[str, Any]], list[SuiteResult]]:
    """One entry and result per split suite, in the place of its first piece; whole suites
    are left as they are. The same file in two pieces is an error: a shard given twice."""
    groups: dict[str, list[int]] = {}
    for i, r in enumerate(results):
        if r.files:
            groups.setdefault(r.key, []).append(i)
    out_entries, out_results = [], []
    for i, r in enumerate(results):
        members = groups.get(r.key, []) if r.files else []
        if members and members[0] != i:
            continue  # merged into the first piece
        if not members:
            out_entries.append(entries[i])
            out_results.append(r)
            continue
        pieces = [results[j] for j in members]
        _refuse_overlap(pieces, [entries[j]["shard"] for j in members])
        joined = _join(pieces)
        out_results.append(joined)
        out_entries.append(_joined_entry([entries[j] for j in members], joined))
    return out_entries, out_results


def _refuse_overlap(pieces: Sequence[SuiteResult], shards: Sequence[str]) -> None:
    """A test file that ran in two pieces (by their JUnit files) ran twice."""
    where: dict[str, str] = {}
    for piece, shard in zip(pieces, shards, strict=True):
        for f, _ in piece.file_seconds:
            if f in where:
                raise WorkspaceError(
                    f"{piece.key}: {f} ran in two shards ({where[f]}, {shard})",
                    hint="pass each shard's run directory once, from one plan",
                )
            where[f] = shard


def _join(pieces: Sequence[SuiteResult]) -> SuiteResult:
    """The worst piece's status, exit status and command; counts and seconds of them all. A
    piece left out on purpose (``excluded``: its files are gone) counts only if all are."""
    ran = [p for p in pieces if not p.excluded] or list(pieces)
    worst = next(p for s in _WORST for p in ran if p.status is s)
    counts = Counts()
    for p in pieces:
        counts = counts + p.counts
    reasons = list(dict.fromkeys(p.reason for p in pieces if p.reason))
    starts = [p.started for p in pieces if p.started is not None]
    file_seconds = {f: t for p in pieces for f, t in p.file_seconds}
    return replace(
        worst,
        selected_because=pieces[0].selected_because,
        duration=sum(p.duration * p.workers for p in pieces),  # one worker's seconds
        workers=1,
        counts=counts,
        reason="; ".join(reasons) or None,
        files=(),
        started=min(starts, default=None),
        file_seconds=tuple(sorted(file_seconds.items())),
    )


def _joined_entry(entries: Sequence[dict[str, Any]], joined: SuiteResult) -> dict[str, Any]:
    """The joined result as a summary entry, its paths those of the first piece (relative to
    the report), with every piece listed."""
    first = entries[0]
    merged = {**first, **sibling_data(joined), "log": first.get("log"), "junit": first.get("junit")}
    merged.update(
        pieces=len(entries),
        shards=[e["shard"] for e in entries],
        logs=[e["log"] for e in entries if e.get("log")],
        # each piece as it ran, for the schedule picture
        runs=[
            {
                key: e.get(key)
                for key in ("shard", "status", "started_seconds", "duration_seconds", "files")
            }
            for e in entries
        ],
    )
    return merged


def _shard_data(shard: _Shard) -> dict[str, Any]:
    data = shard.data
    return {
        "dir": str(shard.dir),
        "run_id": data.get("run_id"),
        "jobs": data.get("jobs"),
        "wall_seconds": data.get("wall_seconds"),
        "interrupted": bool(data.get("interrupted")),
        "ok": exit_code(shard.results) == ExitCode.OK,
    }


def merge(dirs: list[Path], output: Path) -> tuple[dict[str, Any], list[SuiteResult]]:
    """Read every shard, write the merged files into ``output``; return summary and results
    (pieces of a split suite joined into one)."""
    shards = _read(dirs)
    pieces = [r for s in shards for r in s.results]
    siblings, results = join_pieces(_entries(shards, output), pieces)
    suites: list[ET.Element] = [e for s in shards for e in run_suites(s.dir, s.results)]
    jobs = sum(int(s.data.get("jobs") or 0) for s in shards) or 1
    walls = [float(s.data.get("wall_seconds") or 0.0) for s in shards]
    summary = {
        "version": 1,
        "merged_from": [str(s.dir) for s in shards],
        "jobs": jobs,
        "wall_seconds": max(walls, default=0.0),
        # The pieces as they ran: a split suite bounds no shard by its whole length.
        "lower_bound_seconds": round(lower_bound(spans(pieces), jobs), 3),
        "interrupted": any(bool(s.data.get("interrupted")) for s in shards),
        "shards": [_shard_data(s) for s in shards],
        "siblings": siblings,
    }
    output.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output / SUMMARY, json.dumps(summary, indent=2) + "\n")
    atomic_write_text(output / JUNIT, merged_junit(suites))
    save_durations(output, results)
    return summary, results
