"""The readers of the run files (summary.json, durations.json, cache entries) on generated
input: a record read back is the record written; anything else is one WorkspaceError naming
the file and the key, or, in a file of independent entries, that entry dropped with a warning.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workspace.errors import WorkspaceError
from workspace.jsonfields import MAX_FILE, Fields
from workspace.model.statedir import StateDir
from workspace.runs import history
from workspace.runs.cache import Cache, CacheEntry, read_entry, write_entry
from workspace.runs.keys import Inputs, Tree
from workspace.runs.results import (
    MAX_FAILURES,
    Counts,
    Failure,
    PieceResult,
    RunResult,
    ShardRun,
    Status,
    SuiteResult,
)
from workspace.runs.summary import read_run, write_summary

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Seconds as the writers keep them: rounded to milliseconds.
seconds = st.integers(0, 10**7).map(lambda n: n / 1000)
counts = st.integers(0, 10**6)
texts = st.text(max_size=8)
segments = st.text("abz_-", min_size=1, max_size=4)
relative = st.lists(segments, min_size=1, max_size=3).map("/".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
    max_leaves=12,
)


def paths(base: Path | None) -> st.SearchStrategy[Path]:
    """A log or JUnit path: inside the run directory (a run directory is self-contained:
    summary.json records no path out of it), or, with no run directory, anywhere."""
    if base is not None:
        return relative.map(lambda p: base / p)
    return relative.map(lambda p: Path("/elsewhere") / p)


pieces = st.builds(
    PieceResult,
    shard=texts,
    status=st.sampled_from(Status),
    started=st.none() | seconds,
    duration=seconds,
    files=st.tuples(texts, texts),
)

failures = st.builds(
    Failure,
    test=texts,
    message=st.none() | texts,
    file=st.none() | texts,
    line=st.none() | st.integers(1, 10**6),
)


def suites(base: Path | None) -> st.SearchStrategy[SuiteResult]:
    return st.builds(
        SuiteResult,
        name=texts,
        status=st.sampled_from(Status),
        returncode=st.none() | st.integers(-(2**31), 2**31),
        duration=seconds,
        counts=st.builds(Counts, counts, counts, counts, counts),
        selected_because=texts,
        log=st.none() | paths(base),
        junit=st.none() | paths(base),
        workers=st.integers(1, 64),
        command=st.lists(texts, max_size=3).map(tuple),
        reason=st.none() | texts,
        python=st.none() | texts,
        files=st.lists(texts, max_size=3).map(tuple),
        started=st.none() | seconds,
        file_seconds=st.dictionaries(texts, seconds, max_size=3).map(lambda d: tuple(d.items())),
        excluded=st.booleans(),
        shard=st.none() | texts,
        pieces=st.lists(pieces, max_size=3).map(tuple),
        logs=st.lists(paths(base), max_size=3).map(tuple),
        failures=st.lists(failures, max_size=3).map(tuple),
        more_failures=counts,
    )


shard_runs = st.builds(
    ShardRun,
    dir=texts,
    run_id=st.none() | texts,
    jobs=st.integers(1, 64),
    wall_seconds=seconds,
    interrupted=st.booleans(),
    ok=st.booleans(),
)


def runs(base: Path, *, merged: bool) -> st.SearchStrategy[RunResult]:
    """A test-all run, or (``merged``) a report: no run id of its own, its shards and bound."""
    return st.builds(
        RunResult,
        run_id=st.just("") if merged else texts,
        run_dir=st.just(base),
        jobs=st.integers(1, 64),
        wall_seconds=seconds,
        results=st.lists(suites(base), max_size=4).map(tuple),
        interrupted=st.booleans(),
        shards=st.lists(shard_runs, min_size=1, max_size=3).map(tuple) if merged else st.just(()),
        bound=seconds if merged else st.none(),
    )


timings = st.one_of(
    st.builds(history.Timing, files=st.dictionaries(texts, seconds, max_size=3)),
    st.builds(
        history.Timing,
        seconds=seconds,
        workers=st.integers(1, 64),
        files=st.dictionaries(texts, seconds, max_size=3),
    ),
)
cache_entries = st.builds(
    CacheEntry,
    name=texts,
    python=st.none() | texts,
    key=texts,
    run_id=texts,
    stored=st.floats(0, 2e9),
    parts=st.dictionaries(texts, texts, max_size=3),
    trees=st.dictionaries(
        texts, st.builds(Tree, st.none() | texts, st.dictionaries(texts, texts, max_size=2))
    ),
    pins=st.dictionaries(texts, texts, max_size=3),
    result=suites(None),
)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("readers")


def slots(data: Any, where: str = "") -> Iterator[tuple[str, Any, Any]]:
    """Every value in ``data`` as (key path, container, key); the path as the readers name it
    (``siblings[2].tests.passed``)."""
    for key, value in list(data.items() if isinstance(data, dict) else enumerate(data)):
        at = f"{where}[{key}]" if isinstance(key, int) else f"{where}.{key}" if where else key
        yield at, data, key
        if isinstance(value, (dict, list)):
            yield from slots(value, at)


def places(data: Any) -> list[str]:
    return sorted({at for at, _, _ in slots(data)})


def replaced(data: Any, place: str, value: object) -> Any:
    """``data`` with the value at ``place`` (one of :func:`places`) replaced."""
    container, key = next((c, k) for at, c, k in slots(data) if at == place)
    container[key] = value
    return data


def refusal(read: Callable[[], object]) -> str | None:
    """The message of the WorkspaceError that ``read`` raised; None when it read the file."""
    try:
        read()
    except WorkspaceError as exc:
        return exc.message
    return None


def corrupt(draw: st.DrawFn, data: dict[str, Any]) -> tuple[dict[str, Any], str]:
    place = draw(st.sampled_from(places(data)))
    return replaced(data, place, draw(json_values)), place


# --- summary.json -----------------------------------------------------------------------------


@SETTINGS
@given(st.data(), st.booleans())
def test_a_run_reads_back_as_written(folder: Path, data: st.DataObject, merged: bool) -> None:
    run = data.draw(runs(folder / "run", merged=merged))
    write_summary(run)
    assert read_run(run.run_dir) == run


@SETTINGS
@given(json_values)
def test_any_summary_is_read_or_refused_by_name(folder: Path, value: object) -> None:
    run_dir = folder / "any"
    run_dir.mkdir(exist_ok=True)
    (run_dir / "summary.json").write_text(json.dumps(value))
    said = refusal(lambda: read_run(run_dir))
    assert said is None or said.startswith(f"{run_dir / 'summary.json'}: ")


@SETTINGS
@given(st.data(), st.booleans())
def test_a_damaged_field_is_named_by_its_key(
    folder: Path, data: st.DataObject, merged: bool
) -> None:
    run = data.draw(runs(folder / "damaged", merged=merged))
    damaged, place = data.draw(st.composite(lambda draw: corrupt(draw, run.to_json()))())
    run.run_dir.mkdir(parents=True, exist_ok=True)
    (run.run_dir / "summary.json").write_text(json.dumps(damaged))
    said = refusal(lambda: read_run(run.run_dir))
    if said is not None:
        # named by its key, or by a key inside the list or object put in its place
        file = run.run_dir / "summary.json"
        frame = place == "siblings" and "(no 'siblings' list)" in said
        assert said.startswith(f"{file}: {place}") or frame, (place, said)


@SETTINGS
@given(st.data())
def test_the_last_run_drops_a_damaged_suite_with_a_warning(
    folder: Path, data: st.DataObject
) -> None:
    state = StateDir(folder / "state")
    run = data.draw(runs(state.runs / "r1", merged=False).filter(lambda r: bool(r.results)))
    entries = run.to_json()
    i = data.draw(st.integers(0, len(run.results) - 1))
    sibling = entries["siblings"][i]
    place = data.draw(st.sampled_from(places(sibling)))
    entries["siblings"][i] = replaced(sibling, place, data.draw(json_values))
    run.run_dir.mkdir(parents=True, exist_ok=True)
    (run.run_dir / "summary.json").write_text(json.dumps(entries))
    if not state.latest.is_symlink():
        state.latest.symlink_to("r1")
    said: list[str] = []
    history.rerun_pairs(state, said.append)  # never raises for one damaged suite
    assert len(said) <= 1
    said.clear()
    read = read_run(run.run_dir, drop=said.append).results
    others = run.results[:i] + run.results[i + 1 :]
    if said:
        assert read == others
        assert said[0].startswith(f"warning: {run.run_dir / 'summary.json'}: siblings[{i}].")
    else:
        assert len(read) == len(run.results)
        assert read[:i] + read[i + 1 :] == others


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            {"tests": {"passed": "x"}},
            'siblings[0].tests.passed: expected a whole number >= 0, got "x"',
        ),
        ({"tests": {"passed": True}}, "siblings[0].tests.passed: expected a whole number >= 0"),
        ({"tests": {"passed": -1}}, "siblings[0].tests.passed: expected a whole number >= 0"),
        (
            {"duration_seconds": float("nan")},
            "siblings[0].duration_seconds: expected a number >= 0",
        ),
        ({"duration_seconds": -0.5}, "siblings[0].duration_seconds: expected a number >= 0"),
        ({"workers": 0}, "siblings[0].workers: expected a whole number >= 1, got 0"),
        ({"status": "great"}, "siblings[0].status: expected one of passed, failed"),
        ({"command": ["a", 1]}, "siblings[0].command[1]: expected a string, got 1"),
        ({"file_seconds": {"t.py": "1"}}, "siblings[0].file_seconds.t.py: expected a number >= 0"),
        ({"runs": [{"status": "passed"}]}, "siblings[0].runs[0].shard: missing, expected a string"),
        ({"log": 3}, "siblings[0].log: expected a string or null, got 3"),
        ({"tests": {"passed": 10**30}}, "siblings[0].tests.passed: expected a whole number of at"),
        ({"returncode": -(10**20)}, "siblings[0].returncode: expected a whole number of at most"),
        ({"duration_seconds": 1e300}, "siblings[0].duration_seconds: expected a number >= 0"),
        ({"reason": "x" * 70000}, "siblings[0].reason: a string longer than 65536 characters"),
        ({"command": ["x" * 70000]}, "siblings[0].command[0]: a string longer than"),
        ({"failures": [{"message": "m"}]}, "siblings[0].failures[0].test: missing, expected a"),
        ({"failures": [{"test": "t", "line": 0}]}, "siblings[0].failures[0].line: expected a"),
        ({"failures": [{"test": "t", "file": 3}]}, "siblings[0].failures[0].file: expected a"),
        (
            {"failures": [{"test": "t"}] * (MAX_FAILURES + 1)},
            f"siblings[0].failures: more than {MAX_FAILURES} entries",
        ),
        ({"more_failures": -1}, "siblings[0].more_failures: expected a whole number >= 0"),
    ],
)
def test_a_damaged_summary_names_the_file_and_the_key(
    tmp_path: Path, entry: dict[str, Any], message: str
) -> None:
    (tmp_path / "summary.json").write_text(
        json.dumps({"siblings": [{"name": "a", "status": "passed", **entry}]})
    )
    with pytest.raises(WorkspaceError) as info:
        read_run(tmp_path)
    assert info.value.message.startswith(f"{tmp_path / 'summary.json'}: {message}")


# --- durations.json ---------------------------------------------------------------------------


@SETTINGS
@given(st.dictionaries(texts, timings, max_size=4))
def test_durations_read_back_as_written(folder: Path, stored: dict[str, history.Timing]) -> None:
    state = StateDir(folder / "durations")
    history.write_durations(state, stored)
    said: list[str] = []
    assert history.read_durations(state, said.append) == stored
    assert said == []


@SETTINGS
@given(st.data())
def test_a_damaged_duration_drops_that_entry_alone(folder: Path, data: st.DataObject) -> None:
    state = StateDir(folder / "damaged-durations")
    stored = data.draw(st.dictionaries(texts, timings, min_size=1, max_size=4))
    history.write_durations(state, stored)
    written = json.loads(state.durations.read_text())
    damaged, place = data.draw(st.composite(lambda draw: corrupt(draw, written))())
    state.durations.write_text(json.dumps(damaged))
    said: list[str] = []
    found = history.read_durations(state, said.append)
    assert all(s.startswith(f"warning: {state.durations}: ") for s in said)
    if place not in ("version", "siblings"):  # one entry hit: the others are kept
        assert len(said) <= 1
        assert said == [] or said[0].startswith(f"warning: {state.durations}: {place}")
        changed = [key for key in stored if found.get(key) != stored[key]]
        assert len(changed) <= 1
        assert len(found) == len(stored) - len(said)


@SETTINGS
@given(json_values)
def test_any_durations_file_is_read_or_ignored_with_a_warning(folder: Path, value: object) -> None:
    state = StateDir(folder / "any-durations")
    state.root.mkdir(exist_ok=True)
    state.durations.write_text(json.dumps(value))
    said: list[str] = []
    history.load_durations(state, said.append)
    history.load_file_durations(state, said.append)
    assert all(s.startswith("warning: ") for s in said)


# --- cache entries ----------------------------------------------------------------------------


@SETTINGS
@given(cache_entries)
def test_a_cache_entry_reads_back_as_written(folder: Path, entry: CacheEntry) -> None:
    path = folder / "entry.json"
    write_entry(path, entry)
    assert read_entry(path) == entry


@SETTINGS
@given(st.data())
def test_a_damaged_cache_entry_is_a_miss_with_one_warning(
    folder: Path, data: st.DataObject
) -> None:
    state = StateDir(folder / "cache-state")
    said: list[str] = []
    cache = Cache(state, 10, said.append)
    inputs = Inputs("a", {"args": "1"}, {}, {})
    entry = data.draw(cache_entries)
    damaged, _ = data.draw(st.composite(lambda draw: corrupt(draw, entry.to_json()))())
    path = state.cache / f"{inputs.key}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(damaged))
    hit = cache.get(inputs)
    assert (hit is None) == (len(said) == 1)
    assert len(said) <= 1
    if said:
        assert said[0].startswith(f"warning: {path}: ")


@SETTINGS
@given(json_values)
def test_any_cache_file_is_an_entry_or_a_named_error(folder: Path, value: object) -> None:
    path = folder / "any-entry.json"
    path.write_text(json.dumps(value))
    said = refusal(lambda: read_entry(path))
    assert said is None or said.startswith(f"{path}: ")


def test_fields_name_nested_keys() -> None:
    fields = Fields({"a": [{"b": {"c": "x"}}]}, Path("/f.json"))
    with pytest.raises(WorkspaceError, match=r"^/f.json: a\[0\]\.b\.c: expected a whole number"):
        fields.objs("a")[0].obj("b").whole("c")


def test_only_a_regular_file_within_the_bound_is_read(tmp_path: Path) -> None:
    """A FIFO never hangs the reader, a symlink is not followed, a huge file is not read."""
    fifo, link, big = tmp_path / "fifo.json", tmp_path / "link.json", tmp_path / "big.json"
    os.mkfifo(fifo)
    (tmp_path / "real.json").write_text("{}")
    link.symlink_to(tmp_path / "real.json")
    big.write_text('{"a": "' + "x" * (MAX_FILE) + '"}')
    for path, said in ((fifo, "not a regular file"), (link, "not a regular file")):
        with pytest.raises(WorkspaceError, match=f"^{path}: {said}"):
            Fields.load(path, "hint")
    with pytest.raises(WorkspaceError, match=f"^{big}: larger than {MAX_FILE} bytes; not read"):
        Fields.load(big, "hint")
    assert Fields.load(tmp_path / "real.json", "hint") is not None
    assert Fields.load(tmp_path / "none.json", "hint") is None
