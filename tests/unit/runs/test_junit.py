"""JUnit XML: one suite's counts, each sibling's suites under its name, one merged file."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

from tests.unit.runs.samples import PYTEST_JUNIT, make_run
from workspace.runs.junit import JUNIT_LIMIT, junit_for_results, read_counts, read_suites
from workspace.runs.results import (
    Counts,
)


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


def test_a_junit_file_too_big_or_no_regular_file_is_never_parsed(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as fh:  # sparse: over the bound without taking the space
        fh.truncate(JUNIT_LIMIT + 1)
    assert read_suites(big) is None
    os.mkfifo(tmp_path / "pipe.xml")
    assert read_suites(tmp_path / "pipe.xml") is None  # at once: no writer waited for
    (tmp_path / "ok.xml").write_text(PYTEST_JUNIT)
    assert read_suites(tmp_path / "ok.xml") is not None
    (tmp_path / "shard").mkdir()
    (tmp_path / "shard" / "junit.xml").symlink_to(tmp_path / "ok.xml")
    assert read_suites(tmp_path / "shard" / "junit.xml", within=tmp_path / "shard") is None
