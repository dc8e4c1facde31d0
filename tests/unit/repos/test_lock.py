"""wrknv.lock: the file format, and locking the checkouts (merging entries, checking HEADs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import write_config
from workspace._compat import tomllib
from workspace.errors import ConfigError, WorkspaceError
from workspace.model import config
from workspace.repos.git import COMMIT_RE
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
        ({"version": True}, "version"),  # equal to 1 in Python, but not an integer
        ({"version": 1.0}, "version"),
        ({"extra": 1}, "extra"),
        ({"siblings": {"a": 1}}, "siblings"),
        ({"siblings": [1]}, "siblings[0]"),
        ({"siblings": [{"repo": "r", "commit": SHA}]}, "siblings[0].name"),
        ({"siblings": [{"name": "-x", "repo": "r", "commit": SHA}]}, "siblings[0].name"),
        ({"siblings": [{"name": "a", "commit": SHA}]}, "siblings[0].repo"),
        ({"siblings": [{"name": "a", "repo": "r", "commit": "abc"}]}, "siblings[0].commit"),
        ({"siblings": [{"name": "a", "repo": "r", "commit": SHA.upper()}]}, "siblings[0].commit"),
        ({"siblings": [{"name": "a", "repo": "r", "commit": SHA + "\n"}]}, "siblings[0].commit"),
        ({"siblings": [{"name": "a", "repo": ["r"], "commit": SHA}]}, "siblings[0].repo"),
        ({"siblings": [{"name": "a", "repo": "", "commit": SHA}]}, "siblings[0].repo"),
        ({"siblings": [{"name": 1, "repo": "r", "commit": SHA}]}, "siblings[0].name"),
        (
            {"siblings": [{"name": "a", "repo": "r", "commit": SHA, "revision": ""}]},
            "siblings[0].revision",
        ),
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


# --------------------------------------------------------------------------- generated input

PROPERTY = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,11}", fullmatch=True)
COMMITS = st.from_regex(r"[0-9a-f]{40}([0-9a-f]{24})?", fullmatch=True)
ENTRIES = st.lists(
    st.builds(LockEntry, NAMES, TEXT.filter(bool), COMMITS, st.none() | TEXT.filter(bool)),
    max_size=5,
    unique_by=lambda e: e.name,
)
SCALARS = TEXT | COMMITS | NAMES | st.integers() | st.booleans() | st.floats(allow_nan=False)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)
FIELD = st.sampled_from(["name", "repo", "commit", "revision", "x"])
VALID = st.fixed_dictionaries(
    {"name": NAMES, "repo": TEXT.filter(bool), "commit": COMMITS},
    optional={"revision": TEXT.filter(bool)},
)
# A valid table with up to two keys changed to anything and one maybe dropped: near misses.
SIBLING = st.tuples(VALID, st.dictionaries(FIELD, VALUES, max_size=2), st.sets(FIELD, max_size=1))
SIBLINGS = st.lists(
    SIBLING.map(lambda t: {k: v for k, v in (t[0] | t[1]).items() if k not in t[2]}), max_size=3
)
VERSION = st.sampled_from([1, True, 1.0, 2, "1"]) | VALUES
RAW = st.fixed_dictionaries({}, optional={"version": VERSION, "siblings": SIBLINGS | VALUES}) | (
    st.dictionaries(TEXT, VALUES, max_size=3)
)


@PROPERTY
@given(entries=ENTRIES)
def test_what_is_written_reads_back_as_itself(
    ws: config.Workspace, entries: list[LockEntry]
) -> None:
    """The old writer's hard cases (quotes, backslashes, DEL, NUL, newlines, non-ASCII) are in
    the generated text; tomlkit writes them, tomllib and the one reader read them back."""
    write_lock(ws, entries)
    assert read_lock(ws) == {e.name: e for e in entries}
    assert tomllib.loads(format_lock(entries))["version"] == 1


@pytest.mark.parametrize(
    "text",
    ["plain", 'quote " and backslash \\', "new\nline\ttab", "del \x7f and nul \x00", "ünïcödé ✓"],
)
def test_hard_strings_read_back(ws: config.Workspace, text: str) -> None:
    entry = LockEntry("a", text, SHA, text)
    write_lock(ws, [entry])
    assert read_lock(ws) == {"a": entry}


@PROPERTY
@given(raw=RAW)
def test_any_parsed_lock_is_entries_or_one_error_naming_file_and_key(
    tmp_path: Path, raw: dict[str, object]
) -> None:
    lock = tmp_path / "wrknv.lock"
    try:
        entries = parse_lock(lock, raw)
    except ConfigError as exc:
        error: ConfigError | None = exc
    else:
        error = None
        assert type(raw.get("version", 1)) is int
        assert raw.get("version", 1) == 1
        for e in entries.values():
            assert [type(v) for v in (e.name, e.repo, e.commit)] == [str, str, str], e
            assert e.revision is None or type(e.revision) is str, e
            assert COMMIT_RE.match(e.commit), e
        assert parse_lock(lock, tomllib.loads(format_lock(entries.values()))) == entries
    if error is not None:
        assert error.problems
        for problem in error.problems:
            assert problem.file.endswith("wrknv.lock"), problem
            assert problem.key in raw or problem.key.startswith(("version", "siblings")), problem


FILES = (
    st.binary(max_size=60)
    | TEXT.map(str.encode)
    | st.tuples(ENTRIES.map(format_lock), st.integers(0, 400)).map(lambda t: t[0][: t[1]].encode())
)


@PROPERTY
@given(data=FILES)
def test_any_file_is_entries_or_a_workspace_error(ws: config.Workspace, data: bytes) -> None:
    """Whatever the file holds, the reader answers entries or one WorkspaceError naming it;
    anything else escapes and fails the test."""
    ws.lock_file.write_bytes(data)
    message = ""
    try:
        read_lock(ws)
    except WorkspaceError as exc:
        message = str(exc)
    assert message == "" or "wrknv.lock" in message
