"""Retries against the real clock: the slowest suite of the demo (about six seconds)."""

from __future__ import annotations

import time

import pytest
from demo_testkit import FakeClock

from demo_rpc import Deadline, DeadlineExceeded, retry


class Flaky:
    """Fails ``failures`` times with ConnectionError, then returns 'ok'."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"attempt {self.calls} failed")
        return "ok"


def test_backoff_schedule_with_fake_clock() -> None:
    clock = FakeClock()
    assert retry(Flaky(3), attempts=4, backoff=0.5, sleep=clock.sleep) == "ok"
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_gives_up_after_attempts() -> None:
    clock = FakeClock()
    flaky = Flaky(10)
    with pytest.raises(ConnectionError, match="attempt 3"):
        retry(flaky, attempts=3, sleep=clock.sleep)
    assert flaky.calls == 3


def test_other_errors_are_not_retried() -> None:
    def broken() -> None:
        raise KeyError("x")

    with pytest.raises(KeyError):
        retry(broken, sleep=FakeClock().sleep)


@pytest.mark.parametrize("failures", [1, 2, 3])
def test_real_backoff_waits(failures: int) -> None:
    # Real sleeps: 0.4 + 0.8 + 1.6 s at most, so the suite takes a few seconds on purpose.
    flaky = Flaky(failures)
    start = time.monotonic()
    assert retry(flaky, attempts=4, backoff=0.4) == "ok"
    waited = time.monotonic() - start
    assert waited >= sum(0.4 * 2**i for i in range(failures)) * 0.9
    assert flaky.calls == failures + 1


def test_deadline_stops_retrying_on_the_real_clock() -> None:
    deadline = Deadline(1.0)
    flaky = Flaky(10)
    with pytest.raises(DeadlineExceeded):
        retry(flaky, attempts=10, backoff=0.3, deadline=deadline)
    # 0.3 + 0.6 fit in one second; the next wait (1.2 s) does not.
    assert flaky.calls == 3


def test_deadline_with_fake_clock() -> None:
    clock = FakeClock()
    deadline = Deadline(5, now=clock.now)
    clock.sleep(4)
    assert deadline.remaining() == 1
    clock.sleep(1)
    assert deadline.expired()
