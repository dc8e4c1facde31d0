"""The field tables of wrknv.toml and their checkers.

Each checker takes a raw TOML value and returns the converted one, or raises :class:`Bad` with
what was expected. :func:`check_table` runs a table's checkers and collects every problem of a
file in a :class:`Collector`, so that all of them are reported together.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import TYPE_CHECKING, Any

from workspace.errors import Problem
from workspace.model.pythons import EXAMPLE as PYTHONS_EXAMPLE
from workspace.model.pythons import is_python_version
from workspace.model.urls import CONTROL_RE, repo_problem
from workspace.text import did_you_mean, display_path, normalize_name

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

    from workspace.model.config import Sibling

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
MAX_TIMEOUT = 604800  # a week: longer is a mistake, and past what a process wait accepts
_GLOB_HINT = 'write it relative to the folder of wrknv.toml, e.g. "fixtures/**/*.json"'


class Bad(Exception):
    def __init__(self, expected: str, hint: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.hint = hint


def _str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise Bad("a non-empty string")
    if CONTROL_RE.search(value):
        raise Bad("a string without control characters")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Bad("a string")
    return value


def _str_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Bad("a list of non-empty strings")
    return tuple(value)


def _unique_str_list(value: Any) -> tuple[str, ...]:
    items = _str_list(value)
    dupes = sorted({v for v in items if items.count(v) > 1})
    if dupes:
        raise Bad(f"a list without repeats (repeated: {', '.join(dupes)})")
    return items


def _pythons(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(is_python_version(v) for v in value):
        raise Bad('a non-empty list of MAJOR.MINOR versions such as "3.12"')
    return _unique_str_list(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Bad("true or false")
    return value


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise Bad("a whole number of at least 1")
    return value


def _timeout(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise Bad("a positive number of seconds")
    if not math.isfinite(value) or value > MAX_TIMEOUT:
        raise Bad(f"a finite number of seconds, at most {MAX_TIMEOUT} (a week)")
    return float(value)


def _labels(value: Any) -> tuple[str, ...]:
    """Tags and layers: what --tag and --layer select, which split on commas."""
    items = _unique_str_list(value)
    for item in items:
        if "," in item or item != item.strip():
            raise Bad(
                f"names without commas or surrounding spaces ({item!r} could never be "
                "selected: --tag and --layer split on commas)",
                'write each as its own list item, e.g. ["core", "fast"]',
            )
    return items


def _globs(value: Any) -> tuple[str, ...]:
    """``inputs``: glob patterns of files inside the workspace, relative to wrknv.toml."""
    items = _str_list(value)
    for pattern in items:
        parts = PurePosixPath(pattern.replace("\\", "/")).parts
        if pattern.startswith(("/", "\\", "~")) or PureWindowsPath(pattern).drive:
            raise Bad(f"relative glob patterns ({pattern!r} is absolute)", _GLOB_HINT)
        if ".." in parts:
            raise Bad(f"glob patterns inside the workspace ({pattern!r} leaves it)", _GLOB_HINT)
        if parts in ((), (".",)) or any("**" in p and p != "**" for p in parts):
            raise Bad(f"glob patterns that name files ({pattern!r} does not)", _GLOB_HINT)
        if CONTROL_RE.search(pattern):
            raise Bad("glob patterns without control characters", _GLOB_HINT)
    return items


def _specifier(value: Any) -> SpecifierSet:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # see text.normalize_name

    text = _str(value)
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise Bad("a version specifier such as '>=3.11'") from None


def _name(value: Any) -> str:
    text = _str(value)
    if not NAME_RE.match(text):
        raise Bad(
            "a safe directory name matching [A-Za-z0-9][A-Za-z0-9._-]*",
            "use letters, digits, '.', '_' and '-' only",
        )
    return text


def _revision(value: Any) -> str:
    text = _str(value)
    if text.startswith("-"):
        raise Bad("a branch, tag or commit that does not start with '-'")
    return text


def check_repo(value: Any) -> str:
    text = _str(value)
    why = repo_problem(text)
    if why:
        raise Bad(f"a git URL or path, but the value {why}", "use an https://, ssh or file:// URL")
    return text


# Each key: its checker, and what a valid value looks like (shown in the hint of a type error).
Fields = Mapping[str, tuple[Callable[[Any], Any], str]]

TEST_FIELDS: Fields = {
    "args": (_str_list, '["-m", "not slow"]'),
    "timeout": (_timeout, "900"),
    "xdist": (_bool, "true"),
    "split": (_bool, "false"),
    "enabled": (_bool, "true"),
    "requirements": (_str_list, '["pytest", "pytest-asyncio"]'),
    "cache": (_bool, "true"),
    "env": (_str_list, '["DATABASE_URL"]'),
    "inputs": (_globs, '["fixtures/**/*.json"]'),
    "cache_size": (_count, "1000"),
}

_TEST_EXAMPLE = '{ args = ["-q"], timeout = 900, xdist = true }'

WORKSPACE_FIELDS: Fields = {
    "name": (_name, '"provide-foundation"'),
    "description": (_text, '"provide.io ecosystem workspace"'),
    "python": (_specifier, '">=3.11"'),
    "pythons": (_pythons, PYTHONS_EXAMPLE),
    "venv": (_str, '".venv"'),
    "siblings_dir": (_str, '".."'),
    "url_base": (check_repo, '"https://github.com/provide-io"'),
    "layers": (_labels, '["foundation", "framework", "tools"]'),
    "test": (dict, _TEST_EXAMPLE),  # checked key by key in check_table
}

SIBLING_FIELDS: Fields = {
    "name": (_name, '"provide-foundation"'),
    "layer": (_str, '"foundation"'),
    "repo": (check_repo, '"provide-foundation.git"'),
    "path": (_str, '"../provide-foundation"'),
    "revision": (_revision, '"main"'),
    "depends_on": (_unique_str_list, '["provide-foundation"]'),
    "tags": (_labels, '["core"]'),
    "extras": (_unique_str_list, '["all"]'),
    "dependency_groups": (_unique_str_list, '["dev", "test"]'),
    "python_package": (_bool, "true"),
    "test": (dict, _TEST_EXAMPLE),
}


class Collector:
    """Gathers problems for one file so that all of them are reported together."""

    def __init__(self, file: Path) -> None:
        self.file = display_path(file)
        self.problems: list[Problem] = []

    def add(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.file, key, message, hint))


def check_table(
    raw: Any,
    fields: Fields,
    key: str,
    out: Collector,
    *,
    skip: tuple[str, ...] = (),
    label: str = "",
) -> dict[str, Any]:
    """Type-check every key of one table; unknown keys get a did-you-mean hint."""
    if not isinstance(raw, dict):
        out.add(key, f"expected a table, got {type(raw).__name__}", "see docs/configuration.md")
        return {}
    result: dict[str, Any] = {}
    for name, value in raw.items():
        path = f"{key}.{name}{label}" if key else name
        if name in skip:
            continue
        field = fields.get(name)
        if field is None:
            out.add(
                path,
                "unknown key",
                did_you_mean(name, fields) or f"allowed keys: {', '.join(sorted(fields))}",
            )
            continue
        check, example = field
        if check is dict:
            result[name] = check_table(value, TEST_FIELDS, f"{key}.{name}", out, label=label)
            continue
        try:
            result[name] = check(value)
        except Bad as bad:
            hint = bad.hint or f"for example: {name} = {example}"
            out.add(path, f"expected {bad.expected}, got {value!r}", hint)
    return result


def unknown_tables(raw: Mapping[str, Any], allowed: dict[str, str], out: Collector) -> None:
    """Top-level tables that the file may not have; ``allowed`` maps each to how it is written."""
    for key in raw:
        if key not in allowed:
            out.add(
                key,
                "unknown table",
                did_you_mean(key, allowed) or f"allowed: {', '.join(allowed.values())}",
            )


Where = Callable[["Sibling", str], tuple[str, Collector]]  # a key's path template, its file


def check_across(siblings: list[Sibling], out: Collector, where: Where | None = None) -> None:
    """Rules that involve several siblings: unique names and paths, known dependencies. A
    problem with a sibling's path or depends_on goes to the file that gave it (``where``)."""
    place = where or (lambda sib, key: (f"{sib.key}.%s ({sib.name})", out))
    seen: dict[str, Sibling] = {}
    for sib in siblings:
        other = seen.setdefault(normalize_name(sib.name), sib)
        if other is not sib:
            out.add(
                f"{sib.key}.name",
                f"{sib.name!r} duplicates {other.key} ({other.name})",
                "sibling names must be unique (compared ignoring case, '-', '_' and '.')",
            )
    # Paths overlap when one equals or contains another: look each one's ancestors up.
    by_path: dict[Path, Sibling] = {}
    for sib in sorted(siblings, key=lambda s: (len(s.path.parts), s.index)):
        for candidate in (sib.path, *sib.path.parents):
            owner = by_path.get(candidate)
            if owner is not None:
                template, to = place(sib, "path")
                to.add(
                    template % "path",
                    f"{sib.path} overlaps the path of {owner.key} ({owner.name})",
                    "give each sibling its own directory",
                )
                break
        else:
            by_path[sib.path] = sib
    names = [s.name for s in siblings]
    for sib in siblings:
        template, to = place(sib, "depends_on")
        for dep in sib.depends_on:
            if dep == sib.name:
                to.add(
                    template % "depends_on",
                    "a sibling cannot depend on itself",
                    f"remove {dep!r} from its depends_on",
                )
            elif dep not in names:
                to.add(
                    template % "depends_on",
                    f"unknown sibling {dep!r}",
                    did_you_mean(dep, [n for n in names if n != sib.name])
                    or "depends_on names other [[siblings]]",
                )


def layer_ok(layer: str | None, layers: tuple[str, ...], label: str, out: Collector) -> bool:
    """Whether a sibling's layer is one declared (and given, once layers are declared)."""
    if layers and layer is None:
        out.add(
            label % "layer",
            f"missing; expected one of {', '.join(layers)}",
            "every sibling needs a layer once [workspace].layers is declared",
        )
        return False
    if layer is not None and layer not in layers:
        hint = did_you_mean(layer, layers) if layers else "declare it in [workspace].layers"
        out.add(label % "layer", f"{layer!r} is not a declared layer", hint)
        return False
    return True
