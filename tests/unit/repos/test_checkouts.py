"""bootstrap's safety: never writing outside the workspace's parent."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import init_repo, write_config
from workspace.model import config
from workspace.repos import checkouts


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
    problem = checkouts.path_problem(ws, ws.siblings[0])
    assert (problem is not None) is refused
    if refused:
        assert str(elsewhere.resolve()) in (problem or "")


def test_a_link_that_cannot_be_made_fails_that_sibling_only(tmp_path: Path) -> None:
    """bootstrap --link-from: an OS error is the sibling's result, not a traceback."""
    root = tmp_path / "ws"
    root.mkdir()
    (tmp_path / "blocker").write_text("a file where a directory should be\n")
    clones = tmp_path / "clones"
    for name in ("alpha", "beta"):
        init_repo(clones / name)
    cfg = write_config(
        root,
        '[workspace]\nname = "w"\n[[siblings]]\nname = "alpha"\nrepo = "r"\n'
        'path = "../blocker/alpha"\n[[siblings]]\nname = "beta"\nrepo = "r"\n',
    )
    ws = config.load(cfg)
    options = checkouts.BootstrapOptions(link_from=clones)
    alpha, beta = checkouts.bootstrap(ws, ws.siblings, options=options)
    assert alpha.status is checkouts.CheckoutStatus.FAILED
    assert alpha.message.startswith(f"cannot link {tmp_path / 'blocker' / 'alpha'} -> ")
    assert beta.status is checkouts.CheckoutStatus.LINKED
