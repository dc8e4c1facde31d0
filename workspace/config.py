"""wrknv.toml (and wrknv.local.toml over it) parsed once into frozen dataclasses.

This is the only module that touches raw TOML dictionaries of the workspace config. Every
problem in a file is collected and reported together, one line each, naming the file and the
key path (``siblings[3].layer``) with what was expected.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workspace._compat import tomllib
from workspace.errors import ConfigError, Problem, WorkspaceError
from workspace.text import did_you_mean, display_path, normalize_name

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

CONFIG_NAME = "wrknv.toml"
LOCAL_NAME = "wrknv.local.toml"
LOCK_NAME = "wrknv.lock"
STATE_DIR = ".wrknv"
ENV_VAR = "WRKNV_CONFIG"

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_TRANSPORT_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)::")
# git remote helpers that run arbitrary commands: never accepted from a config file.
_COMMAND_TRANSPORTS = frozenset({"ext", "fd"})
_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[^/:]+@[^/:]+:")


@dataclass(frozen=True)
class TestSettings:
    """How a sibling's pytest suite is run."""

    __test__ = False  # not a pytest test class

    args: tuple[str, ...] = ()
    timeout: float | None = None
    xdist: bool = True


@dataclass(frozen=True)
class Sibling:
    """One sibling repository, with every default applied and every path absolute."""

    name: str
    repo: str
    path: Path
    layer: str | None = None
    revision: str | None = None
    depends_on: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    extras: tuple[str, ...] = ()
    dependency_groups: tuple[str, ...] | None = None  # None: "dev" and "test" when present
    python_package: bool = True
    test: TestSettings = field(default_factory=TestSettings)
    index: int = 0  # position in wrknv.toml, for messages
    configured_repo: str | None = None  # before wrknv.local.toml's [rewrite], when it differs

    @property
    def portable_repo(self) -> str:
        """The repo as the shared wrknv.toml gives it: what a lock file records."""
        return self.configured_repo or self.repo

    @property
    def key(self) -> str:
        """The key path of this sibling in wrknv.toml, for messages."""
        return f"siblings[{self.index}]"


@dataclass(frozen=True)
class Workspace:
    """The whole workspace description."""

    name: str
    root: Path
    config_file: Path
    local_file: Path | None
    siblings: tuple[Sibling, ...]
    description: str = ""
    python: SpecifierSet | None = None
    venv: Path = Path(".venv")
    siblings_dir: Path = Path("..")
    url_base: str | None = None
    layers: tuple[str, ...] = ()
    test: TestSettings = field(default_factory=TestSettings)

    @property
    def lock_file(self) -> Path:
        return self.root / LOCK_NAME

    @property
    def state_dir(self) -> Path:
        return self.root / STATE_DIR

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.siblings)

    @cached_property
    def _by_name(self) -> dict[str, Sibling]:
        return {s.name: s for s in self.siblings}

    def sibling(self, name: str) -> Sibling:
        found = self._by_name.get(name)
        if found is not None:
            return found
        raise WorkspaceError(
            f"{display_path(self.config_file)}: no sibling named {name!r}",
            hint=did_you_mean(name, self.names) or "see the [[siblings]] entries",
        )

    def layer_index(self, layer: str | None) -> int:
        return self.layers.index(layer) if layer in self.layers else 0


# --------------------------------------------------------------------------- helpers


def read_toml(path: Path) -> dict[str, Any]:
    """Read a TOML file; a syntax or read error names the file, line and column."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            [Problem(display_path(path), "", f"invalid TOML: {exc}", "fix the syntax at that line")]
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            [Problem(display_path(path), "", f"not UTF-8 text: {exc}", "save it as UTF-8")]
        ) from None
    except OSError as exc:
        raise ConfigError(
            [Problem(display_path(path), "", f"cannot read: {exc.strerror}", None)]
        ) from None


def find_config(start: Path | None = None) -> Path:
    """The config to use: $WRKNV_CONFIG, else the nearest wrknv.toml from ``start`` upwards."""
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser().absolute()
        if not path.is_file():
            raise WorkspaceError(
                f"{ENV_VAR}={env}: no such file", hint=f"point {ENV_VAR} at a {CONFIG_NAME}"
            )
        return path
    here = (start or Path.cwd()).absolute()
    for folder in (here, *here.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder / CONFIG_NAME
    raise WorkspaceError(
        f"no {CONFIG_NAME} in {here} or any parent directory",
        hint=f"run from a workspace, or set {ENV_VAR}=/path/to/{CONFIG_NAME}",
    )


def resolve_repo(repo: str, root: Path, url_base: str | None) -> str:
    """A repo value as git will see it: URLs as given, bare names under url_base, paths absolute."""
    if _URL_RE.match(repo) or _TRANSPORT_RE.match(repo):
        return repo
    if url_base and not repo.startswith(("/", "./", "../", "~")):
        return f"{url_base.rstrip('/')}/{repo}"
    return str((root / Path(repo).expanduser()).resolve())


def repo_problem(repo: str) -> str | None:
    """Why git must not be handed this repo value, or None when it is safe."""
    if repo.startswith("-"):
        return "starts with '-', which git would read as an option"
    if _CONTROL_RE.search(repo):
        return "contains control characters"
    transport = _TRANSPORT_RE.match(repo)
    if transport and transport.group(1).lower() in _COMMAND_TRANSPORTS:
        return f"uses the '{transport.group(1)}::' transport, which runs commands"
    return None


def rewrite_url(repo: str, rules: Mapping[str, str]) -> str:
    """Apply the longest matching [rewrite] prefix of wrknv.local.toml."""
    best = max((p for p in rules if repo.startswith(p)), key=len, default=None)
    return repo if best is None else rules[best] + repo[len(best) :]


# --------------------------------------------------------------------------- field checks
# Each check takes the raw value and returns the converted one, or raises _Bad(expected).


class _Bad(Exception):
    def __init__(self, expected: str, hint: str | None = None) -> None:
        super().__init__(expected)
        self.expected = expected
        self.hint = hint


def _str(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _Bad("a non-empty string")
    if _CONTROL_RE.search(value):
        raise _Bad("a string without control characters")
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _Bad("a string")
    return value


def _str_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise _Bad("a list of non-empty strings")
    return tuple(value)


def _unique_str_list(value: Any) -> tuple[str, ...]:
    items = _str_list(value)
    dupes = sorted({v for v in items if items.count(v) > 1})
    if dupes:
        raise _Bad(f"a list without repeats (repeated: {', '.join(dupes)})")
    return items


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _Bad("true or false")
    return value


def _timeout(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        raise _Bad("a positive number of seconds")
    return float(value)


def _specifier(value: Any) -> SpecifierSet:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet  # see text.normalize_name

    text = _str(value)
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        raise _Bad("a version specifier such as '>=3.11'") from None


def _name(value: Any) -> str:
    text = _str(value)
    if not NAME_RE.match(text):
        raise _Bad(
            "a safe directory name matching [A-Za-z0-9][A-Za-z0-9._-]*",
            "use letters, digits, '.', '_' and '-' only",
        )
    return text


def _revision(value: Any) -> str:
    text = _str(value)
    if text.startswith("-"):
        raise _Bad("a branch, tag or commit that does not start with '-'")
    return text


def _repo(value: Any) -> str:
    text = _str(value)
    why = repo_problem(text)
    if why:
        raise _Bad(f"a git URL or path, but the value {why}", "use an https://, ssh or file:// URL")
    return text


# Shown in the hint of a type error: what a valid value looks like.
_EXAMPLES = {
    "name": '"provide-foundation"',
    "description": '"provide.io ecosystem workspace"',
    "python": '">=3.11"',
    "venv": '".venv"',
    "siblings_dir": '".."',
    "url_base": '"https://github.com/provide-io"',
    "layers": '["foundation", "framework", "tools"]',
    "layer": '"foundation"',
    "repo": '"provide-foundation.git"',
    "path": '"../provide-foundation"',
    "revision": '"main"',
    "depends_on": '["provide-foundation"]',
    "tags": '["core"]',
    "extras": '["all"]',
    "dependency_groups": '["dev", "test"]',
    "python_package": "true",
    "test": '{ args = ["-q"], timeout = 900, xdist = true }',
    "args": '["-m", "not slow"]',
    "timeout": "900",
    "xdist": "true",
}

_TEST_FIELDS: dict[str, Callable[[Any], Any]] = {
    "args": _str_list,
    "timeout": _timeout,
    "xdist": _bool,
}

_WORKSPACE_FIELDS: dict[str, Callable[[Any], Any]] = {
    "name": _name,
    "description": _text,
    "python": _specifier,
    "venv": _str,
    "siblings_dir": _str,
    "url_base": _repo,
    "layers": _unique_str_list,
    "test": dict,  # checked key by key in _check_table
}

_SIBLING_FIELDS: dict[str, Callable[[Any], Any]] = {
    "name": _name,
    "layer": _str,
    "repo": _repo,
    "path": _str,
    "revision": _revision,
    "depends_on": _unique_str_list,
    "tags": _unique_str_list,
    "extras": _unique_str_list,
    "dependency_groups": _unique_str_list,
    "python_package": _bool,
    "test": dict,
}


class _Collector:
    """Gathers problems for one file so that all of them are reported together."""

    def __init__(self, file: Path) -> None:
        self.file = display_path(file)
        self.problems: list[Problem] = []

    def add(self, key: str, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.file, key, message, hint))


def _check_table(
    raw: Any,
    fields: Mapping[str, Callable[[Any], Any]],
    key: str,
    out: _Collector,
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
        check = fields.get(name)
        if check is None:
            out.add(
                path,
                "unknown key",
                did_you_mean(name, fields) or f"allowed keys: {', '.join(sorted(fields))}",
            )
            continue
        if check is dict:
            result[name] = _check_table(value, _TEST_FIELDS, f"{key}.{name}", out, label=label)
            continue
        try:
            result[name] = check(value)
        except _Bad as bad:
            hint = bad.hint or f"for example: {name} = {_EXAMPLES[name]}"
            out.add(path, f"expected {bad.expected}, got {value!r}", hint)
    return result


def _test_settings(raw: Mapping[str, Any], base: TestSettings) -> TestSettings:
    return TestSettings(
        args=tuple(raw.get("args", base.args)),
        timeout=raw.get("timeout", base.timeout),
        xdist=raw.get("xdist", base.xdist),
    )


# --------------------------------------------------------------------------- loading


def load(path: Path | None = None) -> Workspace:
    """Load and validate a workspace config (and the wrknv.local.toml beside it)."""
    config_file = (path or find_config()).absolute()
    if not config_file.is_file():
        raise WorkspaceError(
            f"{display_path(config_file)}: no such file", hint=f"create a {CONFIG_NAME}"
        )
    local_file = config_file.parent / LOCAL_NAME
    return _build(
        config_file,
        read_toml(config_file),
        local_file if local_file.is_file() else None,
        read_toml(local_file) if local_file.is_file() else {},
    )


def _build(
    config_file: Path,
    raw: dict[str, Any],
    local_file: Path | None,
    local_raw: dict[str, Any],
) -> Workspace:
    root = config_file.parent
    main = _Collector(config_file)
    local = _Collector(local_file or config_file.parent / LOCAL_NAME)

    for key in raw:
        if key not in ("workspace", "siblings"):
            main.add(
                key,
                "unknown table",
                did_you_mean(key, ("workspace", "siblings"))
                or "allowed: [workspace], [[siblings]]",
            )
    ws_raw = raw.get("workspace")
    if ws_raw is None:
        main.add("workspace", "missing required table", "add a [workspace] table with a name")
        ws_raw = {}
    ws = _check_table(ws_raw, _WORKSPACE_FIELDS, "workspace", main)

    # wrknv.local.toml: [workspace] overrides, [rewrite] prefixes, [siblings.NAME] overrides.
    for key in local_raw:
        if key not in ("workspace", "rewrite", "siblings"):
            local.add(
                key,
                "unknown table",
                did_you_mean(key, ("workspace", "rewrite", "siblings"))
                or "allowed: [workspace], [rewrite], [siblings.NAME]",
            )
    ws.update(_check_table(local_raw.get("workspace", {}), _WORKSPACE_FIELDS, "workspace", local))
    rewrite: dict[str, str] = {}
    raw_rewrite = local_raw.get("rewrite", {})
    if not isinstance(raw_rewrite, dict):
        local.add(
            "rewrite",
            "expected a table of URL prefixes",
            '"https://github.com/org/" = "file:///srv/mirror/"',
        )
    else:
        for prefix, target in raw_rewrite.items():
            try:
                rewrite[prefix] = _repo(target)
            except _Bad as bad:
                local.add(f"rewrite.{prefix!r}", f"expected {bad.expected}", bad.hint)
    overrides: dict[str, dict[str, Any]] = {}
    raw_over = local_raw.get("siblings", {})
    if not isinstance(raw_over, dict):
        local.add("siblings", "expected a table", "write overrides as [siblings.NAME] tables")
    else:
        for name, table in raw_over.items():
            overrides[name] = _check_table(
                table, _SIBLING_FIELDS, f"siblings.{name}", local, skip=("name",)
            )

    layers: tuple[str, ...] = ws.get("layers", ())
    url_base: str | None = ws.get("url_base")
    base_test = _test_settings(ws.get("test", {}), TestSettings())
    siblings_dir = Path(ws.get("siblings_dir", ".."))

    raw_sibs = raw.get("siblings", [])
    if not isinstance(raw_sibs, list) or not all(isinstance(s, dict) for s in raw_sibs):
        main.add(
            "siblings",
            "expected an array of tables",
            "write each sibling as its own [[siblings]] table",
        )
        raw_sibs = []

    siblings: list[Sibling] = []
    for i, entry in enumerate(raw_sibs):
        key = f"siblings[{i}]"
        raw_name = entry.get("name")
        label = f" ({raw_name})" if isinstance(raw_name, str) and NAME_RE.match(raw_name) else ""
        values = _check_table(entry, _SIBLING_FIELDS, key, main, label=label)
        name = values.get("name")
        if "name" not in entry:
            main.add(f"{key}.name", "missing required key", "every sibling needs a name")
        if name is None:
            continue
        values.update(overrides.get(name, {}))
        # A key given but rejected above is not also reported as missing.
        given = set(entry) | set(raw_over.get(name, {}) if isinstance(raw_over, dict) else ())
        sibling = _make_sibling(
            values, given, i, key, root, siblings_dir, url_base, rewrite, layers, main
        )
        if sibling is not None:
            sibling = replace(sibling, test=_test_settings(values.get("test", {}), base_test))
            siblings.append(sibling)

    known = [s.name for s in siblings]
    for name in overrides:
        if name not in known:
            local.add(
                f"siblings.{name}",
                "no sibling of that name in the workspace",
                did_you_mean(name, known) or f"names come from {CONFIG_NAME}",
            )
    _check_across(siblings, main)

    problems = main.problems + local.problems
    if problems:
        raise ConfigError(problems)
    return Workspace(
        name=ws.get("name", root.name),
        description=ws.get("description", ""),
        python=ws.get("python"),
        venv=(root / ws.get("venv", ".venv")).absolute(),
        siblings_dir=Path(os.path.normpath(root / siblings_dir)),
        url_base=url_base,
        layers=layers,
        test=base_test,
        siblings=tuple(siblings),
        root=root,
        config_file=config_file,
        local_file=local_file,
    )


def _make_sibling(
    values: dict[str, Any],
    given: set[str],
    index: int,
    key: str,
    root: Path,
    siblings_dir: Path,
    url_base: str | None,
    rewrite: Mapping[str, str],
    layers: tuple[str, ...],
    out: _Collector,
) -> Sibling | None:
    name: str = values["name"]
    label = f"{key}.%s ({name})"
    ok = True

    layer = values.get("layer")
    if layers and layer is None:
        out.add(
            label % "layer",
            f"missing; expected one of {', '.join(layers)}",
            "every sibling needs a layer once [workspace].layers is declared",
        )
        ok = False
    elif layer is not None and layer not in layers:
        hint = did_you_mean(layer, layers) if layers else "declare it in [workspace].layers"
        out.add(label % "layer", f"{layer!r} is not a declared layer", hint)
        ok = False

    repo = values.get("repo")
    if repo is None and url_base:
        repo = f"{name}.git"
    if repo is None:
        if "repo" not in given:
            out.add(
                label % "repo",
                "missing; expected a git URL or path",
                "or set [workspace].url_base",
            )
        ok = False
    else:
        configured = resolve_repo(repo, root, url_base)
        repo = rewrite_url(configured, rewrite)
        why = repo_problem(repo)
        if why:
            out.add(
                label % "repo",
                f"after rewriting, {repo!r} {why}",
                f"check the [rewrite] rules in {LOCAL_NAME}",
            )
            ok = False

    raw_path = values.get("path")
    path = Path(os.path.normpath(root / (raw_path if raw_path else siblings_dir / name)))
    parent = root.parent
    if not path.is_relative_to(parent) or path in (parent, root) or root.is_relative_to(path):
        out.add(
            label % "path",
            f"{path} is not a directory below {parent} (other than the workspace itself)",
            "siblings live beside the workspace, e.g. '../<name>'",
        )
        ok = False

    if not ok or repo is None:
        return None
    return Sibling(
        name=name,
        repo=repo,
        path=path,
        layer=layer,
        revision=values.get("revision"),
        depends_on=values.get("depends_on", ()),
        tags=values.get("tags", ()),
        extras=values.get("extras", ()),
        dependency_groups=values.get("dependency_groups"),
        python_package=values.get("python_package", True),
        index=index,
        configured_repo=configured if configured != repo else None,
    )


def _check_across(siblings: list[Sibling], out: _Collector) -> None:
    """Rules that involve several siblings: unique names and paths, known dependencies."""
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
                out.add(
                    f"{sib.key}.path ({sib.name})",
                    f"{sib.path} overlaps the path of {owner.key} ({owner.name})",
                    "give each sibling its own directory",
                )
                break
        else:
            by_path[sib.path] = sib
    names = [s.name for s in siblings]
    for sib in siblings:
        for dep in sib.depends_on:
            if dep == sib.name:
                out.add(
                    f"{sib.key}.depends_on ({sib.name})",
                    "a sibling cannot depend on itself",
                    f"remove {dep!r} from its depends_on",
                )
            elif dep not in names:
                out.add(
                    f"{sib.key}.depends_on ({sib.name})",
                    f"unknown sibling {dep!r}",
                    did_you_mean(dep, names) or "depends_on names other [[siblings]]",
                )
