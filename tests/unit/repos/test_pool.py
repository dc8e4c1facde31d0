"""The worker pool: order kept, workers bounded, events, errors."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from workspace.model.config import Sibling
from workspace.repos import pool


def sibs(n: int) -> list[Sibling]:
    return [Sibling(name=f"s{i}", repo="r", path=Path(f"/x/s{i}"), index=i) for i in range(n)]


def test_pool_keeps_order_bounds_workers_and_reports_events() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    def work(sib: Sibling) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01 * (5 - sib.index % 5))  # later siblings finish first
        with lock:
            running -= 1
        return sib.name.upper()

    events: list[pool.Event[str]] = []
    results = pool.run_pool(sibs(10), work, jobs=3, on_event=events.append)
    assert results == [f"S{i}" for i in range(10)]
    assert 1 <= peak <= 3
    finished = [e for e in events if e.kind is pool.EventKind.FINISHED]
    assert sorted(e.name for e in finished) == sorted(f"s{i}" for i in range(10))
    assert all(e.result == e.name.upper() for e in finished)
    assert len([e for e in events if e.kind is pool.EventKind.STARTED]) == 10


def test_pool_with_one_job_runs_in_order() -> None:
    seen: list[str] = []
    pool.run_pool(sibs(5), lambda s: seen.append(s.name), jobs=1)
    assert seen == [f"s{i}" for i in range(5)]


def test_pool_propagates_unexpected_errors() -> None:
    def work(sib: Sibling) -> None:
        if sib.index == 2:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        pool.run_pool(sibs(5), work, jobs=2)
