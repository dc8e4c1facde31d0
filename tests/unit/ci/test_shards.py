"""Shards: LPT packing, and the split of a suite longer than a shard into file groups."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import pytest

from tests.builders import write_files
from workspace.ci.matrix import splittable
from workspace.ci.shards import Piece, Shard, makespan, pack, plan, split_suite, whole
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


def runs(shards: list[Shard], name: str, every: Iterable[str]) -> Counter[str]:
    """How often each of ``every`` file of ``name`` runs over the shards: a whole suite runs
    them all, a piece its files, the rest piece all but its skipped ones."""
    count: Counter[str] = Counter()
    for piece in (p for s in shards for p in s.pieces if p.name == name):
        count.update(piece.files or [f for f in every if f not in piece.skip])
    return count


def test_a_suite_longer_than_a_shard_is_split_and_every_file_runs_once() -> None:
    files = _files(40)
    estimates = {"big": sum(files.values()), **{f"s{i}": 20.0 for i in range(30)}}
    done = plan(estimates, {"big": files}, 4)
    new = ["tests/test_new.py"]  # not in the history: only the rest piece can run it
    assert runs(done.shards, "big", [*files, *new]) == Counter([*files, *new])  # once each
    rest = [p for s in done.shards for p in s.pieces if p.name == "big" and p.skip]
    assert len(rest) == 1
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


def test_the_selection_names_files_to_run_and_files_the_rest_leaves_out() -> None:
    shard = Shard(
        1, (Piece("a", 1), Piece("big", 2, ("t/x.py",)), Piece("b", 3, skip=("t/y.py",))), 6
    )
    assert shard.whole == ("a",)
    assert shard.files == ("big:t/x.py", "!b:t/y.py")


def test_pieces_of_one_suite_that_meet_on_a_shard_become_one() -> None:
    rest, one, two = (
        Piece("big", 5, skip=("a", "b")),
        Piece("big", 3, ("a",)),
        Piece("big", 1, ("b",)),
    )
    (shard,) = pack([rest, one, two], 1)
    assert shard.pieces == (Piece("big", 9),)  # every piece together: the whole suite
    assert shard.whole == ("big",)
    first, second = pack([rest, one, two, Piece("x", 6)], 2)
    assert first.pieces == (Piece("x", 6), Piece("big", 1, ("b",)))
    assert second.pieces == (Piece("big", 8, skip=("b",)),)  # the rest runs "a" too
    done = plan({"a": 101.0, "b": 100.0}, {"a": {"t1": 1.0, "t2": 1.0}}, 2)
    assert done.split == {}  # both pieces of a landed on one shard: not split after all
    assert [s.whole for s in done.shards] == [("b",), ("a",)]


def test_the_plan_is_the_same_for_the_same_inputs_in_any_order() -> None:
    files = _files(25, seed=3)
    estimates = {"big": 500.0, "a": 40.0, "b": 40.0, "c": 39.0, "d": 10.0}
    first = plan(estimates, {"big": files}, 3, {"big": 12.0})
    shuffled = dict(reversed(list(estimates.items())))
    again = plan(shuffled, {"big": dict(reversed(list(files.items())))}, 3, {"big": 12.0})
    assert first == again


def test_a_suite_within_a_shard_or_without_weights_is_never_split() -> None:
    estimates = {"big": 100.0, "small": 10.0, "c": 10.0}
    done = plan(estimates, {"small": _files(5)}, 2)  # big has no weights: split = false
    assert done.split == {}
    assert [s.files for s in done.shards] == [(), ()]
    assert done.lower_bound == 100.0  # the unsplittable suite bounds every plan


def test_file_groups_are_balanced_and_carry_their_share_of_the_suite() -> None:
    weights = {"a": 5.0, "b": 4.0, "c": 3.0, "d": 3.0, "e": 1.0}
    pieces = split_suite("big", 120.0, weights, 2)
    assert pieces == [
        Piece("big", pytest.approx(60.0), skip=("b", "c", "e")),  # type: ignore[arg-type]
        Piece("big", pytest.approx(60.0), ("b", "c", "e")),  # type: ignore[arg-type]
    ]
    # New files (no history) weigh on the rest piece, which runs them.
    rest, other = split_suite("big", 160.0, weights, 2, unnamed=8.0)
    assert (rest.skip, other.files) == (("a", "b", "d"), ("a", "b", "d"))
    assert rest.seconds == pytest.approx(80.0)
    zero = split_suite("big", 30.0, dict.fromkeys("xyz", 0.0), 3)  # rounded to nothing
    assert [p.files or p.skip for p in zero] == [("y", "z"), ("y",), ("z",)]


def test_what_may_be_split_follows_the_settings_and_the_record(tmp_path: Path) -> None:
    tests = {f"tests/test_{i}.py": "" for i in range(3)}
    for name in ("free", "pinned", "pathed", "single"):
        write_files(tmp_path / name, tests)
    sibs = [
        Sibling("free", "r", tmp_path / "free"),
        Sibling("pinned", "r", tmp_path / "pinned", test=TestSettings(split=False)),
        Sibling("pathed", "r", tmp_path / "pathed", test=TestSettings(args=("-q", "tests"))),
        Sibling("single", "r", tmp_path / "single"),
        Sibling("absent", "r", tmp_path / "absent"),  # not cloned: its record is all there is
        Sibling("fresh", "r", tmp_path / "fresh"),  # never run: no record
    ]
    seconds = {"tests/test_0.py": 9.0, "tests/test_1.py": 3.0, "tests/deleted.py": 3.0}
    history = {
        "free": seconds,
        "single": {"tests/test_0.py": 1.0},
        "absent": {"t/test_a.py": 2.0, "t/test_b.py": 4.0},
    }
    found = splittable(sibs, history)
    assert found.weights == {
        "free": {"tests/test_0.py": 9.0, "tests/test_1.py": 3.0},  # the deleted file is gone
        "absent": history["absent"],
    }
    assert found.unnamed == {"free": 6.0}  # test_2.py is new: the mean of the recorded ones
    assert found.why_not == {
        "pinned": "split = false",
        "pathed": "its test args name paths (tests)",
        "single": "1 test file with recorded seconds",
        "fresh": "0 test files with recorded seconds",
    }
