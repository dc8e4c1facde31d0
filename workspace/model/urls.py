"""Repository URLs as wrknv.toml gives them: resolved, rewritten, and refused when unsafe."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_TRANSPORT_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)::")
# git remote helpers that run arbitrary commands: never accepted from a config file.
_COMMAND_TRANSPORTS = frozenset({"ext", "fd"})
_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[^/:]+@[^/:]+:")


def resolve_repo(repo: str, root: Path, url_base: str | None) -> str:
    """A repo value as git will see it: URLs as given, bare names under url_base, paths absolute."""
    if _URL_RE.match(repo) or _TRANSPORT_RE.match(repo):
        return repo
    if url_base and not repo.startswith(("/", "./", "../", "~")):
        return f"{url_base.rstrip('/')}/{repo}"
    return str((root / _home(repo)).resolve())


def _home(repo: str) -> Path:
    """``~`` and ``~user`` expanded; left as written for a user this machine does not have
    (:func:`repo_problem` refuses it)."""
    try:
        return Path(repo).expanduser()
    except RuntimeError:
        return Path(repo)


def repo_problem(repo: str) -> str | None:
    """Why git must not be handed this repo value, or None when it is safe."""
    if repo.startswith("-"):
        return "starts with '-', which git would read as an option"
    if CONTROL_RE.search(repo):
        return "contains control characters"
    transport = _TRANSPORT_RE.match(repo)
    if transport and transport.group(1).lower() in _COMMAND_TRANSPORTS:
        return f"uses the '{transport.group(1)}::' transport, which runs commands"
    if repo.startswith("~") and _home(repo) == Path(repo):
        return f"starts with {repo.partition('/')[0]}, the home of no user on this machine"
    return None


def rewrite_url(repo: str, rules: Mapping[str, str]) -> str:
    """Apply the longest matching [rewrite] prefix of wrknv.local.toml."""
    best = max((p for p in rules if repo.startswith(p)), key=len, default=None)
    return repo if best is None else rules[best] + repo[len(best) :]
