"""A passing run is never lost: when the result cache or durations.json cannot be written,
test-all still exits 0, prints its table, writes summary.json and moves ``latest``, and says
once which file it could not write. Real setup, real pytest; the files are blocked by a file
where a folder must be, or a folder where a file must be (chmod stops no root)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.builders import Sibling, make_workspace
from workspace.cli import main

pytestmark = pytest.mark.slow

OK = {"tests/test_ok.py": "def test_ok():\n    assert True\n"}


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    siblings: dict[str, Sibling] = {"core": {"tests": OK}, "kit": {"tests": OK}}
    cfg = make_workspace(tmp_path_factory.mktemp("writes"), siblings, test={"xdist": False})
    assert main(["setup", "--config", str(cfg)]) == 0
    return cfg


def block_cache(state: Path) -> Path:
    """A file where the cache folder must be."""
    shutil.rmtree(state / "cache", ignore_errors=True)
    (state / "cache").write_text("not a folder\n")
    return state / "cache"


def block_durations(state: Path) -> Path:
    """A folder where durations.json must be (and no kept pass, so every suite runs)."""
    shutil.rmtree(state / "cache", ignore_errors=True)
    (state / "durations.json").unlink(missing_ok=True)
    (state / "durations.json").mkdir()
    return state / "durations.json"


@pytest.mark.parametrize(
    ("block", "said"),
    [(block_cache, "cannot keep the pass"), (block_durations, "cannot record the durations")],
)
def test_a_passing_run_survives_what_it_cannot_remember(
    config: Path,
    capsys: pytest.CaptureFixture[str],
    block: Callable[[Path], Path],
    said: str,
) -> None:
    state = config.parent / ".wrknv"
    assert main(["test-all", "--config", str(config), "--no-cache"]) == 0
    before = (state / "runs" / "latest").resolve()
    blocked = block(state)
    capsys.readouterr()
    try:
        assert main(["test-all", "--config", str(config)]) == 0
        out, err = capsys.readouterr()
    finally:
        if blocked.is_dir():
            blocked.rmdir()
        else:
            blocked.unlink()
    assert "core" in out
    assert "passed" in out  # the table
    latest = (state / "runs" / "latest").resolve()
    assert latest != before
    summary = json.loads((latest / "summary.json").read_text())
    assert {s["name"]: s["status"] for s in summary["siblings"]} == {
        "core": "passed",
        "kit": "passed",
    }
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1, err
    assert said in warnings[0]
    shown = str(blocked.relative_to(config.parent))
    assert shown in warnings[0] or str(blocked) in warnings[0], warnings[0]
    assert ".tmp" not in warnings[0]
