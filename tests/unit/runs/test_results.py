"""Results as data: the lower bound on a run's wall time and the exit code."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from workspace.errors import ExitCode
from workspace.runs.results import (
    RunResult,
    Status,
    SuiteResult,
    exit_code,
    lower_bound,
    spans,
)
from workspace.runs.summary import format_table


def result(name: str, status: Status = Status.PASSED, duration: float = 1.0, workers: int = 1):  # type: ignore[no-untyped-def]
    return SuiteResult(name=name, status=status, duration=duration, workers=workers)


@pytest.mark.parametrize(
    ("durations", "jobs", "bound"),
    [
        ([10.0, 1.0, 1.0], 4, 10.0),  # the longest suite dominates
        ([4.0, 4.0, 4.0, 4.0], 2, 8.0),  # total / jobs dominates
        ([], 4, 0.0),
    ],
)
def test_lower_bound(durations: list[float], jobs: int, bound: float) -> None:
    results = [result(str(i), duration=d) for i, d in enumerate(durations)]
    assert lower_bound(spans(results), jobs) == pytest.approx(bound)


def test_lower_bound_counts_xdist_workers_as_cores() -> None:
    assert lower_bound(spans([result("a", duration=4.0, workers=4)]), 2) == pytest.approx(8.0)


@pytest.mark.parametrize(
    ("statuses", "allow", "code"),
    [
        ([Status.PASSED, Status.PASSED], False, ExitCode.OK),
        ([Status.PASSED, Status.FAILED], False, ExitCode.FAILED),
        ([Status.TIMEOUT], False, ExitCode.FAILED),
        ([Status.NOT_RUN], False, ExitCode.FAILED),
        ([Status.ERROR], False, ExitCode.FAILED),
        ([Status.NO_TESTS], False, ExitCode.FAILED),
        ([Status.NO_TESTS, Status.PASSED], True, ExitCode.OK),
        ([], False, ExitCode.OK),
    ],
)
def test_exit_code_from_results(statuses: list[Status], allow: bool, code: ExitCode) -> None:
    results = [result(str(i), s) for i, s in enumerate(statuses)]
    assert exit_code(results, allow_no_tests=allow) is code


def test_a_suite_left_out_by_requires_python_does_not_fail_the_run() -> None:
    left_out = replace(result("beta", Status.NOT_RUN), python="3.11", excluded=True)
    passed = replace(result("beta", Status.PASSED), python="3.12")
    assert exit_code([left_out, passed]) is ExitCode.OK
    # any other not-run still fails it: a missing checkout, a missing Python
    missing = replace(result("alpha", Status.NOT_RUN), python="3.99")
    assert exit_code([left_out, passed, missing]) is ExitCode.FAILED


def test_cached_and_not_run_suites_bound_nothing() -> None:
    """A cached suite keeps the seconds of the run that passed it; this run spent none."""
    ran = result("a", duration=2.0)
    kept = result("b", Status.CACHED, duration=50.0)
    skipped = result("c", Status.NOT_RUN, duration=7.0)
    assert spans([ran, kept, skipped]) == [(2.0, 1)]
    run = RunResult("r", Path("."), 2, 2.1, (ran, kept, skipped))
    assert run.lower_bound == pytest.approx(2.0)
    # the table printed at the end of test-all and report gives the same bound
    assert "lower bound 2.0s" in format_table([ran, kept, skipped], 2.1, 2)
