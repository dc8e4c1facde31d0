"""What a test run produces, as data: each suite's status and counts, the run, its exit code,
the lower bound on its wall time (runs/events.py has what the runner posts while it runs).

A run is one typed model, written and read as summary.json by ``to_json``/``from_json`` here
(runs/summary.py has the file): a test-all run, or a report merged from CI shards, whose
suites know the shard that ran them and, for a split suite, each piece as it ran."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from workspace.errors import ExitCode, WorkspaceError
from workspace.jsonfields import Fields

PYTEST_NO_TESTS = 5  # pytest's exit code when it collected nothing
MAX_FAILURES = 50  # failing tests a suite's result names; the rest are counted
SUMMARY_VERSION = 1


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    NO_TESTS = "no-tests"
    NOT_RUN = "not-run"
    ERROR = "error"
    CACHED = "cached"  # not run: a pass with the same inputs was kept

    @property
    def failing(self) -> bool:
        """The suite ran and went wrong: what --fail-fast stops on, what a board counts as
        failed and what --rerun-failed runs again. (Whether a run fails is :func:`exit_code`:
        a not-run or no-tests suite fails the run too, without having failed.)"""
        return self in (Status.FAILED, Status.TIMEOUT, Status.ERROR)


@dataclass(frozen=True)
class Counts:
    """Test outcomes read from a suite's JUnit XML."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    errors: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.passed + other.passed,
            self.failed + other.failed,
            self.skipped + other.skipped,
            self.errors + other.errors,
        )


@dataclass(frozen=True)
class PieceResult:
    """One piece of a split suite as it ran on one shard, in a merged report."""

    shard: str  # the shard's run directory, as given to report
    status: Status
    started: float | None
    duration: float
    files: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "shard": self.shard,
            "status": self.status.value,
            "started_seconds": _round(self.started),
            "duration_seconds": round(self.duration, 3),
            "files": list(self.files),
        }

    @classmethod
    def from_json(cls, f: Fields) -> PieceResult:
        started, duration = f.opt_seconds("started_seconds"), f.seconds("duration_seconds", 0.0)
        return cls(f.text("shard"), f.member("status", Status), started, duration, f.texts("files"))


@dataclass(frozen=True)
class Failure:
    """One failing test: pytest's exact node id, and where its JUnit file says so, the first
    line of its message and the file and line it failed at."""

    test: str
    message: str | None = None
    file: str | None = None
    line: int | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, f: Fields) -> Failure:
        line = f.opt_int("line")
        if line is not None and line < 1:
            f.fail("line", "expected a line number >= 1 or null")
        return cls(f.text("test"), f.opt_text("message"), f.opt_text("file"), line)


@dataclass(frozen=True)
class ShardRun:
    """One shard's run as a merged report lists it."""

    dir: str  # as given to report
    run_id: str | None
    jobs: int
    wall_seconds: float
    interrupted: bool
    ok: bool  # its suites leave its exit status at 0

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "wall_seconds": round(self.wall_seconds, 3)}

    @classmethod
    def from_json(cls, f: Fields) -> ShardRun:
        jobs, wall = f.whole("jobs", least=1), f.seconds("wall_seconds")
        return cls(
            f.text("dir"), f.opt_text("run_id"), jobs, wall, f.flag("interrupted"), f.flag("ok")
        )


@dataclass(frozen=True)
class SuiteResult:
    name: str
    status: Status
    returncode: int | None = None
    duration: float = 0.0
    counts: Counts = field(default_factory=Counts)
    selected_because: str = "selected"
    log: Path | None = None
    junit: Path | None = None
    workers: int = 1
    command: tuple[str, ...] = ()
    reason: str | None = None  # why not-run, error or timeout
    python: str | None = None  # the Python it ran on, when a run covers several
    files: tuple[str, ...] = ()  # only these test files ran: a piece of a split suite
    started: float | None = None  # seconds after the run began
    file_seconds: tuple[tuple[str, float], ...] = ()  # (test file, seconds) from its JUnit
    # not-run on purpose: the sibling's requires-python excludes this Python; fails no run
    excluded: bool = False
    shard: str | None = None  # in a merged report: the shard that ran it (its first piece)
    pieces: tuple[PieceResult, ...] = ()  # in a merged report: a split suite's pieces, joined
    logs: tuple[Path, ...] = ()  # ... and every piece's log
    failures: tuple[Failure, ...] = ()  # its failing tests, at most MAX_FAILURES ...
    more_failures: int = 0  # ... and how many more failed

    @property
    def key(self) -> str:
        return suite_key(self.name, self.python)

    def fails_run(self, *, allow_no_tests: bool = False) -> bool:
        """Whether this suite fails the run: anything but a pass or a kept one, except a
        not-run that its requires-python left out, and no tests when they are allowed."""
        if self.status in (Status.PASSED, Status.CACHED):
            return False
        if self.status is Status.NOT_RUN:
            return not self.excluded
        return not (allow_no_tests and self.status is Status.NO_TESTS)

    def to_json(self, run_dir: Path | None = None) -> dict[str, Any]:
        """One ``siblings`` entry of summary.json (and a cache entry's result): paths relative
        to ``run_dir`` when below it; a merged report's keys only when set."""
        data: dict[str, Any] = {
            "name": self.name,
            "status": self.status.value,
            "returncode": self.returncode,
            "duration_seconds": round(self.duration, 3),
            "tests": asdict(self.counts),
            "selected_because": self.selected_because,
            "log": _rel(self.log, run_dir),
            "junit": _rel(self.junit, run_dir),
            "workers": self.workers,
            "command": list(self.command),
            "reason": self.reason,
            "python": self.python,
            "files": list(self.files),
            "started_seconds": _round(self.started),
            "file_seconds": dict(self.file_seconds),
            "excluded": self.excluded,
            "failures": [x.to_json() for x in self.failures],
            "more_failures": self.more_failures,
        }
        if self.shard is not None:
            data["shard"] = self.shard
        if self.pieces:
            data.update(pieces=len(self.pieces), shards=[p.shard for p in self.pieces])
        if self.pieces or self.logs:
            data["logs"] = [rel for p in self.logs if (rel := _rel(p, run_dir)) is not None]
        if self.pieces:
            data["runs"] = [p.to_json() for p in self.pieces]
        return data

    @classmethod
    def from_json(cls, f: Fields, run_dir: Path | None = None) -> SuiteResult:
        """The entry back, every field checked; paths are taken relative to ``run_dir``."""
        tests, seconds = f.obj("tests"), f.obj("file_seconds")
        f.whole("pieces", 0)  # checked; the pieces themselves are the ``runs``
        f.texts("shards")
        if len(failures := f.objs("failures")) > MAX_FAILURES:
            f.fail("failures", f"more than {MAX_FAILURES} entries")
        return cls(
            name=f.text("name"),
            status=f.member("status", Status),
            returncode=f.opt_int("returncode"),
            duration=f.seconds("duration_seconds", 0.0),
            counts=Counts(*(tests.whole(k, 0) for k in ("passed", "failed", "skipped", "errors"))),
            selected_because=f.text("selected_because", "selected"),
            log=_path(f.opt_text("log"), run_dir),
            junit=_path(f.opt_text("junit"), run_dir),
            workers=f.whole("workers", 1, least=1),
            command=f.texts("command"),
            reason=f.opt_text("reason"),
            python=f.opt_text("python"),
            files=f.texts("files"),
            started=f.opt_seconds("started_seconds"),
            file_seconds=tuple((name, seconds.seconds(name)) for name in seconds),
            excluded=f.flag("excluded", False),
            shard=f.opt_text("shard"),
            pieces=tuple(PieceResult.from_json(p) for p in f.objs("runs")),
            logs=tuple(Path(p) if run_dir is None else run_dir / p for p in f.texts("logs")),
            failures=tuple(Failure.from_json(x) for x in failures),
            more_failures=f.whole("more_failures", 0),
        )


@dataclass(frozen=True)
class RunResult:
    run_id: str
    run_dir: Path
    jobs: int
    wall_seconds: float
    results: tuple[SuiteResult, ...]
    interrupted: bool = False
    shards: tuple[ShardRun, ...] = ()  # a report merged from CI shards: those runs
    bound: float | None = None  # a merged report's lower bound, from the pieces as they ran

    @property
    def lower_bound(self) -> float:
        return lower_bound(spans(self.results), self.jobs) if self.bound is None else self.bound

    @property
    def merged_from(self) -> tuple[str, ...]:
        return tuple(s.dir for s in self.shards)

    def to_json(self, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """summary.json: test-all's ``extra`` (its options) after the run's own keys."""
        merged = bool(self.shards)
        data: dict[str, Any] = {"version": SUMMARY_VERSION}
        data.update({"merged_from": list(self.merged_from)} if merged else {"run_id": self.run_id})
        data.update(
            jobs=self.jobs,
            wall_seconds=round(self.wall_seconds, 3),
            lower_bound_seconds=round(self.lower_bound, 3),
            interrupted=self.interrupted,
        )
        data.update(extra or {})
        if merged:
            data["shards"] = [s.to_json() for s in self.shards]
        data["siblings"] = [r.to_json(self.run_dir) for r in self.results]
        return data

    @classmethod
    def from_json(
        cls,
        f: Fields,
        run_dir: Path,
        drop: Callable[[str], None] | None = None,
        confine: Callable[[SuiteResult, str], SuiteResult] | None = None,
    ) -> RunResult:
        """The run back from summary.json, every field checked. ``drop``: a damaged suite
        entry is said to it and left out, instead of failing the whole file. ``confine``:
        given each suite and its key (``siblings[2]``), it returns the suite with only the
        files it may read (runs/summary.py keeps them inside the run directory)."""
        if f.whole("version", SUMMARY_VERSION) != SUMMARY_VERSION:
            f.fail("version", f"expected {SUMMARY_VERSION}, a summary this version can read")
        if not isinstance(f.data.get("siblings"), list):
            f.fail(None, "not a test-all summary (no 'siblings' list)")
        results = []
        for where, item in f.items("siblings"):
            try:
                result = SuiteResult.from_json(f.child(where, item), run_dir)
                results.append(result if confine is None else confine(result, where))
            except WorkspaceError as exc:
                if drop is None:
                    raise
                drop(f"warning: {exc.message}; left out")
        merged = "shards" in f
        f.texts("merged_from")  # checked; the shards say where the report came from
        bound = f.seconds("lower_bound_seconds", 0.0)
        return cls(
            run_id=f.text("run_id", ""),
            run_dir=run_dir,
            jobs=f.whole("jobs", 1, least=1),
            wall_seconds=f.seconds("wall_seconds", 0.0),
            results=tuple(results),
            interrupted=f.flag("interrupted", False),
            shards=tuple(ShardRun.from_json(s) for s in f.objs("shards")),
            bound=bound if merged else None,
        )

    def exit_code(self, *, allow_no_tests: bool = False) -> ExitCode:
        """Computed once from the results: interrupted, else any suite that did not pass."""
        if self.interrupted:
            return ExitCode.INTERRUPTED
        return exit_code(self.results, allow_no_tests=allow_no_tests)


def suite_key(name: str, python: str | None) -> str:
    """What results, logs and history are keyed by: the sibling, and the Python when a run
    covers several (``alpha@3.12``)."""
    return name if python is None else f"{name}@{python}"


def exit_code(results: Iterable[SuiteResult], *, allow_no_tests: bool = False) -> ExitCode:
    """OK when every suite passed (or was cached, or left out by its requires-python); any
    other not-run (a missing checkout, a missing Python) fails the run."""
    failed = any(r.fails_run(allow_no_tests=allow_no_tests) for r in results)
    return ExitCode.FAILED if failed else ExitCode.OK


def _rel(path: Path | None, run_dir: Path | None) -> str | None:
    """A path as summary.json records it: relative to the run directory, or not at all (a
    run directory is self-contained: a path out of it would not travel with it)."""
    if path is None or run_dir is None:
        return None if path is None else str(path)
    return str(path.relative_to(run_dir)) if path.is_relative_to(run_dir) else None


def _path(value: str | None, run_dir: Path | None) -> Path | None:
    return None if value is None else Path(value) if run_dir is None else run_dir / value


def _round(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 3)


def lower_bound(pieces: Iterable[tuple[float, int]], slots: int) -> float:
    """No schedule on ``slots`` cores ends before this: the longest piece, or all the
    work (each piece's seconds times the cores it holds) spread over every slot. ``pieces`` are
    (seconds, cores) pairs; those of no length are left out."""
    ran = [(length, cores) for length, cores in pieces if length > 0]
    total = sum(length * cores for length, cores in ran)
    return max([*(length for length, _ in ran), total / max(slots, 1)])  # 0.0 when none ran


def spans(results: Iterable[SuiteResult]) -> list[tuple[float, int]]:
    """Each suite's (duration, xdist workers) that ran, for :func:`lower_bound`. A cached
    suite carries the seconds of the run that passed it, and a not-run suite took none: this
    run spent no time on either, so they bound nothing."""
    idle = (Status.CACHED, Status.NOT_RUN)
    return [(r.duration, r.workers) for r in results if r.status not in idle]
