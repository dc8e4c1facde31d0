"""docs/troubleshooting.md names every error message the code can raise or print to stderr.

The check is textual: for each message written in workspace/ (an error raised, a config
problem recorded, a validate error or warning, a line printed to stderr) the first literal
fragment of the message, without its placeholders, must appear somewhere in the page. A new
message without a line in the page fails here, with the file and line that needs documenting.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

from workspace.repos import git

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "workspace"
PAGE = ROOT / "docs" / "troubleshooting.md"

# Callee name -> index of the positional argument that holds the message. The keyword
# ``message`` (or ``detail`` for check results) is looked at as well.
MESSAGE_ARG = {
    "WorkspaceError": 0,
    "ConfigError": None,  # takes a list of Problem, found on their own
    "GraphError": 0,
    "SelectionError": 0,
    "GitError": 0,
    "EnvError": 0,
    "ResolutionError": 0,
    "Bad": 0,  # model/fields.py: the "expected ..." part of a config problem
    "Problem": 2,
    "add": 1,  # model/fields.py: Collector.add(key, message, hint)
    "bad": 1,  # repos/lock.py: bad(key, message)
    "error": 1,  # env/checks/__init__.py: a validate error(name, detail, hint)
    "warning": 1,  # env/checks/__init__.py: a validate warning(name, detail, hint)
    "_err": 0,  # commands/setup.py: a line to stderr
    "_error": 0,  # cli.py: an error line
}

# Messages that are not worth a line of their own, each with the reason.
IGNORED = {
    # Internal consistency checks of the demo's own docs page; a user never sees them.
    ("demo.py", "no demo graph markers in the page"),
    ("demo.py", "the demo graph markers do not hold one ```mermaid block"),
}

# Fragments shorter than this (a lone ": " between two placeholders) say nothing.
MIN_FRAGMENT = 4


@dataclass(frozen=True)
class Message:
    file: str
    line: int
    fragment: str

    def __str__(self) -> str:
        return f"workspace/{self.file}:{self.line}: {self.fragment!r}"


def callee(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def message_node(node: ast.Call) -> ast.expr | None:
    """The argument of a call that holds a user-facing message, if it is one."""
    name = callee(node)
    if name == "print":
        to_stderr = any(
            kw.arg == "file" and isinstance(kw.value, ast.Attribute) and kw.value.attr == "stderr"
            for kw in node.keywords
        )
        return node.args[0] if to_stderr and node.args else None
    if name not in MESSAGE_ARG or MESSAGE_ARG[name] is None:
        return None
    for kw in node.keywords:
        if kw.arg in ("message", "detail"):
            return kw.value
    index = MESSAGE_ARG[name]
    assert index is not None
    return node.args[index] if len(node.args) > index else None


def literal_parts(node: ast.expr) -> list[str] | None:
    """The literal fragments of a message in order, or None when it is not written out
    (a variable, ``str(exc)``): those come from another message, checked where it is made."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.JoinedStr):
        return [
            v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)
        ]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = literal_parts(node.left), literal_parts(node.right)
        if left is None and right is None:
            return None
        return (left or []) + (right or [])
    return None


def leading_fragment(parts: list[str]) -> str | None:
    """The first literal fragment long enough to identify the message."""
    for part in parts:
        # The page lists messages without the "error: " that prefixes every one, and the
        # hint sits in its own column.
        text = part.split(" (hint:")[0].strip()
        for prefix in ("error:", "warning:"):
            text = text[len(prefix) :] if text.startswith(prefix) else text
        text = text.strip().strip(":;,.()'\"").strip()
        if len(text) >= MIN_FRAGMENT:
            return text
    return None


def messages() -> list[Message]:
    found: list[Message] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        if rel == "errors.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            arg = message_node(node)
            parts = None if arg is None else literal_parts(arg)
            fragment = None if parts is None else leading_fragment(parts)
            if fragment is not None:
                found.append(Message(rel, node.lineno, fragment))
    return found


def normalized(text: str) -> str:
    """Compare without Markdown code marks and escaped pipes, and with spaces collapsed."""
    return " ".join(text.replace("`", "").replace("\\|", "|").split())


def test_the_scan_finds_the_messages() -> None:
    # Guards the scanner itself: if it stopped seeing calls, the main test would pass vacuously.
    found = messages()
    files = {m.file for m in found}
    assert len(found) > 80
    assert {
        "model/config.py",
        "model/fields.py",
        "env/setup.py",
        "env/checks/environment.py",
        "repos/lock.py",
        "commands/test.py",
    } <= files
    assert any(m.fragment == "invalid TOML" for m in found)


def test_a_missing_message_is_caught() -> None:
    tree = ast.parse('raise EnvError(f"{x}: the frobnicator is gone", hint="y")')
    call = next(n for n in ast.walk(tree) if isinstance(n, ast.Call))
    arg = message_node(call)
    assert arg is not None
    parts = literal_parts(arg)
    assert parts is not None
    fragment = leading_fragment(parts)
    assert fragment == "the frobnicator is gone"
    assert fragment not in normalized(PAGE.read_text(encoding="utf-8"))


def test_every_ignored_entry_still_names_a_message() -> None:
    found = {(m.file, m.fragment) for m in messages()}
    stale = [entry for entry in IGNORED if entry not in found]
    assert not stale, f"IGNORED entries that match no message any more: {stale}"


def test_every_message_is_in_the_troubleshooting_page() -> None:
    page = normalized(PAGE.read_text(encoding="utf-8"))
    ignored = {(file, fragment) for file, fragment in IGNORED}
    missing = [
        str(m)
        for m in messages()
        if (m.file, m.fragment) not in ignored
        and not any(m.file.endswith(f) and m.fragment.startswith(g) for f, g in ignored)
        and normalized(m.fragment) not in page
    ]
    assert not missing, "not in docs/troubleshooting.md:\n" + "\n".join(missing)


@pytest.mark.parametrize("reason", list(git.Reason), ids=lambda r: r.name)
def test_every_git_failure_reason_is_in_the_page(reason: git.Reason) -> None:
    # GitFailure builds its message from a Reason: "not found: <git's last lines>".
    assert reason.value in PAGE.read_text(encoding="utf-8")


def test_the_exit_status_table_is_stated_once_and_every_verb_page_links_it() -> None:
    sessions = ROOT / "docs" / "sessions"
    assert "## Exit status" in (sessions / "index.md").read_text(encoding="utf-8")
    from workspace.commands import find_commands

    for verb in find_commands():
        page = (sessions / f"{verb}.md").read_text(encoding="utf-8")
        assert "(index.md#exit-status)" in page, f"docs/sessions/{verb}.md"


def _flags_of(verb: str) -> set[str]:
    import argparse

    from workspace.cli import build_parser

    parser = build_parser(verb)
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    actions = sub.choices[verb]._actions
    return {o for a in actions for o in a.option_strings if o.startswith("--") and o != "--help"}


def test_every_session_page_names_exactly_the_flags_its_verb_takes() -> None:
    """The flag tables cannot drift from the parsers: every flag a verb takes is on its page,
    and every flag in the page's table is one the verb takes."""
    import re

    from workspace.commands import find_commands

    problems = []
    for verb in find_commands():
        page = (ROOT / "docs" / "sessions" / f"{verb}.md").read_text(encoding="utf-8")
        flags = _flags_of(verb)
        selection = {"--only", "--skip", "--layer", "--tag", "--up-to", "--above"}
        said = flags - selection if "selection flags" in page else flags  # named as a group
        problems += [f"{verb}.md lacks {f}" for f in sorted(said) if f not in page]
        table = re.search(r"^## (?:Flags|Options)\n(.*?)(?=^## |\Z)", page, re.M | re.S)
        named = set(re.findall(r"^\| `(--[a-z][a-z-]*)", table.group(1), re.M)) if table else set()
        problems += [f"{verb}.md names {f}, which {verb} lacks" for f in sorted(named - flags)]
    assert problems == []
