"""The schedule of a run as a Mermaid ``gantt`` chart: one bar per suite on its worker lane,
so the suite that set the makespan is seen at a glance (GitHub renders Mermaid in Markdown).

Works on the ``siblings`` entries of a summary.json (a test-all run or a merged report): each
ran suite has ``started_seconds`` (after its run began) and ``duration_seconds``. Lanes are
found again by interval partitioning, per shard: a lane is one suite at a time, whatever its
xdist workers hold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from workspace.text import plural

MAX_BARS = 200
SHORT_RUN = 10.0  # seconds: below this the axis shows milliseconds
# A suite that starts within this of another's end may take its lane (the runner rounds).
EPSILON = 1e-3
FAILED = frozenset({"failed", "timeout", "error"})
# Words the Mermaid gantt lexer reads as a statement at the start of a line, whatever follows.
_KEYWORDS = (
    "gantt",
    "dateformat",
    "axisformat",
    "tickinterval",
    "inclusiveenddates",
    "topaxis",
    "includes",
    "excludes",
    "todaymarker",
    "weekday",
    "weekend",
    "title",
    "section",
    "click",
    "href",
    "call",
    "acctitle",
    "accdescr",
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

    @property
    def length(self) -> float:
        return self.end - self.start


def task_name(text: str) -> str:
    """``text`` as a Mermaid task or section name: no ``:``, ``#``, ``;``, ``%`` or control
    characters (they end or comment the name), and never starting with a keyword."""
    clean = " ".join(_UNSAFE.sub(" ", text).split()) or "-"
    lowered = clean.lower()
    if any(lowered.startswith(k) for k in _KEYWORDS) or re.match(r"\d{4}-\d\d-\d\d", clean):
        clean = "· " + clean
    return clean


def assign_lanes(spans: Sequence[tuple[float, float]]) -> list[int]:
    """Each (start, end) on the lowest lane free at its start, taken in order of start: as few
    lanes as the most suites that ever ran at once. Returns a lane index (from 0) per span."""
    ends: list[float] = []
    lanes = [0] * len(spans)
    for i in sorted(range(len(spans)), key=lambda i: (spans[i][0], spans[i][1], i)):
        start, end = spans[i]
        free = next((n for n, busy in enumerate(ends) if busy <= start + EPSILON), None)
        if free is None:
            free = len(ends)
            ends.append(end)
        ends[free] = end
        lanes[i] = free
    return lanes


def suite_label(entry: Mapping[str, Any]) -> str:
    """The name a suite is shown by: ``alpha (3.12)`` when the run covers several Pythons."""
    name = str(entry.get("name", "?"))
    python = entry.get("python")
    return f"{name} ({python})" if python else name


def shard_names(summary: Mapping[str, Any]) -> dict[str, int]:
    """A merged report's shard directories -> their number (from 1); empty for one run."""
    shards = summary.get("shards") or []
    return {str(s.get("dir")): i for i, s in enumerate(shards, 1) if isinstance(s, Mapping)}


def entry_shards(entry: Mapping[str, Any]) -> list[str]:
    """Every shard that ran part of an entry: ``shards`` of a merged split suite, or ``shard``."""
    many = entry.get("shards")
    if isinstance(many, list) and many:
        return [str(s) for s in many]
    one = entry.get("shard")
    return [str(one)] if one else []


def _span(entry: Mapping[str, Any]) -> tuple[float, float] | None:
    start, length = entry.get("started_seconds"), entry.get("duration_seconds")
    if entry.get("status") == "cached" or not isinstance(start, (int, float)):
        return None  # a cached suite did not run; an old summary has no start times
    if not isinstance(length, (int, float)) or length < 0:
        return None
    return float(start), float(start) + float(length)


def _parts(entry: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """What ran of an entry: each piece of a split suite that report joined (``runs``, each
    on its own shard, labelled ``name [part i/n]``), else the entry itself."""
    runs = entry.get("runs")
    if not isinstance(runs, list) or not runs:
        return [entry]
    parts: list[Mapping[str, Any]] = []
    for i, run in enumerate(runs, 1):
        if isinstance(run, Mapping):
            name = f"{entry.get('name', '?')} [part {i}/{len(runs)}]"
            parts.append({**entry, **run, "name": name, "shards": None})
    return parts


def bars(summary: Mapping[str, Any]) -> tuple[list[Bar], int]:
    """The bars of a run, lanes assigned per shard and the makespan marked (each piece of a
    split suite on its own shard), and how many ran suites could not be placed (joined
    from several shards without their pieces' times)."""
    numbers = shard_names(summary)
    groups: dict[int, list[tuple[Mapping[str, Any], tuple[float, float]]]] = {}
    unplaced = 0
    for entry in (p for e in summary.get("siblings") or [] for p in _parts(e)):
        span = _span(entry)
        where = entry_shards(entry)
        if span is None:
            continue
        if len(where) > 1:
            unplaced += 1
            continue
        groups.setdefault(numbers.get(where[0], 0) if where else 0, []).append((entry, span))
    out: list[Bar] = []
    for shard, members in sorted(groups.items()):
        lanes = assign_lanes([span for _, span in members])
        for (entry, (start, end)), lane in zip(members, lanes, strict=True):
            section = f"shard {shard} · lane {lane + 1}" if shard else f"lane {lane + 1}"
            failed = entry.get("status") in FAILED
            label = suite_label(entry) + (f" ({entry.get('status')})" if failed else "")
            out.append(Bar(task_name(label), section, start, end, failed))
    last = max((b.end for b in out), default=0.0)
    return [replace(b, critical=b.end >= last - EPSILON) for b in out], unplaced


def _ms(value: float) -> int:
    return max(0, round(value * 1000))


def gantt(summary: Mapping[str, Any], *, max_bars: int = MAX_BARS) -> tuple[str, list[str]]:
    """The ``mermaid`` block (empty when no suite ran) and the notes to print under it.

    ``dateFormat x`` reads each bar's start and end as whole milliseconds after the run
    began; an absolute end keeps sub-second suites exact without Mermaid's duration syntax.
    """
    drawn, unplaced = bars(summary)
    notes = []
    if len(drawn) > max_bars:
        order = sorted(range(len(drawn)), key=lambda i: _priority(drawn[i]))
        keep = set(order[:max_bars])
        notes.append(
            f"{len(drawn) - max_bars} of {len(drawn)} bars left out (the shortest); "
            f"the chart shows at most {max_bars}."
        )
        drawn = [b for i, b in enumerate(drawn) if i in keep]
    if unplaced:
        notes.append(f"Not drawn: {plural(unplaced, 'suite')} split over several shards.")
    if not drawn:
        return "", notes
    lines = ["```mermaid", "gantt", "    dateFormat x", f"    axisFormat {axis_format(drawn)}"]
    for section in sorted({b.section for b in drawn}, key=_section_order):
        lines.append(f"    section {task_name(section)}")
        for bar in sorted((b for b in drawn if b.section == section), key=lambda b: b.start):
            tags = ["crit"] * bar.critical + ["active"] * bar.failed
            data = [*tags, str(_ms(bar.start)), str(max(_ms(bar.end), _ms(bar.start) + 1))]
            lines.append(f"    {bar.label} :{', '.join(data)}")
    lines.append("```")
    return "\n".join(lines) + "\n", notes


def axis_format(drawn: Sequence[Bar]) -> str:
    """Seconds and milliseconds for a short run, where minutes:seconds would label every
    tick 00:00 or 00:01; minutes:seconds otherwise."""
    return "%S.%L" if max((b.end for b in drawn), default=0.0) < SHORT_RUN else "%M:%S"


def _priority(bar: Bar) -> tuple[bool, bool, float]:
    """Which bars a capped chart keeps first: the makespan's, the failed, then the longest."""
    return (not bar.critical, not bar.failed, -bar.length)


def _section_order(section: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", section))
