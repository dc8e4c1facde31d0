"""The entry add writes (repos/entries.py); init's whole plan is in tests/integration."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.unit.model.samples import SIBLINGS, make_workspace
from workspace.cli import main
from workspace.errors import ExitCode, WorkspaceError
from workspace.repos.entries import entry_for


@pytest.mark.parametrize("target", ["~0", "~no_such_user_here/x", "-u"])
def test_a_target_that_is_neither_a_checkout_nor_a_url_is_one_error(
    tmp_path: Path, target: str
) -> None:
    """Found by generated arguments: ``add ~0`` made expanduser raise RuntimeError (exit 70)."""
    ws = make_workspace(tmp_path, SIBLINGS)
    with pytest.raises(WorkspaceError, match="is neither a directory nor a repository URL"):
        entry_for(target, ws)
    assert main(["add", target, "--config", str(ws.config_file)]) == ExitCode.USAGE


def test_a_url_gives_its_last_part_as_the_name(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path, SIBLINGS)
    assert entry_for("https://example.invalid/org/tool.git", ws).name == "tool"
