"""Reading the TOML files of a workspace (wrknv.toml, wrknv.local.toml, wrknv.lock, a sibling's
pyproject.toml), with every error naming the file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from workspace._compat import tomllib
from workspace.errors import ConfigError, Problem
from workspace.text import display_path

# How deep tables and arrays may nest. No file of a workspace comes near it; past it the
# parser (inline arrays and tables) and every walk over the data would recurse without end.
MAX_DEPTH = 32
_DEEP_HINT = "no file of a workspace needs this; flatten it or restore the file"

# The parts of TOML text that matter for nesting: comments and strings (skipped whole, so that
# brackets in them do not count; an unterminated one runs to the end), brackets, the dots of
# dotted keys, '=', ',' and line ends.
_TOKEN = re.compile(
    r'#[^\n]*|"""(?:\\.|[^\\])*?(?:"""""|""""|"""|\Z)|\'\'\'.*?(?:\'\'\'\'\'|\'\'\'\'|\'\'\'|\Z)'
    r'|"(?:\\.|[^"\\\n])*"?|\'[^\'\n]*\'?|[\[\]{}\n=.,]',
    re.DOTALL,
)


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a syntax or read error names the file, line and column."""
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [Problem(display_path(path), "", f"not UTF-8 text: {exc}", "save it as UTF-8")]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [Problem(display_path(path), "", f"cannot read: {exc.strerror}", None)]
        ) from None
    return parse_toml(path, text)


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    """TOML text read from (or about to be written to) ``path``; nesting deeper than
    MAX_DEPTH is refused before the parser sees it, naming the key and line."""
    shown = display_path(path)
    deep = _bracket_depth(text)
    if deep is not None:
        key, line = deep
        message = f"nested more than {MAX_DEPTH} levels deep (at line {line})"
        raise ConfigError([Problem(shown, key, message, _DEEP_HINT)])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            [Problem(shown, "", f"invalid TOML: {exc}", "fix the syntax at that line")]
        ) from None
    too_deep = _data_depth(data)
    if too_deep is not None:  # dotted keys and table headers nest without brackets
        message = f"nested more than {MAX_DEPTH} levels deep"
        raise ConfigError([Problem(shown, too_deep, message, _DEEP_HINT)])
    return data


def _bracket_depth(text: str) -> tuple[str, int] | None:
    """The key and line where tables and arrays first nest deeper than MAX_DEPTH, counting
    brackets and the parts of dotted keys (the parser's cost grows with the square of those)."""
    owners: list[int] = []  # for each open bracket, the dots of the key it is the value of
    line, start, dots, in_key = 1, 0, 0, True
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in ("[", "{"):
            in_key = token == "{" or (in_key and len(owners) < 2)  # a table header is a key
            owners.append(dots)
            dots = 0
        elif token in ("]", "}"):
            dots, in_key = (owners.pop() if owners else 0), False
        elif token == "." and in_key:
            dots += 1
        elif token == ",":
            dots, in_key = 0, True
        elif token == "=":
            in_key = False
        elif token == "\n" and not owners:
            start, dots, in_key = match.end(), 0, True
        if len(owners) + sum(owners) + dots > MAX_DEPTH:
            parts = text[start : match.start()].partition("=")[0].strip(" \t[").split(".")
            key = ".".join(p.strip() for p in parts[:3])[:60]
            return (key + "..." if len(parts) > 3 else key), line
        line += token.count("\n")
    return None


def _data_depth(data: dict[str, Any]) -> str | None:
    """The key path (its first parts) of a table or array nested deeper than MAX_DEPTH."""
    stack: list[tuple[Any, tuple[str, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if len(path) > MAX_DEPTH:
            return "".join(path[:3]).lstrip(".") + "..."
        if isinstance(value, dict):
            stack.extend((v, (*path, f".{k}")) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, (*path, f"[{i}]")) for i, v in enumerate(value))
    return None
