"""The selection flags: --only, --skip, --layer, --tag, --up-to, --above, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.model.samples import make_workspace
from workspace.errors import SelectionError
from workspace.model.graph import build
from workspace.model.selection import Selection


@pytest.mark.parametrize(
    ("selection", "expected"),
    [
        (Selection(), ["core", "testkit", "schema", "rpc", "cli"]),
        (Selection(only=("cli", "core")), ["core", "cli"]),
        (Selection(skip=("core",)), ["testkit", "schema", "rpc", "cli"]),
        (Selection(layers=("framework",)), ["schema", "rpc"]),
        (Selection(tags=("edge",)), ["cli"]),
        (Selection(up_to=("rpc",)), ["core", "testkit", "schema", "rpc"]),
        (Selection(above=("schema",)), ["schema", "rpc", "cli"]),
        (Selection(above=("testkit",)), ["core", "testkit", "schema", "rpc", "cli"]),
        (Selection(above=("schema",), layers=("tools",)), ["cli"]),
        (Selection(up_to=("rpc",), skip=("testkit",)), ["core", "schema", "rpc"]),
    ],
)
def test_selection(tmp_path: Path, selection: Selection, expected: list[str]) -> None:
    ws = make_workspace(tmp_path, configured={"cli": 'tags = ["edge"]\n'})
    assert [s.name for s in selection.apply(build(ws))] == expected


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        (Selection(only=("clj",)), "--only clj: no such name (hint: did you mean 'cli'?)"),
        (
            Selection(above=("scheme",)),
            "--above scheme: no such name (hint: did you mean 'schema'?)",
        ),
        (Selection(layers=("tool",)), "--layer tool: no such name (hint: did you mean 'tools'?)"),
        (Selection(tags=("zzz",)), "--tag zzz: no such name (hint: known: edge)"),
    ],
)
def test_unknown_selection_names_get_a_close_match(
    tmp_path: Path, selection: Selection, message: str
) -> None:
    ws = make_workspace(tmp_path, configured={"cli": 'tags = ["edge"]\n'})
    with pytest.raises(SelectionError) as info:
        selection.apply(build(ws))
    assert str(info.value) == message
