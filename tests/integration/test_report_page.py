"""The Markdown page from real runs: test-all appends it to $GITHUB_STEP_SUMMARY, report writes
it there and to --markdown FILE, and a step summary that cannot be written changes nothing."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.integration.suites import FAILING, suite_workspace
from workspace.cli import main

# A task line of the gantt chart: a name, optional tags, start and end in milliseconds.
BAR = re.compile(r"^    (?P<name>[^:#;\n]+) :(?P<tags>(?:crit, |active, )*)(\d+), (\d+)$", re.M)


@pytest.fixture
def config(tmp_path: Path, test_venv: Path) -> Path:
    return suite_workspace(
        tmp_path, test_venv, {"alpha": {}, "beta": {"tests": FAILING}, "gamma": {}}
    )


def rows(page: str) -> dict[str, list[str]]:
    """The suites table of a page: first cell -> the other cells."""
    found = {}
    for line in page.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if line.startswith("| ") and len(cells) >= 6 and cells[0] not in ("suite", "shard"):
            found[cells[0]] = cells[1:]
    return found


def test_test_all_appends_its_page_to_the_step_summary(
    config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "step-summary.md"
    target.write_text("an earlier step wrote this\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    assert main(["test-all", "--config", str(config), "--jobs", "2"]) == 1
    text = target.read_text()
    assert text.startswith("an earlier step wrote this\n")
    page = text[text.index("## ") :]
    assert page.startswith("## ❌ test-all: 1 of 3 suites did not pass\n")
    table = rows(page)
    assert next(iter(table)) == "beta"  # the failures first
    assert table["beta"][:4] == ["❌ failed", "1", "1", "0"]
    assert table["alpha"][:4] == ["✅ passed", "2", "0", "0"]
    assert "against a lower bound of" in page
    # The failure's log tail, in a collapsible block, with pytest's own words.
    assert "<details><summary>log beta.log</summary>\n\n```text\n" in page
    details = page[page.index("<details>") : page.index("</details>")]
    assert "arithmetic is off" in details
    # The schedule: every suite has a bar; the last to end set the makespan.
    bars = {m["name"]: (m["tags"], int(m[3]), int(m[4])) for m in BAR.finditer(page)}
    assert set(bars) == {"alpha", "beta (failed)", "gamma"}
    assert "active" in bars["beta (failed)"][0]
    last = max(end for _, _, end in bars.values())
    assert {n for n, (tags, _, end) in bars.items() if "crit" in tags} == {
        n for n, (_, _, end) in bars.items() if end == last
    }
    assert "    section lane 1" in page


def test_a_step_summary_that_cannot_be_written_is_only_a_warning(
    config: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path))  # a directory: cannot be appended
    assert main(["test-all", "--config", str(config), "--only", "alpha"]) == 0
    err = capsys.readouterr().err
    assert f"warning: {tmp_path}: cannot append the step summary" in err


def _shard(config: Path, only: str, dest: Path) -> None:
    main(["test-all", "--config", str(config), "--only", only])
    shutil.copytree(config.parent / ".wrknv/runs/latest", dest, symlinks=False)


@pytest.mark.slow
def test_report_writes_the_same_page_to_markdown_and_the_step_summary(
    config: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    shards = tmp_path / "shards"
    _shard(config, "alpha,gamma", shards / "run-shard-1-of-2")
    _shard(config, "beta", shards / "run-shard-2-of-2")
    target = tmp_path / "step-summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(target))
    page_file = tmp_path / "pages" / "report.md"
    merged = tmp_path / "merged"
    dirs = [str(shards / "run-shard-1-of-2"), str(shards / "run-shard-2-of-2")]
    code = main(["report", "--output", str(merged), "--markdown", str(page_file), *dirs])
    assert code == 1
    page = page_file.read_text()
    assert target.read_text() == "\n" + page
    assert page.startswith("## ❌ report (2 shards): 1 of 3 suites did not pass\n")
    table = rows(page)
    assert table["beta"][0] == "❌ failed"
    assert table["beta"][-1] == "run-shard-2-of-2"
    assert table["alpha"][-1] == "run-shard-1-of-2"
    assert f"| 2 | {dirs[1]} | " in page
    # The log is found through the merged summary's path, relative to the output directory.
    assert "arithmetic is off" in page
    sections = re.findall(r"^    section (.+)$", page, re.M)
    assert sections[0] == "shard 1 · lane 1"
    assert "shard 2 · lane 1" in sections
    assert "(the longest shard)" in page
    capsys.readouterr()
    assert main(["report", "--output", str(merged), "--markdown", str(tmp_path), *dirs]) == 2
    assert f"{tmp_path}: is a directory, and a file is needed here" in capsys.readouterr().err
