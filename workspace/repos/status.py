"""status: what each sibling's checkout is, against wrknv.toml and wrknv.lock, and the checkouts
beside them that wrknv.toml does not name (read only)."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import Enum
from pathlib import Path

from workspace.errors import GitError
from workspace.model.config import Sibling, Workspace
from workspace.repos import git
from workspace.repos.lock import LockEntry
from workspace.repos.scan import Checkout, checkouts
from workspace.scheduler import DEFAULT_JOBS, run_threads


def origin_matches(sib: Sibling, origin: str) -> bool:
    """A checkout's origin may be the configured repo or its wrknv.local.toml rewrite."""
    return git.same_repo(origin, sib.repo) or git.same_repo(origin, sib.portable_repo)


class Presence(Enum):
    MISSING = "missing"
    PRESENT = "present"
    LINKED = "linked"
    NOT_GIT = "not a checkout"
    BROKEN = "broken"  # a checkout whose state git cannot read


@dataclass(frozen=True)
class SiblingStatus:
    """Everything ``status`` says about one sibling. ``drift`` lists what differs from the config
    or the lock; ``notes`` what is worth a look but may be on purpose (a fork as origin)."""

    name: str
    path: str
    presence: Presence
    branch: str | None = None
    head: str | None = None
    upstream: str | None = None
    ahead: int | None = None
    behind: int | None = None
    changed: int = 0
    untracked: int = 0
    origin: str | None = None
    origin_matches: bool | None = None  # None when there is no origin
    repo: str = ""
    locked: str | None = None  # the commit in wrknv.lock
    drift: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def dirty(self) -> bool:
        return bool(self.changed or self.untracked)

    def to_json(self) -> dict[str, object]:
        return {
            "name": self.name,
            "path": self.path,
            "presence": self.presence.value,
            "branch": self.branch,
            "head": self.head,
            "upstream": self.upstream,
            "ahead": self.ahead,
            "behind": self.behind,
            "changed": self.changed,
            "untracked": self.untracked,
            "dirty": self.dirty,
            "origin": self.origin,
            "repo": self.repo,
            "origin_matches": self.origin_matches,
            "locked": self.locked,
            "matches_lock": None if self.locked is None else self.head == self.locked,
            "drift": list(self.drift),
            "notes": list(self.notes),
        }


def _revision_drift(sib: Sibling, state: git.RepoState) -> str | None:
    """Whether HEAD is on the configured revision: the branch, or the tag's/commit's commit."""
    if sib.revision is None:
        return None
    if git.has_ref(sib.path, f"refs/remotes/origin/{sib.revision}"):
        if state.branch != sib.revision:
            return f"on {state.branch or 'a detached HEAD'}, wrknv.toml says branch {sib.revision}"
        return None
    wanted = git.resolve(sib.path, sib.revision)
    if wanted is None:
        return f"revision {sib.revision} is not known here (fetch, or fix wrknv.toml)"
    if wanted != state.head:
        return f"HEAD is not {sib.revision} ({wanted[:10]})"
    return None


def status_one(sib: Sibling, lock: dict[str, LockEntry] | None) -> SiblingStatus:
    """Presence, branch, changes, ahead/behind, lock and origin of one sibling (read only)."""
    entry = lock.get(sib.name) if lock is not None else None
    locked = entry.commit if entry else None
    base = SiblingStatus(sib.name, str(sib.path), Presence.MISSING, repo=sib.repo, locked=locked)
    if not (sib.path.exists() or sib.path.is_symlink()):
        return replace(base, drift=("missing",))
    if not git.is_checkout(sib.path):
        return replace(base, presence=Presence.NOT_GIT, drift=("not a git checkout",))
    try:
        state = git.status(sib.path)
    except GitError as exc:
        return replace(base, presence=Presence.BROKEN, drift=(f"git cannot read it: {exc}",))
    origin = git.origin_url(sib.path)
    notes = []
    if origin is None:
        notes.append("no origin remote")
    elif not origin_matches(sib, origin):
        notes.append(f"origin is {origin}, wrknv.toml says {sib.repo}")
    drift: list[str] = []
    why = _revision_drift(sib, state)
    if why:
        drift.append(why)
    if lock is not None:
        if entry is None:
            drift.append("not in wrknv.lock")
        elif entry.commit != state.head:
            drift.append(
                f"HEAD {(state.head or 'none')[:10]} differs from lock {entry.commit[:10]}"
            )
    return replace(
        base,
        presence=Presence.LINKED if sib.path.is_symlink() else Presence.PRESENT,
        branch=state.branch,
        head=state.head,
        upstream=state.upstream,
        ahead=state.ahead,
        behind=state.behind,
        changed=state.changed,
        untracked=state.untracked,
        origin=origin,
        origin_matches=None if origin is None else origin_matches(sib, origin),
        drift=tuple(drift),
        notes=tuple(notes),
    )


def status(
    siblings: Sequence[Sibling],
    lock: dict[str, LockEntry] | None,
    *,
    jobs: int = DEFAULT_JOBS,
) -> list[SiblingStatus]:
    return run_threads(siblings, lambda s: status_one(s, lock), jobs)


def orphans(ws: Workspace) -> list[Checkout]:
    """The git checkouts beside the siblings (in the siblings directory, and in each folder a
    sibling's path points into) that no ``[[siblings]]`` entry names; the meta-repository and
    every configured path are left out before git is asked."""
    known = [ws.root, *(s.path for s in ws.siblings)]
    siblings_dir = Path(os.path.normpath(ws.root / ws.siblings_dir))
    folders: dict[Path, Path] = {}  # each folder once, however it is spelled
    for folder in sorted({siblings_dir, *(s.path.parent for s in ws.siblings)}):
        folders.setdefault(folder.resolve(), folder)
    return [c for folder in folders.values() for c in checkouts(folder, leave_out=known)]
