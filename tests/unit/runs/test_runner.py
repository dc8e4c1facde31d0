"""The runner on real subprocesses: the core budget, skipped suites, kills, bad interpreters."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest

from tests.builders import write_files
from workspace.errors import ExitCode
from workspace.runs.events import Event, SuiteFinished, SuiteStarted, Tick
from workspace.runs.results import Counts, Status
from workspace.runs.runner import Runner, RunOptions
from workspace.runs.suites import (
    Suite,
)


def _suites(tmp_path: Path, durations: dict[str, float]) -> list[Suite]:
    out = []
    for name, seconds in durations.items():
        write_files(
            tmp_path / name,
            {
                "tests/test_x.py": f"import time\n\ndef test_x():\n    time.sleep({seconds})\n",
                "tests/test_y.py": "def test_y():\n    pass\n",
            },
        )
        out.append(Suite(name=name, path=tmp_path / name))
    return out


@pytest.mark.slow
def test_budget_never_exceeded_and_spare_cores_go_to_the_last_suites(tmp_path: Path) -> None:
    events: list[Event] = []
    options = RunOptions(
        python=Path(sys.executable),
        venv=Path(sys.executable).parent.parent,
        run_dir=tmp_path / "run",
        run_id="r",
        jobs=3,
        xdist=True,
    )
    suites = _suites(tmp_path, {"a": 0.5, "b": 0.1})
    run = Runner(options, events.append).run(suites)
    assert [r.status for r in run.results] == [Status.PASSED, Status.PASSED]
    running: dict[str, int] = {}
    for event in events:
        if isinstance(event, SuiteStarted):
            running[event.name] = event.workers
            assert sum(running.values()) <= 3
        elif isinstance(event, SuiteFinished):
            running.pop(event.result.name, None)
    started = {e.name: e.workers for e in events if isinstance(e, SuiteStarted)}
    assert started == {"a": 1, "b": 2}  # 3 free for 2 suites: 1, then 2 spare for the last
    assert run.results[1].counts == Counts(passed=2)
    assert run.exit_code() is ExitCode.OK


def test_skipped_suite_is_recorded_without_starting(tmp_path: Path) -> None:
    options = RunOptions(
        python=Path("/no/python"),
        venv=Path("/no"),
        run_dir=tmp_path / "run",
        run_id="r",
        jobs=1,
    )
    run = Runner(options).run([Suite("x", tmp_path, skip_reason="not present")])
    assert run.results[0].status is Status.NOT_RUN
    assert run.results[0].reason == "not present"


def test_unstartable_interpreter_is_an_error_result(tmp_path: Path) -> None:
    options = RunOptions(
        python=tmp_path / "no-python",
        venv=tmp_path,
        run_dir=tmp_path / "run",
        run_id="r",
        jobs=1,
    )
    run = Runner(options).run([Suite("x", tmp_path)])
    assert run.results[0].status is Status.ERROR
    assert run.results[0].reason is not None
    assert "could not start" in run.results[0].reason


def test_a_log_that_cannot_be_written_fails_that_suite_only(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "x.log").mkdir()  # a directory where the log file goes: open() fails
    options = RunOptions(
        python=Path(sys.executable), venv=tmp_path, run_dir=run_dir, run_id="r", jobs=1
    )
    (tmp_path / "y").mkdir()
    run = Runner(options).run([Suite("x", tmp_path), Suite("y", tmp_path / "y", args=("-q",))])
    x, y = run.results
    assert x.status is Status.ERROR
    assert x.reason is not None
    assert x.reason.startswith(f"cannot write {run_dir / 'x.log'}")
    assert y.status is Status.NO_TESTS  # the other suite still ran


def _options(tmp_path: Path, **kw: object) -> RunOptions:
    return RunOptions(
        python=Path(sys.executable),
        venv=Path(sys.executable).parent.parent,
        run_dir=tmp_path / "run",
        run_id="r",
        **kw,  # type: ignore[arg-type]
    )


def test_a_suite_past_its_timeout_is_a_timeout_with_a_footer_in_its_log(tmp_path: Path) -> None:
    (slow,) = _suites(tmp_path, {"slow": 60})
    slow = Suite(name=slow.name, path=slow.path, timeout=0.5)
    run = Runner(_options(tmp_path, jobs=1, grace=0.5)).run([slow])
    (result,) = run.results
    assert result.status is Status.TIMEOUT
    assert result.reason == "timed out after 0.5s; its process group was killed"
    assert result.log is not None
    footer = result.log.read_text().splitlines()[-1]
    assert footer.startswith("# timeout: exit status ")
    assert footer.endswith(f"s ({result.reason})")


def test_fail_fast_names_the_failed_suite_in_the_rest(tmp_path: Path) -> None:
    write_files(tmp_path / "bad", {"tests/test_bad.py": "def test_bad():\n    assert False\n"})
    (good,) = _suites(tmp_path, {"good": 0})
    events: list[Event] = []
    options = _options(tmp_path, jobs=1, fail_fast=True)
    run = Runner(options, events.append).run([Suite("bad", tmp_path / "bad"), good])
    bad, good_result = run.results
    assert bad.status is Status.FAILED
    assert (good_result.status, good_result.reason) == (Status.NOT_RUN, "--fail-fast: bad failed")
    assert [type(e).__name__ for e in events if not isinstance(e, Tick)] == [
        "SuiteStarted",
        "SuiteFinished",
        "SuiteFinished",
    ]
    assert [e.done for e in events if isinstance(e, SuiteFinished)] == [1, 2]


def test_ctrl_c_stops_the_running_suite_and_starts_no_other(tmp_path: Path) -> None:
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)

    def handler(event: Event) -> None:
        if isinstance(event, SuiteStarted):
            signal.raise_signal(signal.SIGINT)

    try:
        suites = _suites(tmp_path, {"a": 60, "b": 0})
        run = Runner(_options(tmp_path, jobs=1, grace=2), handler).run(suites)
    finally:
        signal.signal(signal.SIGINT, previous)
    a, b = run.results
    assert (a.status, a.reason) == (Status.ERROR, "interrupted")
    assert (b.status, b.reason) == (Status.NOT_RUN, "interrupted before it started")
    assert run.interrupted
    assert run.exit_code() is ExitCode.INTERRUPTED
