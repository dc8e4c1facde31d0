"""The runner: scheduling order, the core budget, isolation, outcomes, on real pytest processes."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.builders import write_files
from workspace.errors import EnvError, ExitCode
from workspace.runs.junit import read_counts
from workspace.runs.results import (
    Counts,
    Event,
    Status,
    SuiteFinished,
    SuiteResult,
    SuiteStarted,
    exit_code,
    lower_bound,
    spans,
)
from workspace.runs.runner import Runner, RunOptions, kill_group
from workspace.runs.suites import (
    Suite,
    build_suites,
    order_suites,
    require_venv,
    suite_command,
    suite_env,
    usable_cores,
    workers_for,
)


def suite(name: str, **kw: object) -> Suite:
    return Suite(name=name, path=Path("/nowhere") / name, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("free", "remaining", "xdist", "args", "expected"),
    [
        (8, 20, True, (), 1),  # more suites than cores: one each
        (8, 8, True, (), 1),
        (8, 1, True, (), 8),  # the last suite gets every spare core
        (8, 3, True, (), 2),
        (8, 2, True, (), 4),
        (8, 1, False, (), 1),  # xdist not allowed or not installed
        (1, 1, True, (), 1),
        (8, 1, True, ("-n", "2"), 1),  # the sibling's own args decide
        (8, 1, True, ("-p", "no:xdist"), 1),
        (8, 1, True, ("--numprocesses=3",), 1),
    ],
)
def test_workers_for_shares_spare_cores(
    free: int, remaining: int, xdist: bool, args: tuple[str, ...], expected: int
) -> None:
    assert workers_for(suite("s", args=args), free, remaining, xdist=xdist) == expected
    assert workers_for(suite("s", args=args, xdist=False), free, remaining, xdist=True) == 1


def test_order_puts_unknown_first_then_longest_expected() -> None:
    suites = [suite(n) for n in ("short", "new-b", "long", "mid", "new-a")]
    ordered = order_suites(suites, {"short": 1.0, "long": 30.0, "mid": 5.0})
    assert [s.name for s in ordered] == ["new-a", "new-b", "long", "mid", "short"]
    assert ordered[2].expected_seconds == 30.0


def test_unknown_suites_go_biggest_first() -> None:
    suites = [suite(n) for n in ("small", "big", "known", "none")]
    ordered = order_suites(suites, {"known": 9.0}, {"small": 1, "big": 7, "none": 0})
    assert [s.name for s in ordered] == ["big", "small", "none", "known"]


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


def test_command_has_isolation_flags_then_sibling_args(tmp_path: Path) -> None:
    s = suite("a", args=("-k", "x"))
    cmd = suite_command(Path("/venv/bin/python"), s, tmp_path, 1)
    assert cmd[:3] == ["/venv/bin/python", "-m", "pytest"]
    assert f"--junitxml={tmp_path / 'junit.xml'}" in cmd
    assert f"cache_dir={tmp_path / 'cache'}" in cmd
    assert f"--basetemp={tmp_path / 'basetemp'}" in cmd
    assert "-n" not in cmd
    assert cmd[-2:] == ["-k", "x"]
    with_workers = suite_command(Path("p"), s, tmp_path, 3)
    assert with_workers[with_workers.index("-n") + 1] == "3"


def test_env_is_isolated_and_drops_outer_xdist_variables(tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", "PYTEST_XDIST_WORKER": "gw0", "HOME": "/h"}
    env = suite_env(base, Path("/venv"), tmp_path, "alpha")
    assert env["TMPDIR"] == env["TMP"] == env["TEMP"] == str(tmp_path / "tmp")
    assert env["COVERAGE_FILE"] == str(tmp_path / ".coverage")
    assert env["PATH"].split(":")[0] == "/venv/bin"
    assert "PYTEST_XDIST_WORKER" not in env
    assert env["HOME"] == "/h"
    assert env["WRKNV_SIBLING"] == "alpha"


def test_read_counts(tmp_path: Path) -> None:
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="t" name="a"/>'
        '<testcase classname="t" name="b"><failure message="x"/></testcase>'
        '<testcase classname="t" name="c"><skipped message="x"/></testcase>'
        '<testcase classname="t" name="d"><error message="x"/></testcase>'
        '<testcase classname="t" name="e"/>'
        "</testsuite></testsuites>"
    )
    assert read_counts(junit) == Counts(passed=2, failed=1, skipped=1, errors=1)
    assert read_counts(tmp_path / "missing.xml") is None
    (tmp_path / "bad.xml").write_text("<testsuites>")
    assert read_counts(tmp_path / "bad.xml") is None


def test_kill_group_of_a_vanished_process_is_quiet() -> None:
    kill_group(2**22 + 12345, 15)


def test_usable_cores_is_positive() -> None:
    assert usable_cores() >= 1


def test_require_venv(tmp_path: Path) -> None:
    from tests.builders import write_config
    from workspace.model.config import load

    write_config(tmp_path, f'[workspace]\nname = "w"\nvenv = "{tmp_path / "v"}"\n')
    ws = load(tmp_path / "wrknv.toml")
    with pytest.raises(EnvError, match="does not exist") as info:
        require_venv(ws)
    assert info.value.hint is not None
    assert "nox -s setup" in info.value.hint
    (tmp_path / "v/bin").mkdir(parents=True)
    (tmp_path / "v/bin/python").write_text("")
    assert require_venv(ws) == tmp_path / "v/bin/python"


def test_build_suites_skips_non_python_and_marks_absent(tmp_path: Path) -> None:
    from tests.builders import write_config
    from workspace.model.config import load

    (tmp_path / "here").mkdir()
    root = tmp_path / "ws"
    root.mkdir()
    write_config(
        root,
        """
        [workspace]
        name = "w"
        [workspace.test]
        timeout = 30
        args = ["-q"]
        [[siblings]]
        name = "here"
        repo = "../here"
        [[siblings]]
        name = "gone"
        repo = "../gone"
        test = { timeout = 5 }
        [[siblings]]
        name = "docs"
        repo = "../docs"
        python_package = false
        """,
    )
    ws = load(root / "wrknv.toml")
    suites = build_suites(ws, ws.siblings, {"here": "changed: x"}, extra_args=["-x"])
    assert [s.name for s in suites] == ["here", "gone"]
    here, gone = suites
    assert here.skip_reason is None
    assert here.args == ("-q", "-x")
    assert here.timeout == 30
    assert here.selected_because == "changed: x"
    assert gone.skip_reason is not None
    assert "not present" in gone.skip_reason
    assert gone.timeout == 5
    assert gone.selected_because == "selected"
    override = build_suites(ws, ws.siblings, {}, timeout=2.5)
    assert {s.timeout for s in override} == {2.5}


# --------------------------------------------------------------------------- real processes


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
