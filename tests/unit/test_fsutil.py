"""Files and paths: atomic writes, output to stdout or a file, comparing paths."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from workspace.fsutil import (
    as_if_created,
    atomic_write_text,
    inside,
    same_path,
    umask,
    write_output,
)


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        ("/a/b/c.py", "/a/b", True),
        ("/a/b", "/a/b", True),
        ("/a/bc/c.py", "/a/b", False),
        ("/x/site-packages/b/__init__.py", "/a/b", False),
    ],
)
def test_inside(path: str, root: str, expected: bool) -> None:
    assert inside(path, Path(root)) is expected


def test_atomic_write_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "summary.json"
    atomic_write_text(target, "one\n")
    atomic_write_text(target, "two\n")
    assert target.read_text(encoding="utf-8") == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["summary.json"]


def test_a_failed_write_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "wrknv.lock"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(TypeError):
        atomic_write_text(target, 42)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["wrknv.lock"]


def test_write_output_goes_to_stdout_for_a_dash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_output(Path("-"), "to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"
    write_output(tmp_path / "graph.json", "{}\n")
    assert (tmp_path / "graph.json").read_text(encoding="utf-8") == "{}\n"
    assert capsys.readouterr().out == ""


def test_same_path_sees_through_symlinks(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real)
    assert same_path(tmp_path / "link", real)
    assert not same_path(tmp_path / "other", real)
    assert inside(tmp_path / "link" / "pkg" / "mod.py", real)


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.usefixtures("umask_027")
def test_files_and_directories_get_the_users_umask(tmp_path: Path) -> None:
    """Not the 0600 and 0700 of tempfile: what a plain open() or mkdir() would give."""
    assert umask() == 0o027
    target = tmp_path / "summary.json"
    atomic_write_text(target, "{}\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    made = Path(tempfile.mkdtemp(dir=tmp_path))
    as_if_created(made)
    assert stat.S_IMODE(made.stat().st_mode) == 0o750
