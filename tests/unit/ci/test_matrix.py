"""Matrix planning: LPT shards, estimates, Python versions and the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.builders import write_config, write_files
from workspace.ci.matrix import (
    GITHUB_MAX_JOBS,
    estimate,
    matrix_json,
    python_versions,
    write_github_output,
)
from workspace.errors import WorkspaceError
from workspace.model.config import Sibling, load
from workspace.runs.suites import count_test_files


def test_count_test_files_skips_venvs_and_vcs(tmp_path: Path) -> None:
    write_files(
        tmp_path,
        {
            "tests/test_a.py": "",
            "tests/b_test.py": "",
            "tests/helper.py": "",
            "tests/sub/test_c.py": "",
            ".venv/lib/test_x.py": "",
            ".git/test_y.py": "",
            "pkg.egg-info/test_z.py": "",
        },
    )
    assert count_test_files(tmp_path) == 3


def test_estimates_use_history_then_test_files_at_the_history_rate(tmp_path: Path) -> None:
    for name, files in {"old": 4, "new": 2, "empty": 0}.items():
        write_files(tmp_path / name, {f"tests/test_{i}.py": "" for i in range(files)})
    sibs = [Sibling(n, "r", tmp_path / n) for n in ("old", "new", "empty", "absent")]
    seconds, source = estimate(sibs, {"old": 8.0})
    assert seconds == {"old": 8.0, "new": 4.0, "empty": 2.0, "absent": 2.0}
    assert source["old"] == "history"
    assert source["new"].startswith("2 test files")
    default, _ = estimate(sibs[1:2], {})
    assert default == {"new": 4.0}  # 2 files at the default 2 s each


def test_matrix_json_is_what_fromjson_needs() -> None:
    text = matrix_json([{"name": "a", "python": "3.12"}])
    assert "\n" not in text
    assert json.loads(text) == {"include": [{"name": "a", "python": "3.12"}]}
    with pytest.raises(WorkspaceError, match="at most 256"):
        matrix_json([{"name": str(i)} for i in range(GITHUB_MAX_JOBS + 1)])


def test_github_output_is_appended(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.write_text("earlier=1\n")
    write_github_output(out, '{"include":[]}', 0)
    assert out.read_text() == 'earlier=1\nmatrix={"include":[]}\ncount=0\n'


@pytest.mark.parametrize(
    ("python", "expected"),
    [(">=3.11", ["3.13"]), ("==3.12.3", ["3.12"]), ("~=3.11.4", ["3.11"]), ("<3.11", ["3.10"])],
)
def test_the_default_python_is_matched_exactly(
    workspace_root: Path, python: str, expected: list[str]
) -> None:
    """A patch-level requirement allows its minor version, however odd the patch number."""
    cfg = write_config(workspace_root, f'[workspace]\nname = "w"\npython = "{python}"\n')
    assert python_versions(load(cfg), {}, []) == expected
