"""Reading the TOML files of a workspace (wrknv.toml, wrknv.local.toml, wrknv.lock, a sibling's
pyproject.toml), with every error naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workspace._compat import tomllib
from workspace.errors import ConfigError, Problem
from workspace.text import display_path


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a syntax or read error names the file, line and column."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            [Problem(display_path(path), "", f"invalid TOML: {exc}", "fix the syntax at that line")]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [Problem(display_path(path), "", f"not UTF-8 text: {exc}", "save it as UTF-8")]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [Problem(display_path(path), "", f"cannot read: {exc.strerror}", None)]
        ) from None
