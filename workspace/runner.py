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
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import IO, Union

from workspace.env.venv import venv_python
from workspace.errors import EnvError, ExitCode
from workspace.model.config import Sibling, Workspace

PYTEST_NO_TESTS = 5  # pytest's exit code when it collected nothing
DEFAULT_GRACE = 5.0
_XDIST_FLAGS = ("-n", "--numprocesses", "--dist", "-d", "--tx")
# Variables of an outer pytest-xdist run that must not leak into the suites we start.
_LEAKY_ENV = (
    "PYTEST_XDIST_WORKER",
    "PYTEST_XDIST_WORKER_COUNT",
    "PYTEST_XDIST_TESTRUNUID",
    "PYTEST_CURRENT_TEST",
)


class Status(str, Enum):
    PASSED = "passed"
    FAILED = "failed"
    TIMEOUT = "timeout"
    NO_TESTS = "no-tests"
    NOT_RUN = "not-run"
    ERROR = "error"


@dataclass(frozen=True)
class Counts:
    """Test outcomes read from a suite's JUnit XML."""

    passed: int = 0
    failed: int = 0
    skipped: int = 0
    errors: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.passed + other.passed,
            self.failed + other.failed,
            self.skipped + other.skipped,
            self.errors + other.errors,
        )


@dataclass(frozen=True)
class Suite:
    """One sibling's suite as it will be run."""

    __test__ = False

    name: str
    path: Path
    args: tuple[str, ...] = ()
    timeout: float | None = None
    xdist: bool = True
    selected_because: str = "selected"
    expected_seconds: float | None = None  # single-worker estimate from history
    skip_reason: str | None = None  # set: recorded as not-run, never started


@dataclass(frozen=True)
class SuiteResult:
    name: str
    status: Status
    returncode: int | None = None
    duration: float = 0.0
    counts: Counts = field(default_factory=Counts)
    selected_because: str = "selected"
    log: Path | None = None
    junit: Path | None = None
    workers: int = 1
    command: tuple[str, ...] = ()
    reason: str | None = None  # why not-run, error or timeout

    @property
    def ok(self) -> bool:
        return self.status is Status.PASSED


@dataclass(frozen=True)
class RunResult:
    run_id: str
    run_dir: Path
    jobs: int
    wall_seconds: float
    results: tuple[SuiteResult, ...]
    interrupted: bool = False

    @property
    def lower_bound(self) -> float:
        return lower_bound(self.results, self.jobs)

    def exit_code(self, *, allow_no_tests: bool = False) -> ExitCode:
        """Computed once from the results: interrupted, else any suite that did not pass."""
        if self.interrupted:
            return ExitCode.INTERRUPTED
        return exit_code(self.results, allow_no_tests=allow_no_tests)


def exit_code(results: Iterable[SuiteResult], *, allow_no_tests: bool = False) -> ExitCode:
    good = {Status.PASSED, Status.NO_TESTS} if allow_no_tests else {Status.PASSED}
    return ExitCode.OK if all(r.status in good for r in results) else ExitCode.FAILED


def lower_bound(results: Iterable[SuiteResult], jobs: int) -> float:
    """``max(longest suite, total / jobs)``; a suite's total counts each of its xdist workers."""
    ran = [r for r in results if r.duration > 0]
    if not ran:
        return 0.0
    total = sum(r.duration * r.workers for r in ran)
    return max(*(r.duration for r in ran), total / max(jobs, 1))


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class SuiteStarted:
    name: str
    index: int  # 1-based start order
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


Event = Union[SuiteStarted, SuiteFinished, Tick]
Handler = Callable[[Event], None]


# --------------------------------------------------------------------------- planning


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity where the OS reports it)."""
    getaffinity = getattr(os, "sched_getaffinity", None)
    if getaffinity is not None:
        return max(1, len(getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def require_venv(ws: Workspace) -> Path:
    """The shared venv's interpreter; EnvError when the venv has not been created."""
    python = venv_python(ws.venv)
    if not python.exists():
        raise EnvError(
            f"the shared venv {ws.venv} does not exist",
            hint="create it with `nox -s setup`",
        )
    return python


def xdist_available(python: Path) -> bool:
    """Whether pytest-xdist can be imported by the venv's interpreter."""
    proc = subprocess.run(
        [str(python), "-c", "import xdist"],
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def build_suites(
    ws: Workspace,
    siblings: Sequence[Sibling],
    reasons: Mapping[str, str],
    *,
    timeout: float | None = None,
    extra_args: Sequence[str] = (),
) -> list[Suite]:
    """A Suite per Python sibling; absent ones are marked not-run with the reason."""
    suites = []
    for sib in siblings:
        if not sib.python_package:
            continue
        skip = None
        if not sib.path.is_dir():
            skip = f"not present at {sib.path} (clone it with the bootstrap session)"
        suites.append(
            Suite(
                name=sib.name,
                path=sib.path,
                args=(*sib.test.args, *extra_args),
                timeout=timeout if timeout is not None else sib.test.timeout,
                xdist=sib.test.xdist,
                selected_because=reasons.get(sib.name, "selected"),
                skip_reason=skip,
            )
        )
    return suites


def order_suites(
    suites: Iterable[Suite],
    expected: Mapping[str, float],
    sizes: Mapping[str, int] | None = None,
) -> list[Suite]:
    """Longest expected first; suites with no history go before all of them (they may be long,
    and running them early is how they get a history), the biggest (``sizes``: test files)
    first among those."""
    with_times = [
        s if s.name not in expected else _with_expected(s, expected[s.name]) for s in suites
    ]
    size = sizes or {}
    return sorted(
        with_times,
        key=lambda s: (
            s.expected_seconds is not None,
            -(s.expected_seconds or 0.0),
            -size.get(s.name, 0),
            s.name,
        ),
    )


def _with_expected(suite: Suite, seconds: float) -> Suite:
    return replace(suite, expected_seconds=seconds)


def workers_for(suite: Suite, free: int, remaining: int, *, xdist: bool) -> int:
    """xdist workers for a suite started now. With fewer suites left than free cores, the spare
    cores are shared out among them; otherwise one each. Never more than ``free``."""
    if not (suite.xdist and xdist) or free <= 1 or remaining >= free:
        return 1
    if any(a in _XDIST_FLAGS or a.startswith(("--numprocesses=", "-n")) for a in suite.args):
        return 1  # the sibling's own args decide its workers
    if "no:xdist" in suite.args:
        return 1
    return max(1, free // max(remaining, 1))


def suite_command(python: Path, suite: Suite, workdir: Path, workers: int) -> list[str]:
    """The exact pytest command: isolation flags first, the sibling's args after."""
    cmd = [
        str(python),
        "-m",
        "pytest",
        f"--junitxml={workdir / 'junit.xml'}",
        "-o",
        f"cache_dir={workdir / 'cache'}",
        f"--basetemp={workdir / 'basetemp'}",
    ]
    if workers > 1:
        cmd += ["-n", str(workers)]
    return [*cmd, *suite.args]


def suite_env(base: Mapping[str, str], venv: Path, workdir: Path, name: str) -> dict[str, str]:
    """The suite's environment: its own temp dir and coverage file, the shared venv first on
    PATH, and nothing from an outer xdist run."""
    env = {k: v for k, v in base.items() if k not in _LEAKY_ENV}
    tmp = str(workdir / "tmp")
    env.update(
        TMPDIR=tmp,
        TEMP=tmp,
        TMP=tmp,
        COVERAGE_FILE=str(workdir / ".coverage"),
        VIRTUAL_ENV=str(venv),
        PATH=os.pathsep.join([str(venv_python(venv).parent), base.get("PATH", "")]),
        WRKNV_SIBLING=name,
    )
    return env


# --------------------------------------------------------------------------- JUnit counts


def read_counts(junit: Path) -> Counts | None:
    """Outcome counts from a pytest JUnit XML file; None when missing or unreadable."""
    try:
        root = ET.parse(junit).getroot()
    except (OSError, ET.ParseError):
        return None
    passed = failed = skipped = errors = 0
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if "failure" in tags:
            failed += 1
        elif "error" in tags:
            errors += 1
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return Counts(passed, failed, skipped, errors)


# --------------------------------------------------------------------------- processes


def kill_group(pid: int, sig: int) -> None:
    """Signal a suite's whole process group; a group already gone is fine."""
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


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
def _sigterm_as_interrupt() -> Iterator[None]:
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
        self.started = 0
        self.total = 0

    # ------------------------------------------------------------------ the loop

    def run(self, suites: Sequence[Suite]) -> RunResult:
        opts = self.options
        opts.run_dir.mkdir(parents=True, exist_ok=True)
        order = [s.name for s in suites]
        self.total = len(suites)
        pending = []
        for suite in suites:
            if suite.skip_reason:
                self._finish(self._not_run(suite, suite.skip_reason))
            else:
                pending.append(suite)
        t0 = time.monotonic()
        interrupted = False
        stop_reason: str | None = None
        last_tick = 0.0
        with _sigterm_as_interrupt():
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
                            stop_reason = f"--fail-fast: {bad[0].name} {bad[0].status.value}"
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
        workdir = opts.run_dir / suite.name
        for sub in ("tmp", "cache", "basetemp"):
            (workdir / sub).mkdir(parents=True, exist_ok=True)
        log_path = opts.run_dir / f"{suite.name}.log"
        command = suite_command(opts.python, suite, workdir, workers)
        log = log_path.open("wb")
        log.write(f"$ {_quote(command)}\n# cwd: {suite.path}\n\n".encode())
        log.flush()
        self.started += 1
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                command,
                cwd=suite.path,
                env=suite_env(os.environ, opts.venv, workdir, suite.name),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            log.write(f"could not start: {exc}\n".encode())
            log.close()
            self._finish(
                SuiteResult(
                    name=suite.name,
                    status=Status.ERROR,
                    selected_because=suite.selected_because,
                    log=log_path,
                    command=tuple(command),
                    reason=f"could not start pytest: {exc.strerror or exc}",
                )
            )
            return
        self.running[suite.name] = _Running(
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
                name=suite.name,
                index=self.started,
                total=self.total,
                workers=workers,
                command=tuple(command),
                log=log_path,
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
            )
        )

    def _stop_all(self) -> None:
        """Ctrl-C: SIGTERM every suite's group, wait out the grace period, then SIGKILL."""
        for run in self.running.values():
            kill_group(run.proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + self.options.grace
        try:
            while self.running and time.monotonic() < deadline:
                self._reap("interrupted")
                time.sleep(self.options.poll)
        except KeyboardInterrupt:
            pass  # a second Ctrl-C: no more waiting
        for run in self.running.values():
            kill_group(run.proc.pid, signal.SIGKILL)
        for run in list(self.running.values()):
            run.proc.wait()
        self._reap("interrupted")

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
        )

    def _finish(self, result: SuiteResult) -> None:
        self.results[result.name] = result
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
