from __future__ import annotations

import io
import re
import threading
import time
from pathlib import Path

import pytest

from tests.builders import write_config
from workspace.commands._sync import live_printer
from workspace.model import config
from workspace.model.config import Sibling
from workspace.repos import lock, pool, sync
from workspace.repos.lock import LockEntry

SHA_A = "a" * 40
SHA_B = "b" * 40


def sibs(n: int) -> list[Sibling]:
    return [Sibling(name=f"s{i}", repo="r", path=Path(f"/x/s{i}"), index=i) for i in range(n)]


def test_pool_keeps_order_bounds_workers_and_reports_events() -> None:
    running = 0
    peak = 0
    lock = threading.Lock()

    def work(sib: Sibling) -> str:
        nonlocal running, peak
        with lock:
            running += 1
            peak = max(peak, running)
        time.sleep(0.01 * (5 - sib.index % 5))  # later siblings finish first
        with lock:
            running -= 1
        return sib.name.upper()

    events: list[pool.Event[str]] = []
    results = pool.run_pool(sibs(10), work, jobs=3, on_event=events.append)
    assert results == [f"S{i}" for i in range(10)]
    assert 1 <= peak <= 3
    finished = [e for e in events if e.kind is pool.EventKind.FINISHED]
    assert sorted(e.name for e in finished) == sorted(f"s{i}" for i in range(10))
    assert all(e.result == e.name.upper() for e in finished)
    assert len([e for e in events if e.kind is pool.EventKind.STARTED]) == 10


def test_pool_with_one_job_runs_in_order() -> None:
    seen: list[str] = []
    pool.run_pool(sibs(5), lambda s: seen.append(s.name), jobs=1)
    assert seen == [f"s{i}" for i in range(5)]


def test_pool_propagates_unexpected_errors() -> None:
    def work(sib: Sibling) -> None:
        if sib.index == 2:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        pool.run_pool(sibs(5), work, jobs=2)


@pytest.mark.parametrize(
    ("link", "path", "refused"),
    [
        (None, "../a", False),
        (None, "../deep/er/a", False),
        ("inside", "../inside/a", False),  # a symlink that stays below the parent
        ("outside", "../outside/a", True),
        ("outside", "../outside/more/a", True),
    ],
)
def test_path_problem(tmp_path: Path, link: str | None, path: str, refused: bool) -> None:
    parent = tmp_path / "parent"
    root = parent / "ws"
    root.mkdir(parents=True)
    (parent / "real").mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    if link == "inside":
        (parent / "inside").symlink_to(parent / "real")
    elif link == "outside":
        (parent / "outside").symlink_to(elsewhere)
    write_config(
        root,
        f'[workspace]\nname = "w"\n[[siblings]]\nname = "a"\nrepo = "r"\npath = "{path}"\n',
    )
    ws = config.load(root / "wrknv.toml")
    problem = sync.path_problem(ws, ws.siblings[0])
    assert (problem is not None) is refused
    if refused:
        assert str(elsewhere.resolve()) in (problem or "")


@pytest.mark.parametrize(
    ("old", "new", "known", "expected"),
    [
        (None, ["a"], ["a", "b"], ["a"]),
        ({"a": SHA_A, "b": SHA_A}, ["a"], ["a", "b"], ["a", "b"]),
        ({"a": SHA_A, "gone": SHA_A}, ["b"], ["a", "b"], ["a", "b"]),
    ],
)
def test_merge_lock(
    old: dict[str, str] | None, new: list[str], known: list[str], expected: list[str]
) -> None:
    old_entries = {n: LockEntry(n, "r", c) for n, c in old.items()} if old else None
    merged = lock.merge_lock(old_entries, [LockEntry(n, "r", SHA_B) for n in new], known)
    assert sorted(e.name for e in merged) == expected
    assert all(e.commit == SHA_B for e in merged if e.name in new)


@pytest.mark.parametrize(
    ("head", "locked", "ok", "problem"),
    [
        (SHA_A, SHA_A, True, None),
        (SHA_A, SHA_B, False, "HEAD aaaaaaaaaa, lock says bbbbbbbbbb"),
        (None, SHA_B, False, "missing, lock says bbbbbbbbbb"),
        (SHA_A, None, False, "not in wrknv.lock"),
    ],
)
def test_lock_check(head: str | None, locked: str | None, ok: bool, problem: str | None) -> None:
    check = lock.LockCheck("a", head, locked)
    assert check.ok is ok
    if problem:
        assert check.problem == problem


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_live_printer_shows_work_in_progress_only_on_a_terminal(terminal: bool) -> None:
    out = _Terminal() if terminal else io.StringIO()
    on_event = live_printer(["a", "b"], ["a", "b"], out)
    on_event(pool.Event(pool.EventKind.STARTED, "a"))
    on_event(pool.Event(pool.EventKind.STARTED, "b"))
    on_event(pool.Event(pool.EventKind.FINISHED, "a", sync.Result("a", sync.Status.CLONED)))
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
