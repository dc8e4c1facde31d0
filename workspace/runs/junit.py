"""JUnit XML, read and merged: the counts of one suite's file, each sibling's suites under
its own name, a run directory's suites, and one merged file for CI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path

from workspace.fsutil import read_within
from workspace.model.statedir import JUNIT
from workspace.runs.results import Counts, Status, SuiteResult

JUNIT_LIMIT = 64 * 1024 * 1024  # bytes of one JUnit file: more is refused, never parsed


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
