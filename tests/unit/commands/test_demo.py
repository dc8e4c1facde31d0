"""The demo verb end to end with a fake step runner: real remotes and config, no uv."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import Recorder, git
from workspace import cli, demo
from workspace.cli import main
from workspace.demo import Layout
from workspace.errors import ExitCode
from workspace.model import config


def test_demo_verb_prints_each_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The command end to end with a fake step runner: real remotes and config, no uv."""
    import workspace.commands.demo as command

    runner = Recorder({"validate": 1})
    monkeypatch.setattr(cli, "main", runner)  # what the CLI hands the demo to run a step
    monkeypatch.setattr(command, "find_commands", lambda: dict.fromkeys(demo.STEPS))
    code = main(["demo", "--dir", str(tmp_path / "d")])
    out = capsys.readouterr().out
    assert code == 1
    assert "6 created" in out
    assert "step 2/4 setup: ok" in out
    assert "step 3/4 validate: failed" in out
    assert "step 4/4 test-all: not run" in out
    assert "stopped at validate" in out
    assert len(runner.calls) == 3

    runner.codes = {}
    assert main(["demo", "--dir", str(tmp_path / "d")]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "reusing demo directory" in out
    assert "6 unchanged" in out
    assert "wrknv.toml (unchanged)" in out
    assert "all 4 steps passed" in out


def test_demo_verb_reports_missing_verbs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import workspace.commands.demo as command

    monkeypatch.setattr(command, "find_commands", lambda: {"graph": None})
    assert main(["demo", "--dir", str(tmp_path / "d")]) == ExitCode.USAGE
    assert "the demo needs the verbs bootstrap, setup" in capsys.readouterr().err
    assert not (tmp_path / "d").exists()


def test_prepare_only_writes_config_and_remotes_and_runs_no_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import workspace.commands.demo as command

    runner = Recorder()
    monkeypatch.setattr(cli, "main", runner)  # what the CLI hands the demo to run a step
    layout = Layout(tmp_path / "d")
    assert main(["demo", "--prepare-only", "--dir", str(layout.dir)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert runner.calls == []
    assert "demo step" not in out
    assert "no step run" in out
    # The config's path, alone on the last line, for `tail -n 1`.
    assert out.splitlines()[-1] == str(layout.config_file)
    ws = config.load(layout.config_file)
    names = [s.name for s in demo.load_example().siblings]
    assert [s.name for s in ws.siblings] == names
    for sib in ws.siblings:
        assert sib.repo == layout.remote(sib.name).resolve().as_uri()
        assert git(layout.remote(sib.name), "rev-list", "--count", "HEAD") == "1"
        assert not sib.path.exists()  # nothing bootstrapped
    assert not (layout.workspace / ".venv").exists()  # nothing set up

    # A rerun reuses what is there, and a full run afterwards goes on from it.
    assert main(["demo", "--prepare-only", "--dir", str(layout.dir)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "reusing demo directory" in out
    assert f"{len(names)} unchanged" in out
    assert runner.calls == []
    monkeypatch.setattr(command, "find_commands", lambda: dict.fromkeys(demo.STEPS))
    assert main(["demo", "--dir", str(layout.dir)]) == ExitCode.OK
    assert "wrknv.toml (unchanged)" in capsys.readouterr().out
    assert [c[0] for c in runner.calls] == list(demo.STEPS)


def test_prepare_only_refuses_a_foreign_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.txt").write_text("keep\n", encoding="utf-8")
    assert main(["demo", "--prepare-only", "--dir", str(target)]) == ExitCode.USAGE
    assert "not empty, and not made by the demo" in capsys.readouterr().err
    assert sorted(p.name for p in target.iterdir()) == ["notes.txt"]
