"""test-all's Python dimension: suites per (sibling, Python), one schedule and one budget."""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import pytest

from tests.builders import write_files
from workspace.env.python_envs import PythonEnv
from workspace.runs import per_python
from workspace.runs.events import Event, SuiteStarted
from workspace.runs.per_python import Pythons, spread
from workspace.runs.results import Status
from workspace.runs.runner import Runner, RunOptions
from workspace.runs.suites import Suite, order_suites

ENVS = {
    "3.11": PythonEnv("3.11", Path("/ws/.venv"), Path("/ws/.wrknv/setup/pins.txt"), xdist=True),
    "3.12": PythonEnv("3.12", Path("/ws/.wrknv/venvs/3.12"), Path("/p"), xdist=False),
}


def suite(name: str, **kw: object) -> Suite:
    return Suite(name=name, path=Path("/nowhere") / name, **kw)  # type: ignore[arg-type]


def test_every_suite_runs_on_every_python_in_its_environment() -> None:
    out = spread([suite("alpha"), suite("beta")], ENVS, {})
    assert [s.key for s in out] == ["alpha@3.11", "beta@3.11", "alpha@3.12", "beta@3.12"]
    assert {s.key: s.venv for s in out}["beta@3.12"] == Path("/ws/.wrknv/venvs/3.12")
    assert {s.key: s.xdist for s in out} == {
        "alpha@3.11": True,
        "beta@3.11": True,
        "alpha@3.12": False,  # no pytest-xdist in that environment
        "beta@3.12": False,
    }
    assert all(s.skip_reason is None for s in out)


def test_an_exclusion_is_a_not_run_marked_excluded_on_that_python_only() -> None:
    why = "requires-python >=3.12 excludes 3.11"
    out = {s.key: s for s in spread([suite("gamma")], ENVS, {"3.11": {"gamma": why}})}
    assert out["gamma@3.11"].skip_reason == why
    assert out["gamma@3.11"].excluded is True
    assert out["gamma@3.12"].skip_reason is None


def test_a_missing_python_leaves_its_suites_not_run_and_not_excluded() -> None:
    envs = {**ENVS, "3.99": PythonEnv("3.99", Path("/v"), Path("/p"), "Python 3.99 is missing")}
    out = {s.key: s for s in spread([suite("alpha")], envs, {})}
    assert out["alpha@3.99"].skip_reason == "Python 3.99 is missing"
    assert out["alpha@3.99"].excluded is False
    assert out["alpha@3.12"].skip_reason is None


def test_an_absent_sibling_keeps_its_own_reason_on_every_python() -> None:
    out = spread([suite("alpha", skip_reason="not present")], ENVS, {"3.11": {"alpha": "x"}})
    assert [(s.skip_reason, s.excluded) for s in out] == [("not present", False)] * 2


def test_xdist_counts_only_the_environments_that_work() -> None:
    assert Pythons((), ENVS).xdist is True
    broken = {"3.11": PythonEnv("3.11", Path("/v"), Path("/p"), "missing", xdist=True)}
    assert Pythons((), broken).xdist is False


def test_one_schedule_longest_first_across_every_pair() -> None:
    pairs = spread([suite("alpha"), suite("beta")], ENVS, {})
    history = {"alpha@3.11": 2.0, "alpha@3.12": 9.0, "beta@3.11": 5.0, "beta": 1.0}
    ordered = order_suites(pairs, history)
    # beta@3.12 has no history of its own: the sibling's is used
    assert [s.key for s in ordered] == ["alpha@3.12", "beta@3.11", "alpha@3.11", "beta@3.12"]


def test_pairs_share_one_core_budget_and_are_keyed_by_python(tmp_path: Path) -> None:
    """Real pytest processes, each in its suite's own venv (here: the one running these tests),
    never more at once than the budget."""
    write_files(tmp_path / "alpha", {"tests/test_x.py": "def test_x():\n    pass\n"})
    venv = Path(sys.executable).parent.parent
    suites = [Suite("alpha", tmp_path / "alpha", python=v, venv=venv) for v in ("3.11", "3.12")] + [
        Suite("alpha", tmp_path / "alpha", python="3.10", skip_reason="excluded", excluded=True)
    ]
    events: list[Event] = []
    options = RunOptions(
        python=Path("/no/such/python"),  # the run's own interpreter is not used
        venv=Path("/no/such/venv"),
        run_dir=tmp_path / "run",
        run_id="r",
        jobs=1,
    )
    run = Runner(options, events.append).run(suites)
    by_key = {r.key: r for r in run.results}
    assert by_key["alpha@3.11"].status is Status.PASSED
    assert by_key["alpha@3.12"].status is Status.PASSED
    assert by_key["alpha@3.10"].excluded is True
    assert (tmp_path / "run" / "alpha@3.12.log").is_file()
    assert by_key["alpha@3.12"].command[0] == str(venv / "bin" / "python")
    started = [e.name for e in events if isinstance(e, SuiteStarted)]
    assert started == ["alpha@3.11", "alpha@3.12"]
    spans = sorted((r.started or 0.0, (r.started or 0.0) + r.duration) for r in run.results)
    ran = [s for s in spans if s[1] > s[0]]
    assert all(a[1] <= b[0] + 0.05 for a, b in itertools.pairwise(ran))  # one at a time
    assert run.exit_code() == 0


def test_cache_inputs_are_read_per_python_from_its_own_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[list[str], Path | None, Path | None]] = []

    def fake(graph: object, names: list[str], args: object, **kw: Path | None) -> dict[str, str]:
        calls.append((names, kw["venv"], kw["pins_file"]))
        return {n: f"{n} in {kw['venv']}" for n in names}

    monkeypatch.setattr(per_python, "suite_inputs", fake)
    suites = spread([suite("alpha")], ENVS, {})
    found: dict[str, object] = dict(per_python.pair_inputs(None, suites, ENVS))  # type: ignore[arg-type]
    assert found == {
        "alpha@3.11": "alpha in /ws/.venv",
        "alpha@3.12": "alpha in /ws/.wrknv/venvs/3.12",
    }
    assert calls[1] == (["alpha"], Path("/ws/.wrknv/venvs/3.12"), Path("/p"))
    plain: dict[str, object] = dict(per_python.pair_inputs(None, [suite("alpha")], {}))  # type: ignore[arg-type]
    assert plain == {"alpha": "alpha in None"}  # one Python: keyed by name, as before
