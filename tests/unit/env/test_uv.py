"""Finding uv: the uv package's binary before PATH, and a clear error without either."""

from __future__ import annotations

import shutil
import sys
import types

import pytest

from workspace.env.uv import find_uv
from workspace.errors import EnvError


def test_uv_of_the_uv_package_comes_before_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in nox: the uv installed with nox[uv], then PATH (where a pyenv shim may come first)."""
    monkeypatch.setattr(shutil, "which", lambda _name: "/on/path/uv")
    monkeypatch.setitem(sys.modules, "uv", types.SimpleNamespace(find_uv_bin=lambda: "/pkg/uv"))
    assert find_uv() == "/pkg/uv"
    monkeypatch.setitem(sys.modules, "uv", None)  # no uv package: PATH
    assert find_uv() == "/on/path/uv"


def test_missing_uv_is_an_error_with_a_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    monkeypatch.setitem(sys.modules, "uv", None)
    with pytest.raises(EnvError) as info:
        find_uv()
    assert "uv is not installed" in info.value.message
    assert "nox[uv]" in (info.value.hint or "")
