"""Sibling repositories for the integration tests of bootstrap, update, lock and status: source
repositories to commit in, their bare copies as remotes, and the config that names them."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from tests.builders import Sibling, Siblings, make_siblings, write_config, wrknv_toml
from workspace.cli import main
from workspace.repos import clone

NAMES = ("alpha", "beta", "gamma")


def remote_siblings(base: Path, names: tuple[str, ...] = NAMES) -> Siblings:
    """Siblings of one README each, with remotes in base/srv and no checkout yet."""
    readme: dict[str, Sibling] = {
        n: {"package": False, "files": {"README.md": f"{n}\n"}, "remote": True, "present": False}
        for n in names
    }
    return make_siblings(base, readme)


def config_text(
    repos: Mapping[str, str], extra: Mapping[str, Mapping[str, object]] | None = None
) -> str:
    """A wrknv.toml naming each sibling by its repo URL, with ``extra`` keys in its entry."""
    extra = extra or {}
    return wrknv_toml({n: {"repo": url, "entry": extra.get(n, {})} for n, url in repos.items()})


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def temp_dirs(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if clone.TMP_MARK in p.name]


def make_ws(
    root: Path, remotes: Siblings, extra: Mapping[str, Mapping[str, object]] | None = None
) -> Path:
    return write_config(root, config_text({n: remotes.url(n) for n in NAMES}, extra))
