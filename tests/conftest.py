"""Fixtures shared by every test: git that never reads the developer's config."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _isolated_git(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Git in tests, and in fixtures of every scope, sees a fixed identity and no global or
    system config."""
    home = tmp_path_factory.getbasetemp() / "git-home"
    home.mkdir(exist_ok=True)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
        mp.setenv("GIT_CONFIG_NOSYSTEM", "1")
        for role in ("AUTHOR", "COMMITTER"):
            mp.setenv(f"GIT_{role}_NAME", "Test")
            mp.setenv(f"GIT_{role}_EMAIL", "test@example.invalid")
        yield


@pytest.fixture(autouse=True)
def _no_outer_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """No config path or CI setting of the shell that runs the tests reaches them."""
    monkeypatch.delenv("WRKNV_CONFIG", raising=False)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    # Under GitHub Actions every test-all and report in the suite would append its page to
    # the real job summary of the project's own test job.
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)


@pytest.fixture
def workspace_root(tmp_path: Path) -> Path:
    """A workspace directory whose siblings live beside it, in tmp_path."""
    root = tmp_path / "ws"
    root.mkdir()
    return root
