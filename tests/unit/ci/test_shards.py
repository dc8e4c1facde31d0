"""Shards: LPT packing, and the split of a suite longer than a shard into file groups."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from tests.builders import write_files
from workspace.ci.matrix import split_weights
from workspace.ci.shards import Piece, file_weights, makespan, pack, plan, split_suite, whole
from workspace.errors import SelectionError
from workspace.model.config import Sibling, TestSettings
from workspace.runs.results import lower_bound


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
def test_lpt_places_each_sibling_once_within_four_thirds(seed: int, k: int) -> None:
    rng = random.Random(seed)
    estimates = {
        f"s{i}": rng.choice([0.5, 1, 2, 3, 7, 20, 60]) * rng.random() + 0.1
        for i in range(rng.randint(1, 40))
    }
    shards = pack(whole(estimates), k)
    placed = [n for s in shards for n in s.names]
    assert sorted(placed) == sorted(estimates)
    assert all(s.names for s in shards)
    assert len(shards) == min(k, len(estimates))
    for s in shards:
        assert s.estimated_seconds == pytest.approx(sum(estimates[n] for n in s.names))
    bound = lower_bound(((s, 1) for s in estimates.values()), k)
    assert makespan(shards) <= 4 / 3 * bound + 1e-9


def test_lpt_puts_longest_first_onto_lightest() -> None:
    shards = pack(whole({"a": 5, "b": 4, "c": 3, "d": 3, "e": 2}), 2)
    # a->1, b->2, c->2 (4 < 5), d->1 (5 < 7), e->2 (7 < 8)
    assert [s.names for s in shards] == [("a", "d"), ("b", "c", "e")]
    assert makespan(shards) == 9


def test_pack_rejects_zero_shards() -> None:
    with pytest.raises(SelectionError):
        pack([Piece("a", 1.0)], 0)


def _files(n: int, seed: int = 0) -> dict[str, float]:
    rng = random.Random(seed)
    return {f"tests/test_{i:02}.py": round(rng.uniform(1, 30), 1) for i in range(n)}


def test_a_suite_longer_than_a_shard_is_split_and_every_file_runs_once() -> None:
    files = _files(40)
    estimates = {"big": sum(files.values()), **{f"s{i}": 20.0 for i in range(30)}}
    done = plan(estimates, {"big": files}, 4)
    placed = [f for s in done.shards for f in s.files]
    assert sorted(placed) == sorted(f"big:{f}" for f in files)  # each file exactly once
    pieces = math.ceil(estimates["big"] / (sum(estimates.values()) / 4))
    assert pieces > 1
    assert done.split == {"big": pieces}  # longer than the ideal shard
    assert sum("big" in s.names for s in done.shards) == pieces  # each on its own shard
    assert all("big" not in s.whole for s in done.shards)
    ran = sorted(n for s in done.shards for n in s.whole)
    assert ran == sorted(n for n in estimates if n != "big")
    assert makespan(done.shards) <= 1.10 * done.lower_bound
    unsplit = makespan(pack(whole(estimates), 4))
    assert unsplit == estimates["big"] > makespan(done.shards)


def test_the_plan_is_the_same_for_the_same_inputs_in_any_order() -> None:
    files = _files(25, seed=3)
    estimates = {"big": 500.0, "a": 40.0, "b": 40.0, "c": 39.0, "d": 10.0}
    first = plan(estimates, {"big": files}, 3)
    shuffled = dict(reversed(list(estimates.items())))
    again = plan(shuffled, {"big": dict(reversed(list(files.items())))}, 3)
    assert first == again


def test_a_suite_within_a_shard_or_without_weights_is_never_split() -> None:
    estimates = {"big": 100.0, "small": 10.0, "c": 10.0}
    done = plan(estimates, {"small": _files(5)}, 2)  # big has no weights: split = false
    assert done.split == {}
    assert [s.files for s in done.shards] == [(), ()]
    assert done.lower_bound == 100.0  # the unsplittable suite bounds every plan


def test_files_without_history_count_as_the_suites_mean() -> None:
    weights = file_weights(["a.py", "b.py", "new.py"], {"a.py": 10.0, "b.py": 20.0, "gone.py": 5})
    assert weights == {"a.py": 10.0, "b.py": 20.0, "new.py": 15.0}
    assert file_weights(["x.py", "y.py"], {}) == {"x.py": 1.0, "y.py": 1.0}


def test_file_groups_are_balanced_and_carry_their_share_of_the_suite() -> None:
    pieces = split_suite("big", 120.0, {"a": 5.0, "b": 4.0, "c": 3.0, "d": 3.0, "e": 1.0}, 2)
    assert [p.files for p in pieces] == [("a", "d"), ("b", "c", "e")]
    assert [p.seconds for p in pieces] == [pytest.approx(60.0), pytest.approx(60.0)]


def test_split_weights_respect_the_settings_and_the_suites_own_paths(tmp_path: Path) -> None:
    tests = {f"tests/test_{i}.py": "" for i in range(3)}
    for name in ("free", "pinned", "pathed", "single", "scoped"):
        write_files(tmp_path / name, tests)
    (tmp_path / "single/tests/test_1.py").unlink()
    (tmp_path / "single/tests/test_2.py").unlink()
    write_files(
        tmp_path / "scoped",
        {"pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'},
    )
    write_files(tmp_path / "scoped", {"scripts/test_tool.py": "", "tests/sub/test_deep.py": ""})
    sibs = [
        Sibling("free", "r", tmp_path / "free"),
        Sibling("pinned", "r", tmp_path / "pinned", test=TestSettings(split=False)),
        Sibling("pathed", "r", tmp_path / "pathed", test=TestSettings(args=("-q", "tests"))),
        Sibling("single", "r", tmp_path / "single"),
        Sibling("scoped", "r", tmp_path / "scoped"),
        Sibling("absent", "r", tmp_path / "absent"),  # not cloned: its history is all there is
    ]
    history = {
        "free": {"tests/test_0.py": 9.0, "tests/deleted.py": 3.0},
        "absent": {"t/test_a.py": 2.0, "t/test_b.py": 4.0},
    }
    weights, why_not = split_weights(sibs, history)
    assert weights["free"] == {
        "tests/test_0.py": 9.0,
        "tests/test_1.py": 9.0,
        "tests/test_2.py": 9.0,
    }
    assert why_not == {
        "pinned": "split = false",
        "pathed": "its test args name paths (tests)",
        "single": "1 test file",
    }
    assert sorted(weights["scoped"]) == sorted([*tests, "tests/sub/test_deep.py"])
    assert weights["absent"] == history["absent"]
