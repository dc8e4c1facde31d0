"""The install plan of a sample workspace, for the env tests."""

from __future__ import annotations

from pathlib import Path

from workspace.env.plan import InstallPlan, make_plan
from workspace.model import config
from workspace.model.graph import build


def plan_for(cfg: Path) -> InstallPlan:
    ws = config.load(cfg)
    graph = build(ws)
    return make_plan(graph, [ws.sibling(n) for n in graph.order()])
