"""The house rules of workspace/: small modules and functions, and imports that point one way.

    commands -> stages (repos, env, runs, ci, demo) -> model -> base (text, errors, ...)

A stage never imports a command or the CLI; a verb never imports another verb (what verbs
share lives in ``commands/_*.py``); the model imports no stage; the base imports nothing above
it. Every import counts, also one inside a function.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "workspace"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

BASE = frozenset(
    {"errors", "_compat", "text", "fsutil", "jsonfields", "children", "scheduler", "tomlread"}
)
STAGES = frozenset({"repos", "env", "runs", "ci", "demo"})
# What each part may import, by the first name below ``workspace``.
ALLOWED = {
    "base": BASE,
    "model": BASE | {"model"},
    "stage": BASE | {"model"} | STAGES,
    "commands": BASE | {"model", "commands"} | STAGES,
    "cli": BASE | {"commands"},
    "noxsessions": BASE | {"model", "cli"},  # the sessions hand their arguments to the CLI
    "package": BASE | {"model"},  # __init__.py and __main__.py re-export / start the CLI
}


def part_of(module: str) -> str:
    top = module.split(".")[1] if "." in module else ""
    if top in BASE:
        return "base"
    if top in STAGES:
        return "stage"
    if top in ("model", "commands", "cli", "noxsessions"):
        return top
    return "package"


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def imports_of(source: str) -> list[tuple[int, str]]:
    """Every ``workspace...`` module that a source imports, with the line."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("workspace")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "workspace":  # from workspace import model, text
                found += [(node.lineno, f"workspace.{a.name}") for a in node.names]
            elif node.module.startswith("workspace."):
                found.append((node.lineno, node.module))
    return found


MODULES = sorted(PACKAGE.rglob("*.py"))


def violations(me: str, source: str) -> list[str]:
    """The imports of module ``me`` (its ``source``) that break the rules."""
    part = part_of(me)
    out = []
    for line, target in imports_of(source):
        top = target.split(".")[1] if "." in target else ""
        if me == "workspace.__main__" and target == "workspace.cli":
            continue
        if top not in ALLOWED[part]:
            out.append(f"{me}:{line}: {part} imports {target}")
        elif part == "commands" and top == "commands":
            leaf = target.split(".")[2] if target.count(".") >= 2 else ""
            mine = me.split(".")[2] if me.count(".") >= 2 else ""
            if leaf and not leaf.startswith("_") and leaf != mine:
                out.append(f"{me}:{line}: verb {me} imports verb {target}")
    return out


def test_imports_point_one_way() -> None:
    found = [v for p in MODULES for v in violations(module_name(p), p.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("workspace/repos/checkouts.py", "from workspace.commands._options import positive_int", 1),
        ("workspace/env/setup.py", "import workspace.cli", 1),
        ("workspace/runs/runner.py", "def f():\n    from workspace.commands import Command", 1),
        ("workspace/commands/update.py", "from workspace.commands.bootstrap import summarize", 1),
        ("workspace/commands/update.py", "from workspace.commands._checkouts import summarize", 0),
        ("workspace/commands/demo.py", "from workspace.cli import main", 1),
        ("workspace/model/graph.py", "from workspace.env.plan import InstallPlan", 1),
        ("workspace/text.py", "from workspace.model import config", 1),
        ("workspace/ci/matrix.py", "from workspace.runs.results import lower_bound", 0),
    ],
)
def test_the_import_rule_catches_each_kind(module: str, source: str, expected: int) -> None:
    """Guards the checker itself: a rule that found nothing would pass vacuously."""
    assert len(violations(module_name(ROOT / module), source)) == expected


def test_no_module_is_over_the_size_limit() -> None:
    big = [
        f"{p.relative_to(ROOT)}: {n} lines"
        for p in MODULES
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert big == []


@pytest.mark.parametrize("folder", ["workspace", "bench", "tests", "noxfile.py"])
def test_no_function_is_over_the_size_limit(folder: str) -> None:
    target = ROOT / folder
    files = [target] if target.is_file() else sorted(target.rglob("*.py"))
    long = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name}: {length}")
    assert long == []


def test_the_architecture_page_names_every_module_and_only_real_ones() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    table = page[page.index("## The code") :]
    named = set(re.findall(r"`(workspace/[\w/*]+\.py)`", table))
    covered = {p for pattern in named for p in ROOT.glob(pattern)}
    missing = [str(p.relative_to(ROOT)) for p in MODULES if p.name != "__init__.py"]
    assert sorted(m for m in missing if ROOT / m not in covered) == []
    assert sorted(n for n in named if not any(ROOT.glob(n))) == []


def test_names_cannot_be_confused() -> None:
    """No two stage modules share a file name (a verb may share its stage module's name), no
    two classes share a name, and nothing under workspace/ is named like a test module."""
    stems: dict[str, list[str]] = {}
    classes: dict[str, list[str]] = {}
    for path in MODULES:
        rel = str(path.relative_to(ROOT))
        if path.name not in ("__init__.py", "__main__.py") and path.parent.name != "commands":
            stems.setdefault(path.name, []).append(rel)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                classes.setdefault(node.name, []).append(rel)
    assert {n: w for n, w in stems.items() if len(w) > 1} == {}
    assert {n: w for n, w in classes.items() if len(w) > 1} == {}
    assert [p.name for p in MODULES if re.match(r"test_.*\.py$|.*_test\.py$", p.name)] == []


# TOML built by hand: in an f-string, a line `key = {value}` (the key may be formatted too;
# formatted parts are \0 here); in any string, a [table] or [[array]] line with `key = value`.
_KEY = r"""(?m)^[ \t]*(?:[\w.-]+|"[^"\n]*"|\0)[ \t]+=[ \t]+"""
_TOML_FORMATTED = re.compile(_KEY + r"""["']?\0""")
_TOML_ASSIGN = re.compile(_KEY + r"\S")
_TOML_HEADER = re.compile(r"(?m)^[ \t]*\[\[?[\w.-]+\]\]?[ \t]*$")


def _docstrings(tree: ast.AST) -> set[ast.AST]:
    bodies = [
        n.body for n in ast.walk(tree) if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))
    ]
    return {b[0].value for b in bodies if b and isinstance(b[0], ast.Expr)}


def hand_written_toml(source: str) -> list[int]:
    """The lines where a module writes TOML text itself instead of having tomlkit write it."""
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = [line for line, target in imports_of(source) if target == "workspace.tomlwrite"]
    for node in ast.walk(tree):
        if node in skip:
            continue
        if isinstance(node, ast.JoinedStr):
            text = "".join(
                str(v.value) if isinstance(v, ast.Constant) else "\0" for v in node.values
            )
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        else:
            continue
        formatted = isinstance(node, ast.JoinedStr) and _TOML_FORMATTED.search(text)
        if formatted or (_TOML_HEADER.search(text) and _TOML_ASSIGN.search(text)):
            found.append(node.lineno)
    return sorted(set(found))


def test_no_module_writes_toml_by_hand() -> None:
    """tomlkit writes every TOML file (wrknv.lock, the demo's and init's wrknv.toml)."""
    found = [
        f"{p.relative_to(ROOT)}:{line}"
        for p in MODULES
        for line in hand_written_toml(p.read_text(encoding="utf-8"))
    ]
    assert found == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("line = f'name = {toml_value(name)}'", 1),
        ("lines.append(f'{key} = {value!r}')", 1),
        ("lines.append(f'name = \"{name}\"')", 1),
        ("lines.append(f'  {key}  =  {value}')", 1),
        ("TEMPLATE = '[workspace]\\nsiblings_dir = \"..\"\\n'", 1),
        ("path.write_text(f'[workspace]\\nname = \"{n}\"\\n')", 1),
        ("from workspace.tomlwrite import toml_value", 1),
        ('"""The file::\n\n    version = 1\n    [[siblings]]\n"""', 0),  # a docstring
        ("doc['name'] = name\ntable['layers'] = tomlkit.item(layers)", 0),
        ("raise WorkspaceError(f'{file}: expected a table, got {value!r}')", 0),
        ("hint = 'add name = ... under [workspace] in wrknv.toml'", 0),
        ("bad('siblings', 'expected an array of tables: [[siblings]]')", 0),
        ("names = {'workspace': '[workspace]', 'siblings': '[[siblings]]'}", 0),
        ("out.why_not[name] = 'split = false'", 0),  # a message, not a file
        ("args = [f'--basetemp={tmp}', '-o', f'cache_dir={tmp}']", 0),
    ],
)
def test_the_toml_rule_catches_each_kind(source: str, expected: int) -> None:
    """Guards the checker itself, as the import rule's cases do."""
    assert len(hand_written_toml(source)) == expected


def test_no_line_is_folded_by_hand() -> None:
    """The formatter lays out every line: ``# fmt: skip`` / ``# fmt: off`` would hide a long
    function or module from the size limits."""
    folded = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in MODULES
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"#\s*fmt:\s*(skip|off)\b", line)
    ]
    assert folded == []
