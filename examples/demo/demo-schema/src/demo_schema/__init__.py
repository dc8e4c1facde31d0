"""demo-schema: declare the fields of a record kind; check and coerce incoming data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping

from demo_core import Record, is_identifier

__all__ = ["Field", "Schema", "SchemaError"]

_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (float, int),
    "bool": (bool,),
}


class SchemaError(ValueError):
    """Data that does not fit a schema; ``problems`` lists every field that is wrong."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "str"
    required: bool = True
    default: Any = None
    check: Callable[[Any], bool] | None = None
    doc: str = ""

    def __post_init__(self) -> None:
        if not is_identifier(self.name):
            raise ValueError(f"field name {self.name!r} is not a snake_case identifier")
        if self.type not in _TYPES:
            raise ValueError(f"field {self.name}: unknown type {self.type!r}")


class Schema:
    def __init__(self, kind: str, fields: list[Field]) -> None:
        if not is_identifier(kind):
            raise ValueError(f"kind {kind!r} is not a snake_case identifier")
        names = [f.name for f in fields]
        if len(set(names)) != len(names):
            raise ValueError(f"schema {kind}: repeated field names")
        self.kind = kind
        self.fields = list(fields)

    def validate(self, data: Mapping[str, Any]) -> dict[str, Any]:
        """The data with defaults filled in; SchemaError naming every problem otherwise."""
        problems: list[str] = []
        out: dict[str, Any] = {}
        known = {f.name for f in self.fields}
        for key in sorted(set(data) - known):
            problems.append(f"{key}: unknown field")
        for f in self.fields:
            if f.name not in data:
                if f.required:
                    problems.append(f"{f.name}: missing")
                else:
                    out[f.name] = f.default
                continue
            value = data[f.name]
            allowed = _TYPES[f.type]
            # bool is an int in Python; a schema that says int does not mean True.
            if not isinstance(value, allowed) or (f.type != "bool" and isinstance(value, bool)):
                problems.append(f"{f.name}: expected {f.type}, got {type(value).__name__}")
                continue
            if f.type == "float":
                value = float(value)
            if f.check is not None and not f.check(value):
                problems.append(f"{f.name}: {value!r} fails its check")
                continue
            out[f.name] = value
        if problems:
            raise SchemaError(problems)
        return out

    def record(self, id_: int, data: Mapping[str, Any]) -> Record:
        return Record(self.kind, id_, self.validate(data))
