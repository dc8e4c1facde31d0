"""Fixtures the env tests share: a sample workspace of four packages."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import env_workspace


@pytest.fixture
def ws_config(tmp_path: Path) -> Path:
    return env_workspace(tmp_path)
