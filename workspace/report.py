"""What a test run leaves and shows: summary.json, the merged JUnit file, the end table, and the
event handlers that print progress (a live board, CI lines, GitHub Actions log groups).

Nothing here runs a suite; the runner posts events and these handlers print them.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from workspace.errors import WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.runner import (
    Counts,
    Event,
    Handler,
    RunResult,
    Status,
    SuiteFinished,
    SuiteResult,
    SuiteStarted,
    Tick,
    lower_bound,
)
from workspace.text import display_path

SUMMARY = "summary.json"
JUNIT = "junit.xml"
SUMMARY_VERSION = 1


# --------------------------------------------------------------------------- summary.json


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


# --------------------------------------------------------------------------- JUnit


def _synthetic_suite(r: SuiteResult) -> ET.Element:
    """A suite that left no JUnit file (timeout, crash, not run) still shows up in CI."""
    suite = ET.Element("testsuite", name=r.name, tests="1", failures="0", skipped="0")
    case = ET.SubElement(suite, "testcase", classname=r.name, name=r.status.value)
    text = r.reason or r.status.value
    if r.status is Status.NOT_RUN or r.status is Status.NO_TESTS:
        ET.SubElement(case, "skipped", message=text)
        suite.set("skipped", "1")
        suite.set("errors", "0")
    else:
        ET.SubElement(case, "error", message=text)
        suite.set("errors", "1")
    return suite


def sibling_suites(r: SuiteResult) -> list[ET.Element]:
    """The <testsuite> elements of one sibling, test names prefixed with the sibling."""
    if r.junit is None:
        return [_synthetic_suite(r)]
    try:
        root = ET.parse(r.junit).getroot()
    except (OSError, ET.ParseError):
        return [_synthetic_suite(r)]
    suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
    for suite in suites:
        suite.set("name", r.name)
        for case in suite.iter("testcase"):
            classname = case.get("classname", "")
            case.set("classname", f"{r.name}.{classname}" if classname else r.name)
    return suites


def merged_junit(suites: Iterable[ET.Element]) -> str:
    root = ET.Element("testsuites", name="test-all")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in suites:
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0") or 0)
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def junit_for_results(results: Iterable[SuiteResult]) -> str:
    return merged_junit(s for r in results for s in sibling_suites(r))


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


# --------------------------------------------------------------------------- the end table


def _fmt_seconds(s: float) -> str:
    return f"{s:.1f}s"


def format_table(
    results: Sequence[SuiteResult], wall: float, jobs: int, *, title: str = "test-all"
) -> str:
    """Every suite sorted by duration (longest first), then wall time against the lower bound."""
    rows = sorted(results, key=lambda r: (-r.duration, r.name))
    header = ("sibling", "status", "time", "passed", "failed", "skipped", "why")
    body = [
        (
            r.name,
            r.status.value,
            _fmt_seconds(r.duration) if r.duration else "-",
            str(r.counts.passed),
            str(r.counts.failed + r.counts.errors),
            str(r.counts.skipped),
            r.selected_because,
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
    right = {2, 3, 4, 5}

    def line(cells: Sequence[str]) -> str:
        out = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(out).rstrip()

    lines = [line(header), line(["-" * w for w in widths]), *(line(row) for row in body)]
    bound = lower_bound(results, jobs)
    counts = {s: sum(1 for r in results if r.status is s) for s in Status}
    tally = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
    lines.append("")
    lines.append(f"{title}: {len(results)} suites ({tally or 'none'})")
    ratio = f", ratio {wall / bound:.2f}" if bound > 0 else ""
    lines.append(
        f"wall {_fmt_seconds(wall)} with {jobs} jobs; lower bound {_fmt_seconds(bound)} "
        f"(max of longest suite and total / jobs){ratio}"
    )
    problems = [r for r in rows if r.status is not Status.PASSED]
    for r in problems:
        where = f" (log: {display_path(r.log)})" if r.log else ""
        why = f": {r.reason}" if r.reason else ""
        lines.append(f"  {r.status.value}: {r.name}{why}{where}")
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- progress handlers


def _result_line(r: SuiteResult, done: int, total: int) -> str:
    c = r.counts
    counts = f"{c.passed} passed, {c.failed + c.errors} failed, {c.skipped} skipped"
    extra = f" ({r.reason})" if r.reason and r.status is not Status.FAILED else ""
    took = f" in {_fmt_seconds(r.duration)}" if r.duration else ""
    width = len(str(total))
    return f"[{done:>{width}}/{total}] {r.status.value:<8} {r.name}{took}: {counts}{extra}"


@dataclass
class LineReporter:
    """No terminal: one line as each suite starts and as it ends."""

    out: TextIO

    def __call__(self, event: Event) -> None:
        if isinstance(event, SuiteStarted):
            workers = f" with {event.workers} xdist workers" if event.workers > 1 else ""
            width = len(str(event.total))
            self._print(f"[{event.index:>{width}}/{event.total}] start    {event.name}{workers}")
        elif isinstance(event, SuiteFinished):
            self._print(_result_line(event.result, event.done, event.total))

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _read_log(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror})\n"


@dataclass
class GitHubReporter:
    """GitHub Actions: each finished suite's output in a ``::group::``; failures in full, outside
    any group, with an ``::error`` annotation."""

    out: TextIO

    def __call__(self, event: Event) -> None:
        if isinstance(event, SuiteStarted):
            self._print(f"start {event.name}")
            return
        if not isinstance(event, SuiteFinished):
            return
        r = event.result
        line = _result_line(r, event.done, event.total)
        log = _read_log(r.log)
        if r.status in (Status.PASSED, Status.NO_TESTS, Status.NOT_RUN):
            self._print(f"::group::{line}")
            self.out.write(log if log.endswith("\n") or not log else log + "\n")
            self._print("::endgroup::")
        else:
            self._print(f"::error title={r.name} {r.status.value}::{_escape(line)}")
            self._print(line)
            self.out.write(log if log.endswith("\n") or not log else log + "\n")
            self.out.flush()

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()


def _escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


class LiveBoard:
    """A terminal: finished suites scroll by above a few redrawn lines of what is running."""

    def __init__(self, out: TextIO, max_rows: int | None = None) -> None:
        self.out = out
        self.drawn = 0
        self.max_rows = max_rows or max(3, shutil.get_terminal_size((80, 24)).lines - 4)
        self.last: Tick | None = None
        self.started = time.monotonic()

    def __call__(self, event: Event) -> None:
        if isinstance(event, SuiteFinished):
            self._clear()
            self.out.write(_result_line(event.result, event.done, event.total) + "\n")
            if self.last is not None:
                self._draw(self.last, without=event.result.name)
            self.out.flush()
        elif isinstance(event, Tick):
            self.last = event
            self._clear()
            self._draw(event)
            self.out.flush()

    def _clear(self) -> None:
        if self.drawn:
            # Up to the first board line, then erase to the end of the screen.
            self.out.write(f"\x1b[{self.drawn}F\x1b[J")
            self.drawn = 0

    def _draw(self, tick: Tick, without: str | None = None) -> None:
        running = [(n, t) for n, t in tick.running if n != without]
        lines = [
            f"running {len(running)}, done {tick.done}/{tick.total}, failed {tick.failed}, "
            f"elapsed {_fmt_seconds(tick.elapsed)}"
        ]
        shown = sorted(running, key=lambda item: -item[1])
        width = max((len(n) for n, _ in shown), default=0)
        for name, elapsed in shown[: self.max_rows]:
            lines.append(f"  {name:<{width}}  {_fmt_seconds(elapsed)}")
        if len(shown) > self.max_rows:
            lines.append(f"  ... and {len(shown) - self.max_rows} more")
        self.out.write("\n".join(lines) + "\n")
        self.drawn = len(lines)

    def close(self) -> None:
        self._clear()
        self.out.flush()


def choose_handler(out: TextIO, env: Mapping[str, str] | None = None) -> Handler:
    """GitHub Actions groups, else a live board on a terminal, else one line per event."""
    env = os.environ if env is None else env
    if env.get("GITHUB_ACTIONS") == "true":
        return GitHubReporter(out)
    if out.isatty() and env.get("TERM") != "dumb":
        return LiveBoard(out)
    return LineReporter(out)
