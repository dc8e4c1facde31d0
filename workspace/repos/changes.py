"""Which siblings changed since a git REF, and which siblings depend on those.

Each sibling is its own repository, so REF is looked up in each one: a sibling has changed when
HEAD has commits that REF does not, or when its work tree has uncommitted or untracked changes.
A sibling where REF does not exist cannot be compared, so it counts as changed, and its reason
says so; a REF that no sibling has is an error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from workspace.errors import GitError, SelectionError
from workspace.model.config import Sibling
from workspace.model.graph import Graph
from workspace.repos import git
from workspace.text import plural


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
        """Changed, or cannot be compared (no git, or REF unknown here): either way, test it."""
        return self.commits > 0 or self.dirty > 0 or not self.repository or not self.ref_found

    def describe(self, ref: str) -> str:
        if not self.repository:
            return "changed: not a git repository, so it cannot be compared"
        parts = (
            [] if self.ref_found else [f"{ref} is not a revision here, so it cannot be compared"]
        )
        if self.commits:
            parts.append(f"{plural(self.commits, 'commit')} since {ref}")
        if self.dirty:
            parts.append(plural(self.dirty, "uncommitted or untracked path"))
        return "changed: " + ", ".join(parts)


def check_ref(ref: str) -> None:
    if not ref or ref.startswith("-") or any(c in ref for c in "\x00\n\r"):
        raise SelectionError(
            f"--changed-since {ref!r}: not a usable git revision",
            hint="give a branch, tag or commit such as origin/main",
        )


def sibling_change(sibling: Sibling, ref: str) -> Change | None:
    """The change of one present sibling; None when its directory does not exist."""
    check_ref(ref)
    path = sibling.path
    if not path.is_dir():
        return None
    if not git.is_checkout(path):
        return Change(sibling.name, False, 0, 0, repository=False)
    commit = git.resolve(path, ref)
    counts = git.ahead_behind(path, "HEAD", commit) if commit else None
    try:
        state = git.status(path)
    except GitError:  # git cannot read the work tree: it cannot be compared either
        return Change(sibling.name, False, 0, 0, repository=False)
    return Change(
        sibling.name,
        ref_found=commit is not None,
        commits=counts[0] if counts else 0,
        dirty=state.changed + state.untracked,
    )


def changed_since(
    graph: Graph, ref: str, candidates: Iterable[Sibling] | None = None
) -> dict[str, str]:
    """Siblings to test because of changes since REF: name -> why.

    Every sibling of the workspace is compared, so a change below the selection still pulls in
    the selected siblings that depend on it; the answer is limited to ``candidates``.
    """
    check_ref(ref)
    ws = graph.workspace
    changes = [c for c in (sibling_change(s, ref) for s in ws.siblings) if c is not None]
    if not any(c.ref_found for c in changes):
        raise SelectionError(
            f"--changed-since {ref}: no sibling has this revision",
            hint="fetch it first (nox -s update), or give a branch, tag or commit that the "
            "siblings' repositories have, such as origin/main",
        )
    reasons = {c.name: c.describe(ref) for c in changes if c.changed}
    changed = set(reasons)
    for name in graph.order():
        if name in reasons:
            continue
        hit = sorted(graph.closure([name], upward=False) & changed)  # name itself is unchanged
        if hit:
            reasons[name] = f"dependant of {', '.join(hit)}"
    if candidates is not None:
        allowed = {s.name for s in candidates}
        reasons = {n: r for n, r in reasons.items() if n in allowed}
    return reasons
