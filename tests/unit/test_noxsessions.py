"""The sessions any noxfile imports: which config they read, and nox listing them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import write_config
from workspace.noxsessions import config_in, named_workspace, siblings_with_tests, split_config

REPO = Path(__file__).resolve().parents[2]
CONFIG = '[workspace]\nname = "w"\n[[siblings]]\nname = "{0}"\nrepo = "r"\n'


@pytest.mark.parametrize(
    ("args", "config", "rest"),
    [
        (["-k", "x"], None, ["-k", "x"]),
        (["--config", "a/wrknv.toml", "-x"], "a/wrknv.toml", ["-x"]),
        (["-x", "--config=b"], "b", ["-x"]),
        (["--config"], None, []),
    ],
)
def test_split_config(args: list[str], config: str | None, rest: list[str]) -> None:
    assert split_config(args) == (config, rest)


def test_config_in_reads_only_what_follows_the_double_dash(tmp_path: Path) -> None:
    assert config_in(["nox", "-s", "setup", "--config", "x"], tmp_path) is None
    assert config_in(["nox", "--", "--config", "ws"], tmp_path) == tmp_path / "ws"


def test_siblings_come_from_config_then_environment_then_the_start_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / name).mkdir()
        write_config(tmp_path / name, CONFIG.format(f"sib-{name}"))
    monkeypatch.setenv("PWD", str(tmp_path / "c"))
    monkeypatch.setenv("WRKNV_CONFIG", str(tmp_path / "b"))
    named = siblings_with_tests(named_workspace(["nox", "--", "--config", str(tmp_path / "a")]))
    assert [s.name for s in named] == ["sib-a"]
    assert [s.name for s in siblings_with_tests(named_workspace(["nox"]))] == ["sib-b"]
    monkeypatch.delenv("WRKNV_CONFIG")
    assert [s.name for s in siblings_with_tests(named_workspace(["nox"]))] == ["sib-c"]
    (tmp_path / "c" / "wrknv.toml").write_text("not toml [", encoding="utf-8")
    assert (
        siblings_with_tests(named_workspace(["nox"])) == []
    )  # nox -l still works; sessions report it


def test_the_config_is_read_once_at_import(tmp_path: Path) -> None:
    """The sibling list and the Pythons come from one reading of the config."""
    write_config(tmp_path, CONFIG.format("sib"))
    code = (
        "import workspace.model.config as c\n"
        "calls = []\n"
        "real = c.load\n"
        "c.load = lambda *a, **k: calls.append(1) or real(*a, **k)\n"
        "import workspace.noxsessions as n\n"
        "print(len(calls), [s.name for s in n.SIBLINGS])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "PWD": str(tmp_path)}
    env.pop("WRKNV_CONFIG", None)
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.stdout == "1 ['sib']\n", proc.stderr


def _nox_list(tmp_path: Path) -> str:
    (tmp_path / "noxfile.py").write_text("import workspace.noxsessions  # noqa: F401\n")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PWD": str(tmp_path)}
    env.pop("WRKNV_CONFIG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "nox", "-l", "--", "--config", "ws"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_noxfile_of_two_lines_lists_every_session_of_the_named_config(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    write_config(tmp_path / "ws", CONFIG.format("core"))
    listed = _nox_list(tmp_path)
    for session in ("bootstrap", "setup", "validate", "test(core)", "test-all", "matrix"):
        assert f"- {session} -> " in listed or f"* {session} -> " in listed


def test_several_pythons_name_each_session_as_nox_does(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    text = CONFIG.format("core").replace("[workspace]", '[workspace]\npythons = ["3.11", "3.12"]')
    write_config(tmp_path / "ws", text)
    listed = _nox_list(tmp_path)
    assert "* test-3.11(core) -> Run one sibling's tests on Python 3.11" in listed
    assert "* test-3.12(core) -> Run one sibling's tests on Python 3.12" in listed
    # the plain session stays, in the shared venv: what a CI matrix entry names
    assert "* test(core) -> Run one sibling's tests in the shared venv" in listed


def test_one_python_keeps_the_plain_session_name(tmp_path: Path) -> None:
    (tmp_path / "ws").mkdir()
    text = CONFIG.format("core").replace("[workspace]", '[workspace]\npythons = ["3.12"]')
    write_config(tmp_path / "ws", text)
    listed = _nox_list(tmp_path)
    assert "* test(core) -> Run one sibling's tests on Python 3.12" in listed
    assert "test-3.12" not in listed
