"""The selection flags: --only, --skip, --layer, --tag, --up-to, --above, and their errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import make_package, write_config
from workspace.errors import SelectionError
from workspace.model import config
from workspace.model.graph import build
from workspace.model.selection import Selection

# name, layer, pyproject keywords. Covers: plain runtime deps, a differently spelled name,
# a URL requirement, an extra activated by configuration and one requested by another
# sibling, a dependency group with include-group, and a dev-group cycle (core <-> testkit).
SIBLINGS: list[tuple[str, str, dict[str, object]]] = [
    ("core", "foundation", {"groups": {"dev": ["testkit>=0.1", "pytest"]}}),
    ("testkit", "foundation", {"dependencies": ["Core>=0.1"]}),
    (
        "schema",
        "framework",
        {
            "dependencies": ["core @ git+https://github.com/example/core.git"],
            "optional": {"fast": ["testkit"], "unused": ["cli"]},
            "groups": {"test": [{"include-group": "lint"}], "lint": ["testkit"]},
        },
    ),
    ("rpc", "framework", {"dependencies": ["core", "schema[fast]"]}),
    ("cli", "tools", {"dependencies": ["rpc", "core[fast]"], "optional": {"x": ["schema"]}}),
]


def make_workspace(
    base: Path,
    siblings: list[tuple[str, str, dict[str, object]]] = SIBLINGS,
    *,
    extra: str = "",
    configured: dict[str, str] | None = None,
) -> config.Workspace:
    root = base / "ws"
    root.mkdir(parents=True, exist_ok=True)
    entries = []
    for name, layer, kwargs in siblings:
        make_package(base / name, name, **kwargs)  # type: ignore[arg-type]
        entries.append(
            f'[[siblings]]\nname = "{name}"\nlayer = "{layer}"\nrepo = "file:///srv/{name}.git"\n'
            + (configured or {}).get(name, "")
        )
    text = (
        '[workspace]\nname = "t"\nlayers = ["foundation", "framework", "tools"]\n'
        + extra
        + "\n"
        + "\n".join(entries)
    )
    return config.load(write_config(root, text))


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
