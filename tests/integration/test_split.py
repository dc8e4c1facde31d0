"""A suite longer than a shard, split by test file: planned from the file durations a real
run recorded, run as three real shard runs of ``test-all --files``, and merged by ``report``."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest

from tests.integration.suites import make_workspace
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


@pytest.mark.slow
def test_a_split_suite_runs_each_file_once_over_three_shards_and_merges(
    tmp_path: Path, test_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = make_workspace(tmp_path, test_venv, {"big": {"tests": BIG}, "small": {}})
    assert main(["test-all", "--config", str(config)]) == 0  # records every file's seconds
    stored = json.loads((config.parent / ".wrknv/durations.json").read_text())
    assert sorted(stored["siblings"]["big"]["files"]) == sorted(BIG)
    entries = _entries(config, tmp_path, capsys)
    assert len(entries) == 3
    planned = Counter(f for e in entries for f in e["files"].split(",") if f)
    assert planned == Counter(f"big:{f}" for f in BIG)  # every file in exactly one shard
    assert sum("small" in e["whole"].split(",") for e in entries) == 1
    shard_dirs = []
    for entry in entries:
        args = ["--only", entry["siblings"], "--files", entry["files"]]
        assert main(["test-all", "--config", str(config), *args]) == 0
        dest = tmp_path / "shards" / entry["name"]
        shutil.copytree(config.parent / ".wrknv/runs/latest", dest)
        ran = json.loads((dest / "summary.json").read_text())["siblings"]
        pieces = [r for r in ran if r["name"] == "big"]
        assert [sorted(f"big:{f}" for f in r["files"]) for r in pieces] == [
            sorted(f for f in entry["files"].split(",") if f)
        ]
        shard_dirs.append(str(dest))
    capsys.readouterr()
    merged = tmp_path / "merged"
    page = tmp_path / "page.md"
    assert main(["report", "--output", str(merged), "--markdown", str(page), *shard_dirs]) == 0
    summary = json.loads((merged / "summary.json").read_text())
    big = next(s for s in summary["siblings"] if s["name"] == "big")
    assert big["status"] == "passed"
    assert big["tests"]["passed"] == 2 * len(BIG)
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
    assert len(cases) == 2 * len(BIG)
    history = json.loads((merged / "durations.json").read_text())["siblings"]["big"]
    assert sorted(history["files"]) == sorted(BIG)
    assert history["seconds"] >= sum(SLEEPS) * 2
    assert "report (3 shards)" in capsys.readouterr().out
    text = page.read_text()
    assert "big [3 pieces]" in text  # one row for the suite
    assert all(f"big [part {i}/3] :" in text for i in (1, 2, 3))  # one bar per piece
