"""The dependency graph: edges by category, the layer rule, cycles, the order, JSON and Mermaid."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.unit.model.samples import SIBLINGS, make_workspace
from workspace.errors import GraphError
from workspace.model import config
from workspace.model.graph import Category, Edge, build


def edges_of(ws: config.Workspace) -> set[tuple[str, str, str]]:
    return {(e.source, e.target, e.category.value) for e in build(ws).edges}


def test_edges_are_inferred_by_category(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    assert edges_of(ws) == {
        ("core", "testkit", "dev"),
        ("testkit", "core", "runtime"),
        ("rpc", "core", "runtime"),
        ("rpc", "schema", "runtime"),
        ("cli", "rpc", "runtime"),
        ("cli", "core", "runtime"),
        ("schema", "core", "runtime"),  # a git URL requirement still names the sibling
        ("schema", "testkit", "runtime"),  # extra [fast] is activated by rpc's schema[fast]
        ("schema", "testkit", "dev"),  # through include-group
    }


def test_configured_extras_and_depends_on_add_runtime_edges(tmp_path: Path) -> None:
    ws = make_workspace(
        tmp_path,
        configured={"cli": 'extras = ["x"]\n', "schema": 'depends_on = ["testkit"]\n'},
    )
    edges = edges_of(ws)
    assert ("cli", "schema", "runtime") in edges
    assert ("schema", "testkit", "runtime") in edges
    assert ("schema", "cli", "runtime") not in edges  # extra "unused" is never installed
    graph = build(ws)
    assert graph.extras["schema"] == frozenset({"fast"})
    assert graph.extras["core"] == frozenset({"fast"})


def test_dev_group_cycle_does_not_break_the_order(tmp_path: Path) -> None:
    graph = build(make_workspace(tmp_path))
    assert ("core", "testkit", Category.DEV) in {
        (e.source, e.target, e.category) for e in graph.edges
    }
    graph.check()
    assert graph.generations() == [["core"], ["testkit"], ["schema"], ["rpc"], ["cli"]]


def test_order_does_not_depend_on_file_order(tmp_path: Path) -> None:
    wide: list[tuple[str, str, Mapping[str, object]]] = [
        *SIBLINGS,
        ("alpha", "tools", {"dependencies": ["core"]}),
        ("beta", "framework", {}),
        ("gamma", "foundation", {}),
        ("delta", "tools", {"dependencies": ["beta", "alpha"]}),
    ]
    expected = build(make_workspace(tmp_path / "a", wide)).generations()
    rng = random.Random(7)
    for i in range(5):
        shuffled = wide[:]
        rng.shuffle(shuffled)
        assert build(make_workspace(tmp_path / f"s{i}", shuffled)).generations() == expected
    assert expected == [
        ["core", "gamma"],
        ["testkit"],
        ["beta", "schema"],
        ["rpc"],
        ["alpha", "cli"],
        ["delta"],
    ]


def test_upward_layer_edge_names_both_siblings_and_layers(tmp_path: Path) -> None:
    bad = [(name, layer, dict(kw)) for name, layer, kw in SIBLINGS]
    bad[0][2]["dependencies"] = ["rpc"]  # core (foundation) needs rpc (framework)
    graph = build(make_workspace(tmp_path, bad))
    assert graph.layer_violations() == [
        "core (layer foundation) depends on rpc (layer framework), a higher layer, "
        "via project.dependencies"
    ]
    with pytest.raises(GraphError, match="layer rule broken: core \\(layer foundation\\)"):
        graph.check()
    ws = graph.workspace
    by_layer = [sorted(s.name for s in ws.siblings if s.layer == layer) for layer in ws.layers]
    assert graph.order(lenient=True) == [n for names in by_layer for n in names]


def test_runtime_cycle_prints_the_cycle(tmp_path: Path) -> None:
    cyc = [
        ("a", "foundation", {"dependencies": ["b"]}),
        ("b", "foundation", {"dependencies": ["c"]}),
        ("c", "foundation", {"dependencies": ["a"]}),
        ("d", "foundation", {"dependencies": ["a"]}),
    ]
    graph = build(make_workspace(tmp_path, cyc))
    with pytest.raises(GraphError) as info:
        graph.order()
    assert "runtime dependency cycle: a -> b -> c -> a" in str(info.value)
    assert "dependency-groups" in (info.value.hint or "")
    # validate reports the cycle itself, and still selects every sibling in declared order
    assert graph.order(lenient=True) == ["a", "b", "c", "d"]


def test_missing_siblings_keep_only_configured_edges(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, configured={"cli": 'depends_on = ["rpc"]\n'})
    shutil.rmtree(tmp_path / "cli")
    graph = build(ws)
    assert "cli" not in graph.projects
    assert {(e.target, e.via) for e in graph.edges if e.source == "cli"} == {("rpc", "depends_on")}


def test_a_non_python_sibling_has_no_inferred_edges(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, configured={"cli": "python_package = false\n"})
    assert not any(e.source == "cli" for e in build(ws).edges)


def test_json_and_mermaid_describe_the_same_graph(tmp_path: Path) -> None:
    graph = build(make_workspace(tmp_path))
    data = json.loads(graph.to_json())
    assert data["order"] == ["core", "testkit", "schema", "rpc", "cli"]
    assert {"source": "core", "target": "testkit", "category": "dev"}.items() <= next(
        e for e in data["edges"] if e["source"] == "core"
    ).items()
    mermaid = graph.to_mermaid().splitlines()
    assert mermaid[0] == "flowchart BT"
    assert "    subgraph foundation" in mermaid
    assert '        n0["core"]' in mermaid
    assert "    n0 -.-> n1" in mermaid  # core -dev-> testkit, dotted
    assert "    n1 --> n0" in mermaid  # testkit -runtime-> core, solid


def test_edge_is_data() -> None:
    edge = Edge("a", "b", Category.RUNTIME, "depends_on")
    assert edge == Edge("a", "b", Category.RUNTIME, "depends_on")
    assert edge.requirement is None
