"""The result cache with real git, real uv and real pytest: a suite runs again exactly when an
input of its key changed (its files, a sibling it needs, the installed packages, its arguments,
a declared environment variable), and never because of a kept failure or a damaged entry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import Sibling, git, make_workspace
from workspace.cli import main
from workspace.model.config import load
from workspace.model.graph import build
from workspace.runs.keys import suite_inputs

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
OK = {"tests/test_ok.py": "def test_ok():\n    assert True\n"}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """core <- kit (kit needs core), and leaf on its own; set up once for the module."""
    siblings: dict[str, Sibling] = {
        "core": {"tests": OK},
        "kit": {"tests": OK, "dependencies": ["core"]},
        "leaf": {"tests": OK},
    }
    test = {"xdist": False, "env": ["CACHE_TEST_DB"], "cache_size": 50}
    cfg = make_workspace(tmp_path_factory.mktemp("cache"), siblings, test=test)
    assert main(["setup", "--config", str(cfg)]) == 0
    return cfg


def statuses(config: Path, *more: str) -> dict[str, str]:
    """Run test-all; each suite's status in the summary."""
    code = main(["test-all", "--config", str(config), *more])
    summary = config.parent / ".wrknv" / "runs" / "latest" / "summary.json"
    data = json.loads(summary.read_text())
    assert code == (1 if any(s["status"] == "failed" for s in data["siblings"]) else 0)
    return {s["name"]: s["status"] for s in data["siblings"]}


def ran(config: Path, *more: str) -> set[str]:
    return {n for n, s in statuses(config, *more).items() if s != "cached"}


def test_only_what_changed_runs(
    config: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    base = config.parent.parent
    ran(config)  # whatever is kept, this run fills the cache
    assert ran(config) == set()  # nothing changed: every suite cached
    assert statuses(config) == dict.fromkeys(("core", "kit", "leaf"), "cached")

    (base / "leaf" / "src" / "leaf" / "extra.py").write_text("X = 1\n")  # untracked, in a leaf
    assert ran(config) == {"leaf"}
    git(base / "leaf", "add", "-A")
    git(base / "leaf", "commit", "-qm", "extra")  # the same content, now committed
    assert ran(config) == {"leaf"}  # the tree changed: run once more, then kept
    assert ran(config) == set()

    init = base / "core" / "src" / "core" / "__init__.py"
    init.write_text(init.read_text() + "Y = 2\n")  # a lower sibling: it and its dependants
    assert ran(config) == {"core", "kit"}
    capsys.readouterr()
    init.write_text(init.read_text() + "Z = 3\n")
    assert main(["explain", "--config", str(config), "kit"]) == 0
    out = capsys.readouterr().out
    assert "miss: since the pass kept from run " in out
    assert "changed: core (src/core/__init__.py modified)" in out
    assert ran(config) == {"core", "kit"}

    assert ran(config, "--", "-q") == {"core", "kit", "leaf"}  # other pytest arguments
    assert ran(config, "--", "-q") == set()
    monkeypatch.setenv("CACHE_TEST_DB", "postgres://elsewhere")  # a declared input
    assert ran(config) == {"core", "kit", "leaf"}
    assert ran(config, "--no-cache") == {"core", "kit", "leaf"}
    assert main(["explain", "--config", str(config), "leaf"]) == 0
    assert "hit: a kept pass has these inputs" in capsys.readouterr().out


def test_a_failure_is_never_kept_and_a_damaged_entry_is_a_miss(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    leaf = config.parent.parent / "leaf"
    bad = leaf / "tests" / "test_bad.py"
    bad.write_text("def test_bad():\n    assert False\n")
    assert statuses(config)["leaf"] == "failed"
    assert statuses(config)["leaf"] == "failed"  # run again: the failure was not kept
    bad.unlink()
    statuses(config)
    cache = config.parent / ".wrknv" / "cache"
    for entry in cache.glob("*.json"):
        entry.write_text("{ damaged")
    capsys.readouterr()
    assert ran(config) == {"core", "kit", "leaf"}
    assert "damaged" in capsys.readouterr().err
    assert len(list(cache.glob("*.json"))) <= 50  # the bound of cache_size


def test_two_runs_at_once_share_the_cache(config: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    argv = [sys.executable, "-m", "workspace", "test-all", "--config", str(config), "--no-cache"]
    procs = [subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL) for _ in range(2)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    assert ran(config) == set()  # both kept the same passes; no entry is half written


def test_other_installed_packages_run_everything(config: Path) -> None:
    text = config.read_text()
    config.write_text(
        text.replace("cache_size = 50", 'cache_size = 50\nrequirements = ["pytest<9"]')
    )
    try:
        assert main(["setup", "--config", str(config)]) == 0
        assert ran(config) == {"core", "kit", "leaf"}
    finally:
        config.write_text(text)


def leaf_entry(config: Path) -> Path:
    """The file leaf's pass is kept in for its present inputs (no extra pytest arguments)."""
    inputs = suite_inputs(build(load(config)), ["leaf"], {"leaf": ()})["leaf"]
    return config.parent / ".wrknv" / "cache" / f"{inputs.key}.json"


def test_a_forged_entry_never_turns_a_failure_green(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Another suite's pass, or a kept failure, copied under a failing suite's key: the suite
    runs (and fails), one warning says so, and the file is gone."""
    statuses(config)
    kit_key = suite_inputs(build(load(config)), ["kit"], {"kit": ()})["kit"].key
    kit = config.parent / ".wrknv" / "cache" / f"{kit_key}.json"
    assert leaf_entry(config).is_file()  # the key computed here is the one test-all files under
    bad = config.parent.parent / "leaf" / "tests" / "test_bad.py"
    bad.write_text("def test_bad():\n    assert False\n")
    try:
        entry = leaf_entry(config)
        shutil.copyfile(kit, entry)
        capsys.readouterr()
        assert statuses(config)["leaf"] == "failed"
        err = capsys.readouterr().err
        assert err.count("warning: ") == 1, err
        assert f"{entry.name}: records the key" in err
        assert not entry.exists()
        failure = json.loads(kit.read_text())
        result = {**failure["result"], "name": "leaf", "status": "failed"}
        failure.update(key=entry.stem, name="leaf", result=result)
        entry.write_text(json.dumps(failure))
        assert statuses(config)["leaf"] == "failed"
        err = capsys.readouterr().err
        assert err.count("warning: ") == 1, err
        assert "records the status failed, not a pass" in err
        assert not entry.exists()
    finally:
        bad.unlink()


def whys(config: Path, *more: str) -> dict[str, str]:
    """Run test-all; each suite's ``why`` in the summary."""
    main(["test-all", "--config", str(config), *more])
    summary = config.parent / ".wrknv" / "runs" / "latest" / "summary.json"
    return {s["name"]: s["selected_because"] for s in json.loads(summary.read_text())["siblings"]}


def test_the_why_column_says_what_the_cache_did(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A hit names the run that kept it; a miss, the first input that changed since the last
    pass of its suite; in the summary and the table."""
    whys(config, "--no-cache")  # every pass kept anew, by this run
    run_id = (config.parent / ".wrknv" / "runs" / "latest").resolve().name
    hit = f"selected; cached: inputs unchanged since run {run_id}"
    assert whys(config) == dict.fromkeys(("core", "kit", "leaf"), hit)

    init = config.parent.parent / "core" / "src" / "core" / "__init__.py"
    init.write_text(init.read_text() + "W = 4\n")
    capsys.readouterr()
    said = whys(config)
    miss = "selected; changed since the last pass: core's src/core/__init__.py"
    assert said == {"core": miss, "kit": miss, "leaf": hit}
    assert miss in capsys.readouterr().out

    assert whys(config, "--", "-rN")["leaf"] == "selected; changed since the last pass: args"
    assert whys(config, "--no-cache") == dict.fromkeys(
        ("core", "kit", "leaf"), "selected; --no-cache"
    )
    # a reason selection gave stays as it is, cached or not
    assert whys(config, "--changed-since", "HEAD")["core"] == (
        "changed: 1 uncommitted or untracked path"
    )
