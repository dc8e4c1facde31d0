"""report's merge: the pieces of a split suite joined back into one result."""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from workspace.ci.merge import merge
from workspace.cli import main
from workspace.errors import WorkspaceError
from workspace.jsonfields import Fields
from workspace.runs.junit import JUNIT_LIMIT
from workspace.runs.results import MAX_FAILURES, Counts, Failure, RunResult, Status, SuiteResult
from workspace.runs.summary import write_run_files


def shard(tmp_path: Path, name: str, *results: SuiteResult) -> Path:
    run_dir = tmp_path / name
    run_dir.mkdir()
    with_logs = []
    for r in results:
        (run_dir / f"{r.key}.log").write_text(f"{name}\n")
        with_logs.append(SuiteResult(**{**r.__dict__, "log": run_dir / f"{r.key}.log"}))
    write_run_files(RunResult(name, run_dir, 2, 30.0, tuple(with_logs)))
    return run_dir


def merged(dirs: list[Path], output: Path) -> tuple[dict[str, Any], list[SuiteResult]]:
    """The merge's summary.json as written, and the merged run's results."""
    run = merge(dirs, output)
    return json.loads((output / "summary.json").read_text()), list(run.results)


def piece(status: Status, seconds: float, *files: str, workers: int = 1) -> SuiteResult:
    passed = 0 if status is Status.NO_TESTS else 2
    return SuiteResult(
        "big",
        status,
        duration=seconds,
        counts=Counts(passed, int(status is Status.FAILED), 0, 0),
        workers=workers,
        files=files,
        file_seconds=tuple((f, seconds / len(files)) for f in files),
    )


@pytest.mark.parametrize(
    ("statuses", "joined"),
    [
        ((Status.PASSED, Status.PASSED, Status.PASSED), Status.PASSED),
        ((Status.PASSED, Status.FAILED, Status.PASSED), Status.FAILED),
        ((Status.FAILED, Status.TIMEOUT, Status.PASSED), Status.TIMEOUT),
        ((Status.PASSED, Status.NO_TESTS, Status.CACHED), Status.PASSED),
        ((Status.CACHED, Status.CACHED, Status.CACHED), Status.CACHED),
        ((Status.NOT_RUN, Status.PASSED, Status.ERROR), Status.ERROR),
    ],
)
def test_pieces_become_one_result_with_the_worst_status(
    tmp_path: Path, statuses: tuple[Status, ...], joined: Status
) -> None:
    dirs = [
        shard(tmp_path, "one", piece(statuses[0], 10.0, "t/a.py", "t/b.py", workers=2)),
        shard(tmp_path, "two", piece(statuses[1], 6.0, "t/c.py"), SuiteResult("x", Status.PASSED)),
        shard(tmp_path, "three", piece(statuses[2], 4.0, "t/d.py")),
    ]
    summary, results = merged(dirs, tmp_path / "out")
    assert [r.name for r in results] == ["big", "x"]
    big = results[0]
    assert big.status is joined
    assert big.files == ()
    assert big.duration == 10.0 * 2 + 6.0 + 4.0  # one worker's seconds
    assert big.counts.passed == sum(0 if s is Status.NO_TESTS else 2 for s in statuses)
    entry = summary["siblings"][0]
    assert entry["pieces"] == 3
    assert entry["shards"] == [str(d) for d in dirs]
    assert [(tmp_path / "out" / log).read_text() for log in entry["logs"]] == [
        "one\n",
        "two\n",
        "three\n",
    ]
    stored = json.loads((tmp_path / "out/durations.json").read_text())["siblings"]
    if joined in (Status.PASSED, Status.FAILED, Status.TIMEOUT):  # a measured length
        files = {"t/a.py": 5.0, "t/b.py": 5.0, "t/c.py": 6.0, "t/d.py": 4.0}
        assert stored["big"] == {"seconds": 30.0, "workers": 1, "files": files}
    else:
        assert "big" not in stored
    # The bound comes from the pieces as they ran, not from the joined suite's 30 s; a cached
    # or not-run piece took no time in this run.
    ran = [
        (seconds, cores)
        for s, seconds, cores in zip(statuses, (10.0, 6.0, 4.0), (2, 1, 1), strict=True)
        if s not in (Status.CACHED, Status.NOT_RUN)
    ]
    bound = max([s for s, _ in ran] + [sum(s * c for s, c in ran) / 6], default=0.0)
    assert summary["lower_bound_seconds"] == pytest.approx(bound)


def test_the_same_file_in_two_pieces_is_an_error(tmp_path: Path) -> None:
    one = shard(tmp_path, "one", piece(Status.PASSED, 1.0, "t/a.py", "t/b.py"))
    two = shard(tmp_path, "two", piece(Status.PASSED, 1.0, "t/b.py"))
    with pytest.raises(WorkspaceError, match=r"big: t/b.py ran in two shards \(.*one, .*two\)"):
        merge([one, two], tmp_path / "out")
    assert not (tmp_path / "out").exists()  # nothing half written


def test_whole_suites_of_one_name_are_not_joined(tmp_path: Path) -> None:
    one = shard(tmp_path, "one", SuiteResult("a", Status.PASSED, duration=1.0))
    two = shard(tmp_path, "two", SuiteResult("a", Status.FAILED, duration=2.0))
    _, results = merged([one, two], tmp_path / "out")
    assert [r.status for r in results] == [Status.PASSED, Status.FAILED]


def test_a_cached_piece_does_not_raise_the_bound(tmp_path: Path) -> None:
    one = shard(tmp_path, "one", piece(Status.CACHED, 90.0, "t/a.py"))
    two = shard(tmp_path, "two", piece(Status.PASSED, 3.0, "t/b.py"))
    summary, _ = merged([one, two], tmp_path / "out")
    assert summary["lower_bound_seconds"] == pytest.approx(3.0)


def test_the_merged_summary_reads_back_as_the_merged_run(tmp_path: Path) -> None:
    """One model: what report renders is what its summary.json says, pieces and shards too."""
    one = shard(
        tmp_path, "one", piece(Status.PASSED, 2.0, "t/a.py"), SuiteResult("x", Status.PASSED)
    )
    two = shard(tmp_path, "two", piece(Status.FAILED, 3.0, "t/b.py"))
    run = merge([one, two], tmp_path / "out")
    # The model read back as written (read_run itself refuses the paths that lead out of
    # ``out`` into the shards: a merged report is no shard).
    data = Fields.load(tmp_path / "out" / "summary.json", "")
    assert data is not None
    assert RunResult.from_json(data, tmp_path / "out") == run
    big = run.results[0]
    assert [(p.shard, p.status) for p in big.pieces] == [
        (str(one), Status.PASSED),
        (str(two), Status.FAILED),
    ]
    assert run.merged_from == (str(one), str(two))
    assert [s.ok for s in run.shards] == [True, False]
    assert all(log.is_file() for log in big.logs)


SECRET = "WRKNV_SECRET=hunter2"
SECRET_XML = '<testsuite name="x"><testcase classname="leak" name="SECRETCASE"/></testsuite>\n'


def hostile_shard(tmp_path: Path) -> Path:
    """A shard whose summary.json names files outside it, a symlink out, a FIFO, a device
    and a JUnit file too big to parse, beside one honest log."""
    (tmp_path / "secret.env").write_text(SECRET + "\n")
    (tmp_path / "secret.xml").write_text(SECRET_XML)
    run_dir = tmp_path / "one"
    names = ["abs", "dots", "link", "fifo", "device", "honest"]
    shard(tmp_path, "one", *(SuiteResult(n, Status.FAILED, 1, 1.0) for n in names))
    (run_dir / "out.log").symlink_to(tmp_path / "secret.env")
    (run_dir / "out.xml").symlink_to(tmp_path / "secret.xml")
    os.mkfifo(run_dir / "pipe.log")
    os.mkfifo(run_dir / "pipe.xml")
    with (run_dir / "big.xml").open("wb") as fh:
        fh.truncate(JUNIT_LIMIT + 1)  # sparse: big without taking the space
    (run_dir / "junit.xml").unlink()
    (run_dir / "junit.xml").symlink_to(tmp_path / "secret.xml")
    paths = {
        "abs": (str(tmp_path / "secret.env"), str(tmp_path / "secret.xml")),
        "dots": ("../secret.env", "../secret.xml"),
        "link": ("out.log", "out.xml"),
        "fifo": ("pipe.log", "pipe.xml"),
        "device": ("/dev/zero", "big.xml"),
        "honest": ("honest.log", None),
    }
    data = json.loads((run_dir / "summary.json").read_text())
    for entry in data["siblings"]:
        entry["log"], entry["junit"] = paths[entry["name"]]
    data["siblings"][1]["logs"] = ["/etc/passwd"]
    (run_dir / "summary.json").write_text(json.dumps(data))
    (run_dir / "honest.log").write_text("an honest line\n")
    return run_dir


def test_report_reads_nothing_outside_a_shard(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    one = hostile_shard(tmp_path)
    step = tmp_path / "step.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(step))
    out, page = tmp_path / "out", tmp_path / "page.md"
    started = time.monotonic()
    args = ["report", "--output", str(out), "--markdown", str(page), str(one)]

    assert main(args) == 1  # the suites failed; the refused files change no result

    assert time.monotonic() - started < 30  # no FIFO waited on, no device read
    warnings = capsys.readouterr().err.splitlines()
    file = f"{one / 'summary.json'}"
    outside = ("0].log", "0].junit", "1].log", "1].logs[0]", "1].junit", "2].log", "2].junit")
    for key in (*outside, "4].log"):
        assert any(w.startswith(f"warning: {file}: siblings[{key}: ") for w in warnings), key
    for key in ("3].log", "3].junit"):
        assert any(f"siblings[{key}: " in w and "not a regular file" in w for w in warnings)
    assert any("siblings[4].junit: " in w and "larger than" in w for w in warnings)
    assert any(w.startswith(f"warning: {one / 'junit.xml'} refused") for w in warnings)
    for written in (page, step, out / "summary.json", out / "junit.xml"):
        text = written.read_text()
        assert not [leak for leak in ("hunter2", "SECRETCASE", "root:") if leak in text]
    assert "an honest line" in page.read_text()
    merged = json.loads((out / "summary.json").read_text())
    assert [(e["log"], e["junit"]) for e in merged["siblings"][:5]] == [(None, None)] * 5
    assert "logs" not in merged["siblings"][1] or merged["siblings"][1]["logs"] == []


def test_the_failing_tests_of_every_piece_are_joined_and_bounded(tmp_path: Path) -> None:
    first = tuple(Failure(f"t/a.py::test_{i}", "boom", "t/a.py", i + 1) for i in range(30))
    second = tuple(Failure(f"t/c.py::test_p[{i} x]") for i in range(30))
    dirs = [
        shard(tmp_path, "one", replace(piece(Status.FAILED, 1.0, "t/a.py"), failures=first)),
        shard(
            tmp_path,
            "two",
            replace(piece(Status.FAILED, 1.0, "t/c.py"), failures=second, more_failures=4),
        ),
    ]
    summary, results = merged(dirs, tmp_path / "out")
    joined = (*first, *second)
    assert results[0].failures == joined[:MAX_FAILURES]
    assert results[0].more_failures == 4 + len(joined) - MAX_FAILURES
    entry = summary["siblings"][0]
    assert entry["failures"][0] == {
        "test": "t/a.py::test_0",
        "message": "boom",
        "file": "t/a.py",
        "line": 1,
    }
    assert entry["more_failures"] == results[0].more_failures
