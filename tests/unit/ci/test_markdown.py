"""The Markdown page: table rows (failures first), log tails in collapsible blocks, the bounds
on its size, cached suites, merged reports, and where the page is written."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from workspace.ci import markdown
from workspace.ci.markdown import (
    append_step_summary,
    cell,
    clean_log,
    fence,
    log_tail,
    step_summary_of_run,
    table,
    write_markdown,
)
from workspace.errors import WorkspaceError
from workspace.runs.results import (
    Counts,
    Failure,
    PieceResult,
    RunResult,
    ShardRun,
    Status,
    SuiteResult,
)


def entry(name: str, status: str = "passed", seconds: float = 1.0, **extra: Any) -> SuiteResult:
    """A suite's result, its log ``NAME.log`` in the run's directory."""
    fields: dict[str, Any] = {
        "returncode": 0 if status == "passed" else 1,
        "counts": Counts(3, int(status == "failed"), 1, 0),
        "log": Path(f"{name}.log"),
        "started": 0.0,
        **extra,
    }
    return SuiteResult(name, Status(status), duration=seconds, **fields)


def run_summary(*siblings: SuiteResult, **extra: Any) -> RunResult:
    fields: dict[str, Any] = {"jobs": 2, "wall_seconds": 6.0, "bound": 5.0, **extra}
    return RunResult(fields.pop("run_id", ""), Path("."), results=siblings, **fields)


def render(run: RunResult, base: Path, **options: Any) -> str:
    """The page of ``run`` as if its directory were ``base`` (where its logs are)."""
    return markdown.render(replace(run, run_dir=base), **options)


def shard(name: str, wall: float, *, ok: bool) -> ShardRun:
    return ShardRun(name, None, 1, wall, False, ok)


def pieces(*shards: str) -> tuple[PieceResult, ...]:
    return tuple(PieceResult(s, Status.PASSED, 0.0, 1.0, ()) for s in shards)


def rows(page: str) -> list[list[str]]:
    """The body rows of the first table in ``page``, cells stripped."""
    lines = page.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| suite"))
    body = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        body.append([c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return body


def test_cells_are_one_line_with_pipes_escaped_and_no_html() -> None:
    assert cell("a|b\nc  <d>") == "a\\|b c &lt;d&gt;"


def test_the_fence_is_longer_than_any_backtick_run() -> None:
    assert fence("no ticks") == "```"
    assert fence("a ```` b ` c") == "`````"


def test_logs_lose_colours_and_redraws() -> None:
    assert clean_log("\x1b[31mred\x1b[0m\r\nprog 1\rprog 2\n\x07bell") == "red\nprog 2\nbell"


def test_the_log_tail_is_bounded_in_lines_and_characters(tmp_path: Path) -> None:
    log = tmp_path / "a.log"
    log.write_text("".join(f"line {i}\n" for i in range(100)))
    tail, cut = log_tail(log, lines=5)
    assert (tail.splitlines(), cut) == ([f"line {i}" for i in range(95, 100)], True)
    assert log_tail(log, lines=500) == ("\n".join(f"line {i}" for i in range(100)), False)
    tail, cut = log_tail(log, lines=500, limit=12)
    assert (tail, cut) == ("line 99", True)
    one_line = tmp_path / "one.log"
    one_line.write_text("z" * 9)
    assert log_tail(one_line, limit=5) == ("zzzzz", True)
    big = tmp_path / "big.log"
    big.write_text("x" * 200_000 + "\nlast\n")
    assert log_tail(big) == ("last", True)


def test_rows_show_failures_first_then_the_longest() -> None:
    summary = run_summary(
        entry("quick", seconds=0.5),
        entry("slow", seconds=9.0),
        entry("broken", "failed", 2.0, python="3.12"),
        entry("kept", "cached", 4.0, reason="inputs unchanged since run r0"),
        entry("stuck", "timeout", 3.0),
        entry("piece", seconds=1.0, files=("tests/test_a.py", "tests/test_b.py")),
    )
    body = rows(table(summary))
    assert [r[0] for r in body] == [
        "broken (3.12)",
        "stuck",
        "slow",
        "piece [2 files]",
        "quick",
        "kept",  # cached: it took no time now, whatever it took when it ran
    ]
    assert body[0] == ["broken (3.12)", "❌ failed", "3", "1", "1", "2.0s"]
    assert body[5][1:] == ["♻️ cached (not run)", "3", "0", "1", "-"]
    assert all(len(r) == 6 for r in body)  # no shard column for one run


def test_a_merged_report_names_the_shard_of_each_row() -> None:
    summary = run_summary(
        entry("a", shard="shards/run-shard-1-of-2"),
        entry("b", "failed", shard="shards/run-shard-2-of-2"),
        entry("c", pieces=pieces("shards/run-shard-1-of-2", "shards/run-shard-2-of-2")),
        shards=(
            shard("shards/run-shard-1-of-2", 3.0, ok=True),
            shard("shards/run-shard-2-of-2", 6.0, ok=False),
        ),
    )
    page = render(summary, Path("/nonexistent"), title="report (2 shards)")
    body = rows(page)
    assert [(r[0], r[-1]) for r in body] == [
        ("b", "run-shard-2-of-2"),
        ("a", "run-shard-1-of-2"),
        ("c [2 pieces]", "run-shard-1-of-2, run-shard-2-of-2"),
    ]
    assert "| 2 | shards/run-shard-2-of-2 | 1 | 6.0s | ❌ failed |" in page
    assert "section shard 1 · lane 1" in page
    assert "(the longest shard)" in page


def test_failures_come_with_the_tail_of_their_logs(tmp_path: Path) -> None:
    (tmp_path / "bad.log").write_text("".join(f"out {i}\n" for i in range(60)) + "E ``` x\n")
    (tmp_path / "ok.log").write_text("fine\n")
    summary = run_summary(
        entry("ok"), entry("bad", "failed", 5.0, reason=None), entry("gone", "error", 1.0)
    )
    page = render(summary, tmp_path, title="test-all")
    assert page.startswith("## ❌ test-all: 2 of 3 suites did not pass\n")
    assert "\n1 failed, 1 error, 1 passed. **Makespan" in page
    failures = page[page.index("### Failures") : page.index("### Schedule")]
    assert failures.index("**bad**") < failures.index("**gone**")
    block = (
        "<details><summary>last 40 lines of bad.log (earlier lines left out)</summary>\n\n"
        "````text\n" + "".join(f"out {i}\n" for i in range(21, 60)) + "E ``` x\n````\n\n</details>"
    )
    assert block in failures
    assert "out 20\n" not in failures
    assert "Log `gone.log` could not be read (No such file or directory)." in failures
    assert "fine" not in page  # a passing suite's log is not shown
    assert "bad (failed) :crit, active, 0, 5000" in page


def test_every_log_of_a_split_suite_is_shown(tmp_path: Path) -> None:
    for n in (1, 2):
        (tmp_path / f"piece{n}.log").write_text(f"piece {n} failed\n")
    logs = (Path("piece1.log"), Path("piece2.log"))
    summary = run_summary(entry("split", "failed", logs=logs, pieces=pieces("one", "two")))
    page = render(summary, tmp_path, title="report (2 shards)")
    assert "<summary>log piece1.log</summary>" in page
    assert "piece 1 failed" in page
    assert "piece 2 failed" in page


def test_log_tails_stop_at_the_budget_and_the_page_at_its_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b"):
        (tmp_path / f"{name}.log").write_text("y" * 300 + "\n")
    monkeypatch.setattr(markdown, "LOG_BUDGET", 300)
    summary = run_summary(entry("a", "failed", 2.0), entry("b", "failed", 1.0))
    page = render(summary, tmp_path, title="test-all")
    assert "y" * 300 in page
    assert "Log tail of `b.log` left out: the page is at its size limit." in page
    assert "<summary>log a.log</summary>" in page


def test_the_headline_gives_the_makespan_against_the_bound_and_the_cache() -> None:
    summary = run_summary(entry("a"), entry("b", "cached"), interrupted=True, run_id="r-1")
    page = render(summary, Path("."), title="test-all")
    assert "or all the work spread over every job. Run `r-1`.\n" in page
    assert "**Makespan 6.0s** against a lower bound of 5.0s (1.20×) on 2 jobs" in page
    assert "♻️ 1 suite cached: not run" in page
    assert "> ⚠️ Interrupted" in page
    assert page.startswith("## ❌ test-all: interrupted; 2 suites passed\n")


def test_the_step_summary_is_appended(tmp_path: Path) -> None:
    target = tmp_path / "step_summary.md"
    target.write_text("earlier step\n")
    assert append_step_summary("page one\n", {}) is None
    assert append_step_summary("page one\n", {"GITHUB_STEP_SUMMARY": str(target)}) == target
    append_step_summary("page two\n", {"GITHUB_STEP_SUMMARY": str(target)})
    assert target.read_text() == "earlier step\n\npage one\n\npage two\n"


def test_the_page_goes_to_a_file_whole_or_to_standard_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "deep" / "page.md"
    write_markdown(target, "# page\n")
    assert target.read_text() == "# page\n"
    write_markdown(Path("-"), "# page\n")
    assert capsys.readouterr().out == "# page\n"


def test_an_unwritable_target_is_one_error_naming_it(tmp_path: Path) -> None:
    folder = tmp_path / "a-directory"
    folder.mkdir()
    with pytest.raises(WorkspaceError, match="a-directory: cannot append the step summary"):
        append_step_summary("x", {"GITHUB_STEP_SUMMARY": str(folder)})
    # a directory given as the page is bad input, found before writing (fsutil.write_output)
    with pytest.raises(WorkspaceError, match="a-directory: is a directory, and a file is needed"):
        write_markdown(folder, "x")


def test_test_all_only_warns_when_the_step_summary_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text('{"siblings": []}')
    said: list[str] = []
    step_summary_of_run(tmp_path, said.append, {"GITHUB_STEP_SUMMARY": str(tmp_path)})
    assert len(said) == 1
    assert said[0].startswith("warning: ")
    assert "cannot append the step summary" in said[0]
    step_summary_of_run(tmp_path / "missing", said.append, {})  # not set: nothing read
    assert len(said) == 1


def test_a_tail_cut_by_characters_says_how_many_lines_it_shows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.log").write_text("".join(f"{i:02d}" + "x" * 47 + "\n" for i in range(10)))
    monkeypatch.setattr(markdown, "TAIL_BYTES", 120)
    page = render(run_summary(entry("a", "failed")), tmp_path, title="test-all")
    assert "<summary>last 2 lines of a.log (earlier lines left out)</summary>" in page
    assert "\n08" + "x" * 47 + "\n09" in page


def test_the_tail_limit_counts_bytes_and_never_splits_a_character(tmp_path: Path) -> None:
    log = tmp_path / "cjk.log"
    log.write_text("".join(f"测试失败 {i}\n" for i in range(10)))  # 15 bytes a line
    tail, cut = log_tail(log, limit=40)
    assert (tail, cut) == ("测试失败 8\n测试失败 9", True)
    assert len("测试失败 9".encode()) <= 40 < len(tail.encode()) + 15
    one_line = tmp_path / "one.log"
    one_line.write_text("测" * 10)
    assert log_tail(one_line, limit=7) == ("测测", True)  # 7 bytes: two whole characters


def fences_and_details(page: str) -> tuple[int, int, int]:
    fences = [line for line in page.splitlines() if re.fullmatch(r"`{3,}\w*", line)]
    return len(fences), page.count("<details>"), page.count("</details>")


def cjk_failures(tmp_path: Path, count: int) -> RunResult:
    """``count`` failed suites whose logs are CJK (three bytes a character), one after another."""
    for i in range(count):
        # 40 lines of 190 characters: 7,600 characters, 22,800 bytes
        text = "".join(
            f"{i:02d}{n:02d}" + "断言失败：预期值与实际值不一致" * 13 + "\n" for n in range(60)
        )
        (tmp_path / f"s{i:02d}.log").write_text(text)
    return run_summary(
        *(entry(f"s{i:02d}", "failed", 60.0 - i / 2, started=float(i)) for i in range(count))
    )


def test_cjk_logs_keep_the_page_valid_and_under_the_byte_limit(tmp_path: Path) -> None:
    page = render(cjk_failures(tmp_path, 60), tmp_path, title="test-all")
    assert len(page.encode()) <= markdown.PAGE_LIMIT
    fences, opened, closed = fences_and_details(page)
    assert fences % 2 == 0
    assert opened == closed > 0
    assert "### Schedule" in page
    assert page.rstrip().endswith("```")  # the chart, whole, at the end
    assert "Log tail of `s59.log` left out: the page is at its size limit." in page


def test_a_page_too_big_loses_whole_log_blocks_from_the_last_failure_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = cjk_failures(tmp_path, 12)
    monkeypatch.setattr(markdown, "PAGE_LIMIT", 30_000)
    page = render(summary, tmp_path, title="test-all")
    assert len(page.encode()) <= 30_000
    fences, opened, closed = fences_and_details(page)
    assert fences % 2 == 0
    assert opened == closed
    kept = [int(n) for n in re.findall(r"<summary>last \d+ lines of s(\d\d).log", page)]
    assert kept[:1] == [0]  # the first failure keeps its tail
    assert kept == list(range(len(kept)))  # the blocks left out are the last ones
    assert "Log tail of `s11.log` left out: the page is at its size limit." in page
    assert "### Schedule" in page
    assert "    s00 (failed) :" in page
    assert re.search(r"left out to stay under .*: \d+ log tails\._\n$", page, re.I)


def test_a_page_too_big_even_without_logs_loses_failures_then_table_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary = cjk_failures(tmp_path, 12)
    monkeypatch.setattr(markdown, "PAGE_LIMIT", 1_700)
    page = render(summary, tmp_path, title="test-all")
    assert len(page.encode()) <= 1_700
    assert "<details>" not in page
    assert "Log tail of" not in page  # the notes went with their failures
    assert "### Schedule" in page
    assert "table row" in page.splitlines()[-1]
    assert rows(page)[0][0] == "s00"  # the table keeps its first rows, whole


def test_an_excluded_suite_is_no_failure(tmp_path: Path) -> None:
    """requires-python left it out: the run exits 0, so the page does not say it failed."""
    left_out = entry("beta", "not-run", 0.0, python="3.11", excluded=True, started=None, log=None)
    left_out = replace(left_out, reason="requires-python >=3.12 excludes 3.11")
    summary = run_summary(entry("beta", python="3.12"), left_out)
    page = render(summary, tmp_path, title="test-all")
    assert page.startswith("## ✅ test-all: 2 suites, none failed\n")
    assert "\n1 passed, 1 excluded. **Makespan" in page
    assert "### Failures" not in page
    assert rows(page)[1][:2] == ["beta (3.11)", "⏭️ excluded"]
    assert "⏭️ 1 suite excluded: not run, because the sibling's requires-python" in page
    # any other not-run still fails the run, and the page says so
    missing = entry("gamma", "not-run", 0.0, python="3.99", reason="no Python 3.99")
    page = render(run_summary(left_out, missing), tmp_path, title="test-all")
    assert page.startswith("## ❌ test-all: 1 of 2 suites did not pass\n")
    assert "**gamma (3.99)**: ⏭️ not-run; no Python 3.99" in page


def test_no_tests_is_no_failure_when_allowed(tmp_path: Path) -> None:
    summary = run_summary(entry("a"), entry("empty", "no-tests"))
    strict = render(summary, tmp_path, title="report (1 shard)")
    assert strict.startswith("## ❌ report (1 shard): 1 of 2 suites did not pass\n")
    assert "**empty**: ⚠️ no-tests" in strict
    allowed = render(summary, tmp_path, title="report (1 shard)", allow_no_tests=True)
    assert allowed.startswith("## ✅ report (1 shard): 2 suites, none failed\n")
    assert "### Failures" not in allowed
    assert rows(allowed)[0][:2] == ["empty", "⚠️ no-tests"]  # still shown for what it is


def test_test_all_passes_allow_no_tests_to_its_page(tmp_path: Path) -> None:
    (tmp_path / "summary.json").write_text(
        '{"siblings": [{"name": "empty", "status": "no-tests"}]}'
    )
    target = tmp_path / "step.md"
    step_summary_of_run(tmp_path, print, {"GITHUB_STEP_SUMMARY": str(target)}, allow=True)
    assert target.read_text().startswith("\n## ✅ test-all: 1 suite, none failed\n")


def test_the_rest_piece_of_a_split_suite_names_the_files_it_left_out() -> None:
    rest = entry("big", files=("!tests/test_a.py", "!tests/test_b.py"))
    one = entry("big", seconds=3.0, files=("tests/test_a.py",))
    assert [r[0] for r in rows(table(run_summary(rest, one)))] == [
        "big [1 file]",
        "big [all but 2 files]",
    ]


def test_a_failing_suite_names_its_failing_tests(tmp_path: Path) -> None:
    failures = tuple(Failure(f"t.py::test_p[{i} |x]", f"boom <{i}>") for i in range(11))
    bad = entry("bad", "failed", 5.0, failures=(Failure("t.py::test_id"), *failures))
    page = render(run_summary(entry("ok"), bad), tmp_path, title="test-all")
    section = page[page.index("- **bad**") : page.index("### Schedule")]
    assert section.startswith(
        "- **bad**: ❌ failed; exit status 1\n"
        "  - t.py::test_id\n"
        + "".join(f"  - t.py::test_p[{i} \\|x]: boom &lt;{i}&gt;\n" for i in range(9))
        + "  - and 2 more\n\n"  # 12 failed: 10 shown
    )
