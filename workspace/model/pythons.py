"""The Python versions a workspace tests on: ``[workspace] pythons`` and ``--python`` values,
each a ``MAJOR.MINOR`` such as ``"3.12"``."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from workspace.errors import SelectionError
from workspace.text import comma_list

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version

VERSION_RE = re.compile(r"[1-9][0-9]*\.(0|[1-9][0-9]*)\Z")  # "3.012" is no version
_RELEASE_RE = re.compile(r"\d+(\.\d+){0,2}")
EXAMPLE = '["3.11", "3.12", "3.13"]'


def is_python_version(text: object) -> bool:
    """Whether ``text`` is a ``MAJOR.MINOR`` Python version such as ``"3.12"``."""
    return isinstance(text, str) and VERSION_RE.match(text) is not None


def python_flag(values: Iterable[str] | None, flag: str = "--python") -> tuple[str, ...]:
    """The versions of a repeatable, comma-separated flag, in order, each once; SelectionError
    for one that is not ``MAJOR.MINOR``."""
    items = comma_list(values)
    for item in items:
        if not is_python_version(item):
            raise SelectionError(
                f"{flag} {item}: not a Python version",
                hint="give MAJOR.MINOR versions such as 3.12, comma-separated",
            )
    return tuple(dict.fromkeys(items))


def one_python(value: str, flag: str = "--python") -> str:
    """The one version a flag that takes exactly one names; SelectionError otherwise."""
    versions = python_flag([value], flag)
    if len(versions) != 1:
        raise SelectionError(
            f"{flag} {value}: takes exactly one Python version",
            hint="give one MAJOR.MINOR version, e.g. 3.12 (test-all --python takes several)",
        )
    return versions[0]


def minor(version: object) -> str:
    """``"3.12"`` for a ``Version`` or a string such as ``3.12.1``."""
    return ".".join(str(version).split(".")[:2])


def outside(spec: SpecifierSet | None, versions: Iterable[str]) -> list[str]:
    """The versions no release of which satisfies ``spec`` (``[workspace] python``)."""
    if spec is None:
        return []
    return [v for v in versions if not allows_minor([spec], v)]


def allows_minor(specs: Sequence[SpecifierSet], version: str) -> bool:
    """Whether some release of ``version`` (``"3.12"``) satisfies every spec at once: ``3.12``
    is allowed by ``==3.12.3`` and by ``>=3.12.7``, which 3.12.0 itself is not."""
    from packaging.specifiers import SpecifierSet  # imported where used: see model.project
    from packaging.version import Version

    combined = SpecifierSet()
    for spec in specs:
        combined &= spec
    wanted = Version(version).release[:2]
    near = {Version(version)} | {v for v in versions_named(specs) if v.release[:2] == wanted}
    return holds(combined, near)


def versions_named(specs: Iterable[SpecifierSet]) -> set[Version]:
    """Every version the specifiers name, with the releases just after and just before each.
    An intersection of version ranges that holds any version at all holds one of these (its
    lower end, the release after an excluded lower end, or one below an upper end), so
    ``==3.12.3``, ``>=3.11.2,<3.11.5`` or ``<3.11`` are judged exactly, without guessing."""
    from packaging.version import Version

    found: set[Version] = set()
    for spec in specs:
        for item in spec:
            match = _RELEASE_RE.match(item.version)
            if match is None:
                continue
            parts = [int(p) for p in match.group(0).split(".")] + [0, 0]
            major, low, patch = parts[:3]
            near = [(major, low, patch), (major, low, patch + 1), (major, low + 1, 0)]
            near += [(major + 1, 0, 0), (major, low, patch - 1), (major, low - 1, 99)]
            near.append((major - 1, 99, 99))
            found |= {Version(".".join(map(str, v))) for v in near if min(v) >= 0}
    return found


def holds(spec: SpecifierSet, versions: Iterable[Version]) -> bool:
    """Whether any version satisfies ``spec`` (an empty spec always holds)."""
    return not list(spec) or any(spec.contains(v, prereleases=True) for v in versions)
