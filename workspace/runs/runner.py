"""test-all's engine: scheduling, the core budget, per-suite isolation, timeouts, and kills.

Every suite is one ``python -m pytest`` process started in its own session (process group),
with its output going straight to its log file. One loop in the calling thread starts suites
while the core budget allows, polls them, enforces timeouts and posts events; it never prints.
A timeout or Ctrl-C stops the whole process group of a suite (SIGTERM, then SIGKILL after a
grace period), so no grandchild is left behind, and a result is still recorded for every suite.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from workspace.env.venv import venv_python
from workspace.runs.junit import case_seconds, read_counts
from workspace.runs.results import (
    PYTEST_NO_TESTS,
    Counts,
    Handler,
    RunResult,
    Status,
    SuiteFinished,
    SuiteResult,
    SuiteStarted,
    Tick,
)
from workspace.runs.suites import (
    DEFAULT_GRACE,
    Suite,
    suite_command,
    suite_env,
    workers_for,
)
from workspace.runs.testfiles import sum_by_file


def kill_group(pid: int, sig: int) -> None:
    """Signal a suite's whole process group; a group already gone is fine."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class _Stoppable(Protocol):
    proc: subprocess.Popen[bytes]


def stop_groups(
    running: Mapping[str, _Stoppable], reap: Callable[[], None], grace: float, poll: float
) -> None:
    """Ctrl-C: SIGTERM every running process group, reap what ends within the grace period,
    then SIGKILL the rest and reap them too. ``reap`` removes finished ones from ``running``."""
    for run in running.values():
        kill_group(run.proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    try:
        while running and time.monotonic() < deadline:
            reap()
            time.sleep(poll)
    except KeyboardInterrupt:
        pass  # a second Ctrl-C: no more waiting
    for run in running.values():
        kill_group(run.proc.pid, signal.SIGKILL)
    for run in list(running.values()):
        run.proc.wait()
    reap()


@dataclass
class _Running:
    suite: Suite
    proc: subprocess.Popen[bytes]
    log: IO[bytes]
    start: float
    workers: int
    command: tuple[str, ...]
    workdir: Path
    log_path: Path
    deadline: float | None
    terminated_at: float | None = None  # when SIGTERM was sent
    timed_out: bool = False


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
    poll: float = 0.05
    tick: float = 0.25


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """A CI cancel (SIGTERM) stops suites the same way as Ctrl-C does."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class Runner:
    """Runs suites in a bounded pool; ``run()`` returns results for every suite it was given."""

    def __init__(self, options: RunOptions, handler: Handler | None = None) -> None:
        self.options = options
        self.handler: Handler = handler or (lambda event: None)
        self.results: dict[str, SuiteResult] = {}
        self.running: dict[str, _Running] = {}
        self.total = 0
        self.t0 = time.monotonic()

    # ------------------------------------------------------------------ the loop

    def run(self, suites: Sequence[Suite]) -> RunResult:
        opts = self.options
        opts.run_dir.mkdir(parents=True, exist_ok=True)
        order = [s.key for s in suites]
        self.total = len(suites)
        pending = []
        for suite in suites:
            if suite.skip_reason:
                self._finish(self._not_run(suite, suite.skip_reason))
            else:
                pending.append(suite)
        t0 = self.t0 = time.monotonic()
        interrupted = False
        stop_reason: str | None = None
        last_tick = 0.0
        with sigterm_as_interrupt():
            try:
                while pending or self.running:
                    while pending and stop_reason is None:
                        free = opts.jobs - sum(r.workers for r in self.running.values())
                        if free < 1:
                            break
                        suite = pending.pop(0)
                        w = workers_for(suite, free, len(pending) + 1, xdist=opts.xdist)
                        self._start(suite, w)
                    self._poll()
                    if opts.fail_fast and stop_reason is None:
                        bad = [r for r in self.results.values() if r.status in _FAILING]
                        if bad:
                            stop_reason = f"--fail-fast: {bad[0].key} {bad[0].status.value}"
                            for suite in pending:
                                self._finish(self._not_run(suite, stop_reason))
                            pending = []
                    now = time.monotonic()
                    if now - last_tick >= opts.tick:
                        last_tick = now
                        self._tick(now - t0)
                    time.sleep(opts.poll)
            except KeyboardInterrupt:
                interrupted = True
                self._stop_all()
                for suite in pending:
                    self._finish(self._not_run(suite, "interrupted before it started"))
        wall = time.monotonic() - t0
        return RunResult(
            run_id=opts.run_id,
            run_dir=opts.run_dir,
            jobs=opts.jobs,
            wall_seconds=wall,
            results=tuple(self.results[n] for n in order if n in self.results),
            interrupted=interrupted,
        )

    def _tick(self, elapsed: float) -> None:
        now = time.monotonic()
        self.handler(
            Tick(
                running=tuple((n, now - r.start) for n, r in self.running.items()),
                done=len(self.results),
                failed=sum(1 for r in self.results.values() if r.status in _FAILING),
                total=self.total,
                elapsed=elapsed,
            )
        )

    # ------------------------------------------------------------------ one suite

    def _start(self, suite: Suite, workers: int) -> None:
        opts = self.options
        workdir = opts.run_dir / suite.key
        log_path = opts.run_dir / f"{suite.key}.log"
        venv = suite.venv or opts.venv  # its own Python's environment when a run covers several
        python = venv_python(venv) if suite.venv else opts.python
        command = suite_command(python, suite, workdir, workers)
        try:
            for sub in ("tmp", "cache", "basetemp"):
                (workdir / sub).mkdir(parents=True, exist_ok=True)
            log = log_path.open("wb")
        except OSError as exc:  # this suite cannot run; the others can
            where = exc.filename or log_path
            self._cannot_start(suite, command, None, f"cannot write {where}: {exc.strerror}")
            return
        log.write(f"$ {_quote(command)}\n# cwd: {suite.path}\n\n".encode())
        log.flush()
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
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
            self._cannot_start(suite, command, log_path, reason)
            return
        self.running[suite.key] = _Running(
            suite=suite,
            proc=proc,
            log=log,
            start=start,
            workers=workers,
            command=tuple(command),
            workdir=workdir,
            log_path=log_path,
            deadline=start + suite.timeout if suite.timeout else None,
        )
        self.handler(
            SuiteStarted(
                name=suite.key,
                done=len(self.results),
                total=self.total,
                workers=workers,
                command=tuple(command),
                log=log_path,
            )
        )

    def _cannot_start(
        self, suite: Suite, command: list[str], log: Path | None, reason: str
    ) -> None:
        self._finish(
            SuiteResult(
                name=suite.name,
                status=Status.ERROR,
                selected_because=suite.selected_because,
                log=log,
                command=tuple(command),
                reason=reason,
                python=suite.python,
                files=suite.files,
            )
        )

    def _poll(self) -> None:
        now = time.monotonic()
        for name, run in list(self.running.items()):
            rc = run.proc.poll()
            if rc is not None:
                del self.running[name]
                self._collect(run, rc, now)
            elif run.terminated_at is None and run.deadline is not None and now >= run.deadline:
                run.timed_out = True
                run.terminated_at = now
                kill_group(run.proc.pid, signal.SIGTERM)
            elif run.terminated_at is not None and now - run.terminated_at >= self.options.grace:
                kill_group(run.proc.pid, signal.SIGKILL)

    def _collect(self, run: _Running, rc: int, end: float, reason: str | None = None) -> None:
        # Whatever the suite left running in its group goes with it.
        kill_group(run.proc.pid, signal.SIGKILL)
        duration = end - run.start
        if run.timed_out:
            status = Status.TIMEOUT
            reason = f"timed out after {run.suite.timeout:g}s; its process group was killed"
        elif reason is not None:
            status = Status.ERROR
        elif rc == 0:
            status = Status.PASSED
        elif rc == PYTEST_NO_TESTS:
            status = Status.NO_TESTS
            reason = "pytest collected no tests"
        elif rc == 1:
            status = Status.FAILED
        else:
            status = Status.ERROR
            reason = _describe_rc(rc)
        footer = f"\n# {status.value}: exit status {rc} after {duration:.2f}s"
        run.log.write(f"{footer}{f' ({reason})' if reason else ''}\n".encode())
        run.log.close()
        junit = run.workdir / "junit.xml"
        counts = read_counts(junit)
        self._finish(
            SuiteResult(
                name=run.suite.name,
                status=status,
                returncode=rc,
                duration=duration,
                counts=counts or Counts(),
                selected_because=run.suite.selected_because,
                log=run.log_path,
                junit=junit if counts is not None else None,
                workers=run.workers,
                command=run.command,
                reason=reason,
                python=run.suite.python,
                files=run.suite.files,
                started=run.start - self.t0,
                file_seconds=tuple(sum_by_file(case_seconds(junit), run.suite.path).items()),
            )
        )

    def _stop_all(self) -> None:
        """Ctrl-C: stop every running suite's group (see :func:`stop_groups`)."""
        opts = self.options
        stop_groups(self.running, lambda: self._reap("interrupted"), opts.grace, opts.poll)

    def _reap(self, reason: str) -> None:
        now = time.monotonic()
        for name, run in list(self.running.items()):
            rc = run.proc.poll()
            if rc is not None:
                del self.running[name]
                self._collect(run, rc, now, reason=reason)

    def _not_run(self, suite: Suite, reason: str) -> SuiteResult:
        return SuiteResult(
            name=suite.name,
            status=Status.NOT_RUN,
            selected_because=suite.selected_because,
            reason=reason,
            python=suite.python,
            files=suite.files,
            excluded=suite.excluded and reason == suite.skip_reason,
        )

    def _finish(self, result: SuiteResult) -> None:
        self.results[result.key] = result
        self.handler(SuiteFinished(result, len(self.results), self.total))


_FAILING = frozenset({Status.FAILED, Status.TIMEOUT, Status.ERROR})


def _describe_rc(rc: int) -> str:
    if rc < 0:
        try:
            return f"killed by {signal.Signals(-rc).name}"
        except ValueError:
            return f"killed by signal {-rc}"
    known = {2: "interrupted", 3: "internal error in pytest", 4: "pytest usage error"}
    return known.get(rc, f"exit status {rc}")


def _quote(command: Sequence[str]) -> str:
    if sys.platform == "win32":
        return subprocess.list2cmdline(list(command))
    return " ".join(shlex.quote(c) for c in command)
