"""validate's table and its one-line summary, which counts in words."""

from __future__ import annotations

from workspace.commands.validate import format_summary
from workspace.env.checks import error, ok, warning


def test_the_summary_counts_correctly() -> None:
    one_each = [ok("a", "fine"), warning("b", "odd"), error("c", "broken")]
    assert format_summary(one_each, strict=False) == ("validate FAILED: 1 ok, 1 warning, 1 error")
    two_warnings = [ok("a", "fine"), warning("b", "odd"), warning("c", "odd")]
    assert format_summary(two_warnings, strict=True) == (
        "validate FAILED: 1 ok, 2 warnings, 0 errors (--strict: warnings fail)"
    )
    assert format_summary(two_warnings, strict=False).startswith("validate passed")
