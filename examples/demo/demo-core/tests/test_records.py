"""Records, tested with demo-testkit (installed through demo-core's dev group)."""

from __future__ import annotations

import pytest
from demo_testkit import assert_json_roundtrip, make_record, records

from demo_core import Record, RecordError


def test_json_is_stable() -> None:
    a = Record("user", 1, {"b": 2, "a": 1})
    b = Record("user", 1, {"a": 1, "b": 2})
    assert a.to_json() == b.to_json() == '{"data":{"a":1,"b":2},"id":1,"kind":"user"}'


def test_roundtrip_many() -> None:
    for record in records(50):
        assert_json_roundtrip(record)


def test_updated_keeps_original() -> None:
    original = make_record(name="ada")
    changed = original.updated(name="grace", admin=True)
    assert original.data["name"] == "ada"
    assert changed.data == {**original.data, "name": "grace", "admin": True}


@pytest.mark.parametrize(
    ("kind", "id_", "data"),
    [
        ("User", 1, {}),
        ("user", -1, {}),
        ("user", True, {}),
        ("user", 1, {"Bad-Key": 1}),
        ("user", 1, {"tags": ["a"]}),
    ],
)
def test_invalid_records(kind: str, id_: int, data: dict) -> None:
    with pytest.raises(RecordError):
        Record(kind, id_, data)


@pytest.mark.parametrize("text", ["nope", "[]", '{"kind":"a","id":1}'])
def test_from_json_rejects(text: str) -> None:
    with pytest.raises(RecordError):
        Record.from_json(text)
