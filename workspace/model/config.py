"""wrknv.toml (and wrknv.local.toml over it) parsed once into frozen dataclasses.

This is the only module that touches raw TOML dictionaries of the workspace config. Every
problem in a file is collected and reported together, one line each, naming the file and the
key path (``siblings[3].layer``) with what was expected.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workspace.errors import ConfigError, WorkspaceError
from workspace.model.fields import (
    NAME_RE,
    SIBLING_FIELDS,
    WORKSPACE_FIELDS,
    Collector,
    check_across,
    check_table,
    layer_ok,
    unknown_tables,
)
from workspace.model.local import Overlay, read_local
from workspace.model.pythons import outside
from workspace.model.statedir import STATE_DIR, StateDir
from workspace.model.urls import repo_problem, resolve_repo, rewrite_url
from workspace.text import did_you_mean, display_path, normalize_name
from workspace.tomlread import parse_toml, read_toml

if TYPE_CHECKING:
    from packaging.specifiers import SpecifierSet

CONFIG_NAME = "wrknv.toml"
LOCAL_NAME = "wrknv.local.toml"
LOCK_NAME = "wrknv.lock"
ENV_VAR = "WRKNV_CONFIG"


@dataclass(frozen=True)
class TestSettings:
    """How a sibling's pytest suite is run."""

    __test__ = False  # not a pytest test class

    args: tuple[str, ...] = ()
    timeout: float | None = None
    xdist: bool = True
    split: bool = True  # matrix --shards may spread its test files over several shards
    enabled: bool | None = None  # None: when the sibling is a Python package
    # what the suite needs in the shared venv to run; joins setup's one resolution
    requirements: tuple[str, ...] = ("pytest",)
    # the result cache: whether a pass is kept, and what else its key includes
    cache: bool = True
    env: tuple[str, ...] = ()  # environment variables whose values are inputs
    inputs: tuple[str, ...] = ()  # globs of files beside wrknv.toml that are inputs
    cache_size: int = 1000  # entries kept under .wrknv/cache/, oldest evicted first


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
    def runs_tests(self) -> bool:
        """Whether test-all runs this sibling's tests: a Python package's unless
        ``test.enabled = false``; any other sibling's only when ``test.enabled = true``."""
        return self.python_package if self.test.enabled is None else self.test.enabled

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
    pythons: tuple[str, ...] = ()  # test-all's Pythons; empty: only the shared venv's
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
    def state(self) -> StateDir:
        """Where each state file lives (model/statedir.py)."""
        return StateDir(self.state_dir)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(s.name for s in self.siblings)

    @cached_property
    def _by_name(self) -> dict[str, Sibling]:
        return {normalize_name(s.name): s for s in self.siblings}

    def sibling(self, name: str) -> Sibling:
        """The sibling of that name, compared as names are (case, '-', '_' and '.')."""
        found = self._by_name.get(normalize_name(name))
        if found is not None:
            return found
        raise WorkspaceError(
            f"{display_path(self.config_file)}: no sibling named {name!r}",
            hint=did_you_mean(name, self.names) or "see the [[siblings]] entries",
        )

    def layer_index(self, layer: str | None) -> int:
        return self.layers.index(layer) if layer in self.layers else 0


def find_config(start: Path | None = None) -> Path:
    """The config to use: $WRKNV_CONFIG, else the nearest wrknv.toml from ``start`` upwards."""
    env = os.environ.get(ENV_VAR)
    if env:
        path = Path(env).expanduser().absolute()
        if path.is_dir():
            path = path / CONFIG_NAME
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


def load(path: Path | None = None) -> Workspace:
    """Load and validate a workspace config (and the wrknv.local.toml beside it)."""
    config_file = (path or find_config()).absolute()
    if config_file.is_dir():
        config_file = config_file / CONFIG_NAME
    if not config_file.is_file():
        raise WorkspaceError(
            f"{display_path(config_file)}: no such file", hint=f"create a {CONFIG_NAME}"
        )
    raw = read_toml(config_file)
    local_file = config_file.parent / LOCAL_NAME
    if local_file.is_file():
        return _build(config_file, raw, local_file, read_toml(local_file))
    return _build(config_file, raw, None, {})


def parse(config_file: Path, text: str) -> Workspace:
    """A config not yet on disk (what init is about to write), validated as load() does."""
    return _build(config_file, parse_toml(config_file, text), None, {})


@dataclass(frozen=True)
class _Context:
    """What every sibling entry is read against: the workspace (its siblings still to come)."""

    ws: Workspace
    local: Overlay
    out: Collector
    local_out: Collector

    def where(self, name: str, index: int, key: str) -> tuple[str, Collector]:
        """The key path (a template for the key's name) and the file of a problem with a
        sibling's key: wrknv.local.toml's when that file gave the key."""
        if key in self.local.given.get(name, set()):
            return f"siblings.{name}.%s", self.local_out
        return f"siblings[{index}].%s ({name})", self.out


def _build(
    config_file: Path,
    raw: dict[str, Any],
    local_file: Path | None,
    local_raw: dict[str, Any],
) -> Workspace:
    root = config_file.parent
    main = Collector(config_file)
    local_out = Collector(local_file or root / LOCAL_NAME)
    unknown_tables(raw, {"workspace": "[workspace]", "siblings": "[[siblings]]"}, main)
    ws_raw = raw.get("workspace")
    if ws_raw is None:
        main.add("workspace", "missing required table", "add a [workspace] table with a name")
        ws_raw = {}
    ws = check_table(ws_raw, WORKSPACE_FIELDS, "workspace", main)
    local = read_local(local_raw, ws, local_out)
    draft = Workspace(
        name=ws.get("name", root.name),
        description=ws.get("description", ""),
        python=ws.get("python"),
        pythons=ws.get("pythons", ()),
        venv=(root / ws.get("venv", ".venv")).absolute(),
        siblings_dir=Path(os.path.normpath(root / ws.get("siblings_dir", ".."))),
        url_base=ws.get("url_base"),
        layers=ws.get("layers", ()),
        test=TestSettings(**ws.get("test", {})),
        siblings=(),
        root=root,
        config_file=config_file,
        local_file=local_file,
    )
    raw_sibs = raw.get("siblings", [])
    ctx = _Context(draft, local, main, local_out)
    siblings = _read_siblings(raw_sibs, ctx)
    # every name wrknv.toml gives, a sibling refused for another reason included
    entries = raw_sibs if isinstance(raw_sibs, list) else []
    known = [e["name"] for e in entries if isinstance(e, dict) and isinstance(e.get("name"), str)]
    for name in local.overrides:
        if name not in known:
            local_out.add(
                f"siblings.{name}",
                "no sibling of that name in the workspace",
                did_you_mean(name, known) or f"names come from {CONFIG_NAME}",
            )
    check_across(siblings, main, lambda sib, key: ctx.where(sib.name, sib.index, key))
    _check_pythons(ws, local_raw, main, local_out)
    problems = main.problems + local_out.problems
    if problems:
        raise ConfigError(problems)
    return replace(draft, siblings=tuple(siblings))


def _check_pythons(
    ws: dict[str, Any], local_raw: dict[str, Any], main: Collector, local_out: Collector
) -> None:
    """Every Python of ``pythons`` is one ``python`` allows (named against the file that
    gave either)."""
    local_ws = local_raw.get("workspace")
    given = set(local_ws) if isinstance(local_ws, dict) else set()
    out = local_out if {"python", "pythons"} & given else main
    for version in outside(ws.get("python"), ws.get("pythons", ())):
        out.add("workspace.pythons", f"{version} is outside python {ws['python']}", "drop it")


def _read_siblings(raw_sibs: Any, ctx: _Context) -> list[Sibling]:
    """Every valid [[siblings]] entry, with wrknv.local.toml's overrides applied."""
    if not isinstance(raw_sibs, list) or not all(isinstance(s, dict) for s in raw_sibs):
        ctx.out.add(
            "siblings",
            "expected an array of tables",
            "write each sibling as its own [[siblings]] table",
        )
        return []
    siblings: list[Sibling] = []
    for i, entry in enumerate(raw_sibs):
        key = f"siblings[{i}]"
        raw_name = entry.get("name")
        label = f" ({raw_name})" if isinstance(raw_name, str) and NAME_RE.match(raw_name) else ""
        values = check_table(entry, SIBLING_FIELDS, key, ctx.out, label=label)
        name = values.get("name")
        if "name" not in entry:
            ctx.out.add(f"{key}.name", "missing required key", "every sibling needs a name")
        if name is None:
            continue
        values.update(ctx.local.overrides.get(name, {}))
        # A key given but rejected above is not also reported as missing.
        given = set(entry) | ctx.local.given.get(name, set())
        sibling = _make_sibling(values, given, i, ctx)
        if sibling is not None:
            siblings.append(sibling)
    return siblings


def _make_sibling(
    values: dict[str, Any], given: set[str], index: int, ctx: _Context
) -> Sibling | None:
    name: str = values["name"]
    label = f"siblings[{index}].%s ({name})"
    layer = values.get("layer")
    ok = layer_ok(layer, ctx.ws.layers, *ctx.where(name, index, "layer"))
    repo = values.get("repo")
    if repo is None and ctx.ws.url_base:
        repo = f"{name}.git"
    configured = None
    if repo is None:
        if "repo" not in given:
            ctx.out.add(
                label % "repo",
                "missing; expected a git URL or path",
                "or set [workspace].url_base",
            )
        ok = False
    else:
        configured = resolve_repo(repo, ctx.ws.root, ctx.ws.url_base)
        repo = rewrite_url(configured, ctx.local.rewrite)
        why = repo_problem(repo)
        if why:
            # the rule that made it unsafe is wrknv.local.toml's
            out = ctx.out if repo == configured else ctx.local_out
            out.add(
                label % "repo",
                f"after rewriting, {repo!r} {why}",
                f"check the [rewrite] rules in {LOCAL_NAME}",
            )
            ok = False
    path = _sibling_path(values.get("path"), name, ctx.where(name, index, "path"), ctx)
    if not ok or repo is None or path is None:
        return None
    # The checked keys are named as Sibling's fields: a key not given keeps its default.
    return Sibling(
        **{
            **values,
            "repo": repo,
            "path": path,
            "test": replace(ctx.ws.test, **values.get("test", {})),
            "index": index,
            "configured_repo": configured if configured != repo else None,
        }
    )


def _sibling_path(
    raw_path: str | None, name: str, where: tuple[str, Collector], ctx: _Context
) -> Path | None:
    """The sibling's directory: below the workspace's parent, not the workspace itself, and
    not in what the tool owns there (the shared venv, .wrknv)."""
    label, out = where
    root = ctx.ws.root
    path = Path(os.path.normpath(root / (raw_path if raw_path else ctx.ws.siblings_dir / name)))
    parent = root.parent
    if not path.is_relative_to(parent) or path in (parent, root) or root.is_relative_to(path):
        out.add(
            label % "path",
            f"{path} is not a directory below {parent} (other than the workspace itself)",
            "siblings live beside the workspace, e.g. '../<name>'",
        )
        return None
    places = (
        (Path(os.path.normpath(ctx.ws.venv)), "the shared venv"),
        (root / ".venv", "the workspace's .venv"),
        (ctx.ws.state_dir, f"the {STATE_DIR} folder"),
    )
    for place, what in places:
        if path.is_relative_to(place):
            out.add(
                label % "path",
                f"{path} is inside {what} {place}, which the tool rebuilds and deletes",
                "siblings live beside the workspace, e.g. '../<name>'",
            )
            return None
    return path
