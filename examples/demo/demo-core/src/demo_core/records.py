"""Records: a kind, an id and a flat mapping of JSON values, with a stable JSON form."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping

from demo_core.names import is_identifier

_SCALARS = (str, int, float, bool, type(None))


class RecordError(ValueError):
    """A record that does not hold together."""


@dataclass(frozen=True)
class Record:
    kind: str
    id: int
    data: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not is_identifier(self.kind):
            raise RecordError(f"kind {self.kind!r} is not a snake_case identifier")
        if isinstance(self.id, bool) or not isinstance(self.id, int) or self.id < 0:
            raise RecordError(f"id must be a non-negative integer, got {self.id!r}")
        for key, value in self.data.items():
            if not is_identifier(key):
                raise RecordError(f"field {key!r} is not a snake_case identifier")
            if not isinstance(value, _SCALARS):
                raise RecordError(f"field {key!r} holds a {type(value).__name__}, not a scalar")
        object.__setattr__(self, "data", dict(self.data))

    def to_json(self) -> str:
        """Sorted keys and no spaces, so equal records give equal text."""
        payload = {"kind": self.kind, "id": self.id, "data": dict(self.data)}
        return json.dumps(payload, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> Record:
        try:
            payload = json.loads(text)
        except json.JSONDecodeError as exc:
            raise RecordError(f"not JSON: {exc}") from None
        if not isinstance(payload, dict) or set(payload) != {"kind", "id", "data"}:
            raise RecordError("expected an object with exactly kind, id and data")
        return cls(payload["kind"], payload["id"], payload["data"])

    def updated(self, **changes: Any) -> Record:
        return Record(self.kind, self.id, {**self.data, **changes})
