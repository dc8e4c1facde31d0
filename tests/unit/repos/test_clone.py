"""Atomic clones of real repositories: revisions, locked commits, failures, leftovers."""

from __future__ import annotations

import os
import signal
import stat
import time
from pathlib import Path

import pytest

from tests.builders import git, init_repo
from workspace import children, scheduler
from workspace.errors import GitError
from workspace.repos import clone
from workspace.repos import git as g


def test_clone_default_branch(remote: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bare, commits = remote
    target = tmp_path / "c"
    assert clone.clone(bare.as_uri(), target) == commits["second"]
    assert g.is_checkout(target)
    assert g.head_commit(target) == commits["second"]
    st = g.status(target)
    assert (st.branch, st.upstream, st.ahead, st.behind, st.dirty) == (
        "main",
        "origin/main",
        0,
        0,
        False,
    )
    assert g.same_repo(g.origin_url(target) or "", str(bare))
    assert not clone.leftovers(target)


def test_a_checkout_gets_the_users_umask(
    remote: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    old = os.umask(0o022)
    try:
        clone.clone(remote[0].as_uri(), tmp_path / "c")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "c").stat().st_mode) == 0o755  # not tempfile's 0700


@pytest.mark.parametrize(
    ("revision", "key", "branch"),
    [("dev", "dev", "dev"), ("v1", "first", None), ("main", "second", "main")],
)
def test_clone_revision(
    remote: tuple[Path, dict[str, str]], tmp_path: Path, revision: str, key: str, branch: str | None
) -> None:
    bare, commits = remote
    target = tmp_path / "c"
    assert clone.clone(bare.as_uri(), target, revision) == commits[key]
    assert g.status(target).branch == branch


def test_clone_commit_is_detached(remote: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bare, commits = remote
    target = tmp_path / "c"
    assert clone.clone(bare.as_uri(), target, commits["first"]) == commits["first"]
    assert g.status(target).branch is None


def test_clone_locked_commit_on_branch(remote: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    bare, commits = remote
    on_tip = clone.clone(bare.as_uri(), tmp_path / "a", "main", commits["second"])
    assert on_tip == commits["second"]
    assert g.status(tmp_path / "a").branch == "main"
    older = clone.clone(bare.as_uri(), tmp_path / "b", "main", commits["first"])
    assert older == commits["first"]
    assert g.status(tmp_path / "b").branch is None


@pytest.mark.parametrize("revision", ["no-such-branch", "0" * 40])
def test_clone_missing_revision_leaves_nothing(
    remote: tuple[Path, dict[str, str]], tmp_path: Path, revision: str
) -> None:
    bare, _ = remote
    with pytest.raises(g.GitFailure) as info:
        clone.clone(bare.as_uri(), tmp_path / "c", revision)
    assert info.value.reason is g.Reason.REVISION_MISSING
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_clone_missing_remote(tmp_path: Path) -> None:
    with pytest.raises(g.GitFailure) as info:
        clone.clone((tmp_path / "nope.git").as_uri(), tmp_path / "c")
    assert info.value.reason is g.Reason.NOT_FOUND
    assert "nope.git" in info.value.detail
    assert list(tmp_path.iterdir()) == []


def test_clone_of_a_corrupt_remote_says_so(tmp_path: Path) -> None:
    """Not "network error": the remote had the repository, but sent broken objects."""
    src = tmp_path / "src"
    init_repo(src, {"a.txt": "a\n"})
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(src, "push", "-q", str(bare), "HEAD:refs/heads/main")
    loose = next(p for p in (bare / "objects").rglob("*") if p.is_file() and len(p.name) == 38)
    loose.chmod(0o644)
    loose.write_bytes(b"garbage")
    with pytest.raises(g.GitFailure) as info:
        clone.clone(bare.as_uri(), tmp_path / "c")
    assert info.value.reason is g.Reason.CORRUPT
    assert "git fsck" in str(info.value.hint)
    assert not (tmp_path / "c").exists()


def test_clone_refuses_existing_target(remote: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    (tmp_path / "c").mkdir()
    with pytest.raises(GitError, match="already exists"):
        clone.clone(remote[0].as_uri(), tmp_path / "c")


@pytest.mark.parametrize("theirs", ["an empty directory", "a checkout"])
def test_a_target_made_while_cloning_is_left_to_whoever_made_it(
    remote: tuple[Path, dict[str, str]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    theirs: str,
) -> None:
    """Two bootstraps at once (or a person): the target appears while git clones. The rename
    would replace an empty directory or fail with a raw 'Directory not empty'; it is neither."""
    target = tmp_path / "c"
    hooks = tmp_path / "template" / "hooks"
    hooks.mkdir(parents=True)
    made = f"mkdir -p '{target}'" + (
        "" if theirs == "an empty directory" else f" && touch '{target}/x'"
    )
    (hooks / "post-checkout").write_text(f"#!/bin/sh\n{made}\n")
    (hooks / "post-checkout").chmod(0o755)
    monkeypatch.setenv("GIT_TEMPLATE_DIR", str(hooks.parent))  # git runs it inside clone
    with pytest.raises(GitError, match="appeared while it was being cloned; it is left as it"):
        clone.clone(remote[0].as_uri(), target)
    assert target.is_dir()
    assert [p.name for p in target.iterdir()] == ([] if theirs == "an empty directory" else ["x"])
    assert [p.name for p in tmp_path.iterdir() if clone.TMP_MARK in p.name] == []


def test_leftovers_skip_live_processes(tmp_path: Path) -> None:
    target = tmp_path / "sib"
    mine = tmp_path / f".sib{clone.TMP_MARK}{os.getpid()}-abc"
    mine.mkdir()
    gone = tmp_path / f".sib{clone.TMP_MARK}999999999-abc"
    gone.mkdir()
    parent_alive = tmp_path / f".sib{clone.TMP_MARK}{os.getppid()}-abc"
    parent_alive.mkdir()
    other = tmp_path / f".other{clone.TMP_MARK}999999999-abc"
    other.mkdir()
    assert clone.leftovers(target) == sorted([mine, gone])


@pytest.mark.parametrize("revision", [None, "main"])
def test_clone_stopped_by_an_interrupt_removes_its_temporary_clone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, revision: str | None
) -> None:
    """git is held mid-transfer by an ssh transport that stalls; Ctrl-C of the run ends it
    (and the transport) at once, and clone() removes the temporary directory it cloned into."""
    pids = tmp_path / "pids"
    stall = tmp_path / "stall.sh"
    stall.write_text(f"#!/bin/sh\necho $$ > {pids}.tmp && mv {pids}.tmp {pids}\nexec sleep 60\n")
    stall.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(stall))
    target = tmp_path / "sibs" / "alpha"
    errors: list[BaseException] = []

    def work() -> None:
        try:
            clone.clone("ssh://x/alpha", target, revision)
        except BaseException as exc:
            errors.append(exc)
            raise

    def on_event(event: scheduler.Event[None]) -> None:
        if isinstance(event, scheduler.Heartbeat) and pids.exists():
            signal.raise_signal(signal.SIGTERM)  # the scheduler turns it into Ctrl-C

    start = time.monotonic()
    batch = scheduler.Scheduler[None](1, on_event, tick=0.05).run(
        [scheduler.Unit("alpha", call=work)]
    )
    assert batch.interrupted
    assert time.monotonic() - start < 20
    assert [type(e) for e in errors] == [children.Interrupted]
    assert list((tmp_path / "sibs").iterdir()) == []  # neither the clone nor its temp dir
    transport = Path(f"/proc/{pids.read_text().strip()}/stat")
    deadline = time.monotonic() + 5
    while _running(transport) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(transport)


def _running(stat_file: Path) -> bool:
    """A process is running (a zombie waiting for its reaper is not)."""
    try:
        return stat_file.read_text().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except (OSError, IndexError):
        return False
