"""Names people type, turned into names programs can use."""

from __future__ import annotations

import re
import unicodedata

_IDENT = re.compile(r"[a-z][a-z0-9_]*\Z")
_SEPARATORS = re.compile(r"[^a-z0-9]+")


class BadName(ValueError):
    """A name that cannot be used."""


def slugify(text: str, sep: str = "-") -> str:
    """Lower-case ASCII words joined by ``sep``: 'Héllo, World!' -> 'hello-world'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = _SEPARATORS.sub(sep, ascii_text.lower()).strip(sep)
    if not slug:
        raise BadName(f"{text!r} has no letters or digits to make a name from")
    return slug


def is_identifier(name: str) -> bool:
    """True for lower-case snake_case identifiers such as 'user_id'."""
    return bool(_IDENT.match(name))
