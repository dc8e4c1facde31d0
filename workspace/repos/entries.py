"""init: turn the checkouts beside a meta-repository into its wrknv.toml, noxfile and ignores.

Nothing is written here: :func:`plan_init` returns the files and their text, so the command can
refuse to overwrite, and the config is validated (and, with layers, its graph built) before it
reaches the disk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from workspace.errors import WorkspaceError
from workspace.model.config import CONFIG_NAME, Workspace, parse
from workspace.model.graph import build
from workspace.model.scaffold import (
    NOXFILE,
    Entry,
    missing_ignores,
    relative,
    render,
    repo_value,
    url_base,
)
from workspace.model.urls import repo_problem
from workspace.repos import git
from workspace.repos.scan import Checkout, checkouts, project_name, same_names
from workspace.text import display_path


@dataclass(frozen=True)
class InitPlan:
    config: str  # the text of wrknv.toml
    noxfile: str
    ignores: tuple[str, ...]  # lines to append to .gitignore
    found: tuple[Checkout, ...]
    layers: tuple[str, ...]


def plan_init(meta: Path, siblings_dir: str, *, layers: bool) -> InitPlan:
    """What init would write for the checkouts in ``meta / siblings_dir``."""
    folder = (meta / siblings_dir).resolve()
    found = checkouts(folder, leave_out=[meta])
    if not found:
        raise WorkspaceError(
            f"no git checkouts in {display_path(folder)}",
            hint="clone the sibling repositories there first, or pass --siblings-dir DIR",
        )
    for a, b in same_names(found):
        raise WorkspaceError(
            f"{display_path(a.path)} and {display_path(b.path)} both name the project {a.name!r}",
            hint="move one of them away; each sibling is one repository",
        )
    base = url_base([c.origin for c in found if c.origin])
    entries = [_entry(c, meta, siblings_dir, base) for c in found]
    text = render(meta.resolve().name, siblings_dir, base, (), entries)
    names: tuple[str, ...] = ()
    if layers:
        generations = build(parse(meta / CONFIG_NAME, text)).generations()
        names = tuple(f"layer-{i}" for i in range(1, len(generations) + 1))
        layer_of = {n: f"layer-{i}" for i, gen in enumerate(generations, 1) for n in gen}
        entries = [replace(e, layer=layer_of[e.name]) for e in entries]
        text = render(meta.resolve().name, siblings_dir, base, names, entries)
    parse(meta / CONFIG_NAME, text)  # what init writes passes the normal validation
    gitignore = meta / ".gitignore"
    current = gitignore.read_text(encoding="utf-8") if gitignore.is_file() else ""
    return InitPlan(text, NOXFILE, tuple(missing_ignores(current)), tuple(found), names)


def _entry(found: Checkout, meta: Path, siblings_dir: str, base: str | None) -> Entry:
    default = (meta / siblings_dir / found.name).resolve()
    path = None if found.path.resolve() == default else relative(found.path, meta)
    if found.origin is None:
        return Entry(
            found.name,
            repo=relative(found.path, meta),
            path=path,
            comment="no origin remote: repo is the checkout itself; set the URL to share it",
        )
    return Entry(found.name, repo=repo_value(found.origin, found.name, base), path=path)


def entry_for(target: str, ws: Workspace, name: str | None = None) -> Entry:
    """The [[siblings]] entry for a checkout (a directory) or a repository URL, as ``add``
    writes it: its name from the project (or the URL), its repo from origin, its path when
    it is not where the workspace would put it."""
    # ~name of no user here is no folder (and no repo): not expanded, refused below
    folder = Path(target) if repo_problem(target) else Path(target).expanduser()
    if folder.is_dir():
        if not git.is_checkout(folder):
            raise WorkspaceError(
                f"{display_path(folder)} is not a git checkout",
                hint="add a cloned repository, or its URL",
            )
        found = Checkout(folder.absolute(), project_name(folder), git.origin_url(folder))
        entry = _entry(found, ws.root, relative(ws.siblings_dir, ws.root), ws.url_base)
        return replace(entry, name=name or found.name)
    base = target.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")
    chosen = name or base
    if not chosen or repo_problem(target):
        raise WorkspaceError(
            f"{target!r} is neither a directory nor a repository URL",
            hint="give a checkout's path, or a URL such as https://github.com/org/name.git",
        )
    return Entry(chosen, repo=repo_value(target, chosen, ws.url_base))
