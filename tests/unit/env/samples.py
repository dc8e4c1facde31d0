"""The install plan of a sample workspace, and a fingerprint, for the env tests."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from packaging.version import Version

from workspace.env.plan import InstallPlan, make_plan
from workspace.env.venv import Fingerprint, Flags
from workspace.model import config
from workspace.model.graph import build


def plan_for(cfg: Path) -> InstallPlan:
    ws = config.load(cfg)
    graph = build(ws)
    return make_plan(graph, [ws.sibling(n) for n in graph.order()])


def stamp(**changes: Any) -> Fingerprint:
    """A fingerprint as setup writes it, with ``changes``."""
    made = Fingerprint(
        "ab" * 32,
        Path("/py/bin"),
        Version("3.11.7"),
        "uv 0.8.0",
        ("core", "kit"),
        Flags(),
        "2025-01-02T03:04:05+0000",
    )
    return replace(made, **changes)
