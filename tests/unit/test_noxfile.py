"""The noxfile: every session is listed with a description, per-sibling sessions are tagged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SESSIONS = [
    "tests",
    "lint",
    "graph",
    "bootstrap",
    "status",
    "update",
    "lock",
    "setup",
    "validate",
    "test-all",
    "matrix",
    "report",
    "demo",
    "docs",
    "bench",
]


@pytest.fixture(scope="module")
def listing() -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-l", "-f", str(ROOT / "noxfile.py")],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return proc.stdout


@pytest.mark.parametrize("name", SESSIONS)
def test_every_session_is_listed_with_a_one_line_description(listing: str, name: str) -> None:
    lines = [x for x in listing.splitlines() if x[2:].split(" ")[0].split("-3.")[0] == name]
    assert lines, f"{name} not listed"
    description = lines[0].split(" -> ", 1)[1]
    assert description.endswith(")") or description.endswith(".")
    assert len(description) > 20


def test_each_python_sibling_has_a_test_session_tagged_with_layer_and_tags(listing: str) -> None:
    assert "test(provide-foundation) [foundation,core] -> " in listing
    assert "test(pyvider-cty) [framework,pyvider] -> " in listing
    assert "test(terraform-provider-pyvider) [tools,pyvider] -> " in listing


def test_a_broken_config_does_not_break_the_listing(tmp_path: Path) -> None:
    bad = tmp_path / "wrknv.toml"
    bad.write_text("[workspace\n")
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-l", "-f", str(ROOT / "noxfile.py")],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={**os.environ, "WRKNV_CONFIG": str(bad)},
    )
    assert proc.returncode == 0, proc.stderr
    assert "- graph -> " in proc.stdout
    assert "test(" not in proc.stdout
