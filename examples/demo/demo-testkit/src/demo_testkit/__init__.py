"""demo-testkit: builders and assertions for tests of anything built on demo-core."""

from __future__ import annotations

import itertools
from typing import Any, Iterator

from demo_core import Record

__all__ = ["FakeClock", "assert_json_roundtrip", "make_record", "records"]

_ids = itertools.count(1)


def make_record(kind: str = "user", **data: Any) -> Record:
    """A valid record with a fresh id; keyword arguments become its data."""
    return Record(kind, next(_ids), data or {"name": "ada", "active": True})


def records(count: int, kind: str = "item") -> Iterator[Record]:
    """``count`` different valid records, with every scalar type represented."""
    for i in range(count):
        yield Record(
            kind,
            i,
            {"label": f"{kind}-{i}", "size": i * 3, "ratio": i / 7, "even": i % 2 == 0, "note": None},
        )


def assert_json_roundtrip(record: Record) -> None:
    """The record survives to_json/from_json unchanged, and its text is stable."""
    text = record.to_json()
    again = Record.from_json(text)
    assert again == record, f"{record!r} came back as {again!r}"
    assert again.to_json() == text


class FakeClock:
    """A clock that only moves when told to: for code that takes ``now`` and ``sleep``."""

    def __init__(self, start: float = 0.0) -> None:
        self.now_value = start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.now_value

    def sleep(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("cannot sleep a negative time")
        self.sleeps.append(seconds)
        self.now_value += seconds
