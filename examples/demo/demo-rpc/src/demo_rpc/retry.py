"""Retrying flaky calls with exponential backoff, within a deadline."""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


class DeadlineExceeded(TimeoutError):
    pass


class Deadline:
    def __init__(self, seconds: float, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self.expires = now() + seconds

    def remaining(self) -> float:
        return max(0.0, self.expires - self._now())

    def expired(self) -> bool:
        return self.remaining() <= 0


def retry(
    func: Callable[[], T],
    *,
    attempts: int = 3,
    backoff: float = 0.1,
    factor: float = 2.0,
    retry_on: tuple[type[BaseException], ...] = (ConnectionError, TimeoutError),
    deadline: Deadline | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Call ``func`` until it succeeds; wait backoff, backoff*factor, ... between tries."""
    if attempts < 1:
        raise ValueError("attempts must be at least 1")
    delay = backoff
    for attempt in range(1, attempts + 1):
        try:
            return func()
        except retry_on:
            if attempt == attempts:
                raise
            if deadline is not None:
                if deadline.remaining() < delay:
                    raise DeadlineExceeded(
                        f"gave up after {attempt} attempts: the deadline leaves "
                        f"{deadline.remaining():.2f}s, the next wait is {delay:.2f}s"
                    ) from None
            sleep(delay)
            delay *= factor
    raise AssertionError("unreachable")  # pragma: no cover
