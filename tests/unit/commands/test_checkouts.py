"""What bootstrap and update print while they work."""

from __future__ import annotations

import io
import re

import pytest

from workspace.commands._checkouts import live_printer
from workspace.repos import checkouts
from workspace.scheduler import Ending, UnitFinished, UnitStarted


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_live_printer_shows_work_in_progress_only_on_a_terminal(terminal: bool) -> None:
    out = _Terminal() if terminal else io.StringIO()
    on_event = live_printer(["a", "b"], out)
    on_event(UnitStarted("a", 1))
    on_event(UnitStarted("b", 1))
    cloned = checkouts.Result("a", checkouts.CheckoutStatus.CLONED)
    on_event(UnitFinished("a", Ending.DONE, value=cloned, ended=0.5, slots=1))
    text = out.getvalue()
    finished = [line for line in text.split("\n") if "[1/2]" in line]
    assert len(finished) == 1
    assert "cloned" in finished[0]
    if terminal:
        # The live board of test-all: what is still at work, redrawn below the finished lines.
        assert "running 2, done 0/2, failed 0" in text
        assert re.search(r"running 1, done 1/2, failed 0, elapsed \S+\n  b  \S+\n\Z", text)
    else:
        assert "running" not in text
        assert "\x1b" not in text
