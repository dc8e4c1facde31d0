"""Files and paths: writing so that a reader never sees half a file, and comparing paths
through their symlinks."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
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


def same_path(a: Path, b: Path) -> bool:
    """Whether two paths name the same place once symlinks are resolved."""
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except OSError:
        return False


def inside(path: str | Path, root: Path) -> bool:
    """Whether ``path`` is ``root`` or below it, symlinks resolved."""
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)
