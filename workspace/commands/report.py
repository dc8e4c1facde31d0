"""``report DIR...``: merge the run directories of several shards into one summary."""

from __future__ import annotations

import argparse
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from workspace.commands import Command
from workspace.errors import ExitCode, WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.report import (
    JUNIT,
    SUMMARY,
    format_table,
    merged_junit,
    read_summary,
    result_from_data,
    sibling_suites,
)
from workspace.runner import SuiteResult, exit_code, lower_bound
from workspace.text import display_path

DURATIONS = "durations.json"


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dirs", nargs="+", type=Path, metavar="DIR", help="run directories written by test-all"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=Path("wrknv-report"),
        metavar="DIR",
        help="where the merged summary.json, junit.xml and durations.json go "
        "(default: ./wrknv-report)",
    )
    parser.add_argument(
        "--allow-no-tests",
        action="store_true",
        help="a suite that collected no tests does not make the report fail",
    )


def _junit_suites(run_dir: Path, results: list[SuiteResult]) -> list[ET.Element]:
    """The shard's merged junit.xml when it has one, else each sibling's own file."""
    try:
        root = ET.parse(run_dir / JUNIT).getroot()
    except (OSError, ET.ParseError):
        return [s for r in results for s in sibling_suites(r)]
    return [root] if root.tag == "testsuite" else list(root.iter("testsuite"))


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
        suites.extend(_junit_suites(run_dir, shard_results))
    jobs = sum(int(s["jobs"] or 0) for s in shards) or 1
    walls = [float(s["wall_seconds"] or 0.0) for s in shards]
    summary = {
        "version": 1,
        "merged_from": [s["dir"] for s in shards],
        "jobs": jobs,
        "wall_seconds": max(walls, default=0.0),
        "lower_bound_seconds": round(lower_bound(results, jobs), 3),
        "interrupted": interrupted,
        "shards": shards,
        "siblings": siblings,
    }
    output.mkdir(parents=True, exist_ok=True)
    atomic_write_text(output / SUMMARY, json.dumps(summary, indent=2) + "\n")
    atomic_write_text(output / JUNIT, merged_junit(suites))
    durations = {
        r.name: {"seconds": round(r.duration, 3), "workers": r.workers}
        for r in results
        if r.duration > 0 and r.reason != "interrupted"
    }
    text = json.dumps({"version": 1, "siblings": dict(sorted(durations.items()))}, indent=2)
    atomic_write_text(output / DURATIONS, text + "\n")
    return summary, results


def _run(args: argparse.Namespace) -> int:
    summary, results = merge(list(args.dirs), args.output)
    title = f"report ({len(args.dirs)} shards)"
    print(format_table(results, summary["wall_seconds"], summary["jobs"], title=title), end="")
    print(f"merged: {display_path(args.output / SUMMARY)}, {display_path(args.output / JUNIT)}")
    if summary["interrupted"]:
        return ExitCode.FAILED
    return exit_code(results, allow_no_tests=args.allow_no_tests)


COMMANDS = [
    Command(
        "report",
        "merge the summary.json and junit.xml of several test-all runs (CI shards)",
        _add_arguments,
        _run,
    )
]
