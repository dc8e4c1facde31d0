"""bootstrap and update: make each sibling present (clone or link it), or fast-forward it.

One function per sibling returns a :class:`Result` and never prints; the scheduler runs them
in threads (:func:`workspace.scheduler.run_threads`).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Any

from workspace.errors import GitError, WorkspaceError
from workspace.fsutil import inside
from workspace.model.config import Sibling, Workspace
from workspace.repos import clone, git
from workspace.repos.lock import LockEntry
from workspace.repos.status import origin_matches
from workspace.scheduler import DEFAULT_JOBS, Event, run_threads
from workspace.text import plural


class CheckoutStatus(Enum):
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
    status: CheckoutStatus
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
        return self.status is CheckoutStatus.FAILED


# --------------------------------------------------------------------------- safety


def path_problem(ws: Workspace, sib: Sibling) -> str | None:
    """Why writing at the sibling's path would write outside the workspace's parent, or None.

    The config already refuses paths that escape through ``..``; this catches a directory on
    the way that is a symlink to somewhere else.
    """
    allowed = os.path.realpath(ws.root.parent)
    probe = sib.path.parent
    while not os.path.lexists(probe) and probe != probe.parent:
        probe = probe.parent
    if not inside(probe, Path(allowed)):
        return f"{probe} resolves to {os.path.realpath(probe)}, outside {allowed}"
    return None


# --------------------------------------------------------------------------- bootstrap


@dataclass(frozen=True)
class BootstrapOptions:
    link_from: Path | None = None
    lock: dict[str, LockEntry] | None = None  # --locked: check out these commits


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
    if not origin_matches(sib, origin):
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

    def result(status: CheckoutStatus, **kw: Any) -> Result:
        return Result(sib.name, status, time.monotonic() - start, **kw)

    problem = path_problem(ws, sib)
    if problem:
        return result(
            CheckoutStatus.FAILED,
            message=f"refused: {problem}",
            reason="path escapes the workspace",
            hint="siblings are written only below the workspace's parent directory; "
            "remove the symlink or change the sibling's path",
        )
    for leftover in clone.leftovers(sib.path):
        clone.remove_tree(leftover)  # a clone interrupted by a killed run
    if sib.path.exists() or sib.path.is_symlink():
        return result(
            CheckoutStatus.PRESENT,
            commit=git.head_commit(sib.path),
            warnings=_present_warnings(sib),
        )
    if options.link_from is not None:
        source = _link_source(options.link_from, sib)
        if source is not None:
            try:
                sib.path.parent.mkdir(parents=True, exist_ok=True)
                os.symlink(source.absolute(), sib.path, target_is_directory=True)
            except OSError as exc:
                text = f"cannot link {sib.path} -> {source}: {exc.strerror or exc}"
                return result(
                    CheckoutStatus.FAILED, message=text, reason="could not write", detail=text
                )
            return result(
                CheckoutStatus.LINKED,
                commit=git.head_commit(source),
                message=f"-> {source.absolute()}",
                warnings=_present_warnings(sib),
            )
    commit = None
    if options.lock is not None:
        entry = options.lock.get(sib.name)
        if entry is None:
            return result(
                CheckoutStatus.FAILED,
                message="not in wrknv.lock",
                reason="not locked",
                hint="run `nox -s lock` after bootstrapping it, or bootstrap without --locked",
            )
        commit = entry.commit
    try:
        sha = clone.clone(sib.repo, sib.path, sib.revision, commit)
    except git.GitFailure as exc:
        return result(CheckoutStatus.FAILED, **_failure(exc))
    except (GitError, OSError) as exc:
        text = exc.message if isinstance(exc, WorkspaceError) else str(exc)
        return result(CheckoutStatus.FAILED, message=text, reason="could not write", detail=text)
    return result(CheckoutStatus.CLONED, commit=sha, message=sib.revision or "")


def bootstrap(
    ws: Workspace,
    siblings: Sequence[Sibling],
    *,
    jobs: int = DEFAULT_JOBS,
    options: BootstrapOptions,
    on_event: Callable[[Event[Result]], None] | None = None,
) -> list[Result]:
    return run_threads(siblings, lambda s: bootstrap_one(ws, s, options), jobs, on_event)


# --------------------------------------------------------------------------- update


def update_one(sib: Sibling) -> Result:
    """Fetch, then fast-forward only; anything else is skipped and said why."""
    start = time.monotonic()

    def result(status: CheckoutStatus, **kw: Any) -> Result:
        return Result(sib.name, status, time.monotonic() - start, **kw)

    if not (sib.path.exists() or sib.path.is_symlink()):
        return result(CheckoutStatus.SKIPPED, message="missing (run bootstrap)")
    if not git.is_checkout(sib.path):
        return result(CheckoutStatus.SKIPPED, message="not a git checkout")
    try:
        git.fetch(sib.path)
        state = git.status(sib.path)
        skipped = partial(result, CheckoutStatus.SKIPPED, commit=state.head)
        if state.branch is None:
            return skipped(message="detached HEAD (a pinned tag or commit): nothing to follow")
        if state.upstream is None or state.ahead is None or state.behind is None:
            return skipped(message=f"branch {state.branch} has no upstream to follow")
        if state.changed:
            waiting = (
                f"; {plural(state.behind, 'upstream commit')} not merged" if state.behind else ""
            )
            return skipped(
                message=f"local changes ({plural(state.changed, 'changed file')}){waiting}"
            )
        if state.ahead and state.behind:
            return skipped(
                message=f"diverged from {state.upstream} "
                f"({state.ahead} ahead, {state.behind} behind); merge or rebase by hand"
            )
        if not state.behind:
            ahead = f", {plural(state.ahead, 'local commit')} not pushed" if state.ahead else ""
            return result(
                CheckoutStatus.UP_TO_DATE, commit=state.head, message=f"{state.branch}{ahead}"
            )
        before, after = git.fast_forward(sib.path)
    except git.GitFailure as exc:
        return result(CheckoutStatus.FAILED, **_failure(exc))
    return result(
        CheckoutStatus.UPDATED,
        commit=after,
        before=before,
        message=f"{state.branch}: {plural(state.behind, 'new commit')}",
    )


def update(
    siblings: Sequence[Sibling],
    *,
    jobs: int = DEFAULT_JOBS,
    on_event: Callable[[Event[Result]], None] | None = None,
) -> list[Result]:
    return run_threads(siblings, update_one, jobs, on_event)
