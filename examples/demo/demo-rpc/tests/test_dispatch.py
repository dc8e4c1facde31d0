from __future__ import annotations

import json

import pytest

from demo_rpc import Dispatcher
from demo_rpc.dispatch import INTERNAL_ERROR, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, PARSE_ERROR


def make() -> Dispatcher:
    d = Dispatcher("2.1.0")
    d.register("math.add", lambda a, b: a + b)
    d.register("math.div", lambda a, b: a / b)
    return d


def ask(d: Dispatcher, payload: object) -> dict:
    return json.loads(d.handle(payload if isinstance(payload, str) else json.dumps(payload)))


def test_call() -> None:
    assert ask(make(), {"id": 1, "method": "math.add", "params": {"a": 2, "b": 3}}) == {"id": 1, "result": 5}


def test_describe() -> None:
    assert ask(make(), {"id": "x", "method": "rpc.describe"})["result"] == {
        "version": "2.1.0",
        "methods": ["math.add", "math.div"],
    }


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("{not json", PARSE_ERROR),
        ([1, 2], INVALID_REQUEST),
        ({"method": 3}, INVALID_REQUEST),
        ({"method": "math.mul"}, METHOD_NOT_FOUND),
        ({"method": "math.add", "params": [1, 2]}, INVALID_PARAMS),
        ({"method": "math.add", "params": {"a": 1}}, INVALID_PARAMS),
        ({"method": "math.div", "params": {"a": 1, "b": 0}}, INTERNAL_ERROR),
    ],
)
def test_errors_are_responses(payload: object, code: int) -> None:
    assert ask(make(), payload)["error"]["code"] == code


@pytest.mark.parametrize("name", ["Math.Add", "math add", "math..add", "math.add"])
def test_register_rejects_bad_or_repeated_names(name: str) -> None:
    with pytest.raises(ValueError):
        make().register(name, print)


def test_schema_checks_params() -> None:
    schema = pytest.importorskip("demo_schema")
    d = Dispatcher()
    d.register(
        "user.greet",
        lambda name, excited: f"hello {name}{'!' if excited else '.'}",
        params=schema.Schema("greet", [schema.Field("name"), schema.Field("excited", "bool", required=False, default=False)]),
    )
    assert ask(d, {"method": "user.greet", "params": {"name": "ada"}})["result"] == "hello ada."
    error = ask(d, {"method": "user.greet", "params": {"name": 5}})["error"]
    assert error == {"code": INVALID_PARAMS, "message": "name: expected str, got int"}
