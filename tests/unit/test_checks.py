"""checks: path containment, the runner and the verdict, the test settings."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from workspace.env import validate
from workspace.env.check_results import CheckResult, Status, ok
from workspace.env.checks_venv import check_tests
from workspace.env.validate import run_checks, summarize
from workspace.errors import WorkspaceError
from workspace.fsutil import inside
from workspace.model.config import TestSettings


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        ("/a/b/c.py", "/a/b", True),
        ("/a/b", "/a/b", True),
        ("/a/bc/c.py", "/a/b", False),
        ("/x/site-packages/b/__init__.py", "/a/b", False),
    ],
)
def test_inside(path: str, root: str, expected: bool) -> None:
    assert inside(path, Path(root)) is expected


def test_runner_runs_every_check_and_turns_failures_into_results() -> None:
    def boom(_ctx: object) -> list[CheckResult]:
        raise WorkspaceError("cannot read something", hint="x")

    def fine(_ctx: object) -> list[CheckResult]:
        return [ok("fine", "all good")]

    results = run_checks(object(), [boom, fine])  # type: ignore[arg-type]
    assert [(r.name, r.status) for r in results] == [("boom", Status.ERROR), ("fine", Status.OK)]
    assert "cannot read something" in results[0].detail


@pytest.mark.parametrize(
    ("statuses", "strict", "failed"),
    [
        ([Status.OK], False, False),
        ([Status.OK, Status.WARNING], False, False),
        ([Status.OK, Status.WARNING], True, True),
        ([Status.ERROR], False, True),
        ([], True, False),
    ],
)
def test_verdict(statuses: list[Status], strict: bool, failed: bool) -> None:
    results = [CheckResult(f"c{i}", s, "d") for i, s in enumerate(statuses)]
    assert validate.failed(results, strict) is failed
    assert sum(summarize(results).values()) == len(statuses)


def _ctx(tmp_path: Path, installed: set[str], settings: list[TestSettings]) -> object:
    sibs = [SimpleNamespace(name=f"s{i}", test=t) for i, t in enumerate(settings)]
    return SimpleNamespace(python_siblings=sibs, dists=dict.fromkeys(installed), site=tmp_path)


@pytest.mark.parametrize(
    ("installed", "settings", "status", "text"),
    [
        ({"pytest", "pytest-xdist"}, [TestSettings()], Status.OK, "usable"),
        ({"pytest"}, [TestSettings(xdist=False)], Status.OK, "usable"),
        ({"pytest"}, [TestSettings()], Status.WARNING, "pytest-xdist is not installed"),
        (set(), [TestSettings(xdist=False)], Status.WARNING, "pytest is not installed"),
        ({"pytest"}, [TestSettings(args=("-n", "4"), xdist=False)], Status.WARNING, "pass -n"),
        ({"pytest"}, [TestSettings(timeout=0.0, xdist=False)], Status.WARNING, "not positive"),
    ],
)
def test_test_settings(
    tmp_path: Path,
    installed: set[str],
    settings: list[TestSettings],
    status: Status,
    text: str,
) -> None:
    (result,) = check_tests(_ctx(tmp_path, installed, settings))  # type: ignore[arg-type]
    assert result.status is status
    assert text in result.detail
