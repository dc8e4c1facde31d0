"""The benchmark code keeps working: ``python -m bench.run --quick`` once, end to end.

No timing is asserted (figures depend on the machine and on what else runs); only that every
benchmark ran, produced rows without an error, and that both files were written with a
section per benchmark. One test, not one per check: under pytest-xdist a shared fixture would
run once per worker, and the quick run takes about a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bench.run import NAMES

ROOT = Path(__file__).resolve().parents[2]


def _env(home: Path) -> dict[str, str]:
    """This environment, with git isolated from the developer's config (as conftest does)."""
    (home / "gitconfig").write_text("")
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("WRKNV_CONFIG", "GITHUB_ACTIONS", "GITHUB_OUTPUT")
    }
    env.update(
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    return env


def check_json(results: dict[str, Any]) -> None:
    assert results["quick"] is True
    assert set(results["benchmarks"]) == set(NAMES)
    for name in NAMES:
        data = results["benchmarks"][name]
        assert "error" not in data, f"{name}: {data.get('error')}"
        assert data["rows"], f"{name} has no rows"
        for row in data["rows"]:
            assert row["measure"], f"{name}: a row without a measure: {row}"
            assert row["value"], f"{name}: a row without a value: {row}"


def check_markdown(text: str) -> None:
    headings = [line[3:] for line in text.splitlines() if line.startswith("## ")]
    assert headings == [name.replace("_", "-") for name in NAMES]
    assert "(quick: reduced sizes and repetitions)" in text
    assert "This benchmark failed" not in text


@pytest.mark.slow
def test_quick_run_writes_every_benchmark(tmp_path: Path) -> None:
    out = tmp_path / "out"
    home = tmp_path / "home"
    home.mkdir()
    proc = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--out-dir", str(out)],
        cwd=ROOT,
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert proc.returncode == 0, f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    check_json(json.loads((out / "benchmarks.json").read_text(encoding="utf-8")))
    check_markdown((out / "benchmarks.md").read_text(encoding="utf-8"))


def _results(**changes: Any) -> dict[str, Any]:
    """A well-formed quick result for every name, with ``changes`` applied to each."""
    good: dict[str, Any] = {"rows": [{"measure": "m", "value": "v"}]}
    return {"quick": True, "benchmarks": {n: {**good, **changes} for n in NAMES}}


def _without(name: str) -> dict[str, Any]:
    results = _results()
    del results["benchmarks"][name]
    return results


BROKEN = [
    ("a benchmark missing", _without("setup")),
    ("no rows", _results(rows=[])),
    ("an error", _results(error="Traceback ...")),
    ("an empty value", _results(rows=[{"measure": "m", "value": ""}])),
    ("not quick", {**_results(), "quick": False}),
]


@pytest.mark.parametrize(("problem", "results"), BROKEN, ids=[b[0] for b in BROKEN])
def test_check_json_catches(problem: str, results: dict[str, Any]) -> None:
    """The checks above can fail: each broken result is rejected."""
    with pytest.raises(AssertionError):
        check_json(results)


def test_check_markdown_catches_a_missing_section() -> None:
    sections = "".join(f"## {n.replace('_', '-')}\n" for n in NAMES if n != "overhead")
    with pytest.raises(AssertionError):
        check_markdown("# Benchmarks\n(quick: reduced sizes and repetitions)\n" + sections)


def test_check_json_accepts_a_good_result() -> None:
    check_json(_results())
