"""A tiny MAJOR.MINOR.PATCH version type with ordering and compatibility."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import total_ordering

_VERSION = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?(?:-([0-9A-Za-z.]+))?\Z")


class VersionError(ValueError):
    """Text that is not a version."""


@total_ordering
@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int = 0
    pre: str | None = None

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _VERSION.match(text.strip())
        if not match:
            raise VersionError(f"{text!r} is not MAJOR.MINOR[.PATCH][-PRE]")
        major, minor, patch, pre = match.groups()
        return cls(int(major), int(minor), int(patch or 0), pre)

    def _key(self) -> tuple[int, int, int, int, str]:
        # A pre-release sorts before the release it leads to.
        return (self.major, self.minor, self.patch, 0 if self.pre else 1, self.pre or "")

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Version):
            return NotImplemented
        return self._key() < other._key()

    def compatible_with(self, other: Version) -> bool:
        """Same major version (or same minor while major is 0), and not older."""
        if self.major == 0 or other.major == 0:
            return (self.major, self.minor) == (other.major, other.minor) and self >= other
        return self.major == other.major and self >= other

    def bump(self, part: str) -> Version:
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        if part == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        raise VersionError(f"cannot bump {part!r}: use major, minor or patch")

    def __str__(self) -> str:
        text = f"{self.major}.{self.minor}.{self.patch}"
        return f"{text}-{self.pre}" if self.pre else text
