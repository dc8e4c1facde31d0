"""What bootstrap and update print: a line per sibling as it finishes (above the live board on
a terminal), then one summary that names each failure with its reason, git's message and a
hint."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TextIO

from workspace.errors import ExitCode
from workspace.repos.checkouts import CheckoutStatus, Result
from workspace.runs.progress import LiveBoard, is_live
from workspace.scheduler import Event, UnitFinished, UnitStarted
from workspace.text import plural


def _short(commit: str | None) -> str:
    return commit[:10] if commit else "-"


def format_result(result: Result, width: int) -> str:
    label = "FAILED" if result.failed else result.status.value
    parts = [f"{label:<10}", f"{result.name:<{width}}"]
    if result.failed:
        parts.append(result.message + (f": {result.detail}" if result.detail else ""))
    else:
        if result.status is CheckoutStatus.UPDATED:
            parts.append(f"{_short(result.before)}..{_short(result.commit)}")
        elif result.commit:
            parts.append(_short(result.commit))
        if result.message:
            parts.append(result.message)
    parts.append(f"({result.duration:.1f}s)")
    line = " ".join(p for p in parts if p)
    for warning in result.warnings:
        line += f"\n{'':<10} {'':<{width}} warning: {warning}"
    return line


def live_printer(
    names: Sequence[str], out: TextIO | None = None
) -> Callable[[Event[Result]], None]:
    """An event handler that prints one line per sibling as it finishes, with a counter.

    On a terminal the lines scroll above the live board (the one test-all uses), which names
    the siblings still at work and for how long, so a slow clone is seen while it runs; logs
    (no terminal) get only the finished lines.
    """
    stream = out or sys.stdout
    total = len(names)
    board = LiveBoard(stream, total) if is_live(stream) else None
    width = max((len(n) for n in names), default=0)
    done = 0

    def on_event(event: Event[Result]) -> None:
        nonlocal done
        if isinstance(event, UnitStarted) and board is not None:
            board.start(event.name)
        if not isinstance(event, UnitFinished) or event.value is None:
            return  # a heartbeat, or a sibling that Ctrl-C kept from starting
        done += 1
        line = f"[{done:>{len(str(total))}}/{total}] {format_result(event.value, width)}"
        if board is None:
            stream.write(line + "\n")
            stream.flush()
            return
        board.finish(event.name, line, failed=event.value.failed)
        if done == total:
            board.close()

    return on_event


def summarize(
    verb: str,
    results: Sequence[Result],
    elapsed: float,
    jobs: int,
    out: TextIO | None = None,
) -> int:
    """Print the summary; return the exit code (FAILED when any sibling failed)."""
    out = out or sys.stdout
    counts = Counter(r.status for r in results)
    parts = [f"{counts[s]} {s.value}" for s in CheckoutStatus if counts[s]]
    out.write(
        f"{verb}: {', '.join(parts) or 'nothing to do'} "
        f"({plural(len(results), 'sibling')}, {elapsed:.1f}s, {plural(jobs, 'job')})\n"
    )
    warnings = [f"  {r.name}: {w}\n" for r in results for w in r.warnings]
    skipped = [f"  {r.name}: {r.message}\n" for r in results if r.status is CheckoutStatus.SKIPPED]
    for title, lines in (("warnings", warnings), ("skipped", skipped)):
        if lines:
            out.write(f"{title}:\n{''.join(lines)}")
    failed = [r for r in results if r.failed]
    if failed:
        out.write("failed:\n")
        for r in failed:
            out.write(f"  {r.name}: {r.message}\n")
            if r.detail and r.detail != r.message:
                out.write(f"    git: {r.detail}\n")
            if r.hint:
                out.write(f"    hint: {r.hint}\n")
    out.flush()
    return ExitCode.FAILED if failed else ExitCode.OK
