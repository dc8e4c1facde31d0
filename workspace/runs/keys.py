"""A suite's cache key: a hash of everything that can change its result.

- the sibling's own files: the commit's tree (git's own object id) and the content of every
  file git reports as changed or untracked;
- the same for every sibling it needs, transitively, by any category (runtime, extras, the
  groups its tests use);
- what setup installed (the resolved pins and the venv's fingerprint), the Python (version,
  implementation) and the platform;
- the pytest arguments (configured and given), the values of the environment variables and
  the content of the files that ``[workspace.test] env`` and ``inputs`` declare;
- the format of the key itself.

Each part is kept apart (:class:`Inputs`), so that ``explain`` can say which one changed.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from workspace.env.setup import read_pins
from workspace.env.venv import read_fingerprint, read_pyvenv
from workspace.fsutil import file_digest
from workspace.model.config import Workspace
from workspace.model.graph import Graph
from workspace.repos import git

KEY_FORMAT = 2  # 2: the suite's own name is a part (siblings of one cycle need the same trees)


@dataclass(frozen=True)
class Tree:
    """What a checkout holds: its commit's tree, and the files that differ from it."""

    tree: str | None  # None: no commit yet
    changed: Mapping[str, str] = field(default_factory=dict)  # path -> content digest

    @property
    def digest(self) -> str:
        return _digest({"tree": self.tree, "changed": dict(self.changed)})  # _digest sorts the keys


@dataclass(frozen=True)
class Inputs:
    """A suite's key, part by part: ``parts`` name -> digest; ``trees`` for explain."""

    name: str
    parts: Mapping[str, str]
    trees: Mapping[str, Tree]  # the sibling's and those it needs
    pins: Mapping[str, str]  # distribution -> pinned version, of the third-party set

    @property
    def key(self) -> str:
        return _digest({"format": KEY_FORMAT, **self.parts})


def _digest(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def tree_of(path: Path) -> Tree | None:
    """The checkout's state by content; None when git cannot say it (then nothing is cached)."""
    if not git.is_checkout(path):
        return None
    tree = git.output(["rev-parse", "--verify", "--quiet", "HEAD^{tree}"], path)
    proc = git.run(
        ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"],
        path,
        check=False,
    )
    if proc.returncode:
        return None
    names = [entry[3:] for entry in proc.stdout.split("\0")]
    # Bytecode that a test run leaves where git does not ignore it changes no result.
    kept = [n for n in names if n and "__pycache__/" not in n and not n.endswith(".pyc")]
    return Tree(tree, {name: file_digest(path / name) for name in kept})


def environment(ws: Workspace, venv: Path | None, pins: Mapping[str, str]) -> dict[str, str] | None:
    """The parts every suite of an environment shares (the shared venv's, or ``venv``'s with
    its resolution's ``pins``); None when setup has not run (or left a damaged fingerprint)."""
    stamp = read_fingerprint(venv or ws.venv, damaged_is_missing=True)
    if stamp is None:
        return None
    cfg = read_pyvenv(venv or ws.venv)
    files = sorted({p for pattern in ws.test.inputs for p in ws.root.glob(pattern) if p.is_file()})
    return {
        "venv": stamp.hash,
        "pins": _digest(dict(pins)),
        "python": f"{cfg.get('implementation', 'python')}-{cfg.get('version_info', '?')}",
        "platform": sys.platform,
        "env": _digest({name: os.environ.get(name) for name in ws.test.env}),
        "inputs": _digest({str(p.relative_to(ws.root)): file_digest(p) for p in files}),
    }


def suite_inputs(
    graph: Graph,
    names: Sequence[str],
    args: Mapping[str, Sequence[str]],
    jobs: int = 8,
    *,
    venv: Path | None = None,
    pins_file: Path | None = None,
) -> dict[str, Inputs]:
    """The inputs of each named suite whose result can be cached (``test.cache`` not false,
    and git able to say every tree it depends on); siblings are read in parallel, once.
    ``venv`` and ``pins_file``: the environment of another Python than the shared venv's."""
    ws = graph.workspace
    pins = read_pins(pins_file or ws.state.pins()).versions
    shared = environment(ws, venv, pins)
    if shared is None:
        return {}
    wanted = [n for n in names if ws.sibling(n).test.cache]
    needed = {n: sorted(graph.closure([n], upward=False)) for n in wanted}
    siblings = sorted({s for deps in needed.values() for s in deps})
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        found = pool.map(lambda n: tree_of(ws.sibling(n).path), siblings)
        trees = {n: t for n, t in zip(siblings, found, strict=True) if t is not None}
    out = {}
    for name in wanted:
        if any(n not in trees for n in needed[name]):
            continue
        mine = {n: trees[n] for n in needed[name]}
        parts = dict(shared)
        parts.update({f"sibling:{n}": t.digest for n, t in mine.items()})
        parts["suite"] = name  # the trees of a dependency cycle's members are the same
        parts["args"] = _digest(list(args.get(name, ())))
        out[name] = Inputs(name, parts, mine, pins)
    return out


def changes(old: Mapping[str, str], new: Inputs, old_trees: Mapping[str, Tree]) -> list[str]:
    """What differs between a stored entry's parts and ``new``, in words, for explain."""
    said = []
    for part in differing(old, new.parts):
        if part.startswith("sibling:"):
            name = part.split(":", 1)[1]
            said.append(f"changed: {name}{_files(old_trees.get(name), new.trees.get(name))}")
        elif part == "pins":
            said.append("changed: the installed third-party packages (setup ran again)")
        else:
            said.append(f"changed: {part}")
    return said


def _files(before: Tree | None, now: Tree | None) -> str:
    """`` (a.py, b.py modified)`` for a sibling whose changed files differ."""
    if before is None or now is None:
        return ""
    paths = differing(before.changed, now.changed)
    if before.tree != now.tree:
        return " (new commits)" if not paths else f" (new commits; {', '.join(paths[:5])})"
    return f" ({', '.join(paths[:5])} modified)" if paths else ""


def differing(old: Mapping[str, str], new: Mapping[str, str]) -> list[str]:
    """The keys whose values differ between two mappings (one missing counts), sorted."""
    return sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))


def tree_data(trees: Mapping[str, Tree]) -> dict[str, object]:
    return {n: {"tree": t.tree, "changed": dict(t.changed)} for n, t in trees.items()}


def pin_changes(old: Mapping[str, str], new: Mapping[str, str]) -> Iterable[str]:
    for name in sorted(set(old) | set(new)):
        if old.get(name) != new.get(name):
            yield f"changed: {name} {old.get(name, '(none)')} -> {new.get(name, '(none)')}"


def first_change(
    old: Mapping[str, str],
    new: Inputs,
    old_trees: Mapping[str, Tree],
    old_pins: Mapping[str, str],
) -> str | None:
    """The one input that changed since a kept pass (its parts, trees and pins), in a few
    words, for test-all's ``why``: the suite's own files first, then those of the siblings it
    needs, then its arguments and declared inputs, then the environment. None: none did."""
    own = f"sibling:{new.name}"
    for part in sorted(differing(old, new.parts), key=lambda p: (p != own, _rank(p))):
        if part.startswith("sibling:"):
            name = part.split(":", 1)[1]
            return f"{name}{_first_file(old_trees.get(name), new.trees.get(name))}"
        if part == "pins":
            said = next(iter(pin_changes(old_pins, new.pins)), "changed: pins")
            return said.removeprefix("changed: ")
        return part
    return None


_ORDER = ("sibling:", "args", "inputs", "env", "pins", "venv", "python", "platform")


def _rank(part: str) -> int:
    return next((i for i, p in enumerate(_ORDER) if part.startswith(p)), len(_ORDER))


def _first_file(before: Tree | None, now: Tree | None) -> str:
    """``'s src/x.py`` (the first file whose content differs) or ``'s commits``."""
    if before is None or now is None:
        return ""
    if before.tree != now.tree:
        return "'s commits"
    paths = differing(before.changed, now.changed)
    return f"'s {paths[0]}" if paths else ""
