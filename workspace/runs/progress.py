"""What a person sees while work runs: finished lines scrolling above a live board on a
terminal, plain lines in a log, log groups on GitHub Actions."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from workspace.runs.events import Event, SuiteFinished, SuiteStarted, Tick
from workspace.runs.results import Failure, Status, SuiteResult
from workspace.text import seconds


def _result_line(r: SuiteResult, done: int, total: int) -> str:
    c = r.counts
    counts = f"{c.passed} passed, {c.failed + c.errors} failed, {c.skipped} skipped"
    extra = f" ({r.reason})" if r.reason and r.status is not Status.FAILED else ""
    took = f" in {seconds(r.duration)}" if r.duration else ""
    width = len(str(total))
    return f"[{done:>{width}}/{total}] {r.status.value:<8} {r.key}{took}: {counts}{extra}"


@dataclass
class _Lines:
    """A reporter that only prints whole lines: at the end there is nothing to clear."""

    out: TextIO

    def _print(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def close(self) -> None:
        pass


class LineReporter(_Lines):
    """No terminal: one line as each suite starts and as it ends."""

    def __call__(self, event: Event) -> None:
        if isinstance(event, SuiteStarted):
            workers = f" with {event.workers} xdist workers" if event.workers > 1 else ""
            width = len(str(event.total))
            self._print(f"[{event.done:>{width}}/{event.total}] start    {event.name}{workers}")
        elif isinstance(event, SuiteFinished):
            self._print(_result_line(event.result, event.done, event.total))


def _read_log(path: Path | None) -> str:
    """The log's text, ending with a newline unless it is empty."""
    if path is None:
        return ""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        return f"(cannot read {path}: {exc.strerror})\n"
    return text if text.endswith("\n") or not text else text + "\n"


class GitHubReporter(_Lines):
    """GitHub Actions: each finished suite's output in a ``::group::``; failures in full, outside
    any group, with an ``::error`` annotation."""

    def __call__(self, event: Event) -> None:
        if isinstance(event, SuiteStarted):
            self._print(f"start {event.name}")
        elif isinstance(event, SuiteFinished):
            r = event.result
            line = _result_line(r, event.done, event.total)
            log = _read_log(r.log)
            if r.status in (Status.PASSED, Status.NO_TESTS, Status.NOT_RUN):
                self._print(f"::group::{line}\n{log}::endgroup::")
            else:
                self._print(f"::error title={r.key} {r.status.value}::{annotation(line)}\n{line}")
                for failure in r.failures[:ANNOTATED]:
                    self._print(test_annotation(r.key, failure))
                self.out.write(log)
                self.out.flush()


ANNOTATED = 10  # failing tests of one suite given an ``::error`` of their own


def test_annotation(key: str, failure: Failure) -> str:
    """One failing test's ``::error``, at its file and line when known."""
    props = [f"file={_prop(failure.file)}"] * bool(failure.file)
    props += [f"line={failure.line}"] * (failure.line is not None)
    props.append(f"title={_prop(f'{key}: {failure.test}')}")
    return f"::error {','.join(props)}::{annotation(failure.message or 'failed')}"


def annotation(text: str) -> str:
    """Text made safe for a GitHub Actions workflow command (``::error::...``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str | None) -> str:
    """A property value of a workflow command: its ``:`` and ``,`` escaped as well."""
    return annotation(text or "").replace(":", "%3A").replace(",", "%2C")


class LiveBoard:
    """A terminal: finished lines scroll by above a few redrawn lines naming the work still
    running and how long each piece has run. bootstrap, update and test-all all show this."""

    def __init__(
        self,
        out: TextIO,
        total: int,
        max_rows: int | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.out = out
        self.total = total
        self.max_rows = max_rows or max(3, shutil.get_terminal_size((80, 24)).lines - 4)
        self.clock = clock
        self.started = clock()
        self.running: dict[str, float] = {}  # name -> when it started
        self.done = 0
        self.failed = 0
        self.drawn = 0

    def start(self, name: str) -> None:
        self.running[name] = self.clock()
        self.refresh()

    def finish(self, name: str, line: str, *, failed: bool = False) -> None:
        """Print a finished piece's line above the board and count it."""
        self.running.pop(name, None)
        self.done += 1
        self.failed += failed
        self._clear()
        self.out.write(line + "\n")
        self._draw()

    def refresh(self) -> None:
        self._clear()
        self._draw()

    def close(self) -> None:
        self._clear()
        self.out.flush()

    def _clear(self) -> None:
        if self.drawn:
            # Up to the first board line, then erase to the end of the screen.
            self.out.write(f"\x1b[{self.drawn}F\x1b[J")
            self.drawn = 0

    def _draw(self) -> None:
        if not self.running:
            self.out.flush()
            return
        now = self.clock()
        lines = [
            f"running {len(self.running)}, done {self.done}/{self.total}, failed {self.failed}, "
            f"elapsed {seconds(now - self.started)}"
        ]
        shown = sorted(self.running.items(), key=lambda item: (item[1], item[0]))
        width = max(len(n) for n, _ in shown)
        for name, since in shown[: self.max_rows]:
            lines.append(f"  {name:<{width}}  {seconds(now - since)}")
        if len(shown) > self.max_rows:
            lines.append(f"  ... and {len(shown) - self.max_rows} more")
        self.out.write("\n".join(lines) + "\n")
        self.drawn = len(lines)
        self.out.flush()


@dataclass
class SuiteBoard:
    """test-all's events on the :class:`LiveBoard`."""

    board: LiveBoard

    def __call__(self, event: Event) -> None:
        if isinstance(event, SuiteStarted):
            self.board.start(event.name)
        elif isinstance(event, SuiteFinished):
            r = event.result
            line = _result_line(r, event.done, event.total)
            self.board.finish(r.key, line, failed=r.status.failing)
        elif isinstance(event, Tick):
            self.board.refresh()

    def close(self) -> None:
        self.board.close()


def is_live(out: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """Whether ``out`` is a terminal that can redraw a board (not a log, not a dumb one)."""
    env = os.environ if env is None else env
    return out.isatty() and env.get("TERM") != "dumb" and env.get("GITHUB_ACTIONS") != "true"


Reporter = LineReporter | GitHubReporter | SuiteBoard  # each a Handler that can be closed


def choose_handler(out: TextIO, total: int, env: Mapping[str, str] | None = None) -> Reporter:
    """GitHub Actions groups, else the live board on a terminal, else one line per event."""
    env = os.environ if env is None else env
    if env.get("GITHUB_ACTIONS") == "true":
        return GitHubReporter(out)
    if is_live(out, env):
        return SuiteBoard(LiveBoard(out, total))
    return LineReporter(out)
