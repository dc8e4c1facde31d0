"""Typed reading of the JSON files the tool reads back (summary.json, durations.json, cache
entries), in the manner of pip's ``direct_url.py``: each field is taken by an accessor that
checks its type and range, and anything else is one WorkspaceError naming the file and key
(``.wrknv/runs/x/summary.json: siblings[2].tests.passed: expected a whole number >= 0``)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from workspace.errors import WorkspaceError
from workspace.text import display_path

E = TypeVar("E", bound=Enum)
T = TypeVar("T")
_SHOWN = 40  # characters of a wrong value quoted in a message


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
    def load(cls, file: Path, hint: str) -> Fields | None:
        """The JSON object in ``file``; None when there is no file."""
        shown = display_path(file)
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
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
        return self._take(key, default, _is_text, "a string")

    def opt_text(self, key: str) -> str | None:
        return self._opt(key, _is_text, "a string")  # type: ignore[no-any-return]

    def texts(self, key: str) -> tuple[str, ...]:
        """A list of strings; empty when missing."""
        for where, item in (found := self.items(key)):
            if not isinstance(item, str):
                self.fail(where, _wrong("a string", item))
        return tuple(item for _, item in found)  # type: ignore[misc]

    def whole(self, key: str, default: int | None = None, least: int = 0) -> int:
        """A whole number (not true or false) of at least ``least``."""

        def ok(value: object) -> bool:
            return _is_whole(value) and value >= least  # type: ignore[operator]

        return self._take(key, default, ok, f"a whole number >= {least}")

    def opt_int(self, key: str) -> int | None:
        """Any whole number (an exit status may be negative), or null."""
        return self._opt(key, _is_whole, "a whole number")  # type: ignore[no-any-return]

    def seconds(self, key: str, default: float | None = None) -> float:
        """A finite number >= 0: a duration, or a moment after a start."""
        return float(self._take(key, default, _is_seconds, "a number >= 0"))

    def opt_seconds(self, key: str) -> float | None:
        value = self._opt(key, _is_seconds, "a number >= 0")
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
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    return number and math.isfinite(value) and value >= 0  # type: ignore[arg-type, operator]


def _wrong(what: str, value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=repr)
    shown = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
    return f"expected {what}, got {shown}"
