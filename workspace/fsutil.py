"""Files and paths: writing so that a reader never sees half a file, digests of a file's
content, locks on a file, and comparing paths through their symlinks."""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO

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
        atomic_write_text(target, text)


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
