"""What ``init`` writes for an existing constellation: a wrknv.toml with one entry per checkout,
a noxfile of a few lines that brings every session, and the lines .gitignore needs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import tomlkit

from workspace.fsutil import atomic_write_text
from workspace.model.config import Workspace, parse
from workspace.text import normalize_name

NOXFILE = '''\
# /// script
# dependencies = ["nox>=2025.2.9", "provide-workspace"]
# ///
"""The workspace's sessions: `nox -l` lists them; `nox -s setup`, `nox -s test-all`, ..."""

import workspace.noxsessions  # noqa: F401  (every session of provide-workspace)
'''
IGNORED = (".venv/", ".wrknv/", "wrknv.local.toml")
_HEADER = "Written by `provide-workspace init`; see docs/adopt.md for every key."


@dataclass(frozen=True)
class Entry:
    """One [[siblings]] entry to write; ``None`` leaves a key to its default."""

    name: str
    repo: str | None = None  # None: url_base/<name>.git
    path: str | None = None  # None: <siblings_dir>/<name>
    layer: str | None = None
    revision: str | None = None
    comment: str | None = None  # written above the entry


def url_base(urls: Sequence[str]) -> str | None:
    """The prefix that every URL shares up to its last '/', when there is one."""
    if not urls or any("/" not in u for u in urls):
        return None
    bases = {u.rstrip("/").rsplit("/", 1)[0] for u in urls}
    return bases.pop() if len(bases) == 1 else None


def repo_value(url: str, name: str, base: str | None) -> str | None:
    """What the entry's ``repo`` must say for ``url``: nothing when url_base/<name>.git is it,
    the last part when it is under url_base, else the whole URL."""
    if base is None or not url.startswith(base + "/"):
        return url
    rest = url[len(base) + 1 :]
    return None if rest == f"{name}.git" else rest


def render(
    name: str, siblings_dir: str, base: str | None, layers: Sequence[str], entries: Iterable[Entry]
) -> str:
    """The text of a new wrknv.toml."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment(_HEADER))
    table = tomlkit.table()
    table["name"] = name
    if siblings_dir != "..":
        table["siblings_dir"] = siblings_dir
    if base is not None:
        table["url_base"] = base
    if layers:
        table["layers"] = tomlkit.item(list(layers)).comment("bottom-up; rename them freely")
    doc["workspace"] = table
    return "\n".join([tomlkit.dumps(doc), *(render_entry(e) for e in entries)])


def missing_ignores(text: str) -> list[str]:
    """The lines a workspace's .gitignore needs that ``text`` lacks."""
    have = {line.strip() for line in text.splitlines()}
    return [line for line in IGNORED if line not in have and line.rstrip("/") not in have]


def relative(path: os.PathLike[str], start: os.PathLike[str]) -> str:
    return os.path.relpath(path, start).replace(os.sep, "/")


def add_entry(text: str, entry: Entry) -> str:
    """``text`` (a wrknv.toml) with one more [[siblings]] entry at its end; the rest untouched."""
    block = render_entry(entry)
    gap = "\n" if text.endswith("\n") else "\n\n"
    return text + gap + block if text.strip() else block


def remove_entry(text: str, name: str) -> str:
    """``text`` without the [[siblings]] entry of that name (compared as names are); every
    other byte, comments included, stays. KeyError when there is no such entry."""
    doc = tomlkit.parse(text)
    entries = doc.get("siblings")
    wanted = normalize_name(name)
    index = next(
        (i for i, e in enumerate(entries or ()) if normalize_name(str(e.get("name"))) == wanted),
        None,
    )
    if entries is None or index is None:
        raise KeyError(name)
    last = index == len(entries) - 1
    del entries[index]
    out = tomlkit.dumps(doc)
    return out.rstrip("\n") + "\n" if last else out


def render_entry(entry: Entry) -> str:
    """One [[siblings]] table, with its comment above it."""
    fields = {key: getattr(entry, key) for key in ("name", "layer", "repo", "path", "revision")}
    table = {"siblings": [{k: v for k, v in fields.items() if v is not None}]}
    return (f"# {entry.comment}\n" if entry.comment else "") + tomlkit.dumps(table)


def save(workspace: Workspace, text: str) -> None:
    """Write an edited wrknv.toml, once it passes the validation any config gets; atomically,
    so the file is never half-written or invalid."""
    parse(workspace.config_file, text)
    atomic_write_text(workspace.config_file, text)
