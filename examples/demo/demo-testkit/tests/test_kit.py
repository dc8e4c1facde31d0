from __future__ import annotations

import pytest

from demo_core import Record
from demo_testkit import FakeClock, assert_json_roundtrip, make_record, records


def test_make_record_gives_fresh_ids() -> None:
    ids = {make_record().id for _ in range(20)}
    assert len(ids) == 20


def test_make_record_data() -> None:
    assert make_record("team", name="core").data == {"name": "core"}


def test_records_are_distinct_and_valid() -> None:
    made = list(records(30, kind="order"))
    assert len({r.to_json() for r in made}) == 30
    assert all(r.kind == "order" for r in made)


def test_roundtrip_assertion_catches_lossy_records() -> None:
    # A NaN never equals itself, so the round trip must fail.
    with pytest.raises(AssertionError):
        assert_json_roundtrip(Record("x", 1, {"v": float("nan")}))


def test_fake_clock() -> None:
    clock = FakeClock(start=10)
    clock.sleep(0.5)
    clock.sleep(2)
    assert clock.now() == 12.5
    assert clock.sleeps == [0.5, 2]
    with pytest.raises(ValueError):
        clock.sleep(-1)
