from __future__ import annotations

import pytest

from workspace._compat import tomllib
from workspace.tomlwrite import toml_value


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        'quote " and backslash \\',
        "new\nline\ttab",
        "del \x7f and nul \x00",
        "ünïcödé ✓",
        True,
        False,
        42,
        2.5,
        ["a", "b"],
        [],
        {"include-group": "lint"},
        {"args": ["-q"], "timeout": 900, "xdist": True},
    ],
)
def test_every_value_reads_back_as_itself(value: object) -> None:
    assert tomllib.loads(f"key = {toml_value(value)}\n")["key"] == value


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (True, "true"),
        (3, "3"),
        (2.5, "2.5"),
        ('a "quoted" \\ path', '"a \\"quoted\\" \\\\ path"'),
        ("ünï", '"ünï"'),
        ("\x7f", '"\\u007f"'),
        (("a", "b"), '["a", "b"]'),
        ((), "[]"),
        ({"include-group": "lint"}, '{ "include-group" = "lint" }'),
    ],
)
def test_exact_text(value: object, text: str) -> None:
    assert toml_value(value) == text


def test_anything_else_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot write NoneType as TOML"):
        toml_value(None)
