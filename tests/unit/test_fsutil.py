"""Files and paths: atomic writes, output to stdout or a file, digests, locks, comparing
paths."""

from __future__ import annotations

import fcntl
import hashlib
import os
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from workspace.fsutil import (
    as_if_created,
    atomic_write_text,
    file_digest,
    flock,
    inside,
    read_within,
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
    assert not same_path(Path("/a\0b"), real)  # names no place: never an error
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


def test_a_files_digest_is_its_content_or_why_it_has_none(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes(b"x = 1\n")
    assert file_digest(tmp_path / "a.py") == hashlib.sha256(b"x = 1\n").hexdigest()
    assert file_digest(tmp_path) == "directory"
    assert file_digest(tmp_path / "gone.py") == "deleted"


def _try_lock_elsewhere(path: Path, shared: bool) -> bool:
    """Whether another process gets ``path``'s lock, without waiting."""
    how = "fcntl.LOCK_SH" if shared else "fcntl.LOCK_EX"
    code = (
        "import fcntl, sys\n"
        "f = open(sys.argv[1], 'a+')\n"
        f"try:\n    fcntl.flock(f.fileno(), {how} | fcntl.LOCK_NB)\n"
        "except BlockingIOError:\n    sys.exit(1)\n"
    )
    return subprocess.run([sys.executable, "-c", code, str(path)], check=False).returncode == 0


def test_a_lock_is_exclusive_or_shared_and_gone_with_its_file(tmp_path: Path) -> None:
    path = tmp_path / "setup.lock"
    with path.open("a+") as fh:
        assert flock(fh, wait=False)
        assert not _try_lock_elsewhere(path, shared=True)
        assert flock(fh, shared=True)
        assert _try_lock_elsewhere(path, shared=True)
        assert not _try_lock_elsewhere(path, shared=False)
    assert _try_lock_elsewhere(path, shared=False)  # closing the file let go of it


def test_a_lock_another_process_holds_is_refused_without_waiting(tmp_path: Path) -> None:
    path = tmp_path / "3.12.lock"
    with path.open("a+") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_SH)
        with path.open("a+") as fh:
            assert not flock(fh, wait=False)
            assert flock(fh, shared=True, wait=False)


def test_read_within_reads_a_bounded_part_of_a_regular_file_inside_its_folder(
    tmp_path: Path,
) -> None:
    root = tmp_path / "shard"
    root.mkdir()
    (root / "a.log").write_bytes(b"0123456789")
    assert read_within(root / "a.log", root, 4, tail=True) == (b"6789", 10)
    assert read_within(root / "a.log", root, 10) == (b"0123456789", 10)
    with pytest.raises(OSError, match="larger than 9 bytes"):
        read_within(root / "a.log", root, 9)
    with (root / "sparse.log").open("wb") as fh:  # 1 GiB, read from its end only
        fh.truncate(1 << 30)
    assert read_within(root / "sparse.log", root, 3, tail=True) == (b"\0\0\0", 1 << 30)


@pytest.mark.parametrize("where", ["absolute", "dots", "symlink"])
def test_read_within_refuses_what_leads_outside_its_folder(tmp_path: Path, where: str) -> None:
    root = tmp_path / "shard"
    root.mkdir()
    (tmp_path / "secret").write_text("s3cret")
    (root / "link").symlink_to(tmp_path / "secret")
    path = {
        "absolute": tmp_path / "secret",
        "dots": root / ".." / "secret",
        "symlink": root / "link",
    }[where]
    with pytest.raises(OSError, match="outside"):
        read_within(path, root, 100)


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_read_within_refuses_what_is_no_regular_file_without_waiting(
    tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "x"
    if kind == "fifo":
        os.mkfifo(path)  # opening it for reading would wait for a writer
    elif kind == "directory":
        path.mkdir()
    else:
        path = Path("/dev/zero")  # reading it would never end
    with pytest.raises(OSError, match="not a regular file"):
        read_within(path, None, 100, tail=True)
