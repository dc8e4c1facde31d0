"""One error hierarchy: library code raises these, the CLI turns them into one line and an exit."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import ClassVar


class ExitCode(IntEnum):
    """Exit statuses shared by every verb."""

    OK = 0
    FAILED = 1  # the work ran and something in it failed (a clone, a check, a suite)
    USAGE = 2  # bad input: config, flags, selection; nothing was done
    INTERNAL = 70  # EX_SOFTWARE: a bug in provide-workspace itself
    INTERRUPTED = 130


class WorkspaceError(Exception):
    """Anything the user can fix. The message is one line; ``hint`` says how to fix it.

    ``exit_code`` is what the CLI exits with: bad input unless the class says the work ran.
    """

    exit_code: ClassVar[ExitCode] = ExitCode.USAGE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} (hint: {self.hint})" if self.hint else self.message


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a config file, at one key path."""

    file: str
    key: str
    message: str
    hint: str | None = None

    def __str__(self) -> str:
        text = (
            f"{self.file}: {self.key}: {self.message}"
            if self.key
            else f"{self.file}: {self.message}"
        )
        return f"{text} (hint: {self.hint})" if self.hint else text


class ConfigError(WorkspaceError):
    """wrknv.toml or wrknv.local.toml is wrong; carries every problem found, one line each."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in problems))

    def __str__(self) -> str:
        return self.message


class GraphError(WorkspaceError):
    """The sibling dependency graph breaks a rule: a cycle or an upward layer edge."""


class SelectionError(WorkspaceError):
    """A selection flag names a sibling, layer or tag that does not exist."""


class GitError(WorkspaceError):
    """A git operation on one sibling failed: the work ran and something in it failed."""

    exit_code = ExitCode.FAILED


class EnvError(WorkspaceError):
    """The shared environment could not be created or resolved."""
