"""The one TOML reader: nesting past a bound is one error naming the file and key, in every
file it reads (wrknv.toml, wrknv.local.toml, wrknv.lock, a sibling's pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import make_package, write_config
from workspace.cli import main
from workspace.errors import ConfigError
from workspace.model import config
from workspace.repos.lock import read_lock
from workspace.tomlread import MAX_DEPTH, parse_toml

# Far deeper than the parser's recursion limit lets it go: RecursionError without the bound.
DEEP = 100_000
CONFIG = '[workspace]\nname = "w"\n\n[[siblings]]\nname = "a"\nrepo = "file:///srv/a.git"\n'


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[workspace]\nx = " + "[" * DEEP + "]" * DEEP + "\n", "x"),
        ('a = "]"\n# [[[\nb = ' + "{c = " * DEEP + "1" + "}" * DEEP + "\n", "b"),
        ("[" + ".".join(["t"] * DEEP) + "]\n", "t.t.t..."),
        (".".join(["k"] * DEEP) + " = 1\n", "k.k.k..."),
        ("[" + ".".join(["t"] * 20) + "]\n" + ".".join(["k"] * 20) + " = 1\n", "t.t.t..."),
    ],
    ids=["arrays", "inline-tables", "table-header", "dotted-key", "header-then-key"],
)
def test_deep_nesting_is_one_problem_naming_file_and_key(text: str, key: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_toml(Path("wrknv.toml"), text)
    (problem,) = info.value.problems
    assert (problem.file, problem.key) == ("wrknv.toml", key)
    assert problem.message.startswith(f"nested more than {MAX_DEPTH} levels deep")


def test_brackets_in_strings_and_comments_do_not_count() -> None:
    brackets = "[{" * 50
    text = (
        f"a = \"{brackets}\"\nb = '{brackets}'\n# {brackets}\n"
        f"c = \"\"\"\n{brackets}\\\"\"\"\"\nd = '''{brackets}''''\ne = [[[1]]]\n"
    )
    data = parse_toml(Path("x.toml"), text)
    assert data["a"] == data["b"] == brackets
    assert data["c"] == f'{brackets}"'
    assert data["d"] == f"{brackets}'"
    assert data["e"] == [[[1]]]


def test_nesting_up_to_the_bound_is_read() -> None:
    depth = MAX_DEPTH - 1  # the key's own table is one level
    assert parse_toml(Path("x.toml"), "x = " + "[" * depth + "]" * depth + "\n")


def test_deep_wrknv_toml_is_bad_input_in_one_line(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = write_config(workspace_root, CONFIG + "tags = " + "[" * DEEP + "]" * DEEP + "\n")
    assert main(["graph", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("error: ")
    assert "wrknv.toml: tags: nested more than 32 levels deep (at line 7)" in err


def test_deep_wrknv_local_toml_is_named(workspace_root: Path) -> None:
    cfg = write_config(workspace_root, CONFIG)
    write_config(workspace_root, "[rewrite]\nx = " + "{a=" * DEEP + "}" * DEEP, "wrknv.local.toml")
    with pytest.raises(ConfigError) as info:
        config.load(cfg)
    (problem,) = info.value.problems
    assert problem.file.endswith("wrknv.local.toml")
    assert problem.key == "x"


def test_deep_wrknv_lock_is_named(workspace_root: Path) -> None:
    ws = config.load(write_config(workspace_root, CONFIG))
    ws.lock_file.write_text("version = " + "[" * DEEP + "]" * DEEP + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        read_lock(ws)
    (problem,) = info.value.problems
    assert problem.file.endswith("wrknv.lock")
    assert problem.key == "version"


def test_deep_pyproject_breaks_its_sibling_and_the_others_go_on(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = write_config(
        workspace_root, CONFIG + '\n[[siblings]]\nname = "b"\nrepo = "file:///srv/b.git"\n'
    )
    make_package(workspace_root.parent / "a", "a")
    deep = "[tool]\nx = " + "[" * DEEP + "]" * DEEP + "\n"
    (workspace_root.parent / "a" / "pyproject.toml").write_text(deep, encoding="utf-8")
    make_package(workspace_root.parent / "b", "b")
    assert main(["graph", "--config", str(cfg)]) == 1
    captured = capsys.readouterr()
    assert "b" in captured.out
    assert "broken: a: " in captured.err
    assert "pyproject.toml: x: nested more than 32 levels deep" in captured.err
    assert "Traceback" not in captured.err
