"""git primitives: classifying failures, the environment and safety options, reading a checkout."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import git, init_repo
from workspace.repos import clone
from workspace.repos import git as g


@pytest.mark.parametrize(
    ("stderr", "reason"),
    [
        ("fatal: '/x/y' does not appear to be a git repository", g.Reason.NOT_FOUND),
        (
            "remote: Repository not found.\nfatal: repository 'https://h/x/' not found",
            g.Reason.NOT_FOUND,
        ),
        ("fatal: remote error: access denied or repository not exported: /a", g.Reason.NOT_FOUND),
        ("fatal: repository '/srv/nope.git' does not exist", g.Reason.NOT_FOUND),
        (
            "fatal: could not read Username for 'https://h': terminal prompts disabled",
            g.Reason.AUTHENTICATION,
        ),
        (
            "git@h: Permission denied (publickey).\nfatal: Could not read from remote",
            g.Reason.AUTHENTICATION,
        ),
        ("Host key verification failed.", g.Reason.AUTHENTICATION),
        ("fatal: Authentication failed for 'https://h/x'", g.Reason.AUTHENTICATION),
        (
            "fatal: unable to access 'https://h/': The requested URL returned error: 403",
            g.Reason.AUTHENTICATION,
        ),
        (
            "fatal: unable to access 'https://nohost/': Could not resolve host: nohost",
            g.Reason.NETWORK,
        ),
        (
            "fatal: unable to connect to 127.0.0.1:\n"
            "127.0.0.1[0: 127.0.0.1]: errno=Connection refused",
            g.Reason.NETWORK,
        ),
        ("fatal: the remote end hung up unexpectedly\nfatal: early EOF", g.Reason.NETWORK),
        (
            "remote: aborting due to possible repository corruption on the remote side.\n"
            "fatal: early EOF\nfatal: fetch-pack: invalid index-pack output",
            g.Reason.CORRUPT,
        ),
        ("error: something odd", g.Reason.FAILED),
    ],
)
def test_classify(stderr: str, reason: g.Reason) -> None:
    assert g.classify(stderr) is reason


def test_tail_keeps_last_meaningful_lines() -> None:
    text = "Cloning into 'x'...\nhint: do this\n\nfatal: a\nfatal: b\nfatal: c\nfatal: d\n"
    assert g.tail(text) == "fatal: b | fatal: c | fatal: d"
    assert g.tail("") == ""


def test_env_never_prompts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_ASKPASS", "/usr/bin/some-gui")
    monkeypatch.delenv("GIT_SSH_COMMAND", raising=False)
    env = g.git_env()
    assert env["GIT_TERMINAL_PROMPT"] == "0"
    assert env["GIT_SSH_COMMAND"] == "ssh -o BatchMode=yes"
    assert "GIT_ASKPASS" not in env
    monkeypatch.setenv("GIT_SSH_COMMAND", "ssh -i key")
    assert g.git_env()["GIT_SSH_COMMAND"] == "ssh -i key -o BatchMode=yes"
    assert g.git_argv("status")[:3] == ["git", "-c", "protocol.ext.allow=never"]


def test_ext_transport_refused_even_if_given(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(g.GitFailure):
        clone.clone(f"ext::sh -c touch% {marker}", tmp_path / "x")
    assert not marker.exists()
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "# branch.oid abc\0# branch.head main\0# branch.upstream origin/main\0"
            "# branch.ab +2 -3\0",
            g.RepoState("abc", "main", "origin/main", 2, 3, 0, 0),
        ),
        (
            "# branch.oid abc\0# branch.head (detached)\0"
            "1 .M N... 100644 100644 100644 a b f1\0"
            "2 R. N... 100644 100644 100644 a b R100 new\0old\0"
            "u UU N... 1 2 3 4 a b c f3\0? u1\0? u2\0",
            g.RepoState("abc", None, None, None, None, 3, 2),
        ),
        (
            "# branch.oid (initial)\0# branch.head main\0",
            g.RepoState(None, "main", None, None, None, 0, 0),
        ),
    ],
)
def test_parse_status(text: str, expected: g.RepoState) -> None:
    assert g.parse_status(text) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("file:///srv/x.git", "/srv/x", True),
        ("/srv/x/", "/srv/x.git", True),
        ("https://h/o/x.git", "https://h/o/x", True),
        ("https://h/o/x", "https://h/o/y", False),
        ("/srv/a/../x", "/srv/x", True),
    ],
)
def test_same_repo(a: str, b: str, same: bool) -> None:
    assert g.same_repo(a, b) is same


def test_queries_on_non_checkouts(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert not g.is_checkout(plain)
    assert g.head_commit(plain) is None
    assert not g.is_checkout(tmp_path / "missing")
    assert g.head_commit(tmp_path / "missing") is None
    repo = tmp_path / "repo"
    init_repo(repo)
    sub = repo / "sub"
    sub.mkdir()
    assert g.is_checkout(repo)
    assert not g.is_checkout(sub)  # inside a checkout is not a checkout
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q")
    assert g.is_checkout(empty)
    assert g.head_commit(empty) is None


def test_fetch_fast_forward_and_dirty(remote: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bare, commits = remote
    work = tmp_path / "work"
    clone.clone(bare.as_uri(), work, "main", commits["first"])
    git(work, "checkout", "-q", "-B", "main", "--track", "origin/main")
    git(work, "reset", "-q", "--hard", commits["first"])
    assert g.status(work).behind == 1
    g.fetch(work)
    assert g.fast_forward(work) == (commits["first"], commits["second"])
    (work / "a.txt").write_text("changed\n")
    (work / "new.txt").write_text("new\n")
    st = g.status(work)
    assert (st.changed, st.untracked, st.dirty) == (1, 1, True)
    assert g.ahead_behind(work, "HEAD", "origin/dev") == (1, 1)
    assert g.ahead_behind(work, "HEAD", "no-such-ref") is None
