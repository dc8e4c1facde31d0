"""The import scanner: absolute imports with their lines, optional ones told apart."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workspace.env.imports import Import, Kind, imports_of

SOURCE = textwrap.dedent(
    """\
    import os, json as j
    from . import sibling
    from .local import thing
    from yaml import safe_load
    from typing import TYPE_CHECKING
    if TYPE_CHECKING:
        import attrs
    else:
        import cattrs
    if typing.TYPE_CHECKING:
        from rich.console import Console
    try:
        import ujson
    except (ModuleNotFoundError, OSError):
        ujson = None
        import fallback
    else:
        import after_try
    finally:
        import cleanup
    try:
        import must
    except ValueError:
        pass
    def lazy():
        import requests
        class Inner:
            import inner_mod
    match x:
        case 1:
            import in_case
    """
)


def test_imports_with_lines_and_kinds(tmp_path: Path) -> None:
    path = tmp_path / "mod.py"
    path.write_text(SOURCE)
    R, T, G = Kind.REQUIRED, Kind.TYPE_CHECKING, Kind.GUARDED
    assert imports_of(path) == [
        Import("os", 1, R),
        Import("json", 1, R),
        Import("yaml", 4, R),
        Import("typing", 5, R),
        Import("attrs", 7, T),
        Import("cattrs", 9, R),
        Import("rich.console", 11, T),
        Import("ujson", 13, G),
        Import("fallback", 16, R),
        Import("after_try", 18, R),
        Import("cleanup", 20, R),
        Import("must", 22, R),
        Import("requests", 26, R),
        Import("inner_mod", 28, R),
        Import("in_case", 31, R),
    ]


def test_a_bare_except_guards_too(tmp_path: Path) -> None:
    path = tmp_path / "mod.py"
    path.write_text("try:\n    import tomllib\nexcept:\n    tomllib = None\n")
    assert imports_of(path) == [Import("tomllib", 2, Kind.GUARDED)]


def test_a_file_that_is_not_python_raises(tmp_path: Path) -> None:
    path = tmp_path / "bad.py"
    path.write_text("def broken(:\n")
    with pytest.raises(SyntaxError):
        imports_of(path)
