"""Sample workspaces the model tests share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.builders import make_package, write_config
from workspace.model import config

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
    siblings: Sequence[tuple[str, str, Mapping[str, object]]] = SIBLINGS,
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


# A config that uses every key of wrknv.toml.
GOOD = """
[workspace]
name = "demo"
description = "a demo"
python = ">=3.9"
url_base = "https://github.com/example"
layers = ["foundation", "tools"]

[workspace.test]
args = ["-q"]
timeout = 300

[[siblings]]
name = "core"
layer = "foundation"
tags = ["base"]
extras = ["fast"]

[[siblings]]
name = "cli"
layer = "tools"
repo = "https://gitlab.example/cli.git"
path = "../apps/cli"
revision = "v1.2"
depends_on = ["core"]
dependency_groups = ["dev"]
test = { args = ["-x"], xdist = false }

[[siblings]]
name = "docs"
layer = "tools"
repo = "../mirror/docs"
python_package = false
"""
