"""One-repository git primitives: run git safely, classify its failures, read a checkout's state.

Every call is an argument list with ``--`` (or ``--end-of-options``) before values that come
from the user, runs with prompts disabled so git never waits for a person, and refuses the
``ext::`` transport even if a config file slipped one through. A failure raises
:class:`GitFailure`, which says in words why (not found, authentication, network, revision
missing, checkout failed) and carries the tail of git's own message.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from workspace.children import run_child
from workspace.errors import GitError

# A full commit id, SHA-1 or SHA-256, as git prints it (lowercase).
COMMIT_RE = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?\Z")


class Reason(Enum):
    """Why a git operation failed, in the words the summary prints."""

    NOT_FOUND = "not found"
    AUTHENTICATION = "authentication required or refused"
    NETWORK = "network error"
    CORRUPT = "remote repository corrupt or incomplete"
    REVISION_MISSING = "revision missing"
    CHECKOUT_FAILED = "checkout failed"
    FAILED = "git failed"


class GitFailure(GitError):
    """A git command failed; ``reason`` classifies it and ``detail`` is git's last words."""

    def __init__(self, reason: Reason, detail: str, hint: str | None = None) -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value, hint)
        self.reason = reason
        self.detail = detail


HINTS = {
    Reason.NOT_FOUND: "check the repo URL in wrknv.toml (or a [rewrite] in wrknv.local.toml)",
    Reason.AUTHENTICATION: "git does not prompt here: set up an ssh agent or a credential "
    "helper, then rerun",
    Reason.NETWORK: "check the network or the host name, then rerun",
    Reason.CORRUPT: "the remote sent broken or missing objects: run `git fsck` in the remote "
    "repository (or ask its host), then rerun",
    Reason.REVISION_MISSING: "check the sibling's revision in wrknv.toml (or the commit in "
    "wrknv.lock)",
    Reason.CHECKOUT_FAILED: "see git's message; a path the OS cannot create is a common cause",
    Reason.FAILED: "see git's message",
}

# Checked in this order: an authentication failure often also says "unable to access", and a
# corrupt remote ends with the "early EOF" of a broken connection.
_PATTERNS: tuple[tuple[Reason, tuple[str, ...]], ...] = (
    (
        Reason.CORRUPT,
        (
            "possible repository corruption",
            "invalid index-pack output",
            "did not send all necessary objects",
            "bad object",
            "is corrupt",
            "missing blob",
            "missing tree",
            "unable to read sha1 file",
            "loose object",
        ),
    ),
    (
        Reason.AUTHENTICATION,
        (
            "authentication failed",
            "could not read username",
            "could not read password",
            "terminal prompts disabled",
            "permission denied (publickey",
            "permission denied, please try again",
            "host key verification failed",
            "invalid username or password",
            "the requested url returned error: 401",
            "the requested url returned error: 403",
        ),
    ),
    (
        Reason.NOT_FOUND,
        (
            "repository not found",
            "does not appear to be a git repository",
            "does not exist",
            "not exported",
            "the requested url returned error: 404",
            "not found",
            "no such repository",
        ),
    ),
    (
        Reason.NETWORK,
        (
            "could not resolve host",
            "could not resolve hostname",
            "connection refused",
            "connection timed out",
            "operation timed out",
            "connection reset",
            "network is unreachable",
            "no route to host",
            "unable to connect",
            "unable to access",
            "the remote end hung up",
            "early eof",
            "ssl",
            "gnutls",
            "transfer closed",
            "unexpected disconnect",
        ),
    ),
)


def classify(stderr: str) -> Reason:
    """The reason a network-facing git command failed, read from its stderr."""
    text = stderr.lower()
    for reason, needles in _PATTERNS:
        if any(n in text for n in needles):
            return reason
    return Reason.FAILED


# Lines git prints around every failure that say nothing about this one.
_BOILERPLATE = (
    "hint:",
    "cloning into",
    "please make sure you have the correct access rights",
    "and the repository exists",
)


def tail(stderr: str) -> str:
    """The last three meaningful lines of git's message, joined on one line."""
    kept = [ln.strip() for ln in stderr.splitlines() if ln.strip()]
    kept = [ln for ln in kept if not ln.lower().startswith(_BOILERPLATE)]
    return " | ".join(kept[-3:])


# --------------------------------------------------------------------------- running git


def git_env() -> dict[str, str]:
    """The environment every git call gets: no prompts, ssh in batch mode."""
    env = dict(os.environ)
    env["GIT_TERMINAL_PROMPT"] = "0"
    env["GCM_INTERACTIVE"] = "never"
    env.pop("GIT_ASKPASS", None)
    env.pop("SSH_ASKPASS", None)
    ssh = env.get("GIT_SSH_COMMAND")
    env["GIT_SSH_COMMAND"] = f"{ssh} -o BatchMode=yes" if ssh else "ssh -o BatchMode=yes"
    env["LC_ALL"] = "C"  # classify() reads English messages
    return env


def git_argv(*args: str) -> list[str]:
    """The full argument list for one git call, with the safety options in front."""
    return ["git", "-c", "protocol.ext.allow=never", "-c", "core.askPass=", *args]


def run(
    args: Sequence[str],
    cwd: Path | None = None,
    *,
    check: bool = True,
    reason: Reason | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run one git command; on failure raise GitFailure (``reason`` or classified from stderr).
    It is a process group of its own, which Ctrl-C or SIGTERM ends (see ``run_child``)."""
    try:
        proc = run_child(
            git_argv(*args),
            f"git {args[0]}",
            cwd=cwd,
            env=git_env(),
            encoding="utf-8",
            errors="replace",
        )
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH", hint="install git") from None
    if check and proc.returncode:
        why = reason or classify(proc.stderr)
        raise GitFailure(why, tail(proc.stderr) or f"exit status {proc.returncode}", HINTS[why])
    return proc


def output(args: Sequence[str], cwd: Path) -> str | None:
    """git's stripped output, or None when the command failed."""
    proc = run(args, cwd, check=False)
    return proc.stdout.strip() if proc.returncode == 0 else None


# --------------------------------------------------------------------------- queries


def is_checkout(path: Path) -> bool:
    """True when ``path`` is the top of a git working tree (not merely inside one)."""
    if not (path / ".git").exists():
        return False
    top = output(["rev-parse", "--show-toplevel"], path)
    return top is not None and os.path.realpath(top) == os.path.realpath(path)


def head_commit(path: Path) -> str | None:
    """The commit checked out at ``path``, or None (not a checkout, or no commit yet)."""
    if not (path / ".git").exists():
        return None
    return output(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], path) or None


def origin_url(path: Path) -> str | None:
    """The URL of the ``origin`` remote (after insteadOf rewriting), or None."""
    return output(["remote", "get-url", "origin"], path) or None


def normalize_url(url: str) -> str:
    """A form of a repo URL for comparison: file:// as a path, no trailing '/' or '.git'."""
    text = url.strip().removeprefix("file://")
    if text.startswith("/"):
        text = os.path.normpath(text)
    return text.rstrip("/").removesuffix(".git").rstrip("/")


def same_repo(a: str, b: str) -> bool:
    """Whether two repo URLs name the same repository, ignoring spelling differences."""
    return normalize_url(a) == normalize_url(b)


@dataclass(frozen=True)
class RepoState:
    """What ``git status`` says about one checkout."""

    head: str | None  # None: no commit yet
    branch: str | None  # None: detached HEAD
    upstream: str | None
    ahead: int | None  # None: no upstream to compare with
    behind: int | None
    changed: int  # staged, modified, deleted, renamed, conflicted
    untracked: int

    @property
    def dirty(self) -> bool:
        return bool(self.changed or self.untracked)


def parse_status(text: str) -> RepoState:
    """Parse ``git status --porcelain=v2 --branch -z`` output."""
    head = branch = upstream = None
    ahead = behind = None
    changed = untracked = 0
    tokens = iter(text.split("\0"))
    for token in tokens:
        if token.startswith("# branch.oid "):
            oid = token[len("# branch.oid ") :]
            head = None if oid == "(initial)" else oid
        elif token.startswith("# branch.head "):
            name = token[len("# branch.head ") :]
            branch = None if name == "(detached)" else name
        elif token.startswith("# branch.upstream "):
            upstream = token[len("# branch.upstream ") :]
        elif token.startswith("# branch.ab "):
            a, b = token[len("# branch.ab ") :].split()
            ahead, behind = int(a.lstrip("+")), int(b.lstrip("-"))
        elif token.startswith(("1 ", "u ")):
            changed += 1
        elif token.startswith("2 "):
            changed += 1
            next(tokens, None)  # a rename carries its original path as the next token
        elif token.startswith("? "):
            untracked += 1
    return RepoState(head, branch, upstream, ahead, behind, changed, untracked)


def status(path: Path) -> RepoState:
    """Branch, upstream, ahead/behind and change counts of one checkout."""
    proc = run(["status", "--porcelain=v2", "--branch", "-z", "--untracked-files=normal"], path)
    return parse_status(proc.stdout)


def ahead_behind(path: Path, local: str, other: str) -> tuple[int, int] | None:
    """Commits only in ``local`` and only in ``other``; None when either is unknown here."""
    out = output(
        ["rev-list", "--left-right", "--count", "--end-of-options", f"{local}...{other}"], path
    )
    if out is None:
        return None
    a, b = out.split()
    return int(a), int(b)


def resolve(path: Path, revision: str) -> str | None:
    """The commit a revision names in this repository, or None."""
    return output(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}"], path
    )


def has_ref(path: Path, ref: str) -> bool:
    return run(["show-ref", "--verify", "--quiet", "--", ref], path, check=False).returncode == 0


# --------------------------------------------------------------------------- changes


def fetch(path: Path) -> None:
    """Fetch ``origin`` (branches and tags) into the remote-tracking refs."""
    run(["fetch", "--quiet", "--tags", "origin"], path)


def fast_forward(path: Path) -> tuple[str | None, str | None]:
    """Fast-forward the current branch to its upstream; return the commit before and after."""
    before = head_commit(path)
    run(["merge", "--ff-only", "--quiet", "@{upstream}"], path)
    return before, head_commit(path)
