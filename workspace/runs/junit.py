"""JUnit XML, read and merged: the counts of one suite's file, its failing tests (named by
pytest's lastfailed cache), each sibling's suites under its own name, a run directory's
suites, and one merged file for CI."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from workspace.fsutil import read_within
from workspace.model.statedir import JUNIT
from workspace.runs.results import MAX_FAILURES, Counts, Failure, Status, SuiteResult

JUNIT_LIMIT = 64 * 1024 * 1024  # bytes of one JUnit file: more is refused, never parsed
LASTFAILED_LIMIT = 16 * 1024 * 1024  # bytes of pytest's lastfailed cache
_WHERE = re.compile(r"^(\S[^\n]*?):(\d+): ", re.MULTILINE)  # pytest's "tests/t.py:3: Error"


def read_suites(path: Path, within: Path | None = None) -> list[ET.Element] | None:
    """The <testsuite> elements of a JUnit XML file; None when missing or unreadable, larger
    than JUNIT_LIMIT, no regular file or (given ``within``) outside that folder.

    The one reader of JUnit files: pytest writes one <testsuite> (or <testsuites> around it),
    a merged file holds many.
    """
    try:
        data, _ = read_within(path, within, JUNIT_LIMIT)
        root = ET.fromstring(data)
    except (OSError, ET.ParseError):
        return None
    return [root] if root.tag == "testsuite" else list(root.iter("testsuite"))


def read_counts(junit: Path) -> Counts | None:
    """Outcome counts from a pytest JUnit XML file; None when missing or unreadable."""
    suites = read_suites(junit)
    if suites is None:
        return None
    passed = failed = skipped = errors = 0
    for case in (c for suite in suites for c in suite.iter("testcase")):
        tags = {child.tag for child in case}
        if "failure" in tags:
            failed += 1
        elif "error" in tags:
            errors += 1
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return Counts(passed, failed, skipped, errors)


def junit_case(node_id: str) -> tuple[str, str]:
    """The (classname, name) pytest's JUnit file gives the test ``node_id``, as pytest
    mangles it: ``tests/test_a.py::T::test_b[x::y]`` -> (``tests.test_a.T``, ``test_b[x::y]``)."""
    path, bracket, params = node_id.partition("[")
    names = path.split("::")
    names[0] = re.sub(r"\.py$", "", names[0].replace("/", "."))
    names[-1] += bracket + params
    return ".".join(names[:-1]), names[-1]


def _case_failure(case: ET.Element, test: str) -> Failure:
    """A failing case's first message line, and the file and line of its last traceback
    entry (where it failed), when the file has them."""
    bad = next((c for c in case if c.tag in ("failure", "error")), None)
    if bad is None:
        return Failure(test)
    text = (bad.get("message") or bad.text or "").strip()
    found = _WHERE.findall(bad.text or "")
    file, line = found[-1] if found else (None, None)
    message = text.splitlines()[0][:500] if text else None
    return Failure(test, message, file, int(line) if line and int(line) > 0 else None)


def read_failures(lastfailed: Path, junit: Path) -> tuple[tuple[Failure, ...], int]:
    """A suite's failing tests, at most MAX_FAILURES, and how many more: the node ids pytest
    keeps in its lastfailed cache (a JSON object keyed by them), each with what the suite's
    JUnit file says of it. Nothing when the cache is missing or unreadable."""
    try:
        data = json.loads(read_within(lastfailed, None, LASTFAILED_LIMIT)[0])
    except (OSError, ValueError, RecursionError):
        return (), 0
    ids = sorted(k for k in data if isinstance(k, str)) if isinstance(data, dict) else []
    cases = {
        (c.get("classname", ""), c.get("name", "")): c
        for suite in read_suites(junit) or ()
        for c in suite.iter("testcase")
    }
    kept = ids[:MAX_FAILURES]
    out = []
    for test in kept:
        case = cases.get(junit_case(test))
        out.append(Failure(test) if case is None else _case_failure(case, test))
    return tuple(out), len(ids) - len(kept)


def case_seconds(junit: Path) -> list[tuple[str, float]]:
    """(classname, seconds) of every test case in a JUnit file; empty when it is unreadable."""
    out = []
    for case in (c for suite in read_suites(junit) or () for c in suite.iter("testcase")):
        try:
            seconds = float(case.get("time") or 0.0)
        except ValueError:
            continue
        out.append((case.get("classname", ""), seconds))
    return out


def _synthetic_suite(r: SuiteResult) -> ET.Element:
    """A suite that left no JUnit file (timeout, crash, not run) still shows up in CI."""
    suite = ET.Element("testsuite", name=r.key, tests="1", failures="0", skipped="0", errors="0")
    case = ET.SubElement(suite, "testcase", classname=r.key, name=r.status.value)
    text = r.reason or r.status.value
    if r.status is Status.NOT_RUN or r.status is Status.NO_TESTS:
        ET.SubElement(case, "skipped", message=text)
        suite.set("skipped", "1")
    elif r.status is not Status.CACHED:  # a kept pass whose JUnit file is gone: one passing case
        ET.SubElement(case, "error", message=text)
        suite.set("errors", "1")
    return suite


def sibling_suites(r: SuiteResult) -> list[ET.Element]:
    """The <testsuite> elements of one sibling, test names prefixed with the sibling (and its
    Python, ``alpha@3.12``, when a run covers several)."""
    suites = None if r.junit is None else read_suites(r.junit)
    if suites is None:
        return [_synthetic_suite(r)]
    for suite in suites:
        suite.set("name", r.key)
        for case in suite.iter("testcase"):
            classname = case.get("classname", "")
            case.set("classname", f"{r.key}.{classname}" if classname else r.key)
    return suites


def merged_junit(suites: Iterable[ET.Element]) -> str:
    root = ET.Element("testsuites", name="test-all")
    root.extend(suites)
    for key in ("tests", "failures", "errors", "skipped"):
        root.set(key, str(sum(int(suite.get(key, "0") or 0) for suite in root)))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def junit_for_results(results: Iterable[SuiteResult]) -> str:
    return merged_junit(s for r in results for s in sibling_suites(r))


def run_suites(run_dir: Path, results: Iterable[SuiteResult]) -> list[ET.Element]:
    """The <testsuite> elements of a run directory: its merged junit.xml when it has one, else
    each sibling's own file."""
    suites = read_suites(run_dir / JUNIT, within=run_dir)
    return [s for r in results for s in sibling_suites(r)] if suites is None else suites
