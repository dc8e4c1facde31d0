"""wrknv.lock: the exact commit of every sibling, for a reproducible workspace.

The file is TOML, written by ``lock`` and read by ``bootstrap --locked``, ``status`` and
``validate``::

    version = 1

    [[siblings]]
    name = "core"
    repo = "https://example.org/core.git"
    commit = "0123456789abcdef0123456789abcdef01234567"
    revision = "main"
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import tomlkit

from workspace.errors import ConfigError, GitError, Problem
from workspace.fsutil import atomic_write_text
from workspace.model.config import Sibling, Workspace
from workspace.model.fields import NAME_RE
from workspace.repos import git
from workspace.scheduler import DEFAULT_JOBS, run_threads
from workspace.text import display_path
from workspace.tomlread import read_toml

LOCK_VERSION = 1
_HEADER = (
    "wrknv.lock: the exact commit of each sibling. Written by `nox -s lock`;",
    "`nox -s bootstrap -- --locked` checks these commits out. Do not edit by hand.",
)
_HINT = "regenerate it with `nox -s lock`"


# Each key of a [[siblings]] table: the form of its string, and what it should be.
_FIELDS = {
    "name": (NAME_RE, "a sibling name"),
    "repo": (re.compile(".", re.DOTALL), "a git URL"),  # any non-empty string
    "commit": (git.COMMIT_RE, "a full hexadecimal commit id"),
    "revision": (re.compile(".", re.DOTALL), "a branch, tag or commit"),  # or none
}


@dataclass(frozen=True)
class LockEntry:
    """One sibling as locked: where it came from and the commit it was at."""

    name: str
    repo: str
    commit: str
    revision: str | None = None  # the branch, tag or commit of wrknv.toml, when one was set


def format_lock(entries: Iterable[LockEntry]) -> str:
    """The text of a lock file, siblings sorted by name so diffs stay small."""
    doc = tomlkit.document()
    for line in _HEADER:
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    doc["version"] = LOCK_VERSION
    siblings = tomlkit.aot()
    for entry in sorted(entries, key=lambda e: e.name):
        siblings.append({k: v for k, v in asdict(entry).items() if v is not None})
    if siblings:
        doc["siblings"] = siblings
    return tomlkit.dumps(doc)


def write_lock(ws: Workspace, entries: Iterable[LockEntry]) -> Path:
    """Write ``wrknv.lock`` beside ``wrknv.toml`` atomically; return its path."""
    atomic_write_text(ws.lock_file, format_lock(entries))
    return ws.lock_file


def _entry(item: object, key: str, bad: Callable[[str, str], None]) -> LockEntry | None:
    """One [[siblings]] table as an entry; None (each problem reported) when it is wrong."""
    if not isinstance(item, dict):
        bad(key, "expected a table")
        return None
    problems = [f for f in item if f not in _FIELDS]
    for field in problems:
        bad(f"{key}.{field}", "unknown key")
    for field, (form, expected) in _FIELDS.items():
        value = item.get(field)
        if value is None and field == "revision":
            continue
        if not isinstance(value, str) or form.match(value) is None:
            bad(f"{key}.{field}", f"expected {expected}, got {value!r}")
            problems.append(field)
    if problems:
        return None
    return LockEntry(item["name"], item["repo"], item["commit"], item.get("revision"))


def parse_lock(path: Path, raw: dict[str, Any]) -> dict[str, LockEntry]:
    """Check the parsed TOML of a lock file, every key's type and form; every problem is
    reported at once, in one ConfigError naming the file and each key."""
    problems: list[Problem] = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(display_path(path), key, message, _HINT))

    version = raw.get("version", LOCK_VERSION)
    if type(version) is not int or version != LOCK_VERSION:
        bad("version", f"expected {LOCK_VERSION}, got {version!r}")
    for key in raw:
        if key not in ("version", "siblings"):
            bad(key, "unknown key")
    raw_sibs = raw.get("siblings", [])
    if not isinstance(raw_sibs, list):
        bad("siblings", "expected an array of tables: [[siblings]]")
        raw_sibs = []
    entries: dict[str, LockEntry] = {}
    for i, item in enumerate(raw_sibs):
        entry = _entry(item, f"siblings[{i}]", bad)
        if entry is not None and entry.name in entries:
            bad(f"siblings[{i}].name", f"{entry.name!r} appears twice")
        elif entry is not None:
            entries[entry.name] = entry
    if problems:
        raise ConfigError(problems)
    return entries


def read_lock(ws: Workspace) -> dict[str, LockEntry] | None:
    """The one reader of ``wrknv.lock``: its entries by sibling name, or None when there is no
    lock file. Anything wrong in it is a ConfigError naming the file and the key."""
    path = ws.lock_file
    if not path.is_file():
        return None
    return parse_lock(path, read_toml(path))


# --------------------------------------------------------------------------- locking the checkouts


@dataclass(frozen=True)
class LockResult:
    """One sibling as seen by ``lock``: its entry, or why it cannot be locked."""

    name: str
    entry: LockEntry | None
    problem: str | None = None
    warnings: tuple[str, ...] = ()


def lock_one(sib: Sibling) -> LockResult:
    if not (sib.path.exists() or sib.path.is_symlink()):
        return LockResult(sib.name, None, "missing (run bootstrap first)")
    head = git.head_commit(sib.path) if git.is_checkout(sib.path) else None
    if head is None:
        return LockResult(sib.name, None, "not a git checkout with a commit")
    warnings = []
    try:
        state = git.status(sib.path)
    except GitError as exc:
        return LockResult(sib.name, None, f"git cannot read it: {exc}")
    if state.changed:
        warnings.append(f"{state.changed} uncommitted changes are not in the lock")
    contains = git.run(["branch", "--remotes", "--contains", head], sib.path, check=False)
    if contains.returncode == 0 and not contains.stdout.strip():
        warnings.append(f"{head[:10]} is on no remote branch: push it, or others cannot fetch it")
    return LockResult(
        sib.name, LockEntry(sib.name, sib.portable_repo, head, sib.revision), None, tuple(warnings)
    )


def collect_lock(siblings: Sequence[Sibling], *, jobs: int = DEFAULT_JOBS) -> list[LockResult]:
    return run_threads(siblings, lock_one, jobs)


def merge_lock(
    old: dict[str, LockEntry] | None, new: Iterable[LockEntry], known: Iterable[str]
) -> list[LockEntry]:
    """New entries over the old ones; entries of siblings no longer in wrknv.toml are dropped."""
    merged = {n: e for n, e in (old or {}).items() if n in set(known)}
    merged.update({e.name: e for e in new})
    return list(merged.values())


@dataclass(frozen=True)
class LockCheck:
    name: str
    head: str | None
    locked: str | None

    @property
    def ok(self) -> bool:
        return self.head is not None and self.head == self.locked

    @property
    def problem(self) -> str:
        if self.locked is None:
            return "not in wrknv.lock"
        if self.head is None:
            return f"missing, lock says {self.locked[:10]}"
        return f"HEAD {self.head[:10]}, lock says {self.locked[:10]}"


def check_lock(
    siblings: Sequence[Sibling], lock: dict[str, LockEntry], *, jobs: int = DEFAULT_JOBS
) -> list[LockCheck]:
    def one(sib: Sibling) -> LockCheck:
        entry = lock.get(sib.name)
        return LockCheck(sib.name, git.head_commit(sib.path), entry.commit if entry else None)

    return run_threads(siblings, one, jobs)
