"""Typed reading of the JSON files the tool reads back (summary.json, durations.json, cache
entries), in the manner of pip's ``direct_url.py``: each field is taken by an accessor that
checks its type and range, and anything else is one WorkspaceError naming the file and key
(``.wrknv/runs/x/summary.json: siblings[2].tests.passed: expected a whole number >= 0``)."""

from __future__ import annotations

import errno
import json
import math
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from workspace.errors import WorkspaceError
from workspace.fsutil import read_within
from workspace.text import display_path

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
_SHOWN = 40  # characters of a wrong value quoted in a message
# Bounds past which a value is no value the tool wrote: a file is not read, a number or a
# string is refused (a count, a size, an id or a path never comes near them).
MAX_FILE = 16 * 1024 * 1024  # bytes
MAX_WHOLE = 2**53  # the largest whole number every JSON reader keeps exactly
MAX_SECONDS = 1e10  # about 300 years: a duration, or a moment since the epoch
MAX_TEXT = 65536  # characters
_SECONDS = f"a number >= 0 (and at most {MAX_SECONDS:.0e})"


class Fields:
    """One JSON object of a file, taken key by key. A missing key gives the accessor's default,
    or is an error when it has none (``default=None``); a present one must have the type and
    range asked for, never null unless the accessor says ``or null``."""

    def __init__(self, data: object, file: Path, where: str = "", hint: str | None = None):
        self.file, self.where, self.hint = file, where, hint
        if not isinstance(data, dict):
            self.fail(None, _wrong("an object", data))
        self.data: dict[str, object] = data

    @classmethod
    def load(cls, file: Path, hint: str, limit: int = MAX_FILE) -> Fields | None:
        """The JSON object in ``file``; None when there is no file (a folder is none). Only a
        regular file (not a symlink, a FIFO or a device) of at most ``limit`` bytes is read."""
        shown = display_path(file)
        try:
            text = read_within(file, None, limit, follow=False)[0].decode("utf-8")
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            return None  # nothing, a file where its folder would be, or a folder in its place
        except OSError as exc:
            raise WorkspaceError(f"{shown}: {_unread(exc, limit)}", hint=hint) from None
        except UnicodeDecodeError as exc:
            raise WorkspaceError(f"{shown}: cannot read: {exc}", hint=hint) from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise WorkspaceError(f"{shown}: not valid JSON ({exc})", hint=hint) from None
        if not isinstance(data, dict):
            raise WorkspaceError(f"{shown}: not a JSON object", hint=hint)
        return cls(data, file, hint=hint)

    def __iter__(self) -> Iterator[str]:
        return iter(self.data)

    def __contains__(self, key: object) -> bool:
        return key in self.data

    def at(self, key: str | None) -> str:
        """The key path of ``key`` in this object (None: of the object), as messages name it."""
        if key is None or not self.where:
            return self.where if key is None else key
        return f"{self.where}.{key}"

    def fail(self, key: str | None, message: str) -> NoReturn:
        """A WorkspaceError naming the file and the key (None: this object)."""
        where = self.at(key)
        named = f"{where}: " if where or key is not None else ""
        raise WorkspaceError(f"{display_path(self.file)}: {named}{message}", hint=self.hint)

    def _take(self, key: str, default: T | None, ok: Callable[[object], bool], what: str) -> T:
        if key not in self.data:
            if default is None:
                self.fail(key, f"missing, expected {what}")
            return default
        value = self.data[key]
        if not ok(value):
            self.fail(key, _wrong(what, value))
        return value  # type: ignore[return-value]  # ok() checked it

    def _opt(self, key: str, ok: Callable[[object], bool], what: str) -> Any:
        """A value that may be null, or missing: None then."""
        return None if self.data.get(key) is None else self._take(key, None, ok, f"{what} or null")

    def child(self, key: str, value: object) -> Fields:
        return Fields(value, self.file, self.at(key), self.hint)

    def obj(self, key: str) -> Fields:
        """A nested object; empty when missing."""
        return self.child(key, self._take(key, {}, lambda v: isinstance(v, dict), "an object"))

    def items(self, key: str) -> list[tuple[str, object]]:
        """A list's items, each with its key (``siblings[2]``); empty when missing."""
        value: list[object] = self._take(key, [], lambda v: isinstance(v, list), "a list")
        return [(f"{key}[{i}]", item) for i, item in enumerate(value)]

    def objs(self, key: str) -> list[Fields]:
        return [self.child(where, item) for where, item in self.items(key)]

    def text(self, key: str, default: str | None = None) -> str:
        return self._short(key, self._take(key, default, _is_text, "a string"))

    def opt_text(self, key: str) -> str | None:
        value: str | None = self._opt(key, _is_text, "a string")
        return None if value is None else self._short(key, value)

    def _short(self, key: str, value: str) -> str:
        if len(value) > MAX_TEXT:
            self.fail(key, f"a string longer than {MAX_TEXT} characters")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings; empty when missing."""
        for where, item in (found := self.items(key)):
            if not isinstance(item, str):
                self.fail(where, _wrong("a string", item))
            self._short(where, item)
        return tuple(item for _, item in found)  # type: ignore[misc]

    def whole(self, key: str, default: int | None = None, least: int = 0) -> int:
        """A whole number (not true or false) of at least ``least``."""

        def ok(value: object) -> bool:
            return _is_whole(value) and value >= least  # type: ignore[operator]

        return self._bounded(key, self._take(key, default, ok, f"a whole number >= {least}"))

    def opt_int(self, key: str) -> int | None:
        """Any whole number (an exit status may be negative), or null."""
        value: int | None = self._opt(key, _is_whole, "a whole number")
        return None if value is None else self._bounded(key, value)

    def _bounded(self, key: str, value: int) -> int:
        if abs(value) > MAX_WHOLE:
            self.fail(key, _wrong(f"a whole number of at most {MAX_WHOLE}", value))
        return value

    def seconds(self, key: str, default: float | None = None) -> float:
        """A finite number >= 0: a duration, or a moment after a start."""
        return float(self._take(key, default, _is_seconds, _SECONDS))

    def opt_seconds(self, key: str) -> float | None:
        value = self._opt(key, _is_seconds, _SECONDS)
        return None if value is None else float(value)

    def flag(self, key: str, default: bool | None = None) -> bool:
        return self._take(key, default, lambda v: isinstance(v, bool), "true or false")

    def member(self, key: str, kind: type[E]) -> E:
        """One of an enum's values (a status); never missing."""
        values = [m.value for m in kind]
        what = "one of " + ", ".join(map(str, values))
        return kind(self._take(key, None, lambda v: isinstance(v, str) and v in values, what))


def _is_text(value: object) -> bool:
    return isinstance(value, str)


def _is_whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_seconds(value: object) -> bool:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return False
    return math.isfinite(value) and 0 <= value <= MAX_SECONDS


def _unread(exc: OSError, limit: int) -> str:
    """Why a state file was not read, as its messages say it."""
    if exc.errno in (errno.ELOOP, errno.EINVAL):  # a symlink, a FIFO, a device
        return "not a regular file"
    if exc.errno == errno.EFBIG:
        return f"larger than {limit} bytes; not read"
    return f"cannot read: {exc}"


def _wrong(what: str, value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    shown = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
    return f"expected {what}, got {shown}"
