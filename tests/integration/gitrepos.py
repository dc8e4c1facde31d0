"""Sibling repositories for the integration tests of bootstrap, update, lock and status: source
repositories to commit in, their bare copies as remotes, and the config that names them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.builders import bare_clone, commit_all, git, init_repo, write_config
from workspace.cli import main
from workspace.repos import clone

NAMES = ("alpha", "beta", "gamma")


class Remotes:
    """Source repositories (to make new commits in) and their bare copies (the remotes)."""

    def __init__(self, base: Path, names: tuple[str, ...] = NAMES) -> None:
        self.base = base
        self.commits: dict[str, str] = {}
        for name in names:
            src = base / "src" / name
            self.commits[name] = init_repo(src, {"README.md": f"{name}\n"})
            bare_clone(src, base / "remotes" / f"{name}.git")

    def bare(self, name: str) -> Path:
        return self.base / "remotes" / f"{name}.git"

    def url(self, name: str) -> str:
        return self.bare(name).as_uri()

    def push_commit(self, name: str, file: str = "new.txt") -> str:
        """A new commit on the remote's main branch."""
        src = self.base / "src" / name
        (src / file).write_text(f"{file} {time.monotonic_ns()}\n")
        sha = commit_all(src, f"add {file}")
        git(src, "push", "-q", str(self.bare(name)), "main")
        self.commits[name] = sha
        return sha


def config_text(siblings: dict[str, str], extra: dict[str, str] | None = None) -> str:
    lines = ['[workspace]\nname = "ws"\n']
    for name, repo in siblings.items():
        lines.append(f'[[siblings]]\nname = "{name}"\nrepo = "{repo}"\n')
        if extra and name in extra:
            lines.append(extra[name] + "\n")
    return "\n".join(lines)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out + err


def temp_dirs(parent: Path) -> list[Path]:
    return [p for p in parent.iterdir() if clone.TMP_MARK in p.name]


def make_ws(root: Path, remotes: Remotes, extra: dict[str, str] | None = None) -> Path:
    return write_config(root, config_text({n: remotes.url(n) for n in NAMES}, extra))
