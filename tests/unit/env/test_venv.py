"""The venv on disk: pyvenv.cfg, the fingerprint of its inputs (its one reader, on listed and
generated files), the setup lock."""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from packaging.version import Version

from tests.unit.env.samples import plan_for, stamp
from workspace.env.interpreters import Interpreter
from workspace.env.venv import (
    Fingerprint,
    Flags,
    fingerprint,
    read_fingerprint,
    read_pyvenv,
    setup_lock,
    venv_version,
    write_fingerprint,
)
from workspace.errors import WorkspaceError
from workspace.model import config
from workspace.model.statedir import fingerprint_file

FILE = Path("venv") / ".wrknv-fingerprint.json"
PROPERTY = settings(max_examples=150, deadline=None)


def test_fingerprint_follows_every_input(ws_config: Path) -> None:
    plan = plan_for(ws_config)
    python = Interpreter(Path("/py/bin"), Version("3.11.7"))
    first = fingerprint(plan, python, "uv 0.1", Flags())
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", Flags()) == first
    assert fingerprint(plan, python, "uv 0.2", Flags()) != first
    assert fingerprint(plan, python, "uv 0.1", Flags(python="3.12")) != first
    assert fingerprint(plan, python, "uv 0.1", Flags(from_index=("kit",))) != first
    other = Interpreter(Path("/py/bin"), Version("3.12.1"))
    assert fingerprint(plan, other, "uv 0.1", Flags()) != first
    kit = ws_config.parent.parent / "kit" / "pyproject.toml"
    kit.write_text(kit.read_text() + "\n")
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", Flags()) != first
    ws_config.write_text(ws_config.read_text() + "\n")
    (ws_config.parent / "wrknv.lock").write_text("version = 1\n")
    assert fingerprint(plan_for(ws_config), python, "uv 0.1", Flags()) != first


def test_setup_lock_excludes_a_second_holder(ws_config: Path) -> None:
    ws = config.load(ws_config)
    lock_file = ws.state.setup_lock
    with setup_lock(ws), lock_file.open("a+") as other, pytest.raises(BlockingIOError):
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    with ws.state.setup_lock.open("a+") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)  # free again


def test_a_second_setup_waits_and_says_so(ws_config: Path) -> None:
    ws = config.load(ws_config)
    said: list[str] = []
    entered = []
    ws.state.root.mkdir()
    with ws.state.setup_lock.open("a+") as other:
        fcntl.flock(other.fileno(), fcntl.LOCK_SH)
        with setup_lock(ws, _said_then_release(other, said)):
            entered.append(True)  # only once the other holder let go
    assert entered
    assert len(said) == 1
    assert said[0].startswith("another setup holds ")
    assert said[0].endswith("setup.lock; waiting for it")


def _said_then_release(other: Any, said: list[str]) -> Any:
    def log(line: str) -> None:
        said.append(line)
        fcntl.flock(other.fileno(), fcntl.LOCK_UN)

    return log


@pytest.mark.parametrize(
    ("text", "version"),
    [
        ("home = /x\nversion_info = 3.11.7\n", "3.11.7"),
        ("home = /x\nversion = 3.9.18\n", "3.9.18"),
        ("home = /x\n", None),
        ("version_info = banana\n", None),
    ],
)
def test_venv_version_from_pyvenv_cfg(tmp_path: Path, text: str, version: str | None) -> None:
    (tmp_path / "pyvenv.cfg").write_text(text)
    assert venv_version(tmp_path) == (Version(version) if version else None)
    assert read_pyvenv(tmp_path).get("home") == ("/x" if "home" in text else None)


def test_venv_version_of_nothing(tmp_path: Path) -> None:
    assert read_pyvenv(tmp_path / "none") == {}
    assert venv_version(tmp_path / "none") is None
    (tmp_path / "pyvenv.cfg").write_bytes(b"home = /\xff\n")
    assert read_pyvenv(tmp_path) == {}  # not UTF-8: not a venv's, never a traceback
    (tmp_path / "pyvenv.cfg").write_text("version = 3." + "1" * 5000 + "\n")
    assert venv_version(tmp_path) is None


def test_a_fingerprint_reads_back_as_setup_wrote_it(tmp_path: Path) -> None:
    written = stamp(flags=Flags("3.12", ("iniconfig",)))
    write_fingerprint(tmp_path, written)
    assert read_fingerprint(tmp_path) == written
    data = json.loads(fingerprint_file(tmp_path).read_text())
    assert list(data) == [
        "hash", "python_home", "python_version", "uv", "installed", "flags", "created",
    ]  # fmt: skip
    assert data["flags"] == {"python": "3.12", "from_index": ["iniconfig"]}
    assert data["python_version"] == "3.11.7"


def test_no_fingerprint_is_none(tmp_path: Path) -> None:
    assert read_fingerprint(tmp_path) is None


def _valid() -> dict[str, Any]:
    return stamp(flags=Flags("3.12", ("x",))).to_dict()


def _with(path: str, value: Any) -> dict[str, Any]:
    """The valid record with the field at ``path`` (``flags.python``) set, or removed (...)."""
    data = _valid()
    *parents, key = path.split(".")
    target = data
    for parent in parents:
        target = target[parent]
    if value is ...:
        del target[key]
    else:
        target[key] = value
    return data


DAMAGED = [
    # (what is wrong, the file's text, what the error says)
    ("not JSON", "{", "not valid JSON"),
    ("not an object", "[]", "not a JSON object"),
    ("no hash", json.dumps(_with("hash", ...)), "hash: missing, expected a string"),
    ("hash a number", json.dumps(_with("hash", 7)), "hash: expected a string, got 7"),
    ("installed a number", json.dumps(_with("installed", 5)), "installed: expected a list"),
    ("installed a mix", json.dumps(_with("installed", ["a", 1])), "installed[1]: expected a s"),
    ("no version", json.dumps(_with("python_version", "banana")), "python_version: expected a v"),
    ("home a list", json.dumps(_with("python_home", ["/py"])), "python_home: expected a str"),
    ("flags a list", json.dumps(_with("flags", [])), "flags: expected an object"),
    ("flag python 3", json.dumps(_with("flags.python", 3)), "flags.python: expected a string"),
    ("from_index", json.dumps(_with("flags.from_index", "x")), "flags.from_index: expected"),
    ("no created", json.dumps(_with("created", ...)), "created: missing, expected a string"),
]


@pytest.mark.parametrize(("text", "says"), [c[1:] for c in DAMAGED], ids=[c[0] for c in DAMAGED])
def test_a_damaged_fingerprint_is_named_by_file_and_key(
    tmp_path: Path, text: str, says: str
) -> None:
    fingerprint_file(tmp_path).write_text(text)
    with pytest.raises(WorkspaceError) as caught:
        read_fingerprint(tmp_path)
    assert caught.value.message.startswith(str(fingerprint_file(tmp_path)))
    assert says in caught.value.message
    assert "--force" in str(caught.value.hint)
    assert read_fingerprint(tmp_path, damaged_is_missing=True) is None


def test_a_fingerprint_that_is_not_utf8_is_damaged(tmp_path: Path) -> None:
    fingerprint_file(tmp_path).write_bytes(b'{"hash": "\xff"}')
    with pytest.raises(WorkspaceError, match="cannot read"):
        read_fingerprint(tmp_path)
    assert read_fingerprint(tmp_path, damaged_is_missing=True) is None


def test_what_setup_may_leave_out_is_empty() -> None:
    assert Fingerprint.from_dict(_with("flags", {}), FILE).flags == Flags()
    assert Fingerprint.from_dict(_with("installed", ...), FILE).installed == ()


TEXT = st.text(max_size=12)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
FINGERPRINTS = st.builds(
    Fingerprint,
    TEXT,
    st.text(min_size=1, max_size=20).map(Path),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=4).map(
        lambda r: Version(".".join(map(str, r)))
    ),
    TEXT,
    st.lists(TEXT, max_size=4).map(tuple),
    st.builds(Flags, st.none() | TEXT, st.lists(TEXT, max_size=3).map(tuple)),
    TEXT,
)


@PROPERTY
@given(FINGERPRINTS)
def test_every_fingerprint_reads_back_as_written(written: Fingerprint) -> None:
    assert Fingerprint.from_dict(json.loads(json.dumps(written.to_dict())), FILE) == written
    with tempfile.TemporaryDirectory() as venv:
        write_fingerprint(Path(venv), written)
        assert read_fingerprint(Path(venv)) == written


def _is_valid(path: str, value: Any) -> bool:
    """Whether ``value`` (``...``: left out) is a valid value of the field at ``path``."""
    if path in ("installed", "flags", "flags.python", "flags.from_index") and value is ...:
        return True  # left out: empty
    if path == "flags.python":
        return value is None or isinstance(value, str)
    if path in ("installed", "flags.from_index"):
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    if path == "flags":  # an object: its own fields are checked as flags.*
        return isinstance(value, dict)
    if path == "python_version" and isinstance(value, str):
        try:
            Version(value)
        except ValueError:
            return False
    return isinstance(value, str)


FIELDS = (
    "hash", "python_home", "python_version", "uv", "installed", "flags", "created",
    "flags.python", "flags.from_index",
)  # fmt: skip
WRONG = JSON | st.just(...) | st.sampled_from(["", "3.x", "banana", "/a\0b", "1" * 5000])


@PROPERTY
@given(st.sampled_from(FIELDS), WRONG)
def test_one_damaged_field_is_named(path: str, value: Any) -> None:
    """A valid record with one field set to a wrong value (or left out) is refused, the
    message naming the file and that field."""
    if _is_valid(path, value):
        return
    with pytest.raises(WorkspaceError) as caught:
        Fingerprint.from_dict(_with(path, value), FILE)
    assert caught.value.message.startswith(f"{FILE}: {path}")
    assert "expected" in caught.value.message


def _refusal(read: Callable[[], object]) -> WorkspaceError | None:
    """The WorkspaceError that ``read`` raises; None when it reads."""
    try:
        read()
    except WorkspaceError as exc:
        return exc
    return None


@PROPERTY
@given(JSON)
def test_any_json_value_is_a_fingerprint_or_an_error_naming_the_file(value: Any) -> None:
    refused = _refusal(lambda: Fingerprint.from_dict(value, FILE))
    assert refused is None or refused.message.startswith(str(FILE))


@PROPERTY
@given(st.binary(max_size=200) | TEXT.map(str.encode))
def test_any_bytes_are_a_fingerprint_or_an_error_or_none_where_asked(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as venv:
        fingerprint_file(Path(venv)).write_bytes(data)
        refused = _refusal(lambda: read_fingerprint(Path(venv)))
        assert refused is None or refused.message.startswith(str(fingerprint_file(Path(venv))))
        found = read_fingerprint(Path(venv), damaged_is_missing=True)
        assert found is None or isinstance(found, Fingerprint)


@pytest.mark.parametrize("kind", ["a FIFO", "a symlink", "too long a field"])
def test_a_fingerprint_that_is_no_bounded_file_is_damaged(tmp_path: Path, kind: str) -> None:
    """Never waited on, never followed, never taken past its bounds: setup rebuilds over it,
    and a cache key treats it as no environment."""
    file = fingerprint_file(tmp_path)
    if kind == "a FIFO":
        os.mkfifo(file)
    elif kind == "a symlink":
        write_fingerprint(tmp_path / "real", stamp())
        file.symlink_to(fingerprint_file(tmp_path / "real"))
    else:
        write_fingerprint(tmp_path, stamp(uv="uv " + "9" * 70000))
    with pytest.raises(WorkspaceError, match=f"^{file}: "):
        read_fingerprint(tmp_path)
    assert read_fingerprint(tmp_path, damaged_is_missing=True) is None
