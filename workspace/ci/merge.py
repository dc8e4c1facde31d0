"""The merge of several CI shards' run directories into one summary.json, junit.xml and
durations.json, so that the next matrix is planned from every shard's durations."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from workspace.errors import ExitCode, WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.runs.history import save_durations
from workspace.runs.junit import JUNIT, merged_junit, run_suites
from workspace.runs.results import SuiteResult, exit_code, lower_bound, spans
from workspace.runs.summary import SUMMARY, read_summary, result_from_data
from workspace.text import display_path


def merge(dirs: list[Path], output: Path) -> tuple[dict[str, Any], list[SuiteResult]]:
    """Read every shard, write the merged files into ``output``; return summary and results."""
    seen: dict[Path, Path] = {}
    shards = []
    siblings: list[dict[str, Any]] = []
    results: list[SuiteResult] = []
    suites: list[ET.Element] = []
    interrupted = False
    for run_dir in dirs:
        key = run_dir.resolve()
        if key in seen:
            raise WorkspaceError(
                f"{display_path(run_dir)} is given twice", hint="pass each shard once"
            )
        seen[key] = run_dir
        data = read_summary(run_dir)
        shard_results = [result_from_data(e, run_dir) for e in data["siblings"]]
        interrupted = interrupted or bool(data.get("interrupted"))
        shards.append(
            {
                "dir": str(run_dir),
                "run_id": data.get("run_id"),
                "jobs": data.get("jobs"),
                "wall_seconds": data.get("wall_seconds"),
                "interrupted": bool(data.get("interrupted")),
                "ok": exit_code(shard_results) == ExitCode.OK,
            }
        )
        for entry in data["siblings"]:
            merged = dict(entry, shard=str(run_dir))
            for key_name in ("log", "junit"):
                if isinstance(entry.get(key_name), str):
                    merged[key_name] = os.path.relpath(run_dir / entry[key_name], output)
            siblings.append(merged)
        results.extend(shard_results)
        suites.extend(run_suites(run_dir, shard_results))
    jobs = sum(int(s["jobs"] or 0) for s in shards) or 1
    walls = [float(s["wall_seconds"] or 0.0) for s in shards]
    summary = {
        "version": 1,
        "merged_from": [s["dir"] for s in shards],
        "jobs": jobs,
        "wall_seconds": max(walls, default=0.0),
        "lower_bound_seconds": round(lower_bound(spans(results), jobs), 3),
        "interrupted": interrupted,
        "shards": shards,
        "siblings": siblings,
    }
    output.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output / SUMMARY, json.dumps(summary, indent=2) + "\n")
    atomic_write_text(output / JUNIT, merged_junit(suites))
    save_durations(output, results)
    return summary, results
