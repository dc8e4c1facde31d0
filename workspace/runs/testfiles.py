"""A sibling's test files, and the file each JUnit test case came from.

The file of each case is how a run records per-file seconds, which is what ``ci/shards.py``
splits a long suite by. Counting the test files below a sibling's ``testpaths`` only estimates
the length of a suite that has no record yet: pytest's own rules (``norecursedirs``,
``--ignore``, ``conftest.py``) decide what it collects, so no piece is ever made of them."""

from __future__ import annotations

import configparser
import functools
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

from workspace.errors import ConfigError
from workspace.tomlread import read_toml

_SKIP_DIRS = frozenset({"venv", "node_modules", "build", "dist", "__pycache__"})  # and dot dirs
_INI_FILES = (("tox.ini", "pytest"), ("setup.cfg", "tool:pytest"))  # after pyproject.toml


def is_test_file(name: str) -> bool:
    """pytest's default ``python_files``: ``test_*.py`` and ``*_test.py``."""
    return name.endswith(".py") and (name.startswith("test_") or name.endswith("_test.py"))


def read_testpaths(root: Path) -> tuple[str, ...]:
    """The ``testpaths`` of the sibling's pytest configuration, read from the file pytest
    would read it from (pytest.ini first, then pyproject.toml, tox.ini, setup.cfg); empty when
    none is set."""
    ini = _ini_section(root / "pytest.ini", "pytest")
    if ini is not None:
        return tuple(ini.get("testpaths", "").split())
    try:
        pyproject = read_toml(root / "pyproject.toml")
    except ConfigError:  # missing or broken: pytest would not read it either
        pyproject = {}
    pytest_table = pyproject.get("tool", {}).get("pytest", {})
    if isinstance(pytest_table, dict) and pytest_table:
        table = pytest_table.get("ini_options", pytest_table)
        value = table.get("testpaths", ()) if isinstance(table, dict) else ()
        return tuple(value.split() if isinstance(value, str) else map(str, value))
    for name, section in _INI_FILES:
        ini = _ini_section(root / name, section)
        if ini is not None:
            return tuple(ini.get("testpaths", "").split())
    return ()


def _ini_section(path: Path, section: str) -> configparser.SectionProxy | None:
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError):
        return None
    return parser[section] if parser.has_section(section) else None


def find_test_files(root: Path) -> list[str]:
    """The test files below ``root`` (below its ``testpaths`` when it has them), as sorted
    POSIX paths relative to ``root``. Virtualenvs, build output and VCS dirs are skipped."""
    starts = [root]
    patterns = read_testpaths(root)
    if patterns:
        found_paths = {p for pattern in patterns for p in root.glob(pattern)}
        starts = sorted(p for p in found_paths if ".." not in p.relative_to(root).parts)
    found: set[str] = set()
    for start in starts:
        if start.is_file():
            found.add(start.relative_to(root).as_posix())
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames[:] = [
                d
                for d in dirnames
                if d not in _SKIP_DIRS and not d.startswith(".") and not d.endswith(".egg-info")
            ]
            here = Path(dirpath)
            found.update(
                (here / f).relative_to(root).as_posix() for f in filenames if is_test_file(f)
            )
    return sorted(found)


def names_paths(args: Sequence[str], root: Path, known: Iterable[str] = ()) -> list[str]:
    """The arguments among a sibling's test args that name a file or directory below
    ``root``, or one of the ``known`` test files or a directory of them (for a sibling not
    cloned here): a suite that picks its own paths cannot be narrowed to a few files."""
    files = list(known)

    def is_path(arg: str) -> bool:
        below = arg.rstrip("/") + "/"
        return (root / arg).exists() or any(f == arg or f.startswith(below) for f in files)

    return [a for a in args if not a.startswith("-") and is_path(a)]


def sum_by_file(cases: Iterable[tuple[str, float]], root: Path) -> dict[str, float]:
    """Seconds per test file from (classname, seconds) pairs; cases of no known file are
    left out."""

    @functools.cache
    def file_of(classname: str) -> str | None:
        """The test file (relative to ``root``) a JUnit ``classname`` came from: the longest
        dotted prefix that is a file, ``tests.test_io.TestRead`` -> ``tests/test_io.py``."""
        parts = classname.split(".")
        for end in range(len(parts), 0, -1):
            candidate = "/".join(parts[:end]) + ".py"
            if (root / candidate).is_file():
                return candidate
        return None

    out: dict[str, float] = {}
    for classname, seconds in cases:
        path = file_of(classname)
        if path is not None:
            out[path] = out.get(path, 0.0) + seconds
    return {k: round(v, 3) for k, v in sorted(out.items())}
