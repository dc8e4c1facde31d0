"""What a test run produces, as data: each suite's status and counts, the run, its exit code,
the lower bound on its wall time, and the events the runner posts while it runs."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from workspace.errors import ExitCode

PYTEST_NO_TESTS = 5  # pytest's exit code when it collected nothing


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
        return self in _FAILING


_FAILING = frozenset({Status.FAILED, Status.TIMEOUT, Status.ERROR})


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

    @property
    def ok(self) -> bool:
        return self.status is Status.PASSED

    @property
    def key(self) -> str:
        return suite_key(self.name, self.python)


@dataclass(frozen=True)
class RunResult:
    run_id: str
    run_dir: Path
    jobs: int
    wall_seconds: float
    results: tuple[SuiteResult, ...]
    interrupted: bool = False

    @property
    def lower_bound(self) -> float:
        return lower_bound(spans(self.results), self.jobs)

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
    good = {Status.PASSED, Status.CACHED, *([Status.NO_TESTS] if allow_no_tests else [])}
    fine = all(r.status in good or (r.excluded and r.status is Status.NOT_RUN) for r in results)
    return ExitCode.OK if fine else ExitCode.FAILED


def lower_bound(pieces: Iterable[tuple[float, int]], slots: int) -> float:
    """No schedule on ``slots`` cores ends before this: the longest piece, or all the
    work (each piece's seconds times the cores it holds) spread over every slot. ``pieces`` are
    (seconds, cores) pairs; those of no length are left out."""
    ran = [(length, cores) for length, cores in pieces if length > 0]
    if not ran:
        return 0.0
    total = sum(length * cores for length, cores in ran)
    return max(*(length for length, _ in ran), total / max(slots, 1))


def spans(results: Iterable[SuiteResult]) -> list[tuple[float, int]]:
    """Each suite's (duration, xdist workers) that ran, for :func:`lower_bound`. A cached
    suite carries the seconds of the run that passed it, and a not-run suite took none: this
    run spent no time on either, so they bound nothing."""
    idle = (Status.CACHED, Status.NOT_RUN)
    return [(r.duration, r.workers) for r in results if r.status not in idle]


@dataclass(frozen=True)
class SuiteStarted:
    name: str
    done: int  # suites finished when this one started: the one counter of the progress lines
    total: int
    workers: int
    command: tuple[str, ...]
    log: Path


@dataclass(frozen=True)
class SuiteFinished:
    result: SuiteResult
    done: int
    total: int


@dataclass(frozen=True)
class Tick:
    """Posted a few times a second while suites run: what a live board redraws."""

    running: tuple[tuple[str, float], ...]  # (name, elapsed seconds)
    done: int
    failed: int
    total: int
    elapsed: float


Event = SuiteStarted | SuiteFinished | Tick
Handler = Callable[[Event], None]
