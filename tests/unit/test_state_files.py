"""One reader per state file: the modules that read a file back are the ones docs/state-files.md
names beside it, and every path comes from model/statedir.py."""

from __future__ import annotations

import ast
import re

import pytest

from tests.unit.test_layout import MODULES, PACKAGE, ROOT

PAGE = ROOT / "docs" / "state-files.md"

# Who may call each low-level reader, and what for. A state file read anywhere else is a
# second reader; a new entry here is a new reader that the page must name.
READERS = {
    "Fields.load": {  # the JSON state files, each in its one module
        "runs/summary.py": "summary.json",
        "runs/history.py": "durations.json",
        "runs/cache.py": "cache entries",
        "env/venv.py": "the venv fingerprint",
        "env/inuse.py": "who holds a workspace lock (setup.lock, checkouts.lock)",
    },
    "json.loads": {
        "jsonfields.py": "every JSON state file, through Fields.load",
        "runs/junit.py": "pytest's lastfailed cache in a suite's work directory (bounded)",
        "env/installed.py": "the probe's answer on its standard output (no file)",
        "env/venv_probe.py": "its own argument, and a distribution's direct_url.json",
    },
    "read_toml": {
        "model/config.py": "wrknv.toml and wrknv.local.toml",
        "model/project.py": "a sibling's pyproject.toml",
        "repos/scan.py": "a checkout's pyproject.toml (its project name)",
        "runs/testfiles.py": "a sibling's pyproject.toml (its testpaths)",
        "repos/lock.py": "wrknv.lock",
    },
}
# The names of state files and folders; only model/statedir.py spells them. ("runs" and
# "cache" are keys of summary.json and wrknv.toml too, so they are not searched for.)
NAMES = re.compile(
    r"""["'](durations\.json|summary\.json|pins\.txt|setup\.lock|\.wrknv-fingerprint\.json"""
    r"""|venvs|locks|\.wrknv)["']"""
)


def calls(source: str, name: str) -> list[int]:
    """The lines that call ``name`` (``json.loads``, ``Fields.load``, ``read_toml``)."""
    *owner, attr = name.split(".")
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr == attr and owner:
            if isinstance(func.value, ast.Name) and func.value.id == owner[0]:
                found.append(node.lineno)
        elif isinstance(func, ast.Name) and func.id == attr and not owner:
            found.append(node.lineno)
    return found


@pytest.mark.parametrize("reader", sorted(READERS))
def test_each_state_file_is_read_in_one_place(reader: str) -> None:
    where = {
        str(p.relative_to(PACKAGE)) for p in MODULES if calls(p.read_text(encoding="utf-8"), reader)
    }
    assert where == set(READERS[reader])


def test_the_rule_sees_each_kind_of_call() -> None:
    source = "import json\njson.loads(x)\nFields.load(f, h)\nread_toml(p)\nloads(y)\n"
    assert (calls(source, "json.loads"), calls(source, "Fields.load")) == ([2], [3])
    assert calls(source, "read_toml") == [4]
    assert NAMES.search('state / "durations.json"')
    assert not NAMES.search('raw.get("cache", base.cache)')


def test_only_statedir_names_the_state_files() -> None:
    spelled = [
        f"{p.relative_to(ROOT)}:{source[: m.start()].count(chr(10)) + 1}: {m.group(1)}"
        for p in MODULES
        if p.name != "statedir.py"
        for source in [p.read_text(encoding="utf-8")]
        for m in NAMES.finditer(source)
    ]
    assert spelled == []


def test_the_page_names_each_reader_and_each_file() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for module in ("runs/summary.py", "runs/history.py", "runs/cache.py", "env/venv.py"):
        assert f"`{module}`" in page
    for module in ("env/setup.py", "repos/lock.py", "model/statedir.py"):
        assert module in page
    statedir = (PACKAGE / "model" / "statedir.py").read_text(encoding="utf-8")
    for name in re.findall(r'"([\w.-]+\.(?:json|txt|lock))"', statedir):
        assert name in page, name
