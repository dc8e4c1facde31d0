"""A piece of a split suite: test-all --files, parsed, applied, and handed to pytest."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import write_files
from workspace.errors import SelectionError
from workspace.runs.pieces import narrow_to_files, parse_files
from workspace.runs.suites import Suite, suite_command


def test_files_narrow_the_named_suites_only(tmp_path: Path) -> None:
    write_files(tmp_path / "big", {"tests/test_a.py": "", "tests/test_b.py": ""})
    files = parse_files(
        ["big:tests/test_a.py,big:tests/test_b.py", "", "!rest:t/test_x.py,!rest:t/test_y.py"]
    )
    assert files == {
        "big": ("tests/test_a.py", "tests/test_b.py"),
        "rest": ("!t/test_x.py", "!t/test_y.py"),
    }
    suites = [Suite(n, tmp_path / n) for n in ("big", "rest", "whole")]
    narrowed = narrow_to_files(suites, files, print)
    assert [s.files for s in narrowed] == [files["big"], files["rest"], ()]
    command = suite_command(Path("py"), narrowed[0], Path("/w"), 1)
    assert command[-2:] == ["tests/test_a.py", "tests/test_b.py"]
    command = suite_command(Path("py"), narrowed[1], Path("/w"), 1)
    assert command[-2:] == ["--ignore=t/test_x.py", "--ignore=t/test_y.py"]  # all but these
    with pytest.raises(SelectionError, match="absent is not among the suites"):
        narrow_to_files(suites, {"absent": ("t.py",)}, print)


def test_files_deleted_since_the_plan_are_left_out(tmp_path: Path) -> None:
    write_files(tmp_path / "big", {"tests/test_a.py": ""})
    suites = [Suite("big", tmp_path / "big"), Suite("gone", tmp_path / "gone-but-cloned")]
    (tmp_path / "gone-but-cloned").mkdir()
    said: list[str] = []
    files = {"big": ("tests/test_a.py", "tests/test_old.py"), "gone": ("t/test_x.py",)}
    big, gone = narrow_to_files(suites, files, said.append)
    assert big.files == ("tests/test_a.py",)
    assert big.skip_reason is None
    assert gone.skip_reason == "none of its 1 file exists here any more"
    assert gone.excluded  # not run, and fails nothing: the rest piece runs what is there
    assert said == [
        "warning: --files big: not found, left out: tests/test_old.py",
        "warning: --files gone: not found, left out: t/test_x.py",
    ]


@pytest.mark.parametrize(
    "bad", ["big", "big:", ":t.py", "big:/abs/t.py", "big:../t.py", "!big", "!:t.py"]
)
def test_bad_files_are_a_usage_error(bad: str) -> None:
    with pytest.raises(SelectionError, match="expected SIBLING:PATH or !SIBLING:PATH"):
        parse_files([bad])


def test_one_sibling_is_one_kind_of_piece() -> None:
    with pytest.raises(SelectionError, match="both files to run"):
        parse_files(["big:t/a.py,!big:t/b.py"])
