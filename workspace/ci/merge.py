"""The merge of several CI shards' run directories into one summary.json, junit.xml and
durations.json, so that the next matrix is planned from every shard's durations.

The pieces of one split suite (results with ``files``, one per shard) become one result again:
counts summed, the worst status, their failing tests one after the other, the seconds of all
pieces, every log listed."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from workspace.errors import ExitCode, WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.model.statedir import JUNIT, StateDir
from workspace.runs.history import save_durations
from workspace.runs.junit import JUNIT_LIMIT, merged_junit, run_suites
from workspace.runs.results import (
    MAX_FAILURES,
    Counts,
    PieceResult,
    RunResult,
    ShardRun,
    Status,
    SuiteResult,
    exit_code,
    lower_bound,
    spans,
)
from workspace.runs.summary import read_run, refusal, write_summary
from workspace.text import display_path

# The status of merged pieces: the first of these that any piece has. A piece that collected
# no tests is fine when another one passed.
_WORST = tuple(
    Status(s) for s in ("error", "timeout", "failed", "not-run", "passed", "cached", "no-tests")
)


def _read(dirs: list[Path], warn: Callable[[str], None]) -> list[RunResult]:
    """Every shard's run; the files it names that are not to be read (outside the shard, no
    regular file, too big) are said to ``warn`` and left out: a shard is untrusted input."""
    seen: set[Path] = set()
    runs = []
    for run_dir in dirs:
        if run_dir.resolve() in seen:
            raise WorkspaceError(
                f"{display_path(run_dir)} is given twice", hint="pass each shard once"
            )
        seen.add(run_dir.resolve())
        runs.append(read_run(run_dir, warn=warn))
        why = refusal(run_dir / JUNIT, run_dir, JUNIT_LIMIT)
        if why is not None:
            warn(
                f"warning: {display_path(run_dir / JUNIT)} refused ({why}); "
                "the shard's suites are taken from their own JUnit files"
            )
    return runs


def _moved(run: RunResult, output: Path) -> list[SuiteResult]:
    """A shard's results as the report lists them: the shard named, and paths that lead
    from ``output`` to the shard's files (``output/../shards/one/alpha.log``)."""

    def moved(path: Path | None) -> Path | None:
        return None if path is None else output / os.path.relpath(path, output)

    shard = str(run.run_dir)
    return [replace(r, shard=shard, log=moved(r.log), junit=moved(r.junit)) for r in run.results]


def join_pieces(results: list[SuiteResult]) -> list[SuiteResult]:
    """One result per split suite, in the place of its first piece; whole suites are left as
    they are. The same file in two pieces is an error: a shard given twice."""
    groups: dict[str, list[SuiteResult]] = {}
    for r in results:
        if r.files:
            groups.setdefault(r.key, []).append(r)
    out = []
    for r in results:
        pieces = groups.get(r.key, []) if r.files else []
        if not pieces:
            out.append(r)
        elif pieces[0] is r:  # the others are merged into the first piece
            _refuse_overlap(pieces)
            out.append(_join(pieces))
    return out


def _refuse_overlap(pieces: Sequence[SuiteResult]) -> None:
    """A test file that ran in two pieces (by their JUnit files) ran twice."""
    where: dict[str, str | None] = {}
    for piece in pieces:
        for f, _ in piece.file_seconds:
            if f in where:
                raise WorkspaceError(
                    f"{piece.key}: {f} ran in two shards ({where[f]}, {piece.shard})",
                    hint="pass each shard's run directory once, from one plan",
                )
            where[f] = piece.shard


def _join(pieces: Sequence[SuiteResult]) -> SuiteResult:
    """The worst piece's status, exit status and command; counts and seconds of them all, the
    first piece's log and JUnit file, and every piece as it ran. A piece left out on purpose
    (``excluded``: its files are gone) counts only if all are."""
    ran = [p for p in pieces if not p.excluded] or list(pieces)
    worst = next(p for s in _WORST for p in ran if p.status is s)
    counts = sum((p.counts for p in pieces), Counts())
    reasons = list(dict.fromkeys(p.reason for p in pieces if p.reason))
    starts = [p.started for p in pieces if p.started is not None]
    file_seconds = {f: t for p in pieces for f, t in p.file_seconds}
    failures = [x for p in pieces for x in p.failures]
    more = sum(p.more_failures for p in pieces) + len(failures[MAX_FAILURES:])
    return replace(
        worst,
        selected_because=pieces[0].selected_because,
        duration=sum(p.duration * p.workers for p in pieces),  # one worker's seconds
        workers=1,
        counts=counts,
        reason="; ".join(reasons) or None,
        files=(),
        started=min(starts, default=None),
        file_seconds=tuple(sorted(file_seconds.items())),
        log=pieces[0].log,
        junit=pieces[0].junit,
        shard=pieces[0].shard,
        pieces=tuple(
            PieceResult(p.shard or "", p.status, p.started, p.duration, p.files) for p in pieces
        ),
        logs=tuple(p.log for p in pieces if p.log),
        failures=tuple(failures[:MAX_FAILURES]),
        more_failures=more,
    )


def _shard(run: RunResult) -> ShardRun:
    ok = exit_code(run.results) == ExitCode.OK
    return ShardRun(
        str(run.run_dir), run.run_id or None, run.jobs, run.wall_seconds, run.interrupted, ok
    )


def merge(
    dirs: list[Path], output: Path, warn: Callable[[str], None] = lambda _: None
) -> RunResult:
    """Read every shard, write the merged summary.json, junit.xml and durations.json into
    ``output``; return the merged run (the pieces of a split suite joined into one).
    ``warn``: what is refused in a shard."""
    shards = _read(dirs, warn)
    pieces = [r for run in shards for r in _moved(run, output)]
    jobs = sum(run.jobs for run in shards) or 1
    merged = RunResult(
        run_id="",
        run_dir=output,
        jobs=jobs,
        wall_seconds=max((run.wall_seconds for run in shards), default=0.0),
        results=tuple(join_pieces(pieces)),
        interrupted=any(run.interrupted for run in shards),
        shards=tuple(_shard(run) for run in shards),
        # The pieces as they ran: a split suite bounds no shard by its whole length.
        bound=round(lower_bound(spans(pieces), jobs), 3),
    )
    junit = merged_junit([e for run in shards for e in run_suites(run.run_dir, run.results)])
    write_summary(merged)  # makes ``output``
    atomic_write_text(output / JUNIT, junit)
    save_durations(StateDir(output), merged.results)
    return merged
