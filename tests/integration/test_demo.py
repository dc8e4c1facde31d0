"""The bundled demo end to end: real git remotes, real uv, real pytest in every demo sibling."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.builders import git
from workspace import demo
from workspace.cli import main
from workspace.errors import ExitCode

pytestmark = pytest.mark.slow


def _summary(layout: demo.Layout) -> dict[str, Any]:
    latest = layout.workspace / ".wrknv" / "runs" / "latest" / "summary.json"
    data: dict[str, Any] = json.loads(latest.read_text(encoding="utf-8"))
    return data


def test_demo_runs_everything_then_reuses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    layout = demo.Layout(tmp_path / "demo")
    names = [s.name for s in demo.load_example().siblings]

    assert main(["demo", "--dir", str(layout.dir)]) == ExitCode.OK
    out = capsys.readouterr().out
    for i, step in enumerate(demo.STEPS, 1):
        assert f"demo: step {i}/4 {step}: ok" in out
    assert "demo: all 4 steps passed" in out
    assert "deps                   every import of 6 siblings is declared" in out

    summary = _summary(layout)
    assert sorted(s["name"] for s in summary["siblings"]) == sorted(names)
    assert {s["status"] for s in summary["siblings"]} == {"passed"}
    assert all(s["tests"]["passed"] > 0 for s in summary["siblings"])
    first_run = summary["run_id"]

    # Each checkout is a clone of its local remote, at the remote's only commit.
    heads = {}
    for name in names:
        checkout = layout.dir / name
        assert git(checkout, "remote", "get-url", "origin") == layout.remote(name).as_uri()
        heads[name] = git(checkout, "rev-parse", "HEAD")
        assert heads[name] == git(layout.remote(name), "rev-parse", "HEAD")
    venv_cfg = layout.workspace / ".venv" / "pyvenv.cfg"
    venv_stamp = venv_cfg.stat().st_mtime_ns

    # The rerun reuses remotes, checkouts and venv; no input changed, so every suite is cached.
    assert main(["demo", "--dir", str(layout.dir)]) == ExitCode.OK
    out = capsys.readouterr().out
    assert "reusing demo directory" in out
    assert f"{len(names)} unchanged" in out
    assert "wrknv.toml (unchanged)" in out
    assert "demo: all 4 steps passed" in out
    assert venv_cfg.stat().st_mtime_ns == venv_stamp
    for name in names:
        assert git(layout.dir / name, "rev-parse", "HEAD") == heads[name]
        assert git(layout.remote(name), "rev-list", "--count", "HEAD") == "1"
    summary = _summary(layout)
    assert summary["run_id"] != first_run
    assert {s["status"] for s in summary["siblings"]} == {"cached"}
