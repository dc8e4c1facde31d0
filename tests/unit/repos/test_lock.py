"""wrknv.lock: the file format, and locking the checkouts (merging entries, checking HEADs)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import write_config
from workspace.errors import ConfigError
from workspace.model import config
from workspace.repos.lock import (
    LockCheck,
    LockEntry,
    format_lock,
    merge_lock,
    parse_lock,
    read_lock,
    write_lock,
)

SHA_A = "a" * 40
SHA_B = "b" * 40
SHA = "0123456789abcdef0123456789abcdef01234567"
SHA256 = "ab" * 32


@pytest.fixture
def ws(workspace_root: Path) -> config.Workspace:
    write_config(
        workspace_root,
        """
        [workspace]
        name = "demo"

        [[siblings]]
        name = "core"
        repo = "https://example.invalid/core.git"
        """,
    )
    return config.load(workspace_root / "wrknv.toml")


def test_no_lock_file_is_none(ws: config.Workspace) -> None:
    assert read_lock(ws) is None


def test_round_trip(ws: config.Workspace) -> None:
    entries = [
        LockEntry("zeta", "https://h/z.git", SHA, None),
        LockEntry("core", 'C:\\odd "path"\x7f', SHA256, "main"),
    ]
    path = write_lock(ws, entries)
    assert path == ws.lock_file
    text = path.read_text(encoding="utf-8")
    assert text.index('name = "core"') < text.index('name = "zeta"')  # sorted by name
    assert read_lock(ws) == {e.name: e for e in entries}
    assert not [p for p in ws.root.iterdir() if p.name.endswith(".tmp")]


def test_empty_lock(ws: config.Workspace) -> None:
    write_lock(ws, [])
    assert read_lock(ws) == {}


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ({"version": 2}, "version"),
        ({"extra": 1}, "extra"),
        ({"siblings": {"a": 1}}, "siblings"),
        ({"siblings": [1]}, "siblings[0]"),
        ({"siblings": [{"repo": "r", "commit": SHA}]}, "siblings[0].name"),
        ({"siblings": [{"name": "-x", "repo": "r", "commit": SHA}]}, "siblings[0].name"),
        ({"siblings": [{"name": "a", "commit": SHA}]}, "siblings[0].repo"),
        ({"siblings": [{"name": "a", "repo": "r", "commit": "abc"}]}, "siblings[0].commit"),
        ({"siblings": [{"name": "a", "repo": "r", "commit": SHA.upper()}]}, "siblings[0].commit"),
        (
            {"siblings": [{"name": "a", "repo": "r", "commit": SHA, "revision": 3}]},
            "siblings[0].revision",
        ),
        ({"siblings": [{"name": "a", "repo": "r", "commit": SHA, "x": 1}]}, "siblings[0].x"),
        (
            {"siblings": [{"name": "a", "repo": "r", "commit": SHA}] * 2},
            "siblings[1].name",
        ),
    ],
)
def test_bad_lock(raw: dict[str, object], key: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        parse_lock(tmp_path / "wrknv.lock", raw)
    assert [p.key for p in info.value.problems] == [key]
    assert "nox -s lock" in str(info.value)


def test_malformed_toml_names_file(ws: config.Workspace) -> None:
    ws.lock_file.write_text("[[siblings]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"wrknv\.lock"):
        read_lock(ws)


def test_format_is_stable() -> None:
    text = format_lock([LockEntry("a", "r", SHA, "v1")])
    assert text.endswith(
        f'[[siblings]]\nname = "a"\nrepo = "r"\ncommit = "{SHA}"\nrevision = "v1"\n'
    )


@pytest.mark.parametrize(
    ("old", "new", "known", "expected"),
    [
        (None, ["a"], ["a", "b"], ["a"]),
        ({"a": SHA_A, "b": SHA_A}, ["a"], ["a", "b"], ["a", "b"]),
        ({"a": SHA_A, "gone": SHA_A}, ["b"], ["a", "b"], ["a", "b"]),
    ],
)
def test_merge_lock(
    old: dict[str, str] | None, new: list[str], known: list[str], expected: list[str]
) -> None:
    old_entries = {n: LockEntry(n, "r", c) for n, c in old.items()} if old else None
    merged = merge_lock(old_entries, [LockEntry(n, "r", SHA_B) for n in new], known)
    assert sorted(e.name for e in merged) == expected
    assert all(e.commit == SHA_B for e in merged if e.name in new)


@pytest.mark.parametrize(
    ("head", "locked", "ok", "problem"),
    [
        (SHA_A, SHA_A, True, None),
        (SHA_A, SHA_B, False, "HEAD aaaaaaaaaa, lock says bbbbbbbbbb"),
        (None, SHA_B, False, "missing, lock says bbbbbbbbbb"),
        (SHA_A, None, False, "not in wrknv.lock"),
    ],
)
def test_lock_check(head: str | None, locked: str | None, ok: bool, problem: str | None) -> None:
    check = LockCheck("a", head, locked)
    assert check.ok is ok
    if problem:
        assert check.problem == problem
