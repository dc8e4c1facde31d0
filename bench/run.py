"""Run every benchmark, print one table, write docs/benchmarks.md and the raw JSON.

    python -m bench.run [--quick] [--only scale,setup] [--out-dir DIR]

Each ``bench/bench_<name>.py`` has ``run(quick) -> dict``; the dict's ``rows`` are what the
table shows: ``{"measure", "value", "target", "met", "meaning"}``. Everything else in the dict
is kept in the raw JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).parent
ROOT = BENCH_DIR.parent
NAMES = ("scale", "bootstrap", "setup", "test_all", "cache", "deps", "overhead", "split")


def _version(*cmd: str) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=False).stdout
    except OSError:
        return "not found"
    return out.strip().splitlines()[0] if out.strip() else "not found"


def _installed(dist: str) -> str:
    try:
        return f"{dist} {importlib.metadata.version(dist)}"
    except importlib.metadata.PackageNotFoundError:
        return f"{dist} not installed"


def machine() -> dict[str, Any]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    mem = None
    if Path("/proc/meminfo").exists():
        first = Path("/proc/meminfo").read_text().splitlines()[0].split()
        mem = f"{int(first[1]) / 1024 / 1024:.0f} GiB"
    return {
        "platform": platform.platform(),
        "cpu": platform.processor() or platform.machine(),
        "cores": cores,
        "memory": mem,
        "python": platform.python_version(),
        "git": _version("git", "--version"),
        "uv": _version("uv", "--version"),
        "vcstool": _installed("vcstool"),
    }


def run_all(names: Sequence[str], quick: bool) -> dict[str, Any]:
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "quick": quick,
        "machine": machine(),
        "benchmarks": {},
    }
    first = time.perf_counter()
    for name in names:
        started = time.perf_counter()
        print(f"== {name}", flush=True)
        try:
            module = importlib.import_module(f"bench.bench_{name}")
            data = module.run(quick=quick)
        except Exception:  # one broken benchmark must not hide the others' figures
            data = {"error": traceback.format_exc(limit=3), "rows": []}
            print(data["error"], file=sys.stderr)
        data["seconds"] = round(time.perf_counter() - started, 1)
        results["benchmarks"][name] = data
        for row in data.get("rows", []):
            print(f"   {row['measure']}: {row['value']}" + _verdict(row))
    results["seconds"] = round(time.perf_counter() - first, 1)
    print(f"== all benchmarks took {results['seconds']} s", flush=True)
    return results


def _verdict(row: dict[str, Any]) -> str:
    if not row.get("target"):
        return ""
    met = {True: "met", False: "NOT met", None: "n/a"}[row.get("met")]
    return f"  (target {row['target']}: {met})"


def to_markdown(results: dict[str, Any]) -> str:
    m = results["machine"]
    quick = " (quick: reduced sizes and repetitions)" if results["quick"] else ""
    lines = [
        "# Benchmarks",
        "",
        "Written by `nox -s bench` (`python -m bench.run`); do not edit by hand. Every figure is",
        "a ratio or a time measured side by side in one run on the machine below, the median of",
        "several repetitions. Absolute times vary from machine to machine; the ratios are what",
        "the targets speak of.",
        "",
        f"- run: {results['date']}{quick}",
        f"- machine: {m['platform']}, {m['cores']} cores, {m['memory'] or '? memory'}",
        f"- tools: Python {m['python']}, {m['git']}, {m['uv']}, {m.get('vcstool', '')}",
        f"- the whole run took {results.get('seconds', '?')} s",
        "",
    ]
    for name, data in results["benchmarks"].items():
        lines += [f"## {name.replace('_', '-')}", ""]
        if data.get("about"):
            lines += [data["about"], ""]
        if data.get("error"):
            lines += ["This benchmark failed in this run:", "", "```", data["error"].strip()]
            lines += ["```", ""]
            continue
        lines += ["| measure | value | target | met | what it means |", "|---|---|---|---|---|"]
        for row in data.get("rows", []):
            met = {True: "yes", False: "**no**", None: ""}[row.get("met")]
            lines.append(
                f"| {row['measure']} | {row['value']} | {row.get('target') or ''} | {met} "
                f"| {row.get('meaning', '')} |"
            )
        lines += ["", f"({data['seconds']} s to run)", ""]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="reduced sizes, for CI")
    parser.add_argument("--only", help=f"comma-separated subset of {', '.join(NAMES)}")
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=None,
        help="where benchmarks.md and benchmarks.json go (default: docs/ and bench/results/; "
        "a --quick run writes nothing unless this is given)",
    )
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",")] if args.only else list(NAMES)
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)}")
    results = run_all(names, args.quick)
    if args.out_dir is not None:
        md, raw = args.out_dir / "benchmarks.md", args.out_dir / "benchmarks.json"
    elif not args.quick:
        md, raw = ROOT / "docs" / "benchmarks.md", BENCH_DIR / "results" / "benchmarks.json"
    else:
        return 1 if any("error" in b for b in results["benchmarks"].values()) else 0
    md.parent.mkdir(parents=True, exist_ok=True)
    raw.parent.mkdir(parents=True, exist_ok=True)
    md.write_text(to_markdown(results), encoding="utf-8")
    raw.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {md} and {raw}")
    return 1 if any("error" in b for b in results["benchmarks"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
