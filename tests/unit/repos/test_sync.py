"""bootstrap's safety: never writing outside the workspace's parent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import write_config
from workspace.model import config
from workspace.repos import sync


@pytest.mark.parametrize(
    ("link", "path", "refused"),
    [
        (None, "../a", False),
        (None, "../deep/er/a", False),
        ("inside", "../inside/a", False),  # a symlink that stays below the parent
        ("outside", "../outside/a", True),
        ("outside", "../outside/more/a", True),
    ],
)
def test_path_problem(tmp_path: Path, link: str | None, path: str, refused: bool) -> None:
    parent = tmp_path / "parent"
    root = parent / "ws"
    root.mkdir(parents=True)
    (parent / "real").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if link == "inside":
        (parent / "inside").symlink_to(parent / "real")
    elif link == "outside":
        (parent / "outside").symlink_to(elsewhere)
    write_config(
        root,
        f'[workspace]\nname = "w"\n[[siblings]]\nname = "a"\nrepo = "r"\npath = "{path}"\n',
    )
    ws = config.load(root / "wrknv.toml")
    problem = sync.path_problem(ws, ws.siblings[0])
    assert (problem is not None) is refused
    if refused:
        assert str(elsewhere.resolve()) in (problem or "")
