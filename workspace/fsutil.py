"""Files and paths: writing so that a reader never sees half a file, reading a bounded part of
a file that may come from elsewhere, digests of a file's content, locks on a file, and
comparing paths through their symlinks."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import sys
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import IO

from workspace.errors import WorkspaceError

_UMASK_LOCK = threading.Lock()


def umask() -> int:
    """The process's umask, read without changing it where the OS tells it (Linux)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    with _UMASK_LOCK:  # elsewhere the only way to read it is to set it
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


def as_if_created(path: Path) -> None:
    """Give a file or directory made by ``tempfile`` (0600, 0700) the mode that creating it
    normally would have had under the user's umask, as git and editors do."""
    mode = 0o777 if path.is_dir() else 0o666
    path.chmod(mode & ~umask())


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        as_if_created(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_output(target: Path, text: str) -> None:
    """``-`` is standard output; anything else is a file written atomically."""
    if str(target) == "-":
        sys.stdout.write(text)
    else:
        check_output_file(target)
        atomic_write_text(target, text)


def check_output_file(target: Path) -> None:
    """An output path the user gave must name a file whose folders are folders: a directory
    there, or a file where a folder is needed, is bad input (WorkspaceError), found before
    anything is written."""
    if target.is_dir():
        raise WorkspaceError(
            f"{target}: is a directory, and a file is needed here",
            hint="name a file in it, or '-' for standard output",
        )
    _folders(target, target.parents)


def check_output_dir(target: Path) -> None:
    """The same for an output path that must be a folder (report --output)."""
    _folders(target, [target, *target.parents])


def _folders(target: Path, folders: Iterable[Path]) -> None:
    for folder in folders:
        if folder.is_dir():
            break
        if os.path.lexists(folder):
            raise WorkspaceError(
                f"{target}: {folder} is a file, and a folder is needed here",
                hint="choose another path, or move that file away",
            )


def file_digest(path: Path) -> str:
    """The sha256 of a file's content: ``directory`` or ``deleted`` when it has none to read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except IsADirectoryError:
        return "directory"
    except OSError:
        return "deleted"


def flock(handle: IO[str], *, shared: bool = False, wait: bool = True) -> bool:
    """Lock an open file, exclusively or ``shared`` (held until unlocked or closed); False
    when ``wait`` is off and another process holds it. Without fcntl (Windows): no lock."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no locking, best effort
        return True
    how = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    try:
        fcntl.flock(handle.fileno(), how if wait else how | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def same_path(a: Path, b: Path) -> bool:
    """Whether two paths name the same place once symlinks are resolved."""
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except (OSError, ValueError):  # ValueError: a NUL byte, which names no place
        return False


def inside(path: str | Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or below it, symlinks resolved."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def read_within(
    path: Path, root: Path | None, limit: int, *, tail: bool = False, follow: bool = True
) -> tuple[bytes, int]:
    """At most ``limit`` bytes of a regular file (its last ones with ``tail``) and its size:
    the one way to read a file that may come from elsewhere (a run directory, a cache). OSError,
    its strerror saying why, when it lies outside ``root`` (symlinks resolved), is a symlink
    and ``follow`` is off, is no regular file (a FIFO is never waited on, a device never read;
    IsADirectoryError for a folder) or, without ``tail``, is larger than ``limit``."""
    if "\0" in str(path):
        raise OSError(errno.EINVAL, "a path with a NUL character")
    if root is not None and not inside(path, root):
        raise OSError(errno.EPERM, "it leads outside the folder it belongs to")
    mode = (os.stat(path) if follow else os.lstat(path)).st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "not a regular file")  # a folder
    if not stat.S_ISREG(mode):
        raise OSError(errno.EINVAL, "not a regular file")
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0)
    flags |= 0 if follow else getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags), "rb") as fh:
        info = os.fstat(fh.fileno())  # what was opened, should the path have changed since
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        if info.st_size > limit and not tail:
            raise OSError(errno.EFBIG, f"larger than {limit:,} bytes")
        fh.seek(max(0, info.st_size - limit) if tail else 0)
        return fh.read(limit), info.st_size
