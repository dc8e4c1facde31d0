"""The scheduler on real subprocesses and real threads: the budget, the order of results,
fail-fast, timeouts, leftovers, Ctrl-C and SIGTERM, and events from one thread at a time."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workspace.children import Interrupted, kill_group, run_child
from workspace.model.config import Sibling
from workspace.scheduler import (
    INTERRUPTED,
    CannotStart,
    Ending,
    Event,
    Heartbeat,
    Scheduler,
    Unit,
    UnitFinished,
    UnitStarted,
    run_threads,
)


def sibs(n: int) -> list[Sibling]:
    return [Sibling(name=f"s{i}", repo="r", path=Path(f"/x/s{i}"), index=i) for i in range(n)]


def alive(pid: int) -> bool:
    """A live process; a zombie waiting for its parent counts as gone."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def all_dead(pids: list[int], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not any(alive(p) for p in pids)


def python(code: str) -> list[str]:
    return [sys.executable, "-c", textwrap.dedent(code)]


def spawner(
    argv: list[str], *, ignore_term: bool = False
) -> Callable[[int], subprocess.Popen[bytes]]:
    """A process unit's spawn: ``argv`` in its own session; with ``ignore_term`` the process
    ignores SIGTERM from before it runs any code (only SIGKILL ends it)."""

    def spawn(slots: int) -> subprocess.Popen[bytes]:
        def ignore() -> None:
            signal.signal(signal.SIGTERM, signal.SIG_IGN)

        return subprocess.Popen(
            argv,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            preexec_fn=ignore if ignore_term else None,  # noqa: PLW1509 - before exec, on purpose
        )

    return spawn


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """Ctrl-C raises KeyboardInterrupt here, as in a terminal, whatever runs the tests."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_kill_group_of_a_vanished_process_is_quiet(capfd: pytest.CaptureFixture[str]) -> None:
    """A group that is gone (no pid is above 2**22) is no error and no output; a live group
    still gets the signal, so the quiet is not that of a call that does nothing."""
    kill_group(2**22 + 12345, signal.SIGTERM)
    assert capfd.readouterr() == ("", "")
    live = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True
    )
    kill_group(live.pid, signal.SIGTERM)
    assert live.wait(timeout=10) == -signal.SIGTERM


# --------------------------------------------------------------------------- threads


def test_threads_keep_order_bound_workers_and_report_events() -> None:
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

    events: list[Event[str]] = []
    results = run_threads(sibs(10), work, jobs=3, on_event=events.append)
    assert results == [f"S{i}" for i in range(10)]
    assert 1 <= peak <= 3
    finished = [e for e in events if isinstance(e, UnitFinished)]
    assert sorted(e.name for e in finished) == sorted(f"s{i}" for i in range(10))
    assert all(e.value == e.name.upper() for e in finished)
    assert len([e for e in events if isinstance(e, UnitStarted)]) == 10


def test_threads_with_one_job_run_in_order() -> None:
    seen: list[str] = []
    run_threads(sibs(5), lambda s: seen.append(s.name), jobs=1)
    assert seen == [f"s{i}" for i in range(5)]


def test_threads_propagate_unexpected_errors() -> None:
    def work(sib: Sibling) -> None:
        if sib.index == 2:
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        run_threads(sibs(5), work, jobs=2)


@settings(max_examples=25, deadline=None)
@given(
    pauses=st.lists(st.integers(min_value=0, max_value=4), min_size=0, max_size=12),
    jobs=st.integers(min_value=1, max_value=5),
)
def test_results_come_in_the_given_order_and_events_one_at_a_time(
    pauses: list[int], jobs: int
) -> None:
    """Whatever order the units end in, the results keep the order given; every event comes
    from the calling thread, never two at once, a unit's start before its finish."""
    me = threading.current_thread()
    inside = threading.Lock()
    problems: list[str] = []
    seen: list[tuple[str, str]] = []

    def on_event(event: Event[int]) -> None:
        if not inside.acquire(blocking=False):
            problems.append("two events at once")
        if threading.current_thread() is not me:
            problems.append("an event from another thread")
        time.sleep(0.0005)  # a slow handler: overlap would show
        if not isinstance(event, Heartbeat):
            seen.append((type(event).__name__, event.name))
        inside.release()

    def pause(i: int) -> int:
        time.sleep(pauses[i] / 1000)
        return i

    def unit(i: int) -> Unit[int]:
        return Unit(f"u{i}", call=partial(pause, i))

    scheduler = Scheduler[int](jobs, on_event, tick=0.001, poll=0.001)
    batch = scheduler.run([unit(i) for i in range(len(pauses))])
    assert [f.value for f in batch.finished] == list(range(len(pauses)))
    assert [f.name for f in batch.finished] == [f"u{i}" for i in range(len(pauses))]
    assert problems == []
    for i in range(len(pauses)):
        assert seen.index(("UnitStarted", f"u{i}")) < seen.index(("UnitFinished", f"u{i}"))


# --------------------------------------------------------------------------- process groups


def test_budget_of_slots_is_never_exceeded() -> None:
    """Each unit takes what it asks for, never more than is free; the slots in use never
    exceed the budget."""
    asked: dict[str, tuple[int, int]] = {}  # name -> (free, units left) when it was started
    held: dict[str, int] = {}
    peak = 0

    def unit(name: str, want: int) -> Unit[None]:
        def slots(free: int, left: int) -> int:
            asked[name] = (free, left)
            return want

        return Unit(name, spawner(python("import time; time.sleep(0.2)")), slots=slots)

    def on_event(event: Event[None]) -> None:
        nonlocal peak
        if isinstance(event, UnitStarted):
            held[event.name] = event.slots
            peak = max(peak, sum(held.values()))
        elif isinstance(event, UnitFinished):
            held.pop(event.name, None)

    wants = {"a": 3, "b": 2, "c": 1, "d": 9}  # d asks for more than there is
    batch = Scheduler[None](4, on_event).run([unit(n, w) for n, w in wants.items()])
    assert [f.ending for f in batch.finished] == [Ending.DONE] * 4
    assert [f.returncode for f in batch.finished] == [0] * 4
    assert 3 <= peak <= 4
    assert list(asked) == ["a", "b", "c", "d"]
    assert [left for _, left in asked.values()] == [4, 3, 2, 1]
    assert asked["a"] == (4, 4)
    for f in batch.finished:
        assert f.slots == min(wants[f.name], asked[f.name][0])  # d: only what was free


def test_fail_fast_starts_nothing_after_a_failure(tmp_path: Path) -> None:
    started: list[str] = []

    def unit(name: str, code: int) -> Unit[None]:
        spawn = spawner(python(f"import sys; sys.exit({code})"))

        def counted(slots: int) -> subprocess.Popen[bytes]:
            started.append(name)
            return spawn(slots)

        return Unit(name, counted)

    def fail_fast(f: UnitFinished[None]) -> str | None:
        return f"--fail-fast: {f.name} failed" if f.returncode else None

    units: list[Unit[None]] = [unit("ok", 0), unit("bad", 1), unit("later", 0), unit("last", 0)]
    events: list[Event[None]] = []
    batch = Scheduler[None](1, events.append, fail_fast=fail_fast).run(units)
    assert started == ["ok", "bad"]
    assert [f.ending for f in batch.finished] == [
        Ending.DONE,
        Ending.DONE,
        Ending.NOT_STARTED,
        Ending.NOT_STARTED,
    ]
    assert [f.reason for f in batch.finished[2:]] == ["--fail-fast: bad failed"] * 2
    assert not batch.interrupted
    assert [e.name for e in events if isinstance(e, UnitFinished)] == ["ok", "bad", "later", "last"]


def test_a_unit_that_cannot_start_fails_alone() -> None:
    def refuse(slots: int) -> subprocess.Popen[bytes]:
        raise CannotStart("no room for it")

    events: list[Event[None]] = []
    units: list[Unit[None]] = [
        Unit("x", refuse),
        Unit("y", spawner(python("pass"))),
    ]
    batch = Scheduler[None](1, events.append).run(units)
    x, y = batch.finished
    assert (x.ending, x.reason, x.returncode) == (Ending.CANNOT_START, "no room for it", None)
    assert (y.ending, y.returncode) == (Ending.DONE, 0)
    assert [e.name for e in events if isinstance(e, UnitStarted)] == ["y"]


@pytest.mark.parametrize(
    ("ignore_term", "killed_by"), [(False, signal.SIGTERM), (True, signal.SIGKILL)]
)
def test_a_unit_past_its_timeout_has_its_group_stopped(
    ignore_term: bool, killed_by: signal.Signals
) -> None:
    """SIGTERM at the deadline; a group that ignores it gets SIGKILL after the grace period."""
    spawn = spawner(python("import time; time.sleep(60)"), ignore_term=ignore_term)
    units: list[Unit[None]] = [Unit("slow", spawn, timeout=0.2)]
    start = time.monotonic()
    batch = Scheduler[None](1, grace=0.3, poll=0.01).run(units)
    (slow,) = batch.finished
    assert slow.ending is Ending.TIMED_OUT
    assert slow.returncode == -killed_by
    assert 0.2 <= slow.duration < 10
    if ignore_term:
        assert slow.duration >= 0.5  # the grace period was waited for
    assert time.monotonic() - start < 10


def test_what_a_finished_unit_left_in_its_group_is_killed(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild"
    code = f"""
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open({str(pid_file)!r}, "w").write(str(child.pid))
    """
    batch = Scheduler[None](1).run([Unit("u", spawner(python(code)))])
    assert batch.finished[0].returncode == 0
    assert all_dead([int(pid_file.read_text())])


@dataclass
class _Interrupt:
    """An event handler that sends ``sig`` to this process once ``count`` units have started
    and written their pid files: the signal comes while they run, at a point the test knows."""

    sig: signal.Signals
    pid_dir: Path
    count: int
    started: int = 0
    sent: bool = False

    def __call__(self, event: Event[None]) -> None:
        if not isinstance(event, UnitStarted) or self.sent:
            return
        self.started += 1
        if self.started == self.count:
            deadline = time.monotonic() + 30
            while len(list(self.pid_dir.iterdir())) < self.count and time.monotonic() < deadline:
                time.sleep(0.01)
            self.sent = True
            signal.raise_signal(self.sig)


@pytest.mark.usefixtures("ctrl_c_raises")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_stop_every_group_and_start_nothing_more(
    tmp_path: Path, sig: signal.Signals
) -> None:
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    code = f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        with open(os.path.join({str(pid_dir)!r}, sys.argv[1]), "w") as f:
            f.write(f"{{os.getpid()}} {{child.pid}}")
        time.sleep(60)
    """
    units: list[Unit[None]] = [
        Unit("a", spawner([*python(code), "a"])),
        Unit("b", spawner([*python(code), "b"], ignore_term=True)),
        Unit("c", spawner([*python(code), "c"])),
    ]
    interrupt = _Interrupt(sig, pid_dir, 2)
    before = signal.getsignal(signal.SIGTERM)
    batch = Scheduler[None](2, interrupt, grace=0.3, poll=0.01).run(units)
    assert signal.getsignal(signal.SIGTERM) is before  # SIGTERM is ours only while it runs
    assert interrupt.sent
    assert batch.interrupted
    a, b, c = batch.finished
    assert (a.ending, a.returncode) == (Ending.INTERRUPTED, -signal.SIGTERM)
    assert (b.ending, b.returncode) == (Ending.INTERRUPTED, -signal.SIGKILL)  # after the grace
    assert (c.ending, c.reason) == (Ending.NOT_STARTED, INTERRUPTED)
    pids = [int(p) for f in pid_dir.iterdir() for p in f.read_text().split()]
    assert len(pids) == 4
    assert all_dead(pids)


@pytest.mark.usefixtures("ctrl_c_raises")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_let_threads_finish_and_start_nothing_more(
    sig: signal.Signals,
) -> None:
    release = threading.Event()
    started: list[str] = []

    def work(name: str) -> str:
        started.append(name)
        release.wait(30)
        return f"{name} finished after the release: {release.is_set()}"

    def on_event(event: Event[str]) -> None:
        if isinstance(event, UnitStarted) and event.name == "b":
            threading.Timer(0.2, release.set).start()  # only after the interrupt came
            signal.raise_signal(sig)

    units: list[Unit[str]] = [Unit(n, call=partial(work, n)) for n in "abcd"]
    batch = Scheduler[str](2, on_event).run(units)
    assert batch.interrupted
    assert sorted(started) == ["a", "b"]
    a, b, c, d = batch.finished
    assert (a.ending, a.value) == (Ending.DONE, "a finished after the release: True")
    assert (b.ending, b.value) == (Ending.DONE, "b finished after the release: True")
    assert [(c.ending, c.reason), (d.ending, d.reason)] == [(Ending.NOT_STARTED, INTERRUPTED)] * 2


@pytest.mark.usefixtures("ctrl_c_raises")
def test_run_threads_raises_keyboard_interrupt_once_the_threads_ended() -> None:
    ended: list[str] = []
    events: list[str] = []

    def work(sib: Sibling) -> None:
        time.sleep(0.2)
        ended.append(sib.name)

    def on_event(event: Event[None]) -> None:
        if not isinstance(event, Heartbeat):
            events.append(f"{type(event).__name__} {event.name}")
        if isinstance(event, UnitStarted) and event.name == "s1":
            signal.raise_signal(signal.SIGINT)

    with pytest.raises(KeyboardInterrupt):
        run_threads(sibs(4), work, jobs=2, on_event=on_event)
    assert sorted(ended) == ["s0", "s1"]  # both ran to their end before it was raised
    assert sorted(events[2:]) == [
        "UnitFinished s0",
        "UnitFinished s1",
        "UnitFinished s2",
        "UnitFinished s3",
    ]


def test_heartbeats_name_the_running_units() -> None:
    beats: list[Heartbeat] = []

    def on_event(event: Event[None]) -> None:
        if isinstance(event, Heartbeat):
            beats.append(event)

    spawn = spawner(python("import time; time.sleep(0.3)"))
    Scheduler[None](2, on_event, tick=0.05, poll=0.01).run([Unit("p", spawn)])
    assert len(beats) >= 2
    assert any(b.running and b.running[0][0] == "p" for b in beats)
    assert all(b.elapsed >= 0 for b in beats)


def test_an_error_in_the_handler_kills_the_groups(tmp_path: Path) -> None:
    def on_event(event: Event[None]) -> None:
        if isinstance(event, UnitStarted):
            raise RuntimeError("a broken printer")

    procs: list[subprocess.Popen[bytes]] = []
    spawn = spawner(python("import time; time.sleep(60)"))

    def kept(slots: int) -> subprocess.Popen[bytes]:
        procs.append(spawn(slots))
        return procs[-1]

    with pytest.raises(RuntimeError, match="a broken printer"):
        Scheduler[None](1, on_event).run([Unit("u", kept)])
    assert procs[0].poll() == -signal.SIGKILL


@pytest.mark.usefixtures("ctrl_c_raises")
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_ctrl_c_and_sigterm_end_the_commands_of_thread_units(
    sig: signal.Signals, tmp_path: Path
) -> None:
    """A thread unit's run_child (a git or uv call) is ended with its whole group, at once;
    the unit ends INTERRUPTED and no command starts after the interrupt."""
    hang = python(
        f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        open(os.path.join({str(tmp_path)!r}, "%d.pids" % os.getpid()), "w").write(
            "%d %d" % (os.getpid(), child.pid))
        time.sleep(60)
        """
    )
    refused: list[str] = []

    def work(name: str) -> str:
        try:
            run_child(hang, f"hang {name}")
        finally:
            with suppress(Interrupted):  # the run is stopping: nothing more starts
                run_child([sys.executable, "-c", "pass"], "after")
                refused.append(f"{name}: started after the interrupt")
        return name

    def on_event(event: Event[str]) -> None:
        if isinstance(event, Heartbeat) and len(list(tmp_path.glob("*.pids"))) == 2:
            signal.raise_signal(sig)

    start = time.monotonic()
    batch = Scheduler[str](2, on_event, tick=0.05).run(
        [Unit(n, call=partial(work, n)) for n in "ab"]
    )
    assert batch.interrupted
    assert time.monotonic() - start < 20
    assert [(f.ending, f.reason) for f in batch.finished] == [
        (Ending.INTERRUPTED, "interrupted")
    ] * 2
    assert refused == []
    pids = [int(p) for f in tmp_path.glob("*.pids") for p in f.read_text().split()]
    assert len(pids) == 4
    assert all_dead(pids, seconds=3)
    assert run_child([sys.executable, "-c", "print(1)"], "next run").stdout == "1\n"
