"""The field checkers: each bad config names its file, key and what was expected."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.builders import write_config
from workspace.errors import ConfigError
from workspace.model import config

BAD = Path(__file__).parents[2] / "data" / "bad_configs"


BAD_FILES = sorted(BAD.glob("*.toml"))


def _expected(file: Path, root: Path) -> str:
    line = next(x for x in file.read_text().splitlines() if x.startswith("# expect: "))
    return line[len("# expect: ") :].format(
        root=root, parent=root.parent, parent_parent=root.parent.parent
    )


@pytest.mark.parametrize("bad", BAD_FILES, ids=[f.stem for f in BAD_FILES])
def test_each_bad_config_names_file_key_and_expectation(
    bad: Path, workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace_root)
    shutil.copy(bad, workspace_root / "wrknv.toml")
    with pytest.raises(ConfigError) as info:
        config.load(workspace_root / "wrknv.toml")
    lines = str(info.value).splitlines()
    assert _expected(bad, workspace_root) in lines
    assert all(line.startswith("wrknv.toml: ") for line in lines)


def test_every_problem_of_a_file_is_reported_together(workspace_root: Path) -> None:
    cfg = write_config(
        workspace_root,
        """
        [workspace]
        name = "w"
        layers = ["base"]
        colour = "blue"

        [[siblings]]
        name = "a"
        repo = "file:///srv/a.git"
        layer = "top"

        [[siblings]]
        name = "b"
        repo = "-x"
        layer = "base"
        tags = "core"
        """,
    )
    with pytest.raises(ConfigError) as info:
        config.load(cfg)
    keys = [p.key for p in info.value.problems]
    assert keys == [
        "workspace.colour",
        "siblings[0].layer (a)",
        "siblings[1].repo (b)",
        "siblings[1].tags (b)",
    ]


def test_did_you_mean_never_offers_the_sibling_the_typo_is_in(workspace_root: Path) -> None:
    text = (
        '[workspace]\nname = "w"\n\n[[siblings]]\nname = "kit"\nrepo = "r"\n'
        'depends_on = ["kitt"]\n\n[[siblings]]\nname = "core"\nrepo = "r"\n'
    )
    with pytest.raises(ConfigError) as caught:
        config.load(write_config(workspace_root, text))
    (problem,) = caught.value.problems
    assert problem.message == "unknown sibling 'kitt'"
    assert problem.hint == "depends_on names other [[siblings]]"  # not "did you mean 'kit'?"
