"""One line of validate's table: a check's name, its status, what it found and a hint."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import Enum


class CheckStatus(str, Enum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: CheckStatus
    detail: str
    hint: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {**asdict(self), "status": self.status.value}


def ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, CheckStatus.OK, detail)


def warning(name: str, detail: str, hint: str | None = None) -> CheckResult:
    return CheckResult(name, CheckStatus.WARNING, detail, hint)


def error(name: str, detail: str, hint: str | None = None) -> CheckResult:
    return CheckResult(name, CheckStatus.ERROR, detail, hint)


SETUP_HINT = "run: nox -s setup"
