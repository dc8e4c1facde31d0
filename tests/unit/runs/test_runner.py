"""The runner on real subprocesses: the core budget, skipped suites, kills, bad interpreters."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.builders import write_files
from workspace.errors import ExitCode
from workspace.runs.results import (
    Counts,
    Event,
    Status,
    SuiteFinished,
    SuiteStarted,
)
from workspace.runs.runner import Runner, RunOptions, kill_group
from workspace.runs.suites import (
    Suite,
)


def test_kill_group_of_a_vanished_process_is_quiet() -> None:
    kill_group(2**22 + 12345, 15)


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
