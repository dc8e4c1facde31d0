"""A suite longer than a shard, split by test file: planned from the file durations a real
run recorded, run as three real shard runs of ``test-all --files``, and merged by ``report``."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from tests.builders import write_files
from tests.integration.suites import suite_workspace
from workspace.cli import main

SLEEPS = [0.05, 0.4, 0.1, 0.3, 0.05, 0.2, 0.45, 0.1, 0.05, 0.35, 0.15, 0.25]
BIG = {
    f"tests/test_{i:02}.py": f"import time\n\n"
    f"def test_first():\n    time.sleep({s})\n\n"
    f"def test_second():\n    time.sleep({s})\n"
    for i, s in enumerate(SLEEPS)
}


def _entries(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> list[dict[str, str]]:
    plan = tmp_path / "plan.json"
    assert main(["matrix", "--config", str(config), "--shards", "3", "--output", str(plan)]) == 0
    err = capsys.readouterr().err
    assert "split: big into 3 pieces" in err
    assert "without splitting: makespan" in err
    entries: list[dict[str, str]] = json.loads(plan.read_text())["include"]
    return entries


def _coverage(entries: list[dict[str, str]], files: list[str]) -> Counter[str]:
    """How often each of big's ``files`` runs over the entries' pieces."""
    count: Counter[str] = Counter()
    for entry in entries:
        items = [f for f in entry["files"].split(",") if f]
        named = [f.removeprefix("big:") for f in items if f.startswith("big:")]
        skipped = {f.removeprefix("!big:") for f in items if f.startswith("!big:")}
        count.update(named + ([f for f in files if f not in skipped] if skipped else []))
    return count


@pytest.mark.slow
def test_a_split_suite_runs_each_file_once_over_three_shards_and_merges(
    tmp_path: Path, test_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = suite_workspace(tmp_path, test_venv, {"big": {"tests": BIG}, "small": {}})
    assert main(["test-all", "--config", str(config)]) == 0  # records every file's seconds
    stored = json.loads((config.parent / ".wrknv/durations.json").read_text())
    assert sorted(stored["siblings"]["big"]["files"]) == sorted(BIG)
    entries = _entries(config, tmp_path, capsys)
    assert len(entries) == 3
    assert _coverage(entries, list(BIG)) == Counter(list(BIG))  # every file in exactly one shard
    assert sum("small" in e["whole"].split(",") for e in entries) == 1
    # The pull request under test adds a test file and deletes one that a piece names.
    named = next(f for e in entries for f in e["files"].split(",") if f.startswith("big:"))
    (tmp_path / "big" / named.removeprefix("big:")).unlink()
    write_files(tmp_path / "big", {"tests/test_new.py": "def test_new():\n    pass\n"})
    now = sorted({*BIG, "tests/test_new.py"} - {named.removeprefix("big:")})
    shard_dirs = []
    for entry in entries:
        args = ["--only", entry["siblings"], "--files", entry["files"]]
        assert main(["test-all", "--config", str(config), *args]) == 0
        dest = tmp_path / "shards" / entry["name"]
        shutil.copytree(config.parent / ".wrknv/runs/latest", dest)
        shard_dirs.append(str(dest))
    assert f"not found, left out: {named.removeprefix('big:')}" in capsys.readouterr().err
    page, merged = tmp_path / "page.md", tmp_path / "merged"
    assert (
        main(
            [
                "report",
                "--output",
                str(merged),
                "--markdown",
                str(page),
                *shard_dirs,
            ]
        )
        == 0
    )
    summary = json.loads((merged / "summary.json").read_text())
    big = next(s for s in summary["siblings"] if s["name"] == "big")
    assert big["status"] == "passed"
    assert big["tests"]["passed"] == 2 * (len(BIG) - 1) + 1
    assert big["pieces"] == 3
    assert len(big["logs"]) == 3
    assert all((merged / log).is_file() for log in big["logs"])
    assert [s["name"] for s in summary["siblings"]].count("big") == 1
    cases = Counter(
        (c.get("classname"), c.get("name"))
        for c in ET.parse(merged / "junit.xml").getroot().iter("testcase")
        if str(c.get("classname")).startswith("big.")
    )
    assert set(cases.values()) == {1}  # every test passed once, none twice
    assert len(cases) == 2 * (len(BIG) - 1) + 1
    history = json.loads((merged / "durations.json").read_text())["siblings"]["big"]
    assert sorted(history["files"]) == now  # the new file has a record for the next plan
    assert history["seconds"] >= (sum(SLEEPS) - 0.5) * 2
    assert "report (3 shards)" in capsys.readouterr().out
    text = page.read_text()
    assert "big [3 pieces]" in text  # one row for the suite
    assert all(f"big [part {i}/3] :" in text for i in (1, 2, 3))  # one bar per piece
