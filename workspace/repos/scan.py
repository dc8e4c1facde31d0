"""The git checkouts in a directory, as ``init`` and ``status`` see them: where each is, what its
project is called, and where its ``origin`` points."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workspace.errors import WorkspaceError
from workspace.repos import git
from workspace.text import normalize_name
from workspace.tomlread import read_toml


@dataclass(frozen=True)
class Checkout:
    """One git checkout found in the siblings directory."""

    path: Path
    name: str  # [project].name of its pyproject.toml, else the directory's name
    origin: str | None  # the origin remote's URL; None when it has none


def project_name(path: Path) -> str:
    """The checkout's ``[project].name``; its directory's name when it has no readable one."""
    try:
        project = read_toml(path / "pyproject.toml").get("project")
    except WorkspaceError:
        return path.name
    name = project.get("name") if isinstance(project, dict) else None
    return name if isinstance(name, str) and name.strip() else path.name


def checkouts(folder: Path, leave_out: Iterable[Path] = ()) -> list[Checkout]:
    """Every git checkout directly in ``folder``, sorted by directory name. The paths in
    ``leave_out`` (the meta-repository, known siblings) are skipped before git is asked."""
    skip = {os.path.realpath(p) for p in leave_out}
    entries = sorted(folder.iterdir()) if folder.is_dir() else []
    return [
        Checkout(entry, project_name(entry), git.origin_url(entry))
        for entry in entries
        if os.path.realpath(entry) not in skip and entry.is_dir() and git.is_checkout(entry)
    ]


def same_names(found: list[Checkout]) -> list[tuple[Checkout, Checkout]]:
    """Pairs of checkouts that name the same project (compared as distribution names)."""
    first: dict[str, Checkout] = {}
    pairs = []
    for checkout in found:
        other = first.setdefault(normalize_name(checkout.name), checkout)
        if other is not checkout:
            pairs.append((other, checkout))
    return pairs
