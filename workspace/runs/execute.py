"""``exec``'s engine: one command in each sibling's directory, a bounded number at once.

Each command runs in its own session (process group) with its output captured to a temporary
file, so a finished sibling's output can be shown as one block that no other sibling's lines
cut into. Ctrl-C (or a CI cancel) stops every running group: SIGTERM, then SIGKILL after a grace
period, so no child or grandchild outlives the run.
"""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import IO

from workspace.env.venv import venv_python
from workspace.model.config import Sibling
from workspace.runs.runner import kill_group, sigterm_as_interrupt, stop_groups
from workspace.runs.suites import DEFAULT_GRACE

PLACEHOLDERS = ("{name}", "{path}")


class Outcome(Enum):
    OK = "ok"
    FAILED = "failed"
    SKIPPED = "skipped"  # missing, or not started after --fail-fast or Ctrl-C


@dataclass(frozen=True)
class ExecResult:
    name: str
    outcome: Outcome
    returncode: int | None = None
    output: str = ""
    duration: float = 0.0
    reason: str | None = None  # why it failed without an exit status, or why it was skipped


@dataclass(frozen=True)
class ExecOptions:
    command: tuple[str, ...]  # argv; with ``shell``, one string for /bin/sh
    jobs: int
    venv: Path
    shell: bool = False
    fail_fast: bool = False
    grace: float = DEFAULT_GRACE
    poll: float = 0.02


def substitute(command: Sequence[str], sib: Sibling, *, shell: bool) -> list[str]:
    """``{name}`` and ``{path}`` replaced in each argument; quoted for the shell with --shell.
    Other braces are left alone, so ``find . -exec ... {} +`` still works."""
    values = {"{name}": sib.name, "{path}": str(sib.path)}
    if shell:
        values = {k: shlex.quote(v) for k, v in values.items()}
    out = list(command)
    for key, value in values.items():
        out = [arg.replace(key, value) for arg in out]
    return out


def exec_env(base: Mapping[str, str], venv: Path, sib: Sibling) -> dict[str, str]:
    """The shared venv's ``bin`` first on PATH and ``VIRTUAL_ENV`` set, when the venv exists."""
    env = dict(base)
    env["WRKNV_SIBLING"] = sib.name
    if venv_python(venv).exists():
        env["VIRTUAL_ENV"] = str(venv)
        env["PATH"] = os.pathsep.join([str(venv_python(venv).parent), base.get("PATH", "")])
        env.pop("PYTHONHOME", None)
    return env


@dataclass
class _RunningCommand:
    sib: Sibling
    proc: subprocess.Popen[bytes]
    out: IO[bytes]
    start: float


@dataclass
class Executor:
    """Runs the command for each sibling; ``run()`` returns a result for every one of them."""

    options: ExecOptions
    on_start: Callable[[str], None] = lambda name: None
    on_finish: Callable[[ExecResult], None] = lambda result: None
    on_tick: Callable[[], None] = lambda: None  # about four times a second while it runs
    results: dict[str, ExecResult] = field(default_factory=dict)
    running: dict[str, _RunningCommand] = field(default_factory=dict)

    def run(self, siblings: Sequence[Sibling]) -> tuple[list[ExecResult], bool]:
        """Results in the siblings' order, and whether Ctrl-C (or SIGTERM) stopped the run."""
        pending = []
        for sib in siblings:
            if sib.path.is_dir():
                pending.append(sib)
            else:
                self._skip(sib, f"missing at {sib.path}; bootstrap clones it")
        interrupted = False
        last_tick = 0.0
        with sigterm_as_interrupt():
            try:
                while pending or self.running:
                    while pending and len(self.running) < self.options.jobs:
                        self._start(pending.pop(0))
                    self._poll()
                    if self.options.fail_fast and pending and self._failed():
                        for sib in pending:
                            self._skip(sib, f"--fail-fast: {self._failed()[0]} failed")
                        pending = []
                    if time.monotonic() - last_tick >= 0.25:
                        last_tick = time.monotonic()
                        self.on_tick()
                    time.sleep(self.options.poll)
            except KeyboardInterrupt:
                interrupted = True
                self._stop_all()
                for sib in pending:
                    self._skip(sib, "interrupted before it started")
        return [self.results[s.name] for s in siblings], interrupted

    def _failed(self) -> list[str]:
        return [n for n, r in self.results.items() if r.outcome is Outcome.FAILED]

    def _skip(self, sib: Sibling, reason: str) -> None:
        self._finish(ExecResult(sib.name, Outcome.SKIPPED, reason=reason))

    def _start(self, sib: Sibling) -> None:
        opts = self.options
        command = substitute(opts.command, sib, shell=opts.shell)
        out = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _collect, once it ends
        self.on_start(sib.name)
        try:
            proc = subprocess.Popen(
                command[0] if opts.shell else command,
                shell=opts.shell,
                cwd=sib.path,
                env=exec_env(os.environ, opts.venv, sib),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            out.close()
            reason = f"cannot run {command[0]}: {exc.strerror or exc}"
            self._finish(ExecResult(sib.name, Outcome.FAILED, reason=reason))
            return
        self.running[sib.name] = _RunningCommand(sib, proc, out, time.monotonic())

    def _poll(self) -> None:
        for name, run in list(self.running.items()):
            rc = run.proc.poll()
            if rc is not None:
                del self.running[name]
                self._collect(run, rc)

    def _collect(self, run: _RunningCommand, rc: int, reason: str | None = None) -> None:
        # Whatever the command left running in its group goes with it.
        kill_group(run.proc.pid, signal.SIGKILL)
        run.out.seek(0)
        output = run.out.read().decode("utf-8", errors="replace")
        run.out.close()
        outcome = Outcome.OK if rc == 0 and reason is None else Outcome.FAILED
        duration = time.monotonic() - run.start
        self._finish(ExecResult(run.sib.name, outcome, rc, output, duration, reason))

    def _stop_all(self) -> None:
        stop_groups(self.running, self._reap, self.options.grace, self.options.poll)

    def _reap(self) -> None:
        for name, run in list(self.running.items()):
            rc = run.proc.poll()
            if rc is not None:
                del self.running[name]
                self._collect(run, rc, reason="interrupted")

    def _finish(self, result: ExecResult) -> None:
        self.results[result.name] = result
        self.on_finish(result)
