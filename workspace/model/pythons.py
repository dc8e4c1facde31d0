"""The Python versions a workspace tests on: ``[workspace] pythons`` and ``--python`` values,
each a ``MAJOR.MINOR`` such as ``"3.12"``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from workspace.errors import SelectionError

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

VERSION_RE = re.compile(r"[1-9][0-9]*\.[0-9]+\Z")
EXAMPLE = '["3.11", "3.12", "3.13"]'


def is_python_version(text: object) -> bool:
    """Whether ``text`` is a ``MAJOR.MINOR`` Python version such as ``"3.12"``."""
    return isinstance(text, str) and VERSION_RE.match(text) is not None


def python_flag(values: Iterable[str] | None, flag: str = "--python") -> tuple[str, ...]:
    """The versions of a repeatable, comma-separated flag, in order, each once; SelectionError
    for one that is not ``MAJOR.MINOR``."""
    found: list[str] = []
    for value in values or ():
        for item in (v.strip() for v in value.split(",")):
            if not item:
                continue
            if not is_python_version(item):
                raise SelectionError(
                    f"{flag} {item}: not a Python version",
                    hint="give MAJOR.MINOR versions such as 3.12, comma-separated",
                )
            if item not in found:
                found.append(item)
    return tuple(found)


def minor(version: object) -> str:
    """``"3.12"`` for a ``Version`` or a string such as ``3.12.1``."""
    parts = str(version).split(".")
    return ".".join(parts[:2])


def outside(spec: SpecifierSet | None, versions: Iterable[str]) -> list[str]:
    """The versions no release of which satisfies ``spec`` (``[workspace] python``)."""
    if spec is None:
        return []
    return [
        v
        for v in versions
        if not any(spec.contains(f"{v}.{patch}", prereleases=True) for patch in range(100))
    ]
