from __future__ import annotations

import pytest

from demo_core import BadName, is_identifier, slugify


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hello World", "hello-world"),
        ("  many   spaces  ", "many-spaces"),
        ("Héllo, Wörld!", "hello-world"),
        ("v1.2 release", "v1-2-release"),
        ("already-a-slug", "already-a-slug"),
    ],
)
def test_slugify(text: str, expected: str) -> None:
    assert slugify(text) == expected


def test_slugify_custom_separator() -> None:
    assert slugify("User ID", sep="_") == "user_id"


@pytest.mark.parametrize("text", ["", "!!!", "   ", "日本"])
def test_slugify_rejects_text_without_ascii_words(text: str) -> None:
    with pytest.raises(BadName):
        slugify(text)


@pytest.mark.parametrize(
    ("name", "ok"),
    [("user_id", True), ("a", True), ("x2", True), ("2x", False), ("User", False), ("a-b", False)],
)
def test_is_identifier(name: str, ok: bool) -> None:
    assert is_identifier(name) is ok
