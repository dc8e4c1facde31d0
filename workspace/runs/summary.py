"""What a test run leaves behind: summary.json (written and read back), the runs/latest link,
and the table printed at its end."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from workspace.errors import WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.runs.junit import JUNIT, junit_for_results
from workspace.runs.results import Counts, RunResult, Status, SuiteResult, lower_bound, spans
from workspace.text import display_path, plural, seconds

SUMMARY = "summary.json"
SUMMARY_VERSION = 1


def summary_data(run: RunResult, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": SUMMARY_VERSION,
        "run_id": run.run_id,
        "jobs": run.jobs,
        "wall_seconds": round(run.wall_seconds, 3),
        "lower_bound_seconds": round(run.lower_bound, 3),
        "interrupted": run.interrupted,
    }
    data.update(extra or {})
    data["siblings"] = [sibling_data(r, run.run_dir) for r in run.results]
    return data


def sibling_data(r: SuiteResult, run_dir: Path | None = None) -> dict[str, Any]:
    def rel(path: Path | None) -> str | None:
        if path is None:
            return None
        if run_dir is not None and path.is_relative_to(run_dir):
            return str(path.relative_to(run_dir))
        return str(path)

    return {
        "name": r.name,
        "status": r.status.value,
        "returncode": r.returncode,
        "duration_seconds": round(r.duration, 3),
        "tests": {
            "passed": r.counts.passed,
            "failed": r.counts.failed,
            "skipped": r.counts.skipped,
            "errors": r.counts.errors,
        },
        "selected_because": r.selected_because,
        "log": rel(r.log),
        "junit": rel(r.junit),
        "workers": r.workers,
        "command": list(r.command),
        "reason": r.reason,
        "python": r.python,
        "files": list(r.files),
        "started_seconds": None if r.started is None else round(r.started, 3),
        "file_seconds": dict(r.file_seconds),
        "excluded": r.excluded,
    }


def result_from_data(entry: Mapping[str, Any], run_dir: Path) -> SuiteResult:
    """A SuiteResult back from one ``siblings`` entry of a summary.json."""
    tests = entry.get("tests") or {}

    def path(key: str) -> Path | None:
        value = entry.get(key)
        return run_dir / value if isinstance(value, str) else None

    return SuiteResult(
        name=str(entry["name"]),
        status=Status(entry["status"]),
        returncode=entry.get("returncode"),
        duration=float(entry.get("duration_seconds") or 0.0),
        counts=Counts(
            int(tests.get("passed", 0)),
            int(tests.get("failed", 0)),
            int(tests.get("skipped", 0)),
            int(tests.get("errors", 0)),
        ),
        selected_because=str(entry.get("selected_because", "selected")),
        log=path("log"),
        junit=path("junit"),
        workers=int(entry.get("workers") or 1),
        command=tuple(entry.get("command") or ()),
        reason=entry.get("reason"),
        python=entry.get("python"),
        files=tuple(entry.get("files") or ()),
        started=entry.get("started_seconds"),
        file_seconds=_file_seconds(entry.get("file_seconds")),
        excluded=entry.get("excluded") is True,
    )


def _file_seconds(raw: object) -> tuple[tuple[str, float], ...]:
    if not isinstance(raw, dict):
        return ()
    return tuple(
        (str(k), float(v)) for k, v in raw.items() if isinstance(v, (int, float)) and v >= 0
    )


def read_summary(run_dir: Path) -> dict[str, Any]:
    """A run directory's summary.json, checked enough to merge; WorkspaceError otherwise."""
    file = run_dir / SUMMARY
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except OSError:
        raise WorkspaceError(
            f"{display_path(file)}: no summary.json in {display_path(run_dir)}",
            hint="pass the run directories test-all wrote (.wrknv/runs/<id>), one per shard",
        ) from None
    except ValueError as exc:
        raise WorkspaceError(
            f"{display_path(file)}: not valid JSON ({exc})", hint="the shard's upload is damaged"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("siblings"), list):
        raise WorkspaceError(
            f"{display_path(file)}: not a test-all summary (no 'siblings' list)",
            hint="pass the run directories test-all wrote",
        )
    for i, entry in enumerate(data["siblings"]):
        ok = isinstance(entry, dict) and isinstance(entry.get("name"), str)
        if not ok or entry.get("status") not in {s.value for s in Status}:
            raise WorkspaceError(
                f"{display_path(file)}: siblings[{i}] has no valid name and status",
                hint="the shard's upload is damaged; rerun that shard",
            )
    return data


def write_run_files(run: RunResult, extra: Mapping[str, Any] | None = None) -> None:
    """summary.json and the merged junit.xml in the run directory."""
    atomic_write_text(run.run_dir / JUNIT, junit_for_results(run.results))
    text = json.dumps(summary_data(run, extra), indent=2)
    atomic_write_text(run.run_dir / SUMMARY, text + "\n")


def point_latest(runs_dir: Path, run_dir: Path) -> None:
    """``runs/latest`` -> this run, replaced atomically (a new link renamed over the old)."""
    link = runs_dir / "latest"
    tmp = runs_dir / f".latest.{os.getpid()}"
    tmp.unlink(missing_ok=True)
    os.symlink(run_dir.name, tmp)
    os.replace(tmp, link)


def format_table(
    results: Sequence[SuiteResult],
    wall: float,
    jobs: int,
    *,
    title: str = "test-all",
    bound: float | None = None,
) -> str:
    """Every suite sorted by duration (longest first), then wall time against the lower bound
    (computed from the results unless given: a merged report knows it from the pieces)."""
    rows = sorted(results, key=lambda r: (-r.duration, r.name, r.python or ""))
    pythons = any(r.python for r in results)  # a run over several Pythons: one row per pair
    header = ("sibling", *(["python"] if pythons else []), "status", "time", "passed", "failed")
    header = (*header, "skipped", "why")
    body = [
        (
            r.name,
            *([r.python or "-"] if pythons else []),
            r.status.value,
            seconds(r.duration) if r.duration else "-",
            str(r.counts.passed),
            str(r.counts.failed + r.counts.errors),
            str(r.counts.skipped),
            r.selected_because,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    right = {i + pythons for i in (2, 3, 4, 5)}

    def line(cells: Sequence[str]) -> str:
        out = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(out).rstrip()

    lines = [line(header), line(["-" * w for w in widths]), *(line(row) for row in body)]
    if bound is None:
        bound = lower_bound(spans(results), jobs)
    counts = {s: sum(1 for r in results if r.status is s) for s in Status}
    tally = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    lines.append("")
    lines.append(f"{title}: {plural(len(results), 'suite')} ({tally or 'none'})")
    ratio = f", ratio {wall / bound:.2f}" if bound > 0 else ""
    lines.append(
        f"wall {seconds(wall)} with {jobs} jobs; lower bound {seconds(bound)} "
        f"(max of longest suite and total / jobs){ratio}"
    )
    problems = [r for r in rows if r.status not in (Status.PASSED, Status.CACHED)]
    for r in sorted(problems, key=lambda r: r.excluded):  # left out on purpose: last
        where = f" (log: {display_path(r.log)})" if r.log else ""
        why = f": {r.reason}" if r.reason else ""
        lines.append(f"  {'excluded' if r.excluded else r.status.value}: {r.key}{why}{where}")
    return "\n".join(lines) + "\n"
