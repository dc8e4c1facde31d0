"""``exec``'s engine: one command in each sibling's directory, a bounded number at once.

Each command is a process group on the scheduler (:mod:`workspace.scheduler`), which stops
every group on Ctrl-C or a CI cancel, so no child or grandchild outlives the run. Its output is
captured to a temporary file, so a finished sibling's output can be shown as one block that no
other sibling's lines cut into.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from pathlib import Path
from typing import IO

from workspace import scheduler
from workspace.env.venv import venv_python
from workspace.model.config import Sibling

# Each placeholder of an argv and the variable a --shell command reads instead: a value is
# never spliced into shell text, where a sibling's path could be code.
PLACEHOLDERS = {"{name}": "WS_NAME", "{path}": "WS_PATH"}


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


def substitute(command: Sequence[str], sib: Sibling, *, shell: bool) -> list[str]:
    """``{name}`` and ``{path}`` replaced in each argument of an argv; shell text is left as
    it is (its command reads ``$WS_NAME`` and ``$WS_PATH``). Other braces are left alone, so
    ``find . -exec ... {} +`` still works."""
    if shell:
        return list(command)
    return [arg.replace("{name}", sib.name).replace("{path}", str(sib.path)) for arg in command]


def exec_env(base: Mapping[str, str], venv: Path, sib: Sibling) -> dict[str, str]:
    """The sibling's name and path as variables; the shared venv's ``bin`` first on PATH and
    ``VIRTUAL_ENV`` set, when the venv exists."""
    env = {**base, "WRKNV_SIBLING": sib.name, "WS_NAME": sib.name, "WS_PATH": str(sib.path)}
    if venv_python(venv).exists():
        env["VIRTUAL_ENV"] = str(venv)
        env["PATH"] = os.pathsep.join([str(venv_python(venv).parent), base.get("PATH", "")])
        env.pop("PYTHONHOME", None)
    return env


@dataclass
class Executor:
    """Runs the command for each sibling; ``run()`` returns a result for every one of them."""

    options: ExecOptions
    on_start: Callable[[str], None] = lambda name: None
    on_finish: Callable[[ExecResult], None] = lambda result: None
    on_tick: Callable[[], None] = lambda: None  # about four times a second while it runs
    results: dict[str, ExecResult] = field(default_factory=dict)
    outputs: dict[str, IO[bytes]] = field(default_factory=dict)  # each running command's

    def run(self, siblings: Sequence[Sibling]) -> tuple[list[ExecResult], bool]:
        """Results in the siblings' order, and whether Ctrl-C (or SIGTERM) stopped the run."""
        units: list[scheduler.Unit[None]] = []
        for sib in siblings:
            if sib.path.is_dir():
                units.append(scheduler.Unit(sib.name, partial(self._spawn, sib)))
            else:
                reason = f"missing at {sib.path}; bootstrap clones it"
                self._finish(ExecResult(sib.name, Outcome.SKIPPED, reason=reason))
        opts = self.options
        fail_fast = self._fail_fast if opts.fail_fast else None
        batch = scheduler.Scheduler[None](
            opts.jobs, self._on_event, fail_fast=fail_fast, poll=0.02
        ).run(units)
        return [self.results[s.name] for s in siblings], batch.interrupted

    def _spawn(self, sib: Sibling, slots: int) -> subprocess.Popen[bytes]:
        opts = self.options
        command = substitute(opts.command, sib, shell=opts.shell)
        out = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _result, once it ends
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
            raise scheduler.CannotStart(f"cannot run {command[0]}: {exc.strerror or exc}") from None
        self.outputs[sib.name] = out
        return proc

    def _on_event(self, event: scheduler.Event[None]) -> None:
        if isinstance(event, scheduler.UnitFinished):
            self._finish(self._result(event))
        elif isinstance(event, scheduler.Heartbeat):
            self.on_tick()

    def _result(self, finished: scheduler.UnitFinished[None]) -> ExecResult:
        name, rc = finished.name, finished.returncode
        if finished.ending is scheduler.Ending.NOT_STARTED:
            return ExecResult(name, Outcome.SKIPPED, reason=finished.reason)
        out = self.outputs.pop(name, None)
        if out is None:  # it could not start
            return ExecResult(name, Outcome.FAILED, reason=finished.reason)
        out.seek(0)
        output = out.read().decode("utf-8", errors="replace")
        out.close()
        reason = "interrupted" if finished.ending is scheduler.Ending.INTERRUPTED else None
        outcome = Outcome.OK if rc == 0 and reason is None else Outcome.FAILED
        return ExecResult(name, outcome, rc, output, finished.duration, reason)

    def _fail_fast(self, finished: scheduler.UnitFinished[None]) -> str | None:
        failed = self.results[finished.name].outcome is Outcome.FAILED
        return f"--fail-fast: {finished.name} failed" if failed else None

    def _finish(self, result: ExecResult) -> None:
        self.results[result.name] = result
        self.on_finish(result)
