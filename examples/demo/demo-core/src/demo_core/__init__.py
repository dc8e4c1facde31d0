"""demo-core: the small foundation every other demo package builds on."""

from __future__ import annotations

from demo_core.names import BadName, is_identifier, slugify
from demo_core.records import Record, RecordError
from demo_core.versions import Version, VersionError

__all__ = [
    "BadName",
    "Record",
    "RecordError",
    "Version",
    "VersionError",
    "is_identifier",
    "slugify",
]
__version__ = "1.2.0"
