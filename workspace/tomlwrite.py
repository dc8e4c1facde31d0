"""TOML literals for the files the workspace writes (wrknv.lock, the demo's wrknv.toml).

The verbs run inside nox's own environment, which has a TOML reader but no writer, and these
files need only strings, numbers, booleans, arrays and inline tables.
"""

from __future__ import annotations

import json
from collections.abc import Mapping


def toml_value(value: object) -> str:
    """One TOML value. Strings are JSON strings, which TOML reads as basic strings, with DEL
    escaped too (JSON leaves it raw; TOML does not allow it)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, Mapping):
        items = ", ".join(f"{toml_value(str(k))} = {toml_value(v)}" for k, v in value.items())
        return "{ " + items + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")
