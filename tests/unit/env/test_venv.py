"""The venv on disk: pyvenv.cfg, the fingerprint of its inputs, the setup lock."""

from __future__ import annotations

import fcntl
from pathlib import Path

import pytest
from packaging.version import Version

from tests.unit.env.samples import plan_for
from workspace.env.interpreters import Interpreter
from workspace.env.venv import LOCK_NAME, fingerprint, read_pyvenv, setup_lock, venv_version
from workspace.model import config


def test_fingerprint_follows_every_input(ws_config: Path) -> None:
    plan = plan_for(ws_config)
    python = Interpreter(Path("/py/bin"), Version("3.11.7"))
    first = fingerprint(plan, python, "uv 0.1", {})
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", {}) == first
    assert fingerprint(plan, python, "uv 0.2", {}) != first
    assert fingerprint(plan, python, "uv 0.1", {"python": "3.12"}) != first
    other = Interpreter(Path("/py/bin"), Version("3.12.1"))
    assert fingerprint(plan, other, "uv 0.1", {}) != first
    kit = ws_config.parent.parent / "kit" / "pyproject.toml"
    kit.write_text(kit.read_text() + "\n")
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", {}) != first
    ws_config.write_text(ws_config.read_text() + "\n")
    (ws_config.parent / "wrknv.lock").write_text("version = 1\n")
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", {}) != first


def test_setup_lock_excludes_a_second_holder(ws_config: Path) -> None:
    ws = config.load(ws_config)
    lock_file = ws.state_dir / LOCK_NAME
    with setup_lock(ws), lock_file.open("a+") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with (ws.state_dir / LOCK_NAME).open("a+") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("home = /x\nversion_info = 3.11.7\n", "3.11.7"),
        ("home = /x\nversion = 3.9.18\n", "3.9.18"),
        ("home = /x\n", None),
        ("version_info = banana\n", None),
    ],
)
def test_venv_version_from_pyvenv_cfg(tmp_path: Path, text: str, version: str | None) -> None:
    (tmp_path / "pyvenv.cfg").write_text(text)
    assert venv_version(tmp_path) == (Version(version) if version else None)
    assert read_pyvenv(tmp_path).get("home") == ("/x" if "home" in text else None)


def test_venv_version_of_nothing(tmp_path: Path) -> None:
    assert read_pyvenv(tmp_path / "none") == {}
    assert venv_version(tmp_path / "none") is None
