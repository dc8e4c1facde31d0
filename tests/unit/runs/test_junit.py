"""JUnit XML: one suite's counts, each sibling's suites under its name, one merged file."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.unit.runs.samples import PYTEST_JUNIT, make_run
from workspace.runs.junit import (
    JUNIT_LIMIT,
    junit_case,
    junit_for_results,
    read_counts,
    read_failures,
    read_suites,
)
from workspace.runs.results import MAX_FAILURES, Counts, Failure


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


@pytest.mark.parametrize(
    ("node_id", "case"),
    [
        ("tests/test_a.py::test_bad", ("tests.test_a", "test_bad")),
        ("tests/test_a.py::test_bad[x]", ("tests.test_a", "test_bad[x]")),
        ("tests/test_a.py::test_p[a b]", ("tests.test_a", "test_p[a b]")),
        ("tests/test_a.py::T::test_p[a::b/c.py]", ("tests.test_a.T", "test_p[a::b/c.py]")),
        ("test_top.py::T::U::test_x", ("test_top.T.U", "test_x")),
    ],
)
def test_a_node_id_gives_the_junit_case_pytest_writes(node_id: str, case: tuple[str, str]) -> None:
    assert junit_case(node_id) == case


FAILING_JUNIT = (
    '<testsuites><testsuite name="pytest">'
    '<testcase classname="tests.test_a" name="test_ok"/>'
    '<testcase classname="tests.test_a" name="test_p[a b]">'
    '<failure message="AssertionError: off&#10;assert 1 == 2">def test_p(x):\n'
    "&gt;       assert 1 == 2\nE       AssertionError: off\n\n"
    "tests/test_a.py:7: AssertionError</failure></testcase>"
    '<testcase classname="tests.test_a.T" name="test_e">'
    "<error message=\"failed on setup with &quot;E  fixture 'nope' not found&quot;\">"
    "file tests/test_a.py, line 9</error></testcase>"
    "</testsuite></testsuites>"
)


def test_failures_are_the_lastfailed_ids_with_what_junit_says(tmp_path: Path) -> None:
    (tmp_path / "junit.xml").write_text(FAILING_JUNIT)
    ids = ["tests/test_a.py::test_p[a b]", "tests/test_a.py::T::test_e", "tests/test_gone.py"]
    (tmp_path / "lastfailed").write_text(json.dumps(dict.fromkeys(ids, True)))
    failures, more = read_failures(tmp_path / "lastfailed", tmp_path / "junit.xml")
    assert failures == (
        Failure(
            "tests/test_a.py::T::test_e", "failed on setup with \"E  fixture 'nope' not found\""
        ),
        Failure("tests/test_a.py::test_p[a b]", "AssertionError: off", "tests/test_a.py", 7),
        Failure("tests/test_gone.py"),  # no case of that name: the id alone
    )
    assert more == 0


def test_failures_are_bounded_and_counted(tmp_path: Path) -> None:
    ids = [f"t.py::test_{i:03}" for i in range(MAX_FAILURES + 7)]
    (tmp_path / "lastfailed").write_text(json.dumps(dict.fromkeys(ids, True)))
    failures, more = read_failures(tmp_path / "lastfailed", tmp_path / "missing.xml")
    assert [f.test for f in failures] == ids[:MAX_FAILURES]
    assert more == 7


@pytest.mark.parametrize("text", [None, "not json", "[1, 2]", '{"a": '])
def test_no_or_a_damaged_lastfailed_names_no_failure(tmp_path: Path, text: str | None) -> None:
    if text is not None:
        (tmp_path / "lastfailed").write_text(text)
    assert read_failures(tmp_path / "lastfailed", tmp_path / "junit.xml") == ((), 0)
