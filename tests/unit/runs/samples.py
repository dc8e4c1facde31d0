"""A sample test-all run the runs tests share."""

from __future__ import annotations

from pathlib import Path

from workspace.runs.results import Counts, RunResult, Status, SuiteResult

PYTEST_JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" skipped="0" tests="2">
<testcase classname="tests.test_a" name="test_ok" time="0.1"/>
<testcase classname="tests.test_a" name="test_bad" time="0.1"><failure message="boom"/></testcase>
</testsuite></testsuites>
"""


def make_run(tmp_path: Path) -> RunResult:
    run_dir = tmp_path / "run"
    (run_dir / "alpha").mkdir(parents=True)
    (run_dir / "alpha" / "junit.xml").write_text(PYTEST_JUNIT)
    (run_dir / "alpha.log").write_text("$ pytest\nFAILED test_bad\n")
    results = (
        SuiteResult(
            "alpha",
            Status.FAILED,
            1,
            4.0,
            Counts(1, 1, 0, 0),
            "changed: 1 commit since main",
            run_dir / "alpha.log",
            run_dir / "alpha" / "junit.xml",
            1,
            ("python", "-m", "pytest"),
        ),
        SuiteResult("beta", Status.TIMEOUT, -15, 9.0, reason="timed out after 9s", workers=2),
        SuiteResult("gamma", Status.NOT_RUN, reason="--fail-fast: alpha failed"),
    )
    return RunResult("r1", run_dir, 2, 10.0, results)
