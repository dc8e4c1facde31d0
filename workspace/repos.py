"""bootstrap, update, status and lock across the siblings, in a bounded worker pool.

Each operation is a function of one sibling that returns a frozen result and never prints.
:func:`run_pool` runs it for many siblings with at most ``jobs`` at a time and reports each
start and finish to an event callback (called from one thread at a time), which is where the
commands print. Results come back in the order the siblings were given.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any, Generic, TypeVar

from workspace import git
from workspace.config import Sibling, Workspace
from workspace.errors import GitError, WorkspaceError
from workspace.lockfile import LockEntry

# Clones and fetches wait on the network, not on the CPU, so the pool is not sized by cores.
# Eight keeps below OpenSSH's default MaxStartups (10), past which a self-hosted server starts
# dropping new connections, and is enough to hide round-trip latency (see bench/).
DEFAULT_JOBS = 8


class Status(Enum):
    """What happened to one sibling."""

    CLONED = "cloned"
    LINKED = "linked"
    PRESENT = "present"
    UPDATED = "updated"
    UP_TO_DATE = "up to date"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class Result:
    """The outcome of bootstrap or update for one sibling."""

    name: str
    status: Status
    duration: float = 0.0
    commit: str | None = None
    before: str | None = None  # update: the commit before the fast-forward
    message: str = ""  # one line in words: why skipped, what failed
    reason: str | None = None  # failures: git.Reason value or another short cause
    detail: str = ""  # failures: the tail of git's message
    hint: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def failed(self) -> bool:
        return self.status is Status.FAILED


class EventKind(Enum):
    STARTED = "started"
    FINISHED = "finished"


T = TypeVar("T")


@dataclass(frozen=True)
class Event(Generic[T]):
    kind: EventKind
    name: str
    result: T | None = None  # set when FINISHED


def run_pool(
    siblings: Sequence[Sibling],
    work: Callable[[Sibling], T],
    jobs: int = DEFAULT_JOBS,
    on_event: Callable[[Event[T]], None] | None = None,
) -> list[T]:
    """Run ``work`` for each sibling, at most ``jobs`` at once; results in the given order.

    On Ctrl-C the siblings not yet started are cancelled, the running ones are left to end
    (their git got the same signal and cleans up), then KeyboardInterrupt propagates.
    """
    lock = threading.Lock()

    def emit(event: Event[T]) -> None:
        if on_event is not None:
            with lock:
                on_event(event)

    def one(sib: Sibling) -> T:
        emit(Event(EventKind.STARTED, sib.name))
        return work(sib)

    results: dict[str, T] = {}
    pool = ThreadPoolExecutor(max_workers=max(1, jobs), thread_name_prefix="wrknv")
    try:
        pending: dict[Future[T], Sibling] = {pool.submit(one, s): s for s in siblings}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                sib = pending.pop(fut)
                result = fut.result()
                results[sib.name] = result
                emit(Event(EventKind.FINISHED, sib.name, result))
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [results[s.name] for s in siblings]


# --------------------------------------------------------------------------- safety


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip(os.sep) + os.sep)


def path_problem(ws: Workspace, sib: Sibling) -> str | None:
    """Why writing at the sibling's path would write outside the workspace's parent, or None.

    The config already refuses paths that escape through ``..``; this catches a directory on
    the way that is a symlink to somewhere else.
    """
    allowed = os.path.realpath(ws.root.parent)
    probe = sib.path.parent
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    real = os.path.realpath(probe)
    if not _inside(real, allowed):
        return f"{probe} resolves to {real}, outside {allowed}"
    return None


# --------------------------------------------------------------------------- bootstrap


@dataclass(frozen=True)
class BootstrapOptions:
    link_from: Path | None = None
    lock: dict[str, LockEntry] | None = None  # --locked: check out these commits


def _origin_matches(sib: Sibling, origin: str) -> bool:
    """A checkout's origin may be the configured repo or its wrknv.local.toml rewrite."""
    return git.same_repo(origin, sib.repo) or git.same_repo(origin, sib.portable_repo)


def _present_warnings(sib: Sibling) -> tuple[str, ...]:
    """Warnings for a path that already exists: not a checkout, or another origin."""
    if sib.path.is_symlink() and not sib.path.exists():
        return (f"{sib.path} is a broken symlink",)
    if not git.is_checkout(sib.path):
        kind = "directory" if sib.path.is_dir() else "file"
        return (f"{sib.path} is a {kind} but not a git checkout; left alone",)
    origin = git.origin_url(sib.path)
    if origin is None:
        return ("the checkout has no 'origin' remote",)
    if not _origin_matches(sib, origin):
        return (f"origin is {origin}, but wrknv.toml says {sib.repo}",)
    return ()


def _link_source(link_from: Path, sib: Sibling) -> Path | None:
    for candidate in dict.fromkeys((link_from / sib.path.name, link_from / sib.name)):
        if git.is_checkout(candidate):
            return candidate
    return None


def _failure(exc: git.GitFailure) -> dict[str, Any]:
    """The fields of a failed Result, from git's classified failure."""
    return {
        "message": exc.reason.value,
        "reason": exc.reason.value,
        "detail": exc.detail,
        "hint": exc.hint,
    }


def bootstrap_one(ws: Workspace, sib: Sibling, options: BootstrapOptions) -> Result:
    """Make one sibling present: leave it, link it, or clone it atomically."""
    start = time.monotonic()

    def result(status: Status, **kw: Any) -> Result:
        return replace(Result(sib.name, status), duration=time.monotonic() - start, **kw)

    problem = path_problem(ws, sib)
    if problem:
        return result(
            Status.FAILED,
            message=f"refused: {problem}",
            reason="path escapes the workspace",
            hint="siblings are written only below the workspace's parent directory; "
            "remove the symlink or change the sibling's path",
        )
    for leftover in git.leftovers(sib.path):
        git.remove_tree(leftover)  # a clone interrupted by a killed run
    if sib.path.exists() or sib.path.is_symlink():
        return result(
            Status.PRESENT, commit=git.head_commit(sib.path), warnings=_present_warnings(sib)
        )
    if options.link_from is not None:
        source = _link_source(options.link_from, sib)
        if source is not None:
            sib.path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(source.absolute(), sib.path, target_is_directory=True)
            return result(
                Status.LINKED,
                commit=git.head_commit(source),
                message=f"-> {source.absolute()}",
                warnings=_present_warnings(sib),
            )
    commit = None
    if options.lock is not None:
        entry = options.lock.get(sib.name)
        if entry is None:
            return result(
                Status.FAILED,
                message="not in wrknv.lock",
                reason="not locked",
                hint="run `nox -s lock` after bootstrapping it, or bootstrap without --locked",
            )
        commit = entry.commit
    try:
        sha = git.clone(sib.repo, sib.path, sib.revision, commit)
    except git.GitFailure as exc:
        return result(Status.FAILED, **_failure(exc))
    except (GitError, OSError) as exc:
        text = exc.message if isinstance(exc, WorkspaceError) else str(exc)
        return result(Status.FAILED, message=text, reason="could not write", detail=text)
    return result(Status.CLONED, commit=sha, message=sib.revision or "")


def bootstrap(
    ws: Workspace,
    siblings: Sequence[Sibling],
    *,
    jobs: int = DEFAULT_JOBS,
    options: BootstrapOptions | None = None,
    on_event: Callable[[Event[Result]], None] | None = None,
) -> list[Result]:
    opts = options or BootstrapOptions()
    return run_pool(siblings, lambda s: bootstrap_one(ws, s, opts), jobs, on_event)


# --------------------------------------------------------------------------- update


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def update_one(sib: Sibling) -> Result:
    """Fetch, then fast-forward only; anything else is skipped and said why."""
    start = time.monotonic()

    def result(status: Status, **kw: Any) -> Result:
        return replace(Result(sib.name, status), duration=time.monotonic() - start, **kw)

    if not (sib.path.exists() or sib.path.is_symlink()):
        return result(Status.SKIPPED, message="missing (run bootstrap)")
    if not git.is_checkout(sib.path):
        return result(Status.SKIPPED, message="not a git checkout")
    try:
        git.fetch(sib.path)
        state = git.status(sib.path)
        if state.branch is None:
            return result(
                Status.SKIPPED,
                commit=state.head,
                message="detached HEAD (a pinned tag or commit): nothing to follow",
            )
        if state.upstream is None or state.ahead is None or state.behind is None:
            return result(
                Status.SKIPPED,
                commit=state.head,
                message=f"branch {state.branch} has no upstream to follow",
            )
        if state.changed:
            waiting = (
                f"; {_count(state.behind, 'upstream commit')} not merged" if state.behind else ""
            )
            return result(
                Status.SKIPPED,
                commit=state.head,
                message=f"local changes ({_count(state.changed, 'changed file')}){waiting}",
            )
        if state.ahead and state.behind:
            return result(
                Status.SKIPPED,
                commit=state.head,
                message=f"diverged from {state.upstream} "
                f"({state.ahead} ahead, {state.behind} behind); merge or rebase by hand",
            )
        if not state.behind:
            ahead = f", {_count(state.ahead, 'local commit')} not pushed" if state.ahead else ""
            return result(Status.UP_TO_DATE, commit=state.head, message=f"{state.branch}{ahead}")
        before, after = git.fast_forward(sib.path)
    except git.GitFailure as exc:
        return result(Status.FAILED, **_failure(exc))
    return result(
        Status.UPDATED,
        commit=after,
        before=before,
        message=f"{state.branch}: {_count(state.behind, 'new commit')}",
    )


def update(
    siblings: Sequence[Sibling],
    *,
    jobs: int = DEFAULT_JOBS,
    on_event: Callable[[Event[Result]], None] | None = None,
) -> list[Result]:
    return run_pool(siblings, update_one, jobs, on_event)


# --------------------------------------------------------------------------- status


class Presence(Enum):
    MISSING = "missing"
    PRESENT = "present"
    LINKED = "linked"
    NOT_GIT = "not a checkout"


@dataclass(frozen=True)
class SiblingStatus:
    """Everything ``status`` says about one sibling; ``drift`` lists what differs."""

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
    drift: tuple[str, ...] = field(default_factory=tuple)

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
    state = git.status(sib.path)
    origin = git.origin_url(sib.path)
    drift: list[str] = []
    if origin is None:
        drift.append("no origin remote")
    elif not _origin_matches(sib, origin):
        drift.append(f"origin is {origin}, wrknv.toml says {sib.repo}")
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
        origin_matches=None if origin is None else _origin_matches(sib, origin),
        drift=tuple(drift),
    )


def status(
    siblings: Sequence[Sibling],
    lock: dict[str, LockEntry] | None,
    *,
    jobs: int = DEFAULT_JOBS,
) -> list[SiblingStatus]:
    return run_pool(siblings, lambda s: status_one(s, lock), jobs)


# --------------------------------------------------------------------------- lock


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
    state = git.status(sib.path)
    if state.changed:
        warnings.append(f"{state.changed} uncommitted changes are not in the lock")
    contains = git.run(["branch", "--remotes", "--contains", head], sib.path, check=False)
    if contains.returncode == 0 and not contains.stdout.strip():
        warnings.append(f"{head[:10]} is on no remote branch: push it, or others cannot fetch it")
    return LockResult(
        sib.name, LockEntry(sib.name, sib.portable_repo, head, sib.revision), None, tuple(warnings)
    )


def collect_lock(siblings: Sequence[Sibling], *, jobs: int = DEFAULT_JOBS) -> list[LockResult]:
    return run_pool(siblings, lock_one, jobs)


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

    return run_pool(siblings, one, jobs)
