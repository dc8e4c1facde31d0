"""Stored durations and the last run's results."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workspace.errors import WorkspaceError
from workspace.model.statedir import StateDir
from workspace.runs import history
from workspace.runs.results import Status, SuiteResult


def res(name: str, status: Status, duration: float, workers: int = 1) -> SuiteResult:
    return SuiteResult(name=name, status=status, duration=duration, workers=workers)


def test_durations_round_trip_and_merge(tmp_path: Path) -> None:
    assert history.load_durations(StateDir(tmp_path)) == {}
    history.save_durations(
        StateDir(tmp_path),
        [
            res("a", Status.PASSED, 2.0),
            res("b", Status.FAILED, 3.0, workers=2),
            res("c", Status.NOT_RUN, 0.0),
            res("d", Status.ERROR, 9.0),  # interrupted: says nothing about its length
        ],
    )
    assert history.load_durations(StateDir(tmp_path)) == {"a": 2.0, "b": 6.0}
    history.save_durations(StateDir(tmp_path), [res("a", Status.TIMEOUT, 5.0)])
    assert history.load_durations(StateDir(tmp_path)) == {"a": 5.0, "b": 6.0}


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"siblings": []}',
        '{"siblings": {"a": "fast"}}',
        '{"siblings": {"a": {"seconds": -1}}}',
        '{"siblings": {"a": {"seconds": "1"}}}',
    ],
)
def test_damaged_durations_are_ignored(tmp_path: Path, text: str) -> None:
    (tmp_path / "durations.json").write_text(text)
    assert history.load_durations(StateDir(tmp_path)) == {}


def write_latest(state: Path, siblings: object) -> None:
    run = state / "runs" / "r1"
    run.mkdir(parents=True)
    (run / "summary.json").write_text(json.dumps({"siblings": siblings}))
    (state / "runs" / "latest").symlink_to("r1")


def test_reruns_are_the_ones_that_did_not_pass(tmp_path: Path) -> None:
    write_latest(
        tmp_path,
        [
            {"name": "a", "status": "passed"},
            {"name": "b", "status": "failed"},
            {"name": "c", "status": "timeout"},
            {"name": "d", "status": "error"},
            {"name": "e", "status": "no-tests"},
            {"name": "f", "status": "bogus"},
        ],
    )
    assert history.rerun_pairs(StateDir(tmp_path)) == {("b", None), ("c", None), ("d", None)}
    assert history.last_statuses(StateDir(tmp_path))["e", None] is Status.NO_TESTS


def test_rerun_pairs_say_which_python_failed(tmp_path: Path) -> None:
    write_latest(
        tmp_path,
        [
            {"name": "alpha", "status": "failed", "python": "3.12"},
            {"name": "alpha", "status": "passed", "python": "3.11"},
            {"name": "beta", "status": "not-run", "python": "3.11", "excluded": True},
            {"name": "gamma", "status": "timeout"},
        ],
    )
    assert history.rerun_pairs(StateDir(tmp_path)) == {("alpha", "3.12"), ("gamma", None)}


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (None, "no previous test-all run"),
        ({"siblings": "x"}, "not a test-all summary"),
    ],
)
def test_no_usable_last_run(tmp_path: Path, setup: object, message: str) -> None:
    if setup is not None:
        write_latest(tmp_path, "x")
    with pytest.raises(WorkspaceError, match=message):
        history.rerun_pairs(StateDir(tmp_path))


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "\udcff"])
def test_a_damaged_file_is_named_never_a_traceback(tmp_path: Path, content: str) -> None:
    state = tmp_path / ".wrknv"
    (state / "runs" / "latest").mkdir(parents=True)
    for path in (state / "durations.json", state / "runs" / "latest" / "summary.json"):
        path.write_bytes(content.encode("utf-8", "surrogateescape"))
    said: list[str] = []
    assert history.load_durations(StateDir(state), warn=said.append) == {}
    assert len(said) == 1
    assert said[0].startswith("warning: ")
    assert "durations.json" in said[0]
    assert said[0].endswith("(hint: test-all writes it anew after its run)")
    with pytest.raises(WorkspaceError, match=r"summary\.json: ") as info:
        history.rerun_pairs(StateDir(state))
    assert info.value.hint == "run test-all once without --rerun-failed"
    history.save_durations(StateDir(state), [])  # a damaged file is replaced, not a crash
    assert history.load_durations(StateDir(state)) == {}


def test_file_seconds_are_kept_and_a_piece_updates_only_its_files(tmp_path: Path) -> None:
    whole = SuiteResult(
        name="big",
        status=Status.PASSED,
        duration=10.0,
        file_seconds=(("tests/test_a.py", 4.0), ("tests/test_b.py", 5.0)),
    )
    history.save_durations(StateDir(tmp_path), [whole])
    assert history.load_file_durations(StateDir(tmp_path)) == {
        "big": {"tests/test_a.py": 4.0, "tests/test_b.py": 5.0}
    }
    piece = SuiteResult(
        name="big",
        status=Status.FAILED,
        duration=3.0,
        files=("tests/test_b.py",),
        file_seconds=(("tests/test_b.py", 2.5),),
    )
    history.save_durations(StateDir(tmp_path), [piece])
    assert history.load_durations(StateDir(tmp_path)) == {"big": 10.0}  # a piece is not the suite
    assert history.load_file_durations(StateDir(tmp_path)) == {
        "big": {"tests/test_a.py": 4.0, "tests/test_b.py": 2.5}
    }
    history.save_durations(
        StateDir(tmp_path), [SuiteResult(name="big", status=Status.PASSED, duration=8)]
    )
    assert history.load_file_durations(StateDir(tmp_path)) == {}  # a whole run replaces the entry


def test_no_number_that_is_not_finite_is_recorded(tmp_path: Path) -> None:
    """durations.json stays strict JSON: a duration that is NaN, infinite or past the bound
    is not recorded, and what is recorded reads back."""
    nan, inf = float("nan"), float("inf")
    results = [
        res("a", Status.PASSED, nan),
        res("b", Status.PASSED, inf),
        res("c", Status.FAILED, 1e300),
        SuiteResult("d", Status.PASSED, duration=2.0, file_seconds=(("t.py", nan), ("u.py", 1.0))),
    ]
    history.save_durations(StateDir(tmp_path), results)
    text = (tmp_path / "durations.json").read_text()
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in durations.json"))
    said: list[str] = []
    assert history.load_durations(StateDir(tmp_path), said.append) == {"d": 2.0}
    assert history.load_file_durations(StateDir(tmp_path)) == {"d": {"u.py": 1.0}}
    assert said == []


def test_damaged_entries_are_one_warning(tmp_path: Path) -> None:
    (tmp_path / "durations.json").write_text(
        '{"siblings": {"a": {"seconds": -1}, "b": {"seconds": "x"}, "c": {"seconds": 1}}}'
    )
    said: list[str] = []
    assert history.load_durations(StateDir(tmp_path), said.append) == {"c": 1.0}
    assert len(said) == 1
    assert said[0].startswith(f"warning: {tmp_path / 'durations.json'}: siblings.a.seconds: ")
    assert "(and 1 more)" in said[0]
