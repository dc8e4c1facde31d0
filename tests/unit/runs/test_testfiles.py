"""A sibling's test files (its testpaths), and the file of each JUnit test case."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import write_files
from workspace.runs.junit import case_seconds
from workspace.runs.testfiles import find_test_files, names_paths, read_testpaths, sum_by_file

TREE = {
    "tests/test_a.py": "",
    "tests/sub/b_test.py": "",
    "tests/helper.py": "",
    "docs/test_example.py": "",
    ".venv/lib/test_x.py": "",
}


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        ("pyproject.toml", '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n', ("tests",)),
        ("pyproject.toml", '[tool.pytest]\ntestpaths = ["tests", "t*"]\n', ("tests", "t*")),
        ("pytest.ini", "[pytest]\ntestpaths = tests docs\n", ("tests", "docs")),
        ("tox.ini", "[pytest]\ntestpaths = tests\n", ("tests",)),
        ("setup.cfg", "[tool:pytest]\ntestpaths =\n    tests\n", ("tests",)),
        ("setup.cfg", "[metadata]\nname = x\n", ()),
        ("pyproject.toml", "not toml [", ()),
    ],
)
def test_testpaths_come_from_the_file_pytest_reads(
    tmp_path: Path, name: str, text: str, expected: tuple[str, ...]
) -> None:
    write_files(tmp_path, {name: text})
    assert read_testpaths(tmp_path) == expected


def test_pytest_ini_wins_even_when_it_sets_no_testpaths(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {"pytest.ini": "[pytest]\n", "tox.ini": "[pytest]\ntestpaths = tests\n", **TREE},
    )
    assert read_testpaths(tmp_path) == ()
    assert find_test_files(tmp_path) == [
        "docs/test_example.py",
        "tests/sub/b_test.py",
        "tests/test_a.py",
    ]


def test_test_files_stay_below_testpaths(tmp_path: Path) -> None:
    write_files(tmp_path, {"pytest.ini": "[pytest]\ntestpaths = tests\n", **TREE})
    assert find_test_files(tmp_path) == ["tests/sub/b_test.py", "tests/test_a.py"]


def test_args_that_name_paths_are_found(tmp_path: Path) -> None:
    write_files(tmp_path, TREE)
    assert names_paths(("-q", "-m", "not slow", "tests", "docs/test_example.py"), tmp_path) == [
        "tests",
        "docs/test_example.py",
    ]
    absent, known = tmp_path / "absent", ["t/unit/test_a.py", "t/test_b.py"]
    assert names_paths(("-k", "slow", "t/unit/", "t/test_b.py", "tests"), absent, known) == [
        "t/unit/",
        "t/test_b.py",
    ]


def test_seconds_are_summed_per_test_file(tmp_path: Path) -> None:
    write_files(tmp_path, {"tests/test_io.py": "", "tests/sub/test_deep.py": ""})
    junit = tmp_path / "junit.xml"
    junit.write_text(
        '<testsuites><testsuite name="pytest">'
        '<testcase classname="tests.test_io" name="a" time="1.5"/>'
        '<testcase classname="tests.test_io.TestRead" name="b" time="2.0"/>'
        '<testcase classname="tests.sub.test_deep.TestX.TestY" name="c" time="0.25"/>'
        '<testcase classname="gone.module" name="d" time="9"/>'
        '<testcase classname="tests.test_io" name="e" time="bad"/>'
        "</testsuite></testsuites>"
    )
    cases = case_seconds(junit)
    assert len(cases) == 4  # the case with an unreadable time is left out
    assert sum_by_file(cases, tmp_path) == {"tests/sub/test_deep.py": 0.25, "tests/test_io.py": 3.5}
    assert case_seconds(tmp_path / "missing.xml") == []
