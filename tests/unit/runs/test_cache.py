"""The result cache's store and keys, on real files and a real git checkout."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.builders import init_repo, make_package, write_config
from tests.unit.env.samples import stamp
from workspace.env.setup import read_pins
from workspace.env.venv import write_fingerprint
from workspace.model.config import load
from workspace.model.graph import build
from workspace.model.statedir import StateDir
from workspace.runs.cache import MAX_ENTRY, Cache, CacheEntry, cache_reasons, write_entry
from workspace.runs.keys import (
    Inputs,
    Tree,
    changes,
    first_change,
    pin_changes,
    suite_inputs,
    tree_of,
)
from workspace.runs.results import Counts, Status, SuiteResult


def inputs(name: str, n: int) -> Inputs:
    return Inputs(name, {"args": str(n)}, {}, {})


def passed(name: str) -> SuiteResult:
    return SuiteResult(name, Status.PASSED, 0, 1.5, Counts(passed=3))


def test_only_passes_are_kept_and_come_back_cached(tmp_path: Path) -> None:
    said: list[str] = []
    cache = Cache(StateDir(tmp_path), 10, said.append)
    cache.put(inputs("a", 1), SuiteResult("a", Status.FAILED, 1, 1.0), "r1")
    assert cache.get(inputs("a", 1)) is None  # a failure is never kept
    cache.put(inputs("a", 1), passed("a"), "r2")
    hit = cache.get(inputs("a", 1))
    assert hit is not None
    assert (hit.status, hit.counts.passed, hit.duration) == (Status.CACHED, 3, 1.5)
    assert hit.reason == "inputs unchanged since run r2"
    assert cache.get(inputs("a", 2)) is None
    assert said == []


def test_the_oldest_entries_go_beyond_the_size(tmp_path: Path) -> None:
    cache = Cache(StateDir(tmp_path), 2, print)
    for n in range(3):
        cache.put(inputs("a", n), passed("a"), f"r{n}")
        entry = tmp_path / "cache" / f"{inputs('a', n).key}.json"
        os.utime(entry, (1000 + n, 1000 + n))  # the order of writing, whatever the clock
    cache.put(inputs("a", 3), passed("a"), "r3")
    assert len(list((tmp_path / "cache").glob("*.json"))) == 2
    assert cache.get(inputs("a", 0)) is None
    assert cache.get(inputs("a", 3)) is not None
    newest = cache.newest_for(inputs("a", 0))
    assert newest is not None
    assert newest.run_id == "r3"


def on(python: str, name: str = "a", n: int = 1) -> Inputs:
    """Inputs whose environment has this Python (the part keys.environment writes)."""
    return Inputs(name, {"args": str(n), "python": f"CPython-{python}"}, {}, {})


def test_explain_finds_the_newest_pass_of_its_environment(tmp_path: Path) -> None:
    """A pass kept by a run over one Python (python=None) or several ("3.12") is found for the
    environment of that Python, and never for another's."""
    cache = Cache(StateDir(tmp_path), 10, print)
    cache.put(on("3.12.1"), SuiteResult("a", Status.PASSED, 0, 1.0, python="3.12"), "r1")
    cache.put(on("3.11.7"), SuiteResult("a", Status.PASSED, 0, 1.0), "r2")
    found = cache.newest_for(on("3.12.3", n=2))  # its patch release changed since: a miss
    assert found is not None
    assert found.run_id == "r1"
    found = cache.newest_for(on("3.11.7", n=2))
    assert found is not None
    assert found.run_id == "r2"
    assert cache.newest_for(on("3.13.0")) is None
    assert cache.newest_for(on("3.12.1", name="b")) is None
    hit = cache.get(on("3.12.1"))
    assert hit is not None
    assert hit.python == "3.12"


def test_a_damaged_entry_is_a_miss_with_one_warning(tmp_path: Path) -> None:
    said: list[str] = []
    cache = Cache(StateDir(tmp_path), 10, said.append)
    cache.put(inputs("a", 1), passed("a"), "r1")
    (tmp_path / "cache" / f"{inputs('a', 1).key}.json").write_text('{"format": 1}')
    assert cache.get(inputs("a", 1)) is None
    assert len(said) == 1
    assert "damaged" in said[0]


def test_a_tree_is_its_commit_and_the_content_of_what_changed(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    init_repo(repo, {"a.py": "A = 1\n"})
    clean = tree_of(repo)
    assert clean is not None
    assert clean.changed == {}
    (repo / "__pycache__").mkdir()
    (repo / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"\0")
    assert tree_of(repo) == clean  # bytecode changes no result
    (repo / "a.py").write_text("A = 2\n")
    (repo / "new.py").write_text("B = 1\n")
    dirty = tree_of(repo)
    assert dirty is not None
    assert sorted(dirty.changed) == ["a.py", "new.py"]
    assert dirty.digest != clean.digest
    assert tree_of(tmp_path) is None  # not a checkout: never cached


def test_changes_say_what_differs_in_words() -> None:
    old = {"sibling:core": "x", "args": "1", "pins": "p", "env": "e"}
    new = Inputs(
        "kit",
        {"sibling:core": "y", "args": "2", "pins": "p", "env": "e"},
        {"core": Tree("t1", {"src/core/log.py": "h2"})},
        {},
    )
    said = changes(old, new, {"core": Tree("t1", {"src/core/log.py": "h1"})})
    assert said == ["changed: args", "changed: core (src/core/log.py modified)"]
    assert list(pin_changes({"pytest": "8.3.4"}, {"pytest": "8.4.0"})) == [
        "changed: pytest 8.3.4 -> 8.4.0"
    ]


def test_pins_are_the_third_party_set(tmp_path: Path) -> None:
    (tmp_path / "setup").mkdir()
    (tmp_path / "setup" / "pins.txt").write_text(
        "-e /src/core\npytest==8.4.0\n    # via kit\nrich[jupyter]==13.0 ; python_version > '3'\n"
    )
    assert read_pins(StateDir(tmp_path).pins()).versions == {"pytest": "8.4.0", "rich": "13.0"}


def test_siblings_that_need_each_other_still_have_their_own_keys(tmp_path: Path) -> None:
    """core's tests need kit (its dev group) and kit needs core: both need the same trees."""
    make_package(tmp_path / "core", "core", groups={"dev": ["kit"]})
    make_package(tmp_path / "kit", "kit", dependencies=["core"])
    for name in ("core", "kit"):
        init_repo(tmp_path / name)
    (tmp_path / "ws" / ".venv").mkdir(parents=True)
    write_fingerprint(tmp_path / "ws" / ".venv", stamp())
    entries = "".join(f'[[siblings]]\nname = "{n}"\nrepo = "../{n}"\n' for n in ("core", "kit"))
    config = write_config(tmp_path / "ws", '[workspace]\nname = "w"\n' + entries)
    keys = suite_inputs(build(load(config)), ["core", "kit"], {})
    assert set(keys["core"].trees) == set(keys["kit"].trees) == {"core", "kit"}
    assert keys["core"].key != keys["kit"].key


def _forge(tmp_path: Path, kind: str, mine: Inputs) -> Path:
    """Put in place of ``mine``'s entry something that does not prove its pass."""
    cache = Cache(StateDir(tmp_path), 10, print)
    path = tmp_path / "cache" / f"{mine.key}.json"
    other = on("3.11.7", name="b")
    if kind == "another suite's pass":
        cache.put(other, passed("b"), "r0")
        (tmp_path / "cache" / f"{other.key}.json").rename(path)
    elif kind in ("a failure", "another Python", "too large"):
        failed = SuiteResult("a", Status.FAILED, 1, 1.0)
        result = failed if kind == "a failure" else passed("a")
        parts = {**mine.parts, "python": "CPython-3.11.7"} if kind == "another Python" else {}
        entry = CacheEntry("a", None, mine.key, "r0", 1.0, parts or mine.parts, {}, {}, result)
        write_entry(path, entry)
        if kind == "too large":
            path.write_text(path.read_text() + " " * MAX_ENTRY)
    elif kind == "a symlink":
        cache.put(mine, passed("a"), "r0")
        path.rename(tmp_path / "elsewhere.json")
        path.symlink_to(tmp_path / "elsewhere.json")
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("kind", "said"),
    [
        ("another suite's pass", "records the key"),
        ("a failure", "records the status failed, not a pass"),
        ("another Python", "records the environment of CPython-3.11.7, not CPython-3.12.1"),
        ("too large", f"larger than {MAX_ENTRY} bytes; not read"),
        ("a symlink", "not a regular file"),
        ("a FIFO", "not a regular file"),
    ],
)
def test_an_entry_that_does_not_prove_its_pass_is_a_miss_and_goes(
    tmp_path: Path, kind: str, said: str
) -> None:
    mine = on("3.12.1")
    path = _forge(tmp_path, kind, mine)
    warned: list[str] = []
    assert Cache(StateDir(tmp_path), 10, warned.append).get(mine) is None
    assert len(warned) == 1
    assert warned[0].startswith(f"warning: {path}: ")
    assert said in warned[0]
    assert "discarded" in warned[0]
    assert not path.is_symlink()
    assert not path.exists()
    if kind == "a symlink":
        assert (tmp_path / "elsewhere.json").exists()  # what it led to is not touched


def test_a_kept_pass_holds_no_number_json_cannot(tmp_path: Path) -> None:
    nan = float("nan")
    result = SuiteResult(
        "a", Status.PASSED, 0, nan, started=float("inf"), file_seconds=(("t", nan),)
    )
    cache = Cache(StateDir(tmp_path), 10, print)
    cache.put(inputs("a", 1), result, "r1")
    text = (tmp_path / "cache" / f"{inputs('a', 1).key}.json").read_text()
    json.loads(text, parse_constant=lambda name: pytest.fail(f"{name} in a cache entry"))
    hit = cache.get(inputs("a", 1))
    assert hit is not None
    assert (hit.duration, hit.started, hit.file_seconds) == (0.0, None, ())


def test_the_first_change_names_the_suites_own_files_first_then_its_environment() -> None:
    trees = {"core": Tree("t1", {"src/core/x.py": "h1"}), "kit": Tree("t2")}
    old = {"sibling:core": "c1", "sibling:kit": "k1", "venv": "v1", "pins": "p1"}
    new = Inputs("kit", dict(old), trees, {"pytest": "8.3.4"})
    assert first_change(old, new, trees, {"pytest": "8.3.4"}) is None
    edited = {"core": Tree("t1", {"src/core/x.py": "h2"}), "kit": Tree("t3")}
    parts = {"sibling:core": "c2", "sibling:kit": "k2", "venv": "v2", "pins": "p2"}
    now = Inputs("kit", parts, edited, {"pytest": "8.4.0"})
    assert first_change(old, now, trees, {"pytest": "8.3.4"}) == "kit's commits"
    now = Inputs("kit", {**parts, "sibling:kit": "k1"}, edited, {"pytest": "8.4.0"})
    assert first_change(old, now, trees, {"pytest": "8.3.4"}) == "core's src/core/x.py"
    now = Inputs("kit", {**old, "venv": "v2", "pins": "p2"}, trees, {"pytest": "8.4.0"})
    assert first_change(old, now, trees, {"pytest": "8.3.4"}) == "pytest 8.3.4 -> 8.4.0"
    now = Inputs("kit", {**old, "venv": "v2"}, trees, {"pytest": "8.3.4"})
    assert first_change(old, now, trees, {"pytest": "8.3.4"}) == "venv"


def test_a_miss_says_what_changed_since_the_last_pass_of_its_suite(tmp_path: Path) -> None:
    """One pointer per suite and Python names its newest pass: a miss reads it, never the
    whole cache folder."""
    cache = Cache(StateDir(tmp_path), 2, print)
    assert cache.miss_reason(on("3.12.1")) == "new"
    cache.put(on("3.12.1"), SuiteResult("a", Status.PASSED, 0, 1.0), "r1")
    cache.put(on("3.12.1", name="b", n=9), SuiteResult("b", Status.PASSED, 0, 1.0), "r1")
    assert cache.miss_reason(on("3.12.1", n=2)) == "changed since the last pass: args"
    assert cache.miss_reason(on("3.11.7", n=2)) == "new"  # another Python's environment
    cache.put(on("3.12.1", n=3), SuiteResult("a", Status.PASSED, 0, 1.0), "r2")
    last = cache.last_pass(on("3.12.1", n=4))
    assert last is not None
    assert last.run_id == "r2"
    cache.put(on("3.12.1", name="c", n=7), SuiteResult("c", Status.PASSED, 0, 1.0), "r3")
    cache.put(on("3.12.1", name="d", n=8), SuiteResult("d", Status.PASSED, 0, 1.0), "r3")
    assert cache.miss_reason(on("3.12.1", n=4)) == "new"  # its pass was evicted since
    for pointer in (tmp_path / "cache" / "last").iterdir():
        pointer.unlink()
        os.mkfifo(pointer)  # never waited on: no pointer, no reason
    assert cache.miss_reason(on("3.12.1", name="c", n=2)) == "new"


def test_the_cache_says_why_of_each_suite_it_has_inputs_for(tmp_path: Path) -> None:
    cache = Cache(StateDir(tmp_path), 10, print)
    cache.put(inputs("a", 1), passed("a"), "r1")
    both = {"a": inputs("a", 1), "b": inputs("b", 1)}
    hit = cache.get(inputs("a", 1))
    assert hit is not None
    assert cache_reasons(cache, both, {"a": hit}, False) == {
        "a": "cached: inputs unchanged since run r1",
        "b": "new",
    }
    assert cache_reasons(cache, both, {}, True) == dict.fromkeys("ab", "--no-cache")
