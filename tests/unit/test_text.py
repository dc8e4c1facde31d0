"""Text helpers: names normalized as packaging does, plurals, paths, did-you-mean."""

from __future__ import annotations

from pathlib import Path

import pytest

from workspace.text import comma_list, did_you_mean, display_path, normalize_name, plural, seconds


@pytest.mark.parametrize(
    "name",
    ["provide-foundation", "Provide_Foundation", "a.b-c_d", "A--B__C..D", "x", "Flit.Core", "_a_"],
)
def test_normalize_name_agrees_with_packaging(name: str) -> None:
    from packaging.utils import canonicalize_name

    assert normalize_name(name) == canonicalize_name(name)


@pytest.mark.parametrize(
    ("count", "noun", "expected"),
    [(0, "sibling", "0 siblings"), (1, "sibling", "1 sibling"), (2, "new commit", "2 new commits")],
)
def test_plural(count: int, noun: str, expected: str) -> None:
    assert plural(count, noun) == expected


def test_display_path_is_relative_below_the_current_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert display_path(tmp_path / "ws" / "wrknv.toml") == str(Path("ws", "wrknv.toml"))
    outside = tmp_path.parent / "elsewhere"
    assert display_path(outside) == str(outside)


def test_did_you_mean_offers_the_closest_name_or_nothing() -> None:
    names = ["provide-foundation", "provide-testkit", "pyvider"]
    assert did_you_mean("provide-fundation", names) == "did you mean 'provide-foundation'?"
    assert did_you_mean("zzz", names) is None


def test_seconds() -> None:
    assert seconds(4) == "4.0s"
    assert seconds(0.04) == "0.0s"


def test_comma_list_reads_repeated_and_comma_separated_values_alike() -> None:
    assert comma_list(["a, b", " c ", "", ",d,,"]) == ("a", "b", "c", "d")
    assert comma_list(None) == ()
