"""test-all and test on real pytest suites in tmp_path siblings, in a venv made with real uv."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.builders import commit_all
from tests.integration.suites import (
    FAILING,
    interrupt_when_ready,
    suite_workspace,
    wait_dead,
)
from workspace.cli import main

REPO = Path(__file__).resolve().parents[2]


def run(config: Path, *args: str) -> int:
    return main(["test-all", "--config", str(config), *args])


def summary(config: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (config.parent / ".wrknv/runs/latest/summary.json").read_text()
    )
    return data


def by_name(data: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {s["name"]: s for s in data["siblings"]}


def hanging_tests(pid_dir: Path) -> dict[str, str]:
    """A test that starts a child process, records both pids, then hangs."""
    return {
        "tests/test_hang.py": textwrap.dedent(
            f"""
            import os, subprocess, sys, time
            from pathlib import Path

            def test_hang():
                child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
                d = Path({str(pid_dir)!r})
                d.mkdir(parents=True, exist_ok=True)
                (d / ("%d.pids" % os.getpid())).write_text("%d %d" % (os.getpid(), child.pid))
                time.sleep(600)
            """
        )
    }


def recorded_pids(pid_dir: Path) -> list[int]:
    return [int(p) for f in pid_dir.glob("*.pids") for p in f.read_text().split()]


def test_all_pass_writes_summary_logs_and_merged_junit(
    tmp_path: Path, test_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = suite_workspace(tmp_path, test_venv, {"alpha": {}, "beta": {}})
    assert run(config, "--jobs", "2") == 0
    out = capsys.readouterr().out
    data = summary(config)
    assert data["jobs"] == 2
    assert data["wall_seconds"] > 0
    assert data["lower_bound_seconds"] > 0
    sibs = by_name(data)
    assert set(sibs) == {"alpha", "beta"}
    for name, entry in sibs.items():
        assert entry["status"] == "passed"
        assert entry["returncode"] == 0
        assert entry["tests"] == {"passed": 2, "failed": 0, "skipped": 0, "errors": 0}
        assert entry["selected_because"] == "selected"
        assert entry["duration_seconds"] > 0
        log = (config.parent / ".wrknv/runs/latest" / entry["log"]).read_text()
        assert log.startswith("$ ")
        assert "-m pytest" in log.splitlines()[0]
        assert "2 passed" in log
        assert name in out
    latest = config.parent / ".wrknv/runs/latest"
    assert latest.is_symlink()
    junit = ET.parse(latest / "junit.xml").getroot()
    classnames = {c.get("classname") for c in junit.iter("testcase")}
    assert classnames == {"alpha.tests.test_ok", "beta.tests.test_ok"}
    assert junit.get("tests") == "4"
    stored = json.loads((config.parent / ".wrknv/durations.json").read_text())
    assert set(stored["siblings"]) == {"alpha", "beta"}
    assert "lower bound" in out
    assert "ratio" in out


def test_one_failing_suite_fails_the_run_and_the_others_still_run(
    tmp_path: Path, test_venv: Path
) -> None:
    config = suite_workspace(
        tmp_path, test_venv, {"alpha": {"tests": FAILING}, "beta": {}, "gamma": {}}
    )
    assert run(config, "--jobs", "2") == 1
    sibs = by_name(summary(config))
    assert sibs["alpha"]["status"] == "failed"
    assert sibs["alpha"]["returncode"] == 1
    assert sibs["alpha"]["tests"] == {"passed": 1, "failed": 1, "skipped": 0, "errors": 0}
    assert sibs["beta"]["status"] == sibs["gamma"]["status"] == "passed"
    latest = config.parent / ".wrknv/runs/latest"
    assert "arithmetic is off" in (latest / "alpha.log").read_text()
    failures = [
        c
        for c in ET.parse(latest / "junit.xml").getroot().iter("testcase")
        if c.find("failure") is not None
    ]
    assert [(c.get("classname"), c.get("name")) for c in failures] == [
        ("alpha.tests.test_bad", "test_broken")
    ]


@pytest.mark.slow
def test_hanging_suite_is_killed_with_its_children_and_others_finish(
    tmp_path: Path, test_venv: Path
) -> None:
    pid_dir = tmp_path / "pids"
    config = suite_workspace(
        tmp_path,
        test_venv,
        {"hang": {"tests": hanging_tests(pid_dir), "test": {"timeout": 6}}, "beta": {}},
    )
    assert run(config, "--jobs", "2", "--kill-grace", "1") == 1
    sibs = by_name(summary(config))
    assert sibs["hang"]["status"] == "timeout"
    assert "timed out after 6s" in sibs["hang"]["reason"]
    assert sibs["beta"]["status"] == "passed"
    pids = recorded_pids(pid_dir)
    assert len(pids) == 2  # pytest and the child it started
    assert wait_dead(pids) == []
    junit = ET.parse(config.parent / ".wrknv/runs/latest/junit.xml").getroot()
    assert any(c.get("classname") == "hang" for c in junit.iter("testcase"))


def test_suite_without_tests_has_its_own_status(tmp_path: Path, test_venv: Path) -> None:
    config = suite_workspace(
        tmp_path, test_venv, {"empty": {"tests": {"tests/helper.py": "X = 1\n"}}, "beta": {}}
    )
    assert run(config) == 1
    sibs = by_name(summary(config))
    assert sibs["empty"]["status"] == "no-tests"
    assert sibs["empty"]["returncode"] == 5
    assert run(config, "--allow-no-tests") == 0


def test_missing_sibling_is_not_run_with_a_reason(tmp_path: Path, test_venv: Path) -> None:
    config = suite_workspace(tmp_path, test_venv, {"alpha": {}, "ghost": {"present": False}})
    assert run(config) == 1
    sibs = by_name(summary(config))
    assert sibs["alpha"]["status"] == "passed"
    assert sibs["ghost"]["status"] == "not-run"
    assert "not present" in sibs["ghost"]["reason"]


def test_missing_venv_is_a_usage_error_with_a_hint(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = suite_workspace(tmp_path, tmp_path / "no-venv", {"alpha": {}})
    assert run(config) == 2
    err = capsys.readouterr().err
    assert "does not exist" in err
    assert "nox -s setup" in err


@pytest.mark.slow
def test_changed_since_picks_changed_siblings_and_their_dependants(
    tmp_path: Path, test_venv: Path
) -> None:
    config = suite_workspace(
        tmp_path,
        test_venv,
        {
            "base": {"git": True},
            "mid": {"git": True, "depends_on": ["base"]},
            "top": {"git": True, "depends_on": ["mid"]},
            "other": {"git": True},
            "other-user": {"git": True, "depends_on": ["other"]},
        },
    )
    assert run(config, "--changed-since", "base") == 0  # nothing changed: nothing to run
    assert not (config.parent / ".wrknv/runs/latest").exists()
    (tmp_path / "mid" / "NOTES.md").write_text("new\n")
    commit_all(tmp_path / "mid", "notes")
    assert run(config, "--changed-since", "base") == 0
    sibs = by_name(summary(config))
    assert set(sibs) == {"mid", "top"}
    assert sibs["mid"]["selected_because"].startswith("changed: 1 commit since base")
    assert sibs["top"]["selected_because"] == "dependant of mid"


def test_rerun_failed_runs_only_what_did_not_pass(tmp_path: Path, test_venv: Path) -> None:
    config = suite_workspace(tmp_path, test_venv, {"alpha": {"tests": FAILING}, "beta": {}})
    assert run(config, "--rerun-failed") == 2  # no previous run
    assert run(config) == 1
    (tmp_path / "alpha/tests/test_bad.py").write_text("def test_fixed():\n    pass\n")
    assert run(config, "--rerun-failed") == 0
    sibs = by_name(summary(config))
    assert set(sibs) == {"alpha"}
    assert sibs["alpha"]["selected_because"].startswith("rerun")
    assert run(config, "--rerun-failed") == 0  # nothing failed last time


def test_fail_fast_starts_nothing_after_a_failure(tmp_path: Path, test_venv: Path) -> None:
    config = suite_workspace(
        tmp_path, test_venv, {"a-fails": {"tests": FAILING}, "b-later": {}, "c-later": {}}
    )
    assert run(config, "--jobs", "1", "--fail-fast") == 1
    sibs = by_name(summary(config))
    assert sibs["a-fails"]["status"] == "failed"
    for name in ("b-later", "c-later"):
        assert sibs[name]["status"] == "not-run"
        assert "--fail-fast" in sibs[name]["reason"]
        assert sibs[name]["returncode"] is None


def test_suites_writing_the_same_temp_path_do_not_collide(tmp_path: Path, test_venv: Path) -> None:
    same_path = {
        "tests/test_tmp.py": textwrap.dedent(
            """
            import os, tempfile, time
            from pathlib import Path

            def test_exclusive_temp_file(tmp_path):
                shared = Path(tempfile.gettempdir()) / "shared.txt"
                with shared.open("x") as fh:  # fails if another suite made it
                    fh.write(os.environ["WRKNV_SIBLING"])
                time.sleep(0.5)
                assert shared.read_text() == os.environ["WRKNV_SIBLING"]
                (tmp_path / "mine").write_text("x")
            """
        )
    }
    config = suite_workspace(
        tmp_path, test_venv, {"left": {"tests": same_path}, "right": {"tests": same_path}}
    )
    assert run(config, "--jobs", "2") == 0
    latest = config.parent / ".wrknv/runs/latest"
    assert (latest / "left/tmp/shared.txt").read_text() == "left"
    assert (latest / "right/tmp/shared.txt").read_text() == "right"


@pytest.mark.slow
def test_ctrl_c_stops_every_suite_and_still_writes_the_summary(
    tmp_path: Path, test_venv: Path
) -> None:
    pid_dir = tmp_path / "pids"
    config = suite_workspace(
        tmp_path,
        test_venv,
        {"one": {"tests": hanging_tests(pid_dir)}, "two": {"tests": hanging_tests(pid_dir)}},
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.Popen(
        [sys.executable, "-m", "workspace", "test-all", "--config", str(config), "--jobs=2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = interrupt_when_ready(proc, pid_dir, 2)
    assert proc.returncode == 130, output
    assert wait_dead(recorded_pids(pid_dir)) == []
    sibs = by_name(summary(config))
    assert {s["status"] for s in sibs.values()} == {"error"}
    assert all(s["reason"] == "interrupted" for s in sibs.values())
