"""Atomic clones: a clone is made beside its target and renamed into place only when complete.

A run that is killed leaves a temporary directory marked with its process id; the next run
removes those whose process is gone (:func:`leftovers`).
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workspace.errors import GitError
from workspace.fsutil import as_if_created
from workspace.repos.git import (
    COMMIT_RE,
    HINTS,
    GitFailure,
    Reason,
    classify,
    has_ref,
    head_commit,
    output,
    resolve,
    run,
    tail,
)

TMP_MARK = ".wrknv-tmp-"


def _valid_branch(path: Path, name: str) -> bool:
    proc = run(["check-ref-format", "--branch", name], path, check=False)
    return proc.returncode == 0 and not name.startswith("-")


def checkout(path: Path, revision: str | None, commit: str | None = None) -> str:
    """Check out ``revision`` (branch, tag or commit) in a fresh clone; return the commit.

    A branch becomes a local branch tracking ``origin/<branch>``; a tag or commit is checked
    out detached. With ``commit`` (``--locked``), that exact commit is checked out: on the
    branch when the branch's tip is that commit, detached otherwise.
    """
    if revision is None:
        default = output(["symbolic-ref", "--quiet", "--short", "HEAD"], path)
        revision = default or "HEAD"
    target = commit or revision
    sha = resolve(path, target)
    if sha is None and COMMIT_RE.match(target.lower()) is None and commit is None:
        sha = resolve(path, f"refs/remotes/origin/{target}")
    if sha is None:
        # A commit that no branch or tag reaches: ask the server for it by id.
        run(["fetch", "--quiet", "origin", "--", target], path, check=False)
        sha = resolve(path, target)
    if sha is None:
        raise GitFailure(
            Reason.REVISION_MISSING,
            f"{target!r} is not a branch, tag or commit of the remote",
            HINTS[Reason.REVISION_MISSING],
        )
    remote_branch = f"refs/remotes/origin/{revision}"
    if (
        revision != "HEAD"
        and has_ref(path, remote_branch)
        and resolve(path, remote_branch) == sha
        and _valid_branch(path, revision)
    ):
        args = ["checkout", "--quiet", "--force", "-B", revision, "--track", remote_branch, "--"]
    else:
        args = ["checkout", "--quiet", "--force", "--detach", sha, "--"]
    run(args, path, reason=Reason.CHECKOUT_FAILED)
    return sha


# --------------------------------------------------------------------------- atomic clone


def _rmtree_onerror(func: Callable[..., Any], name: str, _exc: Any) -> None:
    # git makes pack files read-only; Windows refuses to delete those until they are writable.
    try:
        os.chmod(name, stat.S_IWRITE)
        func(name)
    except OSError:
        pass


def remove_tree(path: Path) -> None:
    """Delete a directory tree, read-only files included; a missing tree is not an error."""
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=_rmtree_onerror)
    else:
        shutil.rmtree(path, onerror=_rmtree_onerror)
    if path.exists():
        shutil.rmtree(path, ignore_errors=True)


def temp_prefix(target: Path) -> str:
    return f".{target.name}{TMP_MARK}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # not ours to signal, or cannot tell: leave its clone alone
        pass
    return True


def leftovers(target: Path) -> list[Path]:
    """Temporary clones of ``target`` left by a run that was killed (its process is gone)."""
    prefix = temp_prefix(target)
    if not target.parent.is_dir():
        return []
    found = []
    for entry in target.parent.iterdir():
        if not entry.name.startswith(prefix):
            continue
        pid_text = entry.name[len(prefix) :].split("-", 1)[0]
        if pid_text.isdigit() and int(pid_text) != os.getpid() and _pid_alive(int(pid_text)):
            continue  # another bootstrap is working on it right now
        found.append(entry)
    return sorted(found)


def clone(
    url: str, target: Path, revision: str | None = None, commit: str | None = None
) -> str | None:
    """Clone ``url`` to ``target`` atomically and check out the revision; return the commit.

    The clone is made in a temporary directory beside ``target`` and renamed into place only
    when clone and checkout both succeeded, so ``target`` either does not exist or is complete.
    The commit is None only for a remote without any commit.
    """
    if target.exists() or target.is_symlink():
        raise GitError(f"{target} already exists", hint="bootstrap never overwrites a directory")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{temp_prefix(target)}{os.getpid()}-", dir=target.parent))
    try:
        if revision is None and commit is None:
            # The default branch: one git call, exactly what a plain `git clone` does.
            proc = run(["clone", "--quiet", "--origin", "origin", "--", url, str(tmp)], check=False)
            if proc.returncode:
                checkout_failed = "checkout failed" in proc.stderr.lower()
                why = Reason.CHECKOUT_FAILED if checkout_failed else classify(proc.stderr)
                raise GitFailure(why, tail(proc.stderr), HINTS[why])
            sha = head_commit(tmp)
        else:
            run(["clone", "--quiet", "--no-checkout", "--origin", "origin", "--", url, str(tmp)])
            sha = checkout(tmp, revision, commit)
        as_if_created(tmp)  # mkdtemp made it 0700
        _into_place(tmp, target)
    except BaseException:
        remove_tree(tmp)
        raise
    return sha


def _into_place(tmp: Path, target: Path) -> None:
    """Rename the finished clone to ``target``, which someone else (another bootstrap, a
    person) may have made meanwhile: then it is theirs, and never replaced (a rename would
    replace an empty directory)."""
    appeared = GitError(
        f"{target} appeared while it was being cloned; it is left as it is",
        hint="run bootstrap again: a complete checkout there is then present",
    )
    if target.exists() or target.is_symlink():
        raise appeared
    try:
        os.rename(tmp, target)
    except OSError as exc:
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        raise appeared from None
