from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.builders import write_config
from workspace.cli import main
from workspace.errors import ConfigError, WorkspaceError
from workspace.model import config, urls
from workspace.text import normalize_name

BAD = Path(__file__).parent.parent / "data" / "bad_configs"
BAD_FILES = sorted(BAD.glob("*.toml"))


def _expected(file: Path, root: Path) -> str:
    line = next(x for x in file.read_text().splitlines() if x.startswith("# expect: "))
    return line[len("# expect: ") :].format(
        root=root, parent=root.parent, parent_parent=root.parent.parent
    )


@pytest.mark.parametrize("bad", BAD_FILES, ids=[f.stem for f in BAD_FILES])
def test_each_bad_config_names_file_key_and_expectation(
    bad: Path, workspace_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(workspace_root)
    shutil.copy(bad, workspace_root / "wrknv.toml")
    with pytest.raises(ConfigError) as info:
        config.load(workspace_root / "wrknv.toml")
    lines = str(info.value).splitlines()
    assert _expected(bad, workspace_root) in lines
    assert all(line.startswith("wrknv.toml: ") for line in lines)


def test_every_problem_of_a_file_is_reported_together(workspace_root: Path) -> None:
    cfg = write_config(
        workspace_root,
        """
        [workspace]
        name = "w"
        layers = ["base"]
        colour = "blue"

        [[siblings]]
        name = "a"
        repo = "file:///srv/a.git"
        layer = "top"

        [[siblings]]
        name = "b"
        repo = "-x"
        layer = "base"
        tags = "core"
        """,
    )
    with pytest.raises(ConfigError) as info:
        config.load(cfg)
    keys = [p.key for p in info.value.problems]
    assert keys == [
        "workspace.colour",
        "siblings[0].layer (a)",
        "siblings[1].repo (b)",
        "siblings[1].tags (b)",
    ]


GOOD = """
[workspace]
name = "demo"
description = "a demo"
python = ">=3.9"
url_base = "https://github.com/example"
layers = ["foundation", "tools"]

[workspace.test]
args = ["-q"]
timeout = 300

[[siblings]]
name = "core"
layer = "foundation"
tags = ["base"]
extras = ["fast"]

[[siblings]]
name = "cli"
layer = "tools"
repo = "https://gitlab.example/cli.git"
path = "../apps/cli"
revision = "v1.2"
depends_on = ["core"]
dependency_groups = ["dev"]
test = { args = ["-x"], xdist = false }

[[siblings]]
name = "docs"
layer = "tools"
repo = "../mirror/docs"
python_package = false
"""


def test_a_good_config_gets_every_default(workspace_root: Path) -> None:
    ws = config.load(write_config(workspace_root, GOOD))
    parent = workspace_root.parent
    assert ws.name == "demo"
    assert ws.venv == workspace_root / ".venv"
    assert ws.lock_file == workspace_root / "wrknv.lock"
    assert str(ws.python) == ">=3.9"
    core, cli, docs = ws.siblings
    assert core.repo == "https://github.com/example/core.git"
    assert core.path == parent / "core"
    assert core.dependency_groups is None
    assert core.test == config.TestSettings(args=("-q",), timeout=300.0, xdist=True)
    assert cli.repo == "https://gitlab.example/cli.git"
    assert cli.path == parent / "apps" / "cli"
    assert cli.test == config.TestSettings(args=("-x",), timeout=300.0, xdist=False)
    assert docs.repo == str((workspace_root / "../mirror/docs").resolve())
    assert docs.python_package is False
    assert ws.sibling("cli") is cli


def test_local_file_rewrites_urls_and_overrides_sibling_keys(workspace_root: Path) -> None:
    write_config(workspace_root, GOOD)
    write_config(
        workspace_root,
        """
        [rewrite]
        "https://github.com/example/" = "file:///srv/mirror/"

        [siblings.core]
        revision = "v0.3.0"
        """,
        name="wrknv.local.toml",
    )
    ws = config.load(workspace_root / "wrknv.toml")
    assert ws.sibling("core").repo == "file:///srv/mirror/core.git"
    assert ws.sibling("core").revision == "v0.3.0"
    assert ws.sibling("cli").repo == "https://gitlab.example/cli.git"


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (
            '[siblings.kore]\nrevision = "x"\n',
            "wrknv.local.toml: siblings.kore: no sibling of that name in the workspace "
            "(hint: did you mean 'core'?)",
        ),
        (
            '[siblings.core]\nrevison = "x"\n',
            "wrknv.local.toml: siblings.core.revison: unknown key (hint: did you mean 'revision'?)",
        ),
        (
            '[rewrite]\n"https://github.com/example/" = "ext::sh -c x"\n',
            "wrknv.local.toml: rewrite.'https://github.com/example/': expected a git URL or "
            "path, but the value uses the 'ext::' transport, which runs commands "
            "(hint: use an https://, ssh or file:// URL)",
        ),
        (
            "[mirrors]\n",
            "wrknv.local.toml: mirrors: unknown table "
            "(hint: allowed: [workspace], [rewrite], [siblings.NAME])",
        ),
    ],
)
def test_local_file_problems_name_the_local_file(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch, local: str, expected: str
) -> None:
    monkeypatch.chdir(workspace_root)
    write_config(workspace_root, GOOD)
    write_config(workspace_root, local, name="wrknv.local.toml")
    with pytest.raises(ConfigError) as info:
        config.load(workspace_root / "wrknv.toml")
    assert expected in str(info.value).splitlines()


def test_config_is_found_upwards_or_through_the_environment(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    write_config(workspace_root, GOOD)
    deep = workspace_root / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert config.find_config() == workspace_root / "wrknv.toml"

    other = tmp_path / "elsewhere" / "custom.toml"
    other.parent.mkdir()
    other.write_text(GOOD)
    monkeypatch.setenv("WRKNV_CONFIG", str(other))
    ws = config.load()
    assert ws.root == other.parent
    assert ws.lock_file == other.parent / "wrknv.lock"

    monkeypatch.setenv("WRKNV_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(WorkspaceError, match="no such file"):
        config.find_config()


def test_no_config_anywhere_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(WorkspaceError) as info:
        config.find_config(tmp_path)
    assert "no wrknv.toml" in str(info.value)
    assert "WRKNV_CONFIG" in (info.value.hint or "")


def test_cli_reports_config_errors_as_lines_without_traceback(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(workspace_root)
    shutil.copy(BAD / "malformed.toml", workspace_root / "wrknv.toml")
    assert main(["graph"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: wrknv.toml: invalid TOML")
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1


@pytest.mark.parametrize(
    ("repo", "problem"),
    [
        ("https://github.com/x/y.git", None),
        ("git@github.com:x/y.git", None),
        ("file:///srv/y.git", None),
        ("-u", "starts with '-'"),
        ("EXT::sh", "'EXT::' transport"),
        ("a\tb", "control characters"),
    ],
)
def test_repo_problem(repo: str, problem: str | None) -> None:
    found = urls.repo_problem(repo)
    assert (found is None) if problem is None else (problem in (found or ""))


def test_rewrite_uses_the_longest_prefix() -> None:
    rules = {"https://a/": "file:///m/", "https://a/b/": "file:///n/"}
    assert urls.rewrite_url("https://a/b/c.git", rules) == "file:///n/c.git"
    assert urls.rewrite_url("https://a/c.git", rules) == "file:///m/c.git"
    assert urls.rewrite_url("https://z/c.git", rules) == "https://z/c.git"


def test_the_root_config_describes_the_provide_io_ecosystem() -> None:
    ws = config.load(Path(__file__).parents[2] / "wrknv.toml")
    assert ws.layers == ("foundation", "framework", "tools")
    assert len(ws.siblings) == 14
    foundation = ws.sibling("provide-foundation")
    assert foundation.repo == "https://github.com/provide-io/provide-foundation.git"
    assert foundation.path == ws.root.parent / "provide-foundation"
    assert {s.layer for s in ws.siblings} == set(ws.layers)


@pytest.mark.parametrize(
    "name",
    ["provide-foundation", "Provide_Foundation", "a.b-c_d", "A--B__C..D", "x", "Flit.Core", "_a_"],
)
def test_normalize_name_agrees_with_packaging(name: str) -> None:
    from packaging.utils import canonicalize_name

    assert normalize_name(name) == canonicalize_name(name)


def test_a_fresh_workspace_is_read_without_loading_packaging(workspace_root: Path) -> None:
    """bootstrap in a fresh workspace parses no pyproject.toml, so it must not pay for packaging."""
    cfg = write_config(
        workspace_root,
        '[workspace]\nname = "ws"\n\n[[siblings]]\nname = "alpha"\nrepo = "https://h.invalid/a.git"\n',
    )
    code = textwrap.dedent(f"""
        import sys
        import workspace.commands.bootstrap
        from workspace.cli import build_parser
        from workspace.commands._options import load_selected
        args = build_parser("bootstrap").parse_args(["bootstrap", "--config", {str(cfg)!r}])
        load_selected(args)
        loaded = [m for m in sys.modules if m.split(".")[0] in ("packaging", "dependency_groups")]
        print(sorted(loaded))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"
