from __future__ import annotations

import pytest
from demo_testkit import make_record

from demo_core import Record
from demo_schema import Field, Schema, SchemaError

USER = Schema(
    "user",
    [
        Field("name", doc="display name"),
        Field("age", "int", check=lambda v: 0 <= v < 150),
        Field("score", "float", required=False, default=0.0),
        Field("admin", "bool", required=False, default=False),
    ],
)


def test_defaults_and_coercion() -> None:
    assert USER.validate({"name": "ada", "age": 36, "score": 3}) == {
        "name": "ada",
        "age": 36,
        "score": 3.0,
        "admin": False,
    }


def test_every_problem_is_reported() -> None:
    with pytest.raises(SchemaError) as info:
        USER.validate({"age": True, "colour": "red", "score": "high"})
    assert info.value.problems == [
        "colour: unknown field",
        "name: missing",
        "age: expected int, got bool",
        "score: expected float, got str",
    ]


def test_check_function() -> None:
    with pytest.raises(SchemaError, match="age: 200 fails its check"):
        USER.validate({"name": "x", "age": 200})


def test_record_from_schema() -> None:
    record = USER.record(7, {"name": "grace", "age": 45})
    assert isinstance(record, Record)
    assert record.kind == "user"
    assert Record.from_json(record.to_json()) == record


def test_testkit_records_fit_a_matching_schema() -> None:
    schema = Schema("user", [Field("name"), Field("active", "bool")])
    record = make_record()
    assert schema.validate(record.data) == record.data


@pytest.mark.parametrize(
    "build",
    [
        lambda: Schema("User", []),
        lambda: Schema("user", [Field("a"), Field("a")]),
        lambda: Field("Bad"),
        lambda: Field("ok", "list"),
    ],
)
def test_bad_declarations(build) -> None:
    with pytest.raises(ValueError):
        build()
