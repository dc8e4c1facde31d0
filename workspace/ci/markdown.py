"""The Markdown page of a run, test-all's or a merged report's: the suites in one table (the
failures first), the tail of each failure's log in a collapsible block, the makespan against
the lower bound, and the schedule as a Mermaid gantt chart (``ci/gantt.py``).

It is rendered from a run (a test-all run read back from its summary.json, or the report merged
from shards), and goes to ``$GITHUB_STEP_SUMMARY`` (appended: other steps write there too)
and to ``report --markdown FILE``. GitHub shows at most 1 MiB of one step's summary, so
every log tail, all of them together, and the page are bounded in bytes of UTF-8; a page too
big loses whole parts (never half a code block) and says so.
"""

from __future__ import annotations

import html
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from workspace.ci.gantt import gantt, suite_label, suite_shards
from workspace.errors import WorkspaceError
from workspace.fsutil import read_within, write_output
from workspace.runs.results import RunResult, Status, SuiteResult
from workspace.runs.summary import SHOWN_FAILURES, read_run
from workspace.text import display_path, plural, seconds

STEP_SUMMARY = "GITHUB_STEP_SUMMARY"
TAIL_LINES = 40
# Sizes in bytes of UTF-8, as GitHub counts: a CJK character is three.
TAIL_BYTES = 8_000  # one log tail
LOG_BUDGET = 400_000  # every log block together
PAGE_LIMIT = 1_000_000  # GitHub refuses a step summary over 1 MiB
_NOTE_ROOM = 200  # kept free for the note that says what was left out
_READ = 64 * 1024  # what is read from the end of a log to find its last lines

# Each status's icon, in the order of the table: what needs looking at first, then the rest.
ICONS = {
    "failed": "❌",
    "timeout": "⏱️",
    "error": "💥",
    "no-tests": "⚠️",
    "not-run": "⏭️",
    "passed": "✅",
    "excluded": "⏭️",  # not run on purpose: its requires-python leaves this Python out
    "cached": "♻️",
}
RANK = {status: rank for rank, status in enumerate(ICONS)}
_NOT_RUN = {
    "cached": "not run, because a pass with the same inputs was kept (the result cache).",
    "excluded": "not run, because the sibling's requires-python leaves that Python out; "
    "this fails no run.",
}
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-_]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def cell(text: object) -> str:
    """``text`` safe inside a Markdown table cell: one line, pipes escaped, no raw HTML."""
    flat = " ".join(str(text).split())
    return html.escape(flat, quote=False).replace("|", "\\|")


def fence(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    runs = [len(r) for r in re.findall(r"`+", text)]
    return "`" * max(3, max(runs, default=0) + 1)


def clean_log(text: str) -> str:
    """Log text without colour codes, carriage-return redraws or other control characters."""
    text = _ANSI.sub("", text)
    lines = [line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.split("\n")]
    return _CONTROL.sub("", "\n".join(lines))


def log_tail(path: Path, lines: int = TAIL_LINES, limit: int = TAIL_BYTES) -> tuple[str, bool]:
    """The last ``lines`` lines of a log (at most ``limit`` bytes of UTF-8) and whether
    anything before them was left out. Only the last bytes are read, of a regular file:
    OSError when the log cannot be read, or is a FIFO, a device or a directory."""
    data, size = read_within(path, None, _READ, tail=True)
    text = clean_log(data.decode("utf-8", errors="replace")).rstrip("\n")
    kept = text.split("\n")
    cut = size > _READ
    if cut:
        kept = kept[1:]  # the first line read is most likely partial
    if len(kept) > lines:
        kept, cut = kept[-lines:], True
    tail = "\n".join(kept)
    data = tail.encode("utf-8")
    if len(data) > limit:  # a character cut in two at the start is dropped
        tail, cut = data[len(data) - limit :].decode("utf-8", errors="ignore"), True
        if "\n" in tail:  # start at a whole line, unless it is one long line
            tail = tail.split("\n", 1)[1]
    return tail, cut


def kind(r: SuiteResult) -> str:
    """A suite's status, or ``excluded`` for a not-run that its requires-python left out."""
    return "excluded" if r.status is Status.NOT_RUN and r.excluded else r.status.value


def _status(r: SuiteResult) -> str:
    status = kind(r)
    return f"{ICONS[status]} {status}" + (" (not run)" if status == "cached" else "")


def _name(r: SuiteResult) -> str:
    label = suite_label(r)
    # A piece listing ``!FILE`` ran the whole suite except those files (the rest piece).
    others = [f for f in r.files if f.startswith("!")]
    if len(r.pieces) > 1:
        label += f" [{len(r.pieces)} pieces]"
    elif others:
        label += f" [all but {plural(len(others), 'file')}]"
    elif r.files:
        label += f" [{plural(len(r.files), 'file')}]"
    return label


def _order(r: SuiteResult) -> tuple[int, float, str]:
    """Failures first, then what ran (longest first), then the cached, which took no time."""
    status = kind(r)
    duration = 0.0 if status == "cached" else r.duration
    return (RANK[status], -duration, _name(r))


def _shard_cell(r: SuiteResult) -> str:
    return ", ".join(Path(s).name or s for s in suite_shards(r)) or "-"


def table(run: RunResult) -> str:
    """One row per suite, the failures first, then by duration (longest first)."""
    merged = bool(run.shards)
    head = ["suite", "status", "passed", "failed", "skipped", "time"] + ["shard"] * merged
    rows = ["| " + " | ".join(head) + " |", "|" + "---|" * 2 + "--:|" * 4 + "---|" * merged]
    for r in sorted(run.results, key=_order):
        ran = r.status is not Status.CACHED and r.duration > 0
        values = [
            _name(r),
            _status(r),
            r.counts.passed,
            r.counts.failed + r.counts.errors,
            r.counts.skipped,
            seconds(r.duration) if ran else "-",
        ] + [_shard_cell(r)] * merged
        rows.append("| " + " | ".join(cell(v) for v in values) + " |")
    return "\n".join(rows) + "\n"


def headline(run: RunResult, title: str, *, allow_no_tests: bool = False) -> str:
    """The heading, the tally, and the makespan against the lower bound. A suite counts
    against the run only when it fails it: not when excluded, nor no-tests if allowed."""
    results = run.results
    tally = Counter(kind(r) for r in results)
    bad = sum(r.fails_run(allow_no_tests=allow_no_tests) for r in results)
    total = plural(len(results), "suite")
    what = f"{bad} of {total} did not pass" if bad else f"{total} passed"
    if not bad and tally["passed"] + tally["cached"] < len(results):
        what = f"{total}, none failed"
    if run.interrupted:
        what = f"interrupted; {what}"
    icon = "❌" if bad or run.interrupted else "✅"
    lines = [f"## {icon} {cell(title)}: {what}", ""]
    counts = ", ".join(f"{tally[s]} {s}" for s in RANK if tally[s])
    wall, bound = run.wall_seconds, run.lower_bound
    ratio = f" ({wall / bound:.2f}×)" if bound > 0 else ""
    longest = " (the longest shard)" if run.shards else ""
    lines.append(
        f"{counts or 'no suites'}. **Makespan {seconds(wall)}**{longest} against a lower bound "
        f"of {seconds(bound)}{ratio} on {plural(run.jobs, 'job')}: no schedule ends sooner "
        "than the longest suite or all the work spread over every job."
    )
    if run.run_id:
        lines[-1] += f" Run `{cell(run.run_id)}`."
    for status, why in _NOT_RUN.items():
        if tally.get(status):
            lines += ["", f"{ICONS[status]} {plural(tally[status], 'suite')} {status}: {why}"]
    if run.interrupted:
        lines += ["", "> ⚠️ Interrupted: running suites were stopped; the results are partial."]
    return "\n".join(lines) + "\n"


def shards_table(run: RunResult) -> str:
    """A merged report's shards, numbered as the chart's lanes name them."""
    if not run.shards:
        return ""
    rows = ["| shard | run directory | jobs | wall | result |", "|--:|---|--:|--:|---|"]
    for number, shard in enumerate(run.shards, 1):
        result = "⚠️ interrupted" if shard.interrupted else "✅ passed" if shard.ok else "❌ failed"
        values = [number, shard.dir, shard.jobs, seconds(shard.wall_seconds), result]
        rows.append("| " + " | ".join(cell(v) for v in values) + " |")
    return "\n".join(rows) + "\n"


def _log_paths(r: SuiteResult, base: Path) -> list[str]:
    """A suite's logs (every piece's of a joined one), as the run's summary names them."""
    logs = r.logs or ([r.log] if r.log else [])
    return [str(p.relative_to(base)) if p.is_relative_to(base) else str(p) for p in logs]


def _left_out(rel: str) -> str:
    return f"Log tail of `{cell(rel)}` left out: the page is at its size limit.\n"


def _log_block(base: Path, rel: str, budget: int) -> tuple[str, int]:
    """One collapsible block with a log's tail, and the bytes (UTF-8) it used of ``budget``."""
    if budget <= 0:
        return _left_out(rel), 0
    try:
        tail, cut = log_tail(base / rel, limit=min(TAIL_BYTES, budget))
    except OSError as exc:
        return f"Log `{cell(rel)}` could not be read ({cell(exc.strerror or exc)}).\n", 0
    shown = plural(len(tail.splitlines()) or 1, "line")
    what = f"last {shown} of" if cut else "log"
    mark = fence(tail)
    summary = html.escape(f"{what} {rel}" + (" (earlier lines left out)" if cut else ""))
    block = f"<details><summary>{summary}</summary>\n\n{mark}text\n{tail}\n{mark}\n\n</details>\n"
    return block, _size(block)


@dataclass
class _Part:
    """A whole piece of the page, and what stands in its place when the page is too big
    (None: always kept); ``what`` names what leaving it out drops, for the closing note."""

    text: str
    short: str | None = None
    what: str = ""
    also: list[_Part] = field(default_factory=list)  # left out with it: a failure's logs


def _failure_parts(run: RunResult, allow: bool) -> list[_Part]:
    """The Failures section in parts: each suite that failed the run (why, where) and the
    tails of its log(s)."""
    bad = sorted((r for r in run.results if r.fails_run(allow_no_tests=allow)), key=_order)
    if not bad:
        return []
    parts = [_Part("### Failures\n\n")]
    budget = LOG_BUDGET
    for r in bad:
        facts = [f"**{cell(_name(r))}**: {_status(r)}"]
        if r.reason:
            facts.append(cell(r.reason))
        if r.returncode is not None:
            facts.append(f"exit status {cell(r.returncode)}")
        if suite_shards(r):
            facts.append(f"shard {cell(_shard_cell(r))}")
        tests = "".join(f"  - {line}\n" for line in _failing_tests(r))
        failure = _Part("- " + "; ".join(facts) + "\n" + tests + "\n", "", "failure")
        parts.append(failure)
        with_logs = r.status.failing or r.status is Status.NO_TESTS
        for rel in _log_paths(r, run.run_dir) if with_logs else []:
            block, used = _log_block(run.run_dir, rel, budget)
            budget -= used
            failure.also.append(
                _Part(block + "\n", _left_out(rel) + "\n" if used else None, "log tail")
            )
        parts += failure.also
    return parts


def _failing_tests(r: SuiteResult) -> list[str]:
    """The suite's failing tests, each id and the first line of its message."""
    lines = [
        cell(x.test) + (f": {cell(x.message)}" if x.message else "")
        for x in r.failures[:SHOWN_FAILURES]
    ]
    more = len(r.failures[SHOWN_FAILURES:]) + r.more_failures
    return lines + [f"and {more} more"] * bool(more)


def schedule(run: RunResult) -> str:
    """The gantt chart under its heading, and its notes; empty when no suite ran."""
    chart, notes = gantt(run)
    if not chart and not notes:
        return ""
    text = ["### Schedule", ""]
    if chart:
        text += [
            "One bar per suite on its lane (one suite at a time), timed from the start of its "
            "run. The bar marked critical ends at the makespan; failed suites are marked "
            "active. Cached suites did not run and have no bar.",
            "",
            chart,
        ]
    text += [f"_{note}_\n" for note in notes]
    return "\n".join(text)


def render(run: RunResult, *, title: str, allow_no_tests: bool = False) -> str:
    """The whole page, at most PAGE_LIMIT bytes; log paths start at the run's directory.
    ``allow_no_tests``: a suite that collected no tests does not fail the run
    (``--allow-no-tests``), so it is no failure here either."""
    rows = [_Part(r, "", "table row") for r in table(run).splitlines(keepends=True)]
    shards = shards_table(run)
    failed = _failure_parts(run, allow_no_tests)
    parts = [_Part(headline(run, title, allow_no_tests=allow_no_tests) + "\n")]
    parts += [_Part(rows[0].text + rows[1].text), *rows[2:], _Part("\n")]
    parts += [_Part(shards + "\n")] * bool(shards) + failed + [_Part(schedule(run))]
    # Log tails go first, from the last failure up, then failures, then table rows.
    order = [p for w in ("log tail", "failure", "table row") for p in parts[::-1] if p.what == w]
    note = _shorten(parts, order)
    return "".join(p.text for p in parts).rstrip("\n") + "\n" + note


def _shorten(parts: list[_Part], order: list[_Part]) -> str:
    """Leave out whole parts of ``parts`` in ``order`` until the page fits under PAGE_LIMIT
    bytes, never cutting inside one (a code block or ``<details>`` stays closed); the note
    that says what was left out, or "" when nothing was."""
    size = sum(_size(p.text) for p in parts)
    gone: Counter[str] = Counter()
    for part in order:
        if size <= PAGE_LIMIT - _NOTE_ROOM:
            break
        if part.short is None:  # a note already
            continue
        size -= _size(part.text) - _size(part.short)
        part.text = part.short
        gone[part.what] += 1
        for other in part.also:
            size -= _size(other.text)
            other.text = ""
    if not gone:
        return ""
    what = ", ".join(plural(n, w) for w, n in gone.items())
    return f"\n_Left out to stay under GitHub's 1 MiB limit for a step summary: {what}._\n"


def _size(text: str) -> int:
    return len(text.encode("utf-8"))


def write_markdown(target: Path, page: str) -> None:
    """``report --markdown FILE``: the page written atomically (``-``: standard output)."""
    try:
        write_output(target, page)
    except OSError as exc:
        raise WorkspaceError(
            f"{display_path(target)}: cannot write the Markdown page ({exc.strerror or exc})",
            hint="pass --markdown a file in a directory you can write",
        ) from None


def append_step_summary(page: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    """Append the page to the file $GITHUB_STEP_SUMMARY names; None when it is not set."""
    value = environ.get(STEP_SUMMARY)
    if not value:
        return None
    path = Path(value)
    try:
        with path.open("a", encoding="utf-8") as fh:
            fh.write("\n" + page)
    except OSError as exc:
        raise WorkspaceError(
            f"{display_path(path)}: cannot append the step summary ({exc.strerror or exc})",
            hint="$GITHUB_STEP_SUMMARY must name a writable file (GitHub Actions sets it)",
        ) from None
    return path


def step_summary_of_run(
    run_dir: Path,
    warn: Callable[[str], None],
    environ: Mapping[str, str] = os.environ,
    *,
    allow: bool = False,
) -> None:
    """test-all's page in $GITHUB_STEP_SUMMARY when it is set (``allow``: its
    --allow-no-tests). A problem is a warning: the summary never changes the run's status."""
    if not environ.get(STEP_SUMMARY):
        return
    try:
        page = render(read_run(run_dir, warn=warn), title="test-all", allow_no_tests=allow)
        append_step_summary(page, environ)
    except WorkspaceError as exc:
        warn(f"warning: {exc}")
