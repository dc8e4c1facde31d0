"""The error contract, proven on generated input rather than a few listed cases.

Generated wrknv.toml (and wrknv.local.toml) documents are thrown at the config loader, and
generated argument lists at main() for every verb: every outcome is a config, or one error that
names the file; every status is 0, 1 or 2; nothing ends in a traceback. The documents include
what a damaged or hostile file holds: nesting far past the parser's recursion limit, NaN and
infinities, commas in tags, absolute and escaping paths and globs.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.builders import write_config
from workspace.cli import build_parser, main
from workspace.commands import find_commands
from workspace.errors import ConfigError, WorkspaceError
from workspace.model import config

KEYS = (
    "workspace", "siblings", "rewrite", "name", "repo", "path", "layer", "layers", "revision",
    "depends_on", "tags", "extras", "dependency_groups", "python_package", "test", "args",
    "timeout", "xdist", "enabled", "python", "venv", "siblings_dir", "url_base", "description",
    "inputs", "env", "cache", "cache_size", "split", "requirements", "pythons",
)  # fmt: skip
ODD = st.sampled_from(
    ["/etc/*", "../../x", "a/../../b", ".venv", ".venv/a", ".wrknv", ".wrknv/x", "../.venv",
     "a,b", " core", "core ", "**a", ".", "./", "~/x", "C:/x", "\\\\srv\\x", "a\x00b", "*"]
)  # fmt: skip


def nested(depth: int, kind: str) -> str:
    """TOML text that nests ``depth`` levels: arrays, inline tables, a header or a dotted key."""
    if kind == "header":
        return "[" + ".".join(["t"] * depth) + "]\nx = 1\n"
    if kind == "dotted":
        return ".".join(["k"] * depth) + " = 1\n"
    opener, closer = ("[", "]") if kind == "array" else ("{a = ", "}")
    return f"x = {opener * depth}1{closer * depth}\n"


DEEP_TEXT = st.builds(
    lambda prefix, depth, kind: prefix + nested(depth, kind),
    st.sampled_from(["", '[workspace]\nname = "w"\n', '[[siblings]]\nname = "a"\n']),
    st.integers(1, 3000),
    st.sampled_from(["array", "table", "header", "dotted"]),
)
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)


def nested_list(depth: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(depth):
        value = [value]
    return value


SCALARS = (
    st.sampled_from(["", "a", "core", "../x", "-x", "ext::sh", ">=3.11", "3.12", ".venv"])
    | TEXT
    | st.integers(-5, 10**6)
    | st.floats()
    | st.booleans()
    | ODD
    | st.lists(ODD, max_size=3)
    | st.integers(1, 60).map(nested_list)
)
KEY = st.sampled_from(KEYS) | TEXT.filter(bool)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEY, inner, max_size=5),
    max_leaves=25,
)
DOCUMENTS = st.dictionaries(KEY, VALUES, max_size=4) | st.fixed_dictionaries(
    {
        "workspace": st.dictionaries(KEY, VALUES, max_size=4),
        "siblings": st.lists(st.dictionaries(KEY, VALUES, max_size=6), max_size=3),
    }
)
PROPERTY = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def toml_document(data: dict[str, Any]) -> str:
    return tomlkit.dumps(data)


@PROPERTY
@given(
    main_doc=DOCUMENTS,
    local_doc=st.none() | DOCUMENTS | DEEP_TEXT,
    raw=st.none() | TEXT | DEEP_TEXT,
)
def test_any_config_loads_or_is_one_error_naming_the_file(
    tmp_path: Path,
    main_doc: dict[str, Any],
    local_doc: dict[str, Any] | str | None,
    raw: str | None,
) -> None:
    root = tmp_path / "ws"
    root.mkdir(exist_ok=True)
    text = raw if raw is not None else toml_document(main_doc)
    cfg = write_config(root, text)
    local = root / "wrknv.local.toml"
    local.unlink(missing_ok=True)
    if local_doc is not None:
        local_text = local_doc if isinstance(local_doc, str) else toml_document(local_doc)
        local.write_text(local_text, encoding="utf-8")
    ws, error = _load(cfg)
    if isinstance(error, ConfigError):
        assert error.problems
        for problem in error.problems:
            assert problem.file.endswith(("wrknv.toml", "wrknv.local.toml")), problem
    elif error is not None:
        assert "wrknv" in str(error)
    else:
        assert ws is not None
        assert ws.config_file == cfg


def _load(cfg: Path) -> tuple[config.Workspace | None, WorkspaceError | None]:
    """The config, or the one error the user sees; anything else escapes and fails the test."""
    try:
        return config.load(cfg), None
    except WorkspaceError as exc:
        return None, exc


VALUES_GIVEN = st.sampled_from(
    ["alpha", "beta", "Alpha", "alpha,beta", "nope", "-", "out.json", "0", "-1", "2", "1.5",
     "many", "HEAD", "v1", "", "../elsewhere", "core", "3.12", "a\x00b", "\n", "out/x.json",
     "inf", "nan", "1e400", "-0", "."]
) | TEXT  # fmt: skip


def _subparser(verb: str) -> argparse.ArgumentParser:
    parser = build_parser(verb)
    actions = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    sub: argparse.ArgumentParser = actions[0].choices[verb]
    return sub


def argv_for(verb: str) -> st.SearchStrategy[list[str]]:
    """Mostly well-formed arguments (each flag with a value when it takes one), so that most
    examples reach the verb's own code, and some that are not."""
    options = []
    positionals = []
    for action in _subparser(verb)._actions:
        if action.option_strings and "--help" not in action.option_strings:
            flag = st.sampled_from(action.option_strings)
            if action.nargs == 0:
                options.append(flag.map(lambda f: [f]))
            else:
                options.append(st.tuples(flag, VALUES_GIVEN).map(list))
        elif not action.option_strings:
            positionals.append(VALUES_GIVEN.map(lambda v: [v]))
    item = st.one_of(*options, *positionals, VALUES_GIVEN.map(lambda v: [v]))
    return st.lists(item, max_size=5).map(lambda parts: [verb, *(w for p in parts for w in p)])


@pytest.fixture
def in_workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace of two siblings that are not cloned (their remotes do not exist), as the
    current directory, so that any file a verb writes stays in tmp_path."""
    root = tmp_path / "ws"
    root.mkdir()
    missing = (tmp_path / "nowhere").as_uri()
    write_config(
        root,
        f'[workspace]\nname = "w"\nvenv = ".venv"\n\n'
        f'[[siblings]]\nname = "alpha"\nrepo = "{missing}/alpha.git"\n\n'
        f'[[siblings]]\nname = "beta"\nrepo = "{missing}/beta.git"\ndepends_on = ["alpha"]\n',
    )
    monkeypatch.chdir(root)
    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    return root


VERBS = sorted(find_commands())


@pytest.mark.parametrize("verb", VERBS)
def test_any_arguments_give_a_status_never_a_traceback(
    verb: str, in_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    @PROPERTY
    @given(argv=argv_for(verb))
    def check(argv: list[str]) -> None:
        if verb == "demo":  # the demo's steps install for real: prepare only, here
            argv = [*argv, "--prepare-only", "--dir", str(in_workspace.parent / "demo")]
        code = main(argv)
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), (argv, code, err)
        assert "Traceback" not in out + err, argv
        if code == 2:
            assert "error" in err, (argv, err)

    check()
    assert os.getcwd() == str(in_workspace)
