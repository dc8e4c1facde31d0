"""What test-all's runner posts while suites run, for the progress handlers (runs/progress.py):
a suite started, a suite finished (with its result), and a tick a few times a second."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from workspace.runs.results import SuiteResult


@dataclass(frozen=True)
class SuiteStarted:
    name: str
    done: int  # suites finished when this one started: the one counter of the progress lines
    total: int
    workers: int
    command: tuple[str, ...]
    log: Path


@dataclass(frozen=True)
class SuiteFinished:
    result: SuiteResult
    done: int
    total: int


@dataclass(frozen=True)
class Tick:
    """Posted a few times a second while suites run: what a live board redraws."""

    running: tuple[tuple[str, float], ...]  # (name, elapsed seconds)
    done: int
    failed: int
    total: int
    elapsed: float


Event = SuiteStarted | SuiteFinished | Tick
Handler = Callable[[Event], None]
