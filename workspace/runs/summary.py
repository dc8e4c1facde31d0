"""summary.json, what a test-all run (or a report merged from shards) leaves behind: its one
writer and its one reader (the model and its JSON are runs/results.py's RunResult), the
runs/latest link, and the table printed at the end of a run."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from workspace.errors import WorkspaceError
from workspace.fsutil import atomic_write_text, read_within
from workspace.jsonfields import Fields
from workspace.model.statedir import JUNIT, SUMMARY
from workspace.runs.junit import JUNIT_LIMIT, junit_for_results
from workspace.runs.results import RunResult, Status, SuiteResult, lower_bound, spans
from workspace.text import display_path, plural, seconds

SHOWN_FAILURES = 10  # failing tests the table names under each suite
SUMMARY_LIMIT = 64 * 1024 * 1024  # bytes of a summary.json; one suite takes about 1 KB
_DAMAGED = "the run's summary is damaged; run it again (a shard: rerun that shard)"


def write_summary(run: RunResult, extra: Mapping[str, Any] | None = None) -> None:
    """summary.json in the run directory, written atomically; ``extra``: test-all's options."""
    text = json.dumps(run.to_json(extra), indent=2, allow_nan=False)
    atomic_write_text(run.run_dir / SUMMARY, text + "\n")


def write_run_files(run: RunResult, extra: Mapping[str, Any] | None = None) -> None:
    """summary.json and the merged junit.xml in the run directory."""
    atomic_write_text(run.run_dir / JUNIT, junit_for_results(run.results))
    write_summary(run, extra)


def read_run(
    run_dir: Path,
    hint: str = _DAMAGED,
    drop: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
) -> RunResult:
    """A run directory's summary.json, every field checked: a WorkspaceError naming the file
    and the key otherwise (``hint`` says what to do). ``drop``: a damaged suite entry is said
    to it and left out instead. A log or JUnit path that leads out of the run directory, or
    to anything but a regular file, is refused (said to ``warn``): the suite keeps its result
    without it, so nothing outside the directory is ever read for it."""
    file = run_dir / SUMMARY
    why = refusal(file, run_dir, SUMMARY_LIMIT)
    if why is not None:
        raise WorkspaceError(f"{display_path(file)}: refused: {why}", hint=hint)
    data = Fields.load(file, hint)
    if data is None:
        raise WorkspaceError(
            f"{display_path(file)}: no summary.json in {display_path(run_dir)}",
            hint="pass the run directories test-all wrote (.wrknv/runs/<id>), one per shard",
        )

    def confine(r: SuiteResult, where: str) -> SuiteResult:
        def keep(key: str, path: Path | None, limit: int | None) -> Path | None:
            why = None if path is None else refusal(path, run_dir, limit)
            if why is not None and warn is not None:
                warn(
                    f"warning: {display_path(file)}: {where}.{key}: {str(path)!r} refused "
                    f"({why}); {r.key} keeps its result, without that file"
                )
            return None if why is not None else path

        logs = (keep(f"logs[{i}]", p, None) for i, p in enumerate(r.logs))
        log, junit = keep("log", r.log, None), keep("junit", r.junit, JUNIT_LIMIT)
        return replace(r, log=log, junit=junit, logs=tuple(p for p in logs if p is not None))

    return RunResult.from_json(data, run_dir, drop, confine)


def refusal(path: Path, root: Path, limit: int | None) -> str | None:
    """Why a file that a run directory names is not to be read, or None. A missing one is
    no refusal (its reader says it is missing); ``limit``: bytes it may have, None: any."""
    try:
        _, size = read_within(path, root, 0, tail=True)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return exc.strerror or str(exc)
    return f"larger than {limit:,} bytes" if limit is not None and size > limit else None


def point_latest(link: Path, run_dir: Path) -> None:
    """``link`` (``runs/latest``) -> this run, replaced atomically (a new link renamed over
    the old)."""
    tmp = link.with_name(f".{link.name}.{os.getpid()}")
    tmp.unlink(missing_ok=True)
    os.symlink(os.path.relpath(run_dir, link.parent), tmp)
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
        # a merged report's paths lead from its directory: out/../shards/one/alpha.log
        where = f" (log: {display_path(Path(os.path.normpath(r.log)))})" if r.log else ""
        why = f": {r.reason}" if r.reason else ""
        lines.append(f"  {'excluded' if r.excluded else r.status.value}: {r.key}{why}{where}")
        lines += failure_lines(r, "    ")
    return "\n".join(lines) + "\n"


def failure_lines(r: SuiteResult, indent: str, shown: int = SHOWN_FAILURES) -> list[str]:
    """A suite's failing tests, one line each with the first line of its message, at most
    ``shown`` of them and ``and N more``."""
    lines = [
        f"{indent}{x.test}" + (f": {x.message}" if x.message else "") for x in r.failures[:shown]
    ]
    more = len(r.failures[shown:]) + r.more_failures
    return lines + [f"{indent}... and {more} more"] * bool(more)
