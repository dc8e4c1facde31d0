"""What a person sees while suites run: plain lines, GitHub log groups, the live board."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from tests.unit.runs.samples import make_run
from workspace.runs.events import SuiteFinished, SuiteStarted, Tick
from workspace.runs.progress import (
    ANNOTATED,
    GitHubReporter,
    LineReporter,
    LiveBoard,
    SuiteBoard,
    choose_handler,
)
from workspace.runs.results import Failure, Status, SuiteResult


def test_line_reporter_prints_one_line_per_start_and_end(tmp_path: Path) -> None:
    out = io.StringIO()
    run = make_run(tmp_path)
    handler = LineReporter(out)
    handler(SuiteStarted("alpha", 0, 3, 2, ("pytest",), tmp_path / "a.log"))
    handler(Tick((("alpha", 1.0),), 0, 0, 3, 1.0))
    handler(SuiteFinished(run.results[0], 1, 3))
    lines = out.getvalue().splitlines()
    assert lines == [
        "[0/3] start    alpha with 2 xdist workers",  # one counter: how many have finished
        "[1/3] failed   alpha in 4.0s: 1 passed, 1 failed, 0 skipped",
    ]


def test_github_reporter_groups_output_and_prints_failures_in_full(tmp_path: Path) -> None:
    out = io.StringIO()
    run = make_run(tmp_path)
    (tmp_path / "ok.log").write_text("all good\n")
    passed = SuiteResult("ok", Status.PASSED, 0, 1.0, log=tmp_path / "ok.log")
    handler = GitHubReporter(out)
    handler(SuiteFinished(passed, 1, 2))
    handler(SuiteFinished(run.results[0], 2, 2))
    text = out.getvalue()
    assert text.startswith("::group::[1/2] passed   ok")
    assert "all good\n::endgroup::\n" in text
    failed_part = text.split("::endgroup::\n", 1)[1]
    assert failed_part.startswith("::error title=alpha failed::")
    assert "FAILED test_bad" in failed_part
    assert "::group::" not in failed_part


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_live_board_redraws_in_place(tmp_path: Path) -> None:
    out = io.StringIO()
    clock = _Clock()
    board = SuiteBoard(LiveBoard(out, 3, max_rows=1, clock=clock))
    board(SuiteStarted("b", 0, 3, 1, ("pytest",), tmp_path / "b.log"))
    clock.now = 1.0
    board(SuiteStarted("a", 0, 3, 1, ("pytest",), tmp_path / "a.log"))
    clock.now = 2.0
    start = len(out.getvalue())
    board(Tick((("a", 1.0), ("b", 2.0)), 0, 0, 3, 2.0))
    first = out.getvalue()[start:]
    assert first.startswith("\x1b[3F\x1b[J")  # the board drawn at the second start, erased
    assert first.removeprefix("\x1b[3F\x1b[J").splitlines() == [
        "running 2, done 0/3, failed 0, elapsed 2.0s",
        "  b  2.0s",
        "  ... and 1 more",
    ]
    board(SuiteFinished(SuiteResult("a", Status.PASSED, 0, 1.0), 1, 3))
    second = out.getvalue()[start + len(first) :]
    assert second.startswith("\x1b[3F\x1b[J[1/3] passed   a in 1.0s")
    # One counter: the board counts what finished itself, so it never lags behind the lines.
    assert "running 1, done 1/3" in second
    board.close()
    assert out.getvalue().endswith("\x1b[J")


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "env", "kind"),
    [
        (False, {}, LineReporter),
        (True, {}, SuiteBoard),
        (True, {"TERM": "dumb"}, LineReporter),
        (True, {"GITHUB_ACTIONS": "true"}, GitHubReporter),
        (False, {"GITHUB_ACTIONS": "true"}, GitHubReporter),
    ],
)
def test_choose_handler(tty: bool, env: dict[str, str], kind: type) -> None:
    out = _Tty() if tty else io.StringIO()
    assert isinstance(choose_handler(out, 3, env), kind)


def test_github_reporter_annotates_each_failing_test_at_its_line(tmp_path: Path) -> None:
    out = io.StringIO()
    run = make_run(tmp_path)
    named = (
        Failure("tests/t.py::test_p[a, b: c]", "AssertionError: 100% off", "tests/t.py", 7),
        Failure("tests/t.py::test_gone"),
    )
    more = tuple(Failure(f"t.py::test_{i}", "x") for i in range(ANNOTATED))
    GitHubReporter(out)(SuiteFinished(replace(run.results[0], failures=named + more), 1, 1))
    lines = out.getvalue().splitlines()
    assert lines[2:4] == [
        "::error file=tests/t.py,line=7,title=alpha%3A tests/t.py%3A%3Atest_p[a%2C b%3A c]"
        "::AssertionError: 100%25 off",
        "::error title=alpha%3A tests/t.py%3A%3Atest_gone::failed",
    ]
    assert sum(line.startswith("::error ") for line in lines) == 1 + ANNOTATED  # capped
