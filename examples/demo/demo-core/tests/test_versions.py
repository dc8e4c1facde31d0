from __future__ import annotations

import pytest

from demo_core import Version, VersionError


def test_parse_and_str() -> None:
    assert str(Version.parse("1.2")) == "1.2.0"
    assert str(Version.parse(" 3.4.5-rc1 ")) == "3.4.5-rc1"


@pytest.mark.parametrize("text", ["", "1", "1.x", "v1.2.3", "1.2.3.4", "1.2.3-"])
def test_parse_rejects(text: str) -> None:
    with pytest.raises(VersionError):
        Version.parse(text)


def test_ordering_puts_prereleases_first() -> None:
    texts = ["1.10.0", "1.2.0", "1.2.0-rc1", "0.9.9", "2.0.0"]
    ordered = sorted(Version.parse(t) for t in texts)
    assert [str(v) for v in ordered] == ["0.9.9", "1.2.0-rc1", "1.2.0", "1.10.0", "2.0.0"]


@pytest.mark.parametrize(
    ("have", "want", "ok"),
    [
        ("1.4.0", "1.2.0", True),
        ("1.1.0", "1.2.0", False),
        ("2.0.0", "1.2.0", False),
        ("0.3.1", "0.3.0", True),
        ("0.4.0", "0.3.0", False),
    ],
)
def test_compatible_with(have: str, want: str, ok: bool) -> None:
    assert Version.parse(have).compatible_with(Version.parse(want)) is ok


def test_bump() -> None:
    v = Version.parse("1.2.3-rc1")
    assert str(v.bump("patch")) == "1.2.4"
    assert str(v.bump("minor")) == "1.3.0"
    assert str(v.bump("major")) == "2.0.0"
    with pytest.raises(VersionError):
        v.bump("build")
