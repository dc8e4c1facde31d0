"""wrknv.local.toml: what one developer lays over the shared config (mirrors, forks, revisions)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from workspace.model.fields import (
    SIBLING_FIELDS,
    WORKSPACE_FIELDS,
    Bad,
    Collector,
    check_repo,
    check_table,
    unknown_tables,
)


@dataclass
class Overlay:
    """What wrknv.local.toml changes: URL prefixes, and per-sibling overrides."""

    rewrite: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, dict[str, Any]] = field(default_factory=dict)
    given: dict[str, set[str]] = field(default_factory=dict)  # keys given per sibling


def read_local(raw: Mapping[str, Any], ws: dict[str, Any], out: Collector) -> Overlay:
    """wrknv.local.toml: [workspace] overrides (into ``ws``), [rewrite], [siblings.NAME]."""
    unknown_tables(
        raw,
        {"workspace": "[workspace]", "rewrite": "[rewrite]", "siblings": "[siblings.NAME]"},
        out,
    )
    ws.update(check_table(raw.get("workspace", {}), WORKSPACE_FIELDS, "workspace", out))
    local = Overlay()
    raw_rewrite = raw.get("rewrite", {})
    if not isinstance(raw_rewrite, dict):
        out.add(
            "rewrite",
            "expected a table of URL prefixes",
            '"https://github.com/org/" = "file:///srv/mirror/"',
        )
    else:
        for prefix, target in raw_rewrite.items():
            try:
                local.rewrite[prefix] = check_repo(target)
            except Bad as bad:
                out.add(f"rewrite.{prefix!r}", f"expected {bad.expected}", bad.hint)
    raw_over = raw.get("siblings", {})
    if not isinstance(raw_over, dict):
        out.add("siblings", "expected a table", "write overrides as [siblings.NAME] tables")
        return local
    for name, table in raw_over.items():
        local.overrides[name] = check_table(
            table, SIBLING_FIELDS, f"siblings.{name}", out, skip=("name",)
        )
        local.given[name] = set(table) if isinstance(table, dict) else set()
    return local
