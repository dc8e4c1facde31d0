"""The modules a Python file imports, read with ``ast`` (never executed), each with its line and
whether it is optional: under ``if TYPE_CHECKING:`` or in a ``try`` that catches ImportError."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path


class Kind(Enum):
    REQUIRED = "required"
    TYPE_CHECKING = "TYPE_CHECKING"  # only for type checkers
    GUARDED = "guarded"  # in a try whose handler catches ImportError


@dataclass(frozen=True)
class Import:
    module: str  # absolute and dotted: "yaml", "acme.core.util"
    line: int
    kind: Kind


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
# ``try: ... except* ImportError`` (3.11+) has the same fields as ``try``.
_TRY: tuple[type[ast.Try], ...] = tuple(
    getattr(ast, n) for n in ("Try", "TryStar") if hasattr(ast, n)
)


def _name(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    caught = handler.type
    if caught is None:
        return True  # a bare except catches it too
    names = caught.elts if isinstance(caught, ast.Tuple) else [caught]
    return any(_name(n) in _IMPORT_ERRORS for n in names)


def _walk(nodes: list[ast.stmt], kind: Kind) -> Iterator[Import]:
    for node in nodes:
        if isinstance(node, ast.Import):
            yield from (Import(alias.name, node.lineno, kind) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                yield Import(node.module, node.lineno, kind)
        elif isinstance(node, ast.If) and _name(node.test) == "TYPE_CHECKING":
            yield from _walk(node.body, Kind.TYPE_CHECKING)
            yield from _walk(node.orelse, kind)
        elif isinstance(node, _TRY):
            guarded = any(_catches_import_error(h) for h in node.handlers)
            yield from _walk(node.body, Kind.GUARDED if guarded else kind)
            for part in (*(h.body for h in node.handlers), node.orelse, node.finalbody):
                yield from _walk(part, kind)
        else:
            for field in ("body", "orelse", "finalbody"):
                yield from _walk(getattr(node, field, None) or [], kind)
            for case in getattr(node, "cases", ()):  # match statements
                yield from _walk(case.body, kind)


def imports_of(path: Path) -> list[Import]:
    """Every absolute import in the file, in source order. Raises SyntaxError, OSError, or
    ValueError (a NUL byte) for a file that cannot be read as Python."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    return list(_walk(tree.body, Kind.REQUIRED))
