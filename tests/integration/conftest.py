"""Fixtures the integration tests share: the remotes, a git daemon serving them, one test venv."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.netsim import GitDaemon
from tests.builders import Siblings
from tests.integration.gitrepos import remote_siblings
from tests.integration.suites import make_venv


@pytest.fixture
def remotes(tmp_path: Path) -> Siblings:
    return remote_siblings(tmp_path)


@pytest.fixture
def daemon(remotes: Siblings) -> Iterator[GitDaemon]:
    with GitDaemon(remotes.remote_dir) as d:
        yield d


@pytest.fixture(scope="session")
def test_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_venv(tmp_path_factory.mktemp("venv") / "venv")
