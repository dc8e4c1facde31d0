"""wrknv.local.toml: rewrites and per-sibling overrides, and its own problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import write_config
from tests.unit.model.samples import GOOD
from workspace.errors import ConfigError
from workspace.model import config


def test_local_file_rewrites_urls_and_overrides_sibling_keys(workspace_root: Path) -> None:
    write_config(workspace_root, GOOD)
    write_config(
        workspace_root,
        """
        [rewrite]
        "https://github.com/example/" = "file:///srv/mirror/"

        [siblings.core]
        revision = "v0.3.0"
        """,
        name="wrknv.local.toml",
    )
    ws = config.load(workspace_root / "wrknv.toml")
    assert ws.sibling("core").repo == "file:///srv/mirror/core.git"
    assert ws.sibling("core").revision == "v0.3.0"
    assert ws.sibling("cli").repo == "https://gitlab.example/cli.git"


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (
            '[siblings.kore]\nrevision = "x"\n',
            "wrknv.local.toml: siblings.kore: no sibling of that name in the workspace "
            "(hint: did you mean 'core'?)",
        ),
        (
            '[siblings.core]\nrevison = "x"\n',
            "wrknv.local.toml: siblings.core.revison: unknown key (hint: did you mean 'revision'?)",
        ),
        (
            '[rewrite]\n"https://github.com/example/" = "ext::sh -c x"\n',
            "wrknv.local.toml: rewrite.'https://github.com/example/': expected a git URL or "
            "path, but the value uses the 'ext::' transport, which runs commands "
            "(hint: use an https://, ssh or file:// URL)",
        ),
        (
            "[mirrors]\n",
            "wrknv.local.toml: mirrors: unknown table "
            "(hint: allowed: [workspace], [rewrite], [siblings.NAME])",
        ),
    ],
)
def test_local_file_problems_name_the_local_file(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch, local: str, expected: str
) -> None:
    monkeypatch.chdir(workspace_root)
    write_config(workspace_root, GOOD)
    write_config(workspace_root, local, name="wrknv.local.toml")
    with pytest.raises(ConfigError) as info:
        config.load(workspace_root / "wrknv.toml")
    assert expected in str(info.value).splitlines()


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (
            '[siblings.cli]\nlayer = "nope"\n',
            "wrknv.local.toml: siblings.cli.layer: 'nope' is not a declared layer",
        ),
        (
            '[siblings.cli]\npath = ".wrknv/cli"\n',
            "wrknv.local.toml: siblings.cli.path: {root}/.wrknv/cli is inside the .wrknv folder "
            "{root}/.wrknv, which the tool rebuilds and deletes "
            "(hint: siblings live beside the workspace, e.g. '../<name>')",
        ),
        (
            '[siblings.cli]\ntags = ["a,b"]\n',
            "wrknv.local.toml: siblings.cli.tags: expected names without commas or surrounding "
            "spaces ('a,b' could never be selected: --tag and --layer split on commas), got "
            '[\'a,b\'] (hint: write each as its own list item, e.g. ["core", "fast"])',
        ),
        (
            '[workspace]\npython = ">=3.13"\npythons = ["3.12"]\n',
            "wrknv.local.toml: workspace.pythons: 3.12 is outside python >=3.13 (hint: drop it)",
        ),
        (
            '[rewrite]\n"https://gitlab.example/" = "ext"\n',
            "wrknv.local.toml: siblings[1].repo (cli): after rewriting, 'ext::sh' uses the "
            "'ext::' transport, which runs commands (hint: check the [rewrite] rules in "
            "wrknv.local.toml)",
        ),
        (
            '[siblings.cli]\npath = "../core/cli"\n',
            "wrknv.local.toml: siblings.cli.path: {parent}/core/cli overlaps the path of "
            "siblings[0] (core) (hint: give each sibling its own directory)",
        ),
        (
            '[siblings.cli]\ndepends_on = ["kore"]\n',
            "wrknv.local.toml: siblings.cli.depends_on: unknown sibling 'kore' (hint: did you "
            "mean 'core'?)",
        ),
    ],
    ids=["layer", "path", "tags", "pythons", "rewrite", "overlap", "depends_on"],
)
def test_overlay_problems_are_named_against_the_local_file(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch, local: str, expected: str
) -> None:
    """What wrknv.local.toml gave is wrong there, not in wrknv.toml (which is fine alone)."""
    monkeypatch.chdir(workspace_root)
    good = GOOD.replace("https://gitlab.example/cli.git", "https://gitlab.example/::sh")
    config.load(write_config(workspace_root, good))
    write_config(workspace_root, local, name="wrknv.local.toml")
    with pytest.raises(ConfigError) as info:
        config.load(workspace_root / "wrknv.toml")
    shown = expected.format(root=workspace_root, parent=workspace_root.parent)
    assert str(info.value).splitlines() == [shown]
