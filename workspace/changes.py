"""Which siblings changed since a git REF, and which siblings depend on those.

Each sibling is its own repository, so REF is looked up in each one: a sibling has changed when
REF exists there and HEAD has commits that REF does not, or when its work tree has uncommitted
or untracked changes. A sibling where REF does not exist is only judged by its work tree.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from workspace.config import Sibling
from workspace.errors import GitError, SelectionError
from workspace.graph import Graph


@dataclass(frozen=True)
class Change:
    """What git says about one sibling relative to REF."""

    name: str
    ref_found: bool
    commits: int  # commits in HEAD that REF lacks (0 when REF was not found)
    dirty: int  # uncommitted or untracked paths
    repository: bool = True  # False: the directory is not a git work tree

    @property
    def changed(self) -> bool:
        return self.commits > 0 or self.dirty > 0 or not self.repository

    def describe(self, ref: str) -> str:
        if not self.repository:
            return "changed: not a git repository, so it cannot be compared"
        parts = []
        if self.commits:
            parts.append(f"{self.commits} commit{'s' if self.commits != 1 else ''} since {ref}")
        if self.dirty:
            parts.append(
                f"{self.dirty} uncommitted or untracked path{'s' if self.dirty != 1 else ''}"
            )
        return "changed: " + ", ".join(parts)


def check_ref(ref: str) -> None:
    if not ref or ref.startswith("-") or any(c in ref for c in "\x00\n\r"):
        raise SelectionError(
            f"--changed-since {ref!r}: not a usable git revision",
            hint="give a branch, tag or commit such as origin/main",
        )


def _git(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GIT_OPTIONAL_LOCKS="0", LC_ALL="C")
    try:
        return subprocess.run(
            ["git", *args],
            cwd=path,
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror}", hint="install git") from None


def sibling_change(sibling: Sibling, ref: str) -> Change | None:
    """The change of one present sibling; None when its directory does not exist."""
    check_ref(ref)
    path = sibling.path
    if not path.is_dir():
        return None
    top = _git(path, "rev-parse", "--show-toplevel")
    if top.returncode or Path(top.stdout.strip()).resolve() != path.resolve():
        return Change(sibling.name, False, 0, 0, repository=False)
    found = _git(path, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", "--")
    commits = 0
    if found.returncode == 0:
        count = _git(path, "rev-list", "--count", f"{ref}..HEAD", "--")
        if count.returncode:
            raise GitError(
                f"{sibling.name}: git rev-list {ref}..HEAD failed: {count.stderr.strip()}",
                hint=f"check the repository at {path}",
            )
        commits = int(count.stdout.strip() or 0)
    status = _git(path, "status", "--porcelain=v1", "--untracked-files=normal", "--")
    if status.returncode:
        raise GitError(
            f"{sibling.name}: git status failed: {status.stderr.strip()}",
            hint=f"check the repository at {path}",
        )
    dirty = sum(1 for line in status.stdout.splitlines() if line.strip())
    return Change(sibling.name, found.returncode == 0, commits, dirty)


def changed_since(
    graph: Graph, ref: str, candidates: Iterable[Sibling] | None = None
) -> dict[str, str]:
    """Siblings to test because of changes since REF: name -> why.

    Every sibling of the workspace is compared, so a change below the selection still pulls in
    the selected siblings that depend on it; the answer is limited to ``candidates``.
    """
    check_ref(ref)
    ws = graph.workspace
    reasons: dict[str, str] = {}
    for sib in ws.siblings:
        change = sibling_change(sib, ref)
        if change is not None and change.changed:
            reasons[sib.name] = change.describe(ref)
    changed = set(reasons)
    for name in graph.order():
        if name in reasons:
            continue
        needs = graph.closure([name], upward=False) - {name}
        hit = sorted(needs & changed)
        if hit:
            reasons[name] = f"dependant of {', '.join(hit)}"
    if candidates is not None:
        allowed = {s.name for s in candidates}
        reasons = {n: r for n, r in reasons.items() if n in allowed}
    return reasons
