"""The schedule of a run as a Mermaid ``gantt`` chart: one bar per suite on its worker lane,
so the suite that set the makespan is seen at a glance (GitHub renders Mermaid in Markdown).

Works on a run's results (a test-all run or a merged report): each ran suite has its start
(after its run began) and its duration. Lanes are found again by interval partitioning, per
shard: a lane is one suite at a time, whatever its xdist workers hold.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from workspace.runs.results import RunResult, Status, SuiteResult
from workspace.text import plural

MAX_BARS = 200
SHORT_RUN = 10.0  # seconds: below this the axis shows milliseconds
# A suite that starts within this of another's end may take its lane (the runner rounds).
EPSILON = 1e-3
# Words the Mermaid gantt lexer reads as a statement at the start of a line, whatever follows.
_KEYWORDS = re.compile(
    "gantt|dateformat|axisformat|tickinterval|inclusiveenddates|topaxis|includes|excludes|"
    "todaymarker|weekday|weekend|title|section|click|href|call|acctitle|accdescr"
)
_UNSAFE = re.compile(r"[:#;%\x00-\x1f\x7f]+")


@dataclass(frozen=True)
class Bar:
    label: str
    section: str
    start: float
    end: float
    failed: bool
    critical: bool = False  # it ends at the makespan


def task_name(text: str) -> str:
    """``text`` as a Mermaid task or section name: no ``:``, ``#``, ``;``, ``%`` or control
    characters (they end or comment the name), and never starting with a keyword."""
    clean = " ".join(_UNSAFE.sub(" ", text).split()) or "-"
    if _KEYWORDS.match(clean.lower()) or re.match(r"\d{4}-\d\d-\d\d", clean):
        clean = "· " + clean
    return clean


def assign_lanes(spans: Sequence[tuple[float, float]]) -> list[int]:
    """Each (start, end) on the lowest lane free at its start, taken in order of start: as few
    lanes as the most suites that ever ran at once. Returns a lane index (from 0) per span."""
    ends: list[float] = []
    lanes = [0] * len(spans)
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1], i)):
        start, end = spans[i]
        free = next((n for n, busy in enumerate(ends) if busy <= start + EPSILON), len(ends))
        if free == len(ends):
            ends.append(end)
        ends[free] = end
        lanes[i] = free
    return lanes


def suite_label(r: SuiteResult) -> str:
    """The name a suite is shown by: ``alpha (3.12)`` when the run covers several Pythons."""
    return f"{r.name} ({r.python})" if r.python else r.name


def suite_shards(r: SuiteResult) -> list[str]:
    """Every shard that ran part of a suite: each piece's of a joined split suite, or its own."""
    if r.pieces:
        return [p.shard for p in r.pieces]
    return [r.shard] if r.shard else []


def _parts(r: SuiteResult) -> list[SuiteResult]:
    """What ran of a suite: each piece of a split suite that report joined (on its own shard,
    named ``name [part i/n]``), else the suite itself; a joined suite whose pieces have no
    times stays on several shards, where no lane can hold it."""
    if not any(p.started is not None for p in r.pieces):
        return [r]
    n = len(r.pieces)
    return [
        replace(
            r,
            name=f"{r.name} [part {i}/{n}]",
            status=p.status,
            started=p.started,
            duration=p.duration,
            shard=p.shard,
            pieces=(),
        )
        for i, p in enumerate(r.pieces, 1)
    ]


def bars(run: RunResult) -> tuple[list[Bar], int]:
    """The bars of a run, lanes assigned per shard and the makespan marked (each piece of a
    split suite on its own shard), and how many ran suites could not be placed (joined
    from several shards without their pieces' times)."""
    numbers = {s.dir: i for i, s in enumerate(run.shards, 1)}  # a merged report's shards
    groups: dict[int, list[tuple[SuiteResult, tuple[float, float]]]] = {}
    unplaced = 0
    for part in (p for r in run.results for p in _parts(r)):
        where = suite_shards(part)
        if part.status is Status.CACHED or part.started is None:
            continue  # a cached suite did not run; an old summary has no start times
        if len(where) > 1:
            unplaced += 1
            continue
        span = (part.started, part.started + part.duration)
        groups.setdefault(numbers.get(where[0], 0) if where else 0, []).append((part, span))
    out: list[Bar] = []
    for shard, members in sorted(groups.items()):
        lanes = assign_lanes([span for _, span in members])
        for (part, (start, end)), lane in zip(members, lanes, strict=True):
            section = f"shard {shard} · lane {lane + 1}" if shard else f"lane {lane + 1}"
            failed = part.status.failing
            label = suite_label(part) + (f" ({part.status.value})" if failed else "")
            out.append(Bar(task_name(label), section, start, end, failed))
    last = max((b.end for b in out), default=0.0)
    return [replace(b, critical=b.end >= last - EPSILON) for b in out], unplaced


def _ms(value: float) -> int:
    return max(0, round(value * 1000))


def gantt(run: RunResult, *, max_bars: int = MAX_BARS) -> tuple[str, list[str]]:
    """The ``mermaid`` block (empty when no suite ran) and the notes to print under it.

    ``dateFormat x`` reads each bar's start and end as whole milliseconds after the run
    began; an absolute end keeps sub-second suites exact without Mermaid's duration syntax.
    """
    drawn, unplaced = bars(run)
    notes = []
    if len(drawn) > max_bars:
        keep = set(sorted(range(len(drawn)), key=lambda i: _priority(drawn[i]))[:max_bars])
        notes.append(
            f"{len(drawn) - max_bars} of {len(drawn)} bars left out (the shortest); "
            f"the chart shows at most {max_bars}."
        )
        drawn = [b for i, b in enumerate(drawn) if i in keep]
    if unplaced:
        notes.append(f"Not drawn: {plural(unplaced, 'suite')} split over several shards.")
    if not drawn:
        return "", notes
    # Milliseconds for a short run, where minutes:seconds would label every tick 00:00 or 00:01.
    axis = "%S.%L" if max(b.end for b in drawn) < SHORT_RUN else "%M:%S"
    lines = ["```mermaid", "gantt", "    dateFormat x", f"    axisFormat {axis}"]
    for section in sorted({b.section for b in drawn}, key=_section_order):
        lines.append(f"    section {task_name(section)}")
        for bar in sorted((b for b in drawn if b.section == section), key=lambda b: b.start):
            tags = ["crit"] * bar.critical + ["active"] * bar.failed
            data = [*tags, str(_ms(bar.start)), str(max(_ms(bar.end), _ms(bar.start) + 1))]
            lines.append(f"    {bar.label} :{', '.join(data)}")
    lines.append("```")
    return "\n".join(lines) + "\n", notes


def _priority(bar: Bar) -> tuple[bool, bool, float]:
    """Which bars a capped chart keeps first: the makespan's, the failed, then the longest."""
    return (not bar.critical, not bar.failed, bar.start - bar.end)


def _section_order(section: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", section))
