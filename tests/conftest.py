"""Fixtures shared by every test: git that never reads the developer's config."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _isolated_git(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Git in tests sees a fixed identity and no global or system config."""
    home = tmp_path_factory.getbasetemp() / "git-home"
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / "gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "test@example.invalid")
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
