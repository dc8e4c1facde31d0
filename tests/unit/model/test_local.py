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
