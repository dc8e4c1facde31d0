"""test-all's suites on the scheduler: one ``python -m pytest`` process group per suite.

Each suite's output goes straight to its log file. The scheduler (:mod:`workspace.scheduler`)
holds the core budget, the timeouts, fail-fast and Ctrl-C; this module builds each suite's
command, turns what became of it into a :class:`SuiteResult` with a footer in its log, and
posts test-all's events. It never prints.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any, cast

from workspace import scheduler
from workspace.children import DEFAULT_GRACE
from workspace.env.venv import venv_python
from workspace.model.statedir import JUNIT
from workspace.runs.events import Handler, SuiteFinished, SuiteStarted, Tick
from workspace.runs.junit import case_seconds, read_counts, read_failures
from workspace.runs.results import PYTEST_NO_TESTS, Counts, RunResult, Status, SuiteResult
from workspace.runs.suites import Suite, suite_command, suite_env, workers_for
from workspace.runs.testfiles import sum_by_file


@dataclass(frozen=True)
class RunOptions:
    python: Path
    venv: Path
    run_dir: Path
    run_id: str
    jobs: int
    fail_fast: bool = False
    grace: float = DEFAULT_GRACE
    xdist: bool = False  # pytest-xdist importable in the venv


@dataclass
class _Launch:
    """What the runner made for one suite it started."""

    command: tuple[str, ...]
    workdir: Path
    log_path: Path | None = None  # None: the log could not be opened
    log: IO[bytes] | None = None


class Runner:
    """Runs suites on the scheduler; ``run()`` returns results for every suite it was given."""

    def __init__(self, options: RunOptions, handler: Handler | None = None) -> None:
        self.options = options
        self.handler: Handler = handler or (lambda event: None)
        self.results: dict[str, SuiteResult] = {}
        self.suites: dict[str, Suite] = {}
        self.launches: dict[str, _Launch] = {}
        self.total = 0

    def run(self, suites: Sequence[Suite]) -> RunResult:
        opts = self.options
        opts.run_dir.mkdir(parents=True, exist_ok=True)
        self.total = len(suites)
        units: list[scheduler.Unit[None]] = []
        for suite in suites:
            if suite.skip_reason:
                self._finish(self._not_run(suite, suite.skip_reason))
                continue
            self.suites[suite.key] = suite
            slots = partial(workers_for, suite, xdist=opts.xdist)
            spawn = partial(self._spawn, suite)
            units.append(
                scheduler.Unit(suite.key, spawn, slots=slots, timeout=suite.timeout or None)
            )
        fail_fast = self._fail_fast if opts.fail_fast else None
        batch = scheduler.Scheduler[None](
            opts.jobs, self._on_event, fail_fast=fail_fast, grace=opts.grace
        ).run(units)
        results = tuple(self.results[s.key] for s in suites if s.key in self.results)
        return RunResult(
            opts.run_id, opts.run_dir, opts.jobs, batch.wall, results, batch.interrupted
        )

    def _on_event(self, event: scheduler.Event[None]) -> None:
        done, total = len(self.results), self.total
        if isinstance(event, scheduler.UnitStarted):
            launch = self.launches[event.name]
            log = cast(Path, launch.log_path)  # a suite starts only once its log is open
            self.handler(SuiteStarted(event.name, done, total, event.slots, launch.command, log))
        elif isinstance(event, scheduler.UnitFinished):
            self._finish(self._result(event))
        else:
            failed = sum(1 for r in self.results.values() if r.status.failing)
            self.handler(Tick(event.running, done, failed, total, event.elapsed))

    def _fail_fast(self, finished: scheduler.UnitFinished[None]) -> str | None:
        result = self.results[finished.name]
        return f"--fail-fast: {result.key} {result.status.value}" if result.status.failing else None

    def _spawn(self, suite: Suite, workers: int) -> subprocess.Popen[bytes]:
        """Start one suite's pytest in its own session, its output going to its log."""
        opts = self.options
        workdir = opts.run_dir / suite.key
        log_path = opts.run_dir / f"{suite.key}.log"
        venv = suite.venv or opts.venv  # its own Python's environment when a run covers several
        python = venv_python(venv) if suite.venv else opts.python
        command = tuple(suite_command(python, suite, workdir, workers))
        launch = self.launches[suite.key] = _Launch(command, workdir)
        try:
            for sub in ("tmp", "cache", "basetemp"):
                (workdir / sub).mkdir(parents=True, exist_ok=True)
            log = log_path.open("wb")
        except OSError as exc:  # this suite cannot run; the others can
            where = exc.filename or log_path
            raise scheduler.CannotStart(f"cannot write {where}: {exc.strerror}") from None
        launch.log_path, launch.log = log_path, log
        log.write(f"$ {shlex.join(command)}\n# cwd: {suite.path}\n\n".encode())
        log.flush()
        try:
            return subprocess.Popen(
                command,
                cwd=suite.path,
                env=suite_env(os.environ, venv, workdir, suite.name),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            log.write(f"could not start: {exc}\n".encode())
            log.close()
            reason = f"could not start pytest: {exc.strerror or exc}"
            raise scheduler.CannotStart(reason) from None

    def _result(self, finished: scheduler.UnitFinished[None]) -> SuiteResult:
        suite, rc = self.suites[finished.name], finished.returncode
        if finished.ending is scheduler.Ending.NOT_STARTED:
            return self._not_run(suite, finished.reason or "")
        launch = self.launches[finished.name]
        if rc is None or launch.log is None:  # it could not start
            return _result(
                suite,
                Status.ERROR,
                log=launch.log_path,
                command=launch.command,
                reason=finished.reason,
            )
        status, reason = _status(finished.ending, rc, suite)
        footer = f"\n# {status.value}: exit status {rc} after {finished.duration:.2f}s"
        launch.log.write(f"{footer}{f' ({reason})' if reason else ''}\n".encode())
        launch.log.close()
        junit = launch.workdir / JUNIT
        counts = read_counts(junit)
        failures, more = read_failures(
            launch.workdir / "cache" / "v" / "cache" / "lastfailed", junit
        )
        return _result(
            suite,
            status,
            returncode=rc,
            duration=finished.duration,
            counts=counts or Counts(),
            log=launch.log_path,
            junit=junit if counts is not None else None,
            workers=finished.slots,
            command=launch.command,
            reason=reason,
            started=finished.started,
            file_seconds=tuple(sum_by_file(case_seconds(junit), suite.path).items()),
            failures=failures,
            more_failures=more,
        )

    def _not_run(self, suite: Suite, reason: str) -> SuiteResult:
        excluded = suite.excluded and reason == suite.skip_reason
        return _result(suite, Status.NOT_RUN, reason=reason, excluded=excluded)

    def _finish(self, result: SuiteResult) -> None:
        self.results[result.key] = result
        self.handler(SuiteFinished(result, len(self.results), self.total))


def _result(suite: Suite, status: Status, **fields: Any) -> SuiteResult:
    """A suite's result: what the suite says of itself, and ``fields``."""
    return SuiteResult(
        name=suite.name,
        status=status,
        selected_because=suite.selected_because,
        python=suite.python,
        files=suite.files,
        **fields,
    )


def _status(ending: scheduler.Ending, rc: int, suite: Suite) -> tuple[Status, str | None]:
    """A suite's status, and the reason to give, from how its process ended."""
    if ending is scheduler.Ending.TIMED_OUT:
        return Status.TIMEOUT, f"timed out after {suite.timeout:g}s; its process group was killed"
    if ending is scheduler.Ending.INTERRUPTED:
        return Status.ERROR, "interrupted"
    if rc == 0:
        return Status.PASSED, None
    if rc == PYTEST_NO_TESTS:
        return Status.NO_TESTS, "pytest collected no tests"
    if rc == 1:
        return Status.FAILED, None
    return Status.ERROR, _describe_rc(rc)


def _describe_rc(rc: int) -> str:
    if rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    known = {2: "interrupted", 3: "internal error in pytest", 4: "pytest usage error"}
    return known.get(rc, f"exit status {rc}")
