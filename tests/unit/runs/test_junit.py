"""JUnit XML: one suite's counts, each sibling's suites under its name, one merged file."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from workspace.runs.junit import junit_for_results, read_counts
from workspace.runs.results import (
    Counts,
    RunResult,
    Status,
    SuiteResult,
)

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


def test_merged_junit_prefixes_test_names_and_covers_every_suite(tmp_path: Path) -> None:
    run = make_run(tmp_path)
    root = ET.fromstring(junit_for_results(run.results))
    cases = [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]
    assert cases == [
        ("alpha.tests.test_a", "test_ok"),
        ("alpha.tests.test_a", "test_bad"),
        ("beta", "timeout"),
        ("gamma", "not-run"),
    ]
    assert [s.get("name") for s in root.iter("testsuite")] == ["alpha", "beta", "gamma"]
    assert root.get("tests") == "4"
    assert root.get("failures") == "1"
    assert root.get("errors") == "1"


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
