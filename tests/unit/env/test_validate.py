"""validate's runner: every check runs whatever the others found, and the verdict."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from workspace.env import validate
from workspace.env.checks import CheckResult, CheckStatus, ok
from workspace.env.validate import run_checks, summarize
from workspace.errors import WorkspaceError
from workspace.model.config import TestSettings


def test_runner_runs_every_check_and_turns_failures_into_results() -> None:
    def boom(_ctx: object) -> list[CheckResult]:
        raise WorkspaceError("cannot read something", hint="x")

    def fine(_ctx: object) -> list[CheckResult]:
        return [ok("fine", "all good")]

    results = run_checks(object(), [boom, fine])  # type: ignore[arg-type]
    assert [(r.name, r.status) for r in results] == [
        ("boom", CheckStatus.ERROR),
        ("fine", CheckStatus.OK),
    ]
    assert "cannot read something" in results[0].detail


@pytest.mark.parametrize(
    ("statuses", "strict", "failed"),
    [
        ([CheckStatus.OK], False, False),
        ([CheckStatus.OK, CheckStatus.WARNING], False, False),
        ([CheckStatus.OK, CheckStatus.WARNING], True, True),
        ([CheckStatus.ERROR], False, True),
        ([], True, False),
    ],
)
def test_verdict(statuses: list[CheckStatus], strict: bool, failed: bool) -> None:
    results = [CheckResult(f"c{i}", s, "d") for i, s in enumerate(statuses)]
    assert validate.failed(results, strict) is failed
    assert sum(summarize(results).values()) == len(statuses)


def _ctx(tmp_path: Path, installed: set[str], settings: list[TestSettings]) -> object:
    sibs = [SimpleNamespace(name=f"s{i}", test=t) for i, t in enumerate(settings)]
    return SimpleNamespace(python_siblings=sibs, dists=dict.fromkeys(installed), site=tmp_path)


def test_only_check_runs_the_named_checks_in_their_usual_order() -> None:
    chosen = validate.choose_checks(["deps", "python"])
    assert [c.__name__ for c in chosen] == ["check_python", "check_deps"]
    assert validate.choose_checks([]) == list(validate.CHECKS)
    with pytest.raises(WorkspaceError, match=r"no check named 'dep', 'nope'") as info:
        validate.choose_checks(["dep", "nope", "deps"])
    assert info.value.hint is not None
    assert "deps" in info.value.hint
