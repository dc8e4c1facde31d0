"""Fixtures the repos tests share: one bare remote with branches, a tag and commits."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.builders import bare_clone, commit_all, git, init_repo


@pytest.fixture(scope="module")
def remote(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A bare remote with main (2 commits), a branch 'dev' and a tag 'v1' on the first commit."""
    base = tmp_path_factory.mktemp("remote")
    env = {
        "GIT_CONFIG_GLOBAL": str(base / "gitconfig"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "T",
        "GIT_AUTHOR_EMAIL": "t@x.invalid",
        "GIT_COMMITTER_NAME": "T",
        "GIT_COMMITTER_EMAIL": "t@x.invalid",
    }
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        src = base / "src"
        first = init_repo(src, {"a.txt": "a\n"})
        git(src, "tag", "v1")
        git(src, "checkout", "-q", "-b", "dev")
        (src / "dev.txt").write_text("dev\n")
        dev = commit_all(src, "dev")
        git(src, "checkout", "-q", "main")
        (src / "b.txt").write_text("b\n")
        second = commit_all(src, "second")
        bare = bare_clone(src, base / "remote.git")
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return bare, {"first": first, "second": second, "dev": dev}
