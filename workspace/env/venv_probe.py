"""What a venv holds, printed as JSON by its own Python (3.9+, maybe without this package):
``python -I venv_probe.py '{"wanted": [names]}'`` (-I keeps this folder off sys.path), or
which modules import, ``'{"import": [modules]}'``; run and read by ``env/installed.py``.
Standard library only."""

from __future__ import annotations

import functools
import importlib.metadata as md
import importlib.util
import inspect
import json
import os
import pkgutil
import re
import sys
import warnings
from collections.abc import Callable, Iterable
from importlib.machinery import ModuleSpec
from typing import Any, Union
from urllib.parse import unquote, urlparse

# In a flat layout the project root is on sys.path; these beside the package are not its names.
SKIP_FLAT = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "scripts", "build", "dist", "venv"}
)
SKIP_MODULES = frozenset({"setup", "conftest", "noxfile", "fabfile", "tasks"})

Owns = Callable[[str], bool]
Found = tuple[set[str], Owns, list[str]]  # names, who owns a path, where packages may live
Spec = Union[ModuleSpec, None, Exception]  # evaluated at runtime: no `|` on 3.9


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def inside(path: str, top: str) -> bool:
    real = os.path.realpath(path)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


@functools.cache
def find(name: str) -> Spec:
    """importlib.util.find_spec, once per name; an exception is kept as the answer."""
    try:
        return importlib.util.find_spec(name)
    except Exception as exc:
        return exc


def places(spec: Spec) -> list[str]:
    """Where a spec's code lives: its file, or the directories of a namespace package."""
    if isinstance(spec, Exception) or spec is None:
        return []
    if spec.origin is not None:
        return [spec.origin] if spec.has_location else []
    return list(spec.submodule_search_locations or ())


def listed(dist: md.Distribution) -> list[md.PackagePath]:
    """The distribution's files (RECORD); none when it has no readable RECORD."""
    try:
        return list(dist.files or ())
    except Exception:
        return []


def where(name: str) -> dict[str, Any]:
    spec = find(name)
    if isinstance(spec, Exception):
        return {"error": f"{type(spec).__name__}: {spec}"}
    if spec is None:
        return {"error": "not importable"}
    locations = list(spec.submodule_search_locations or [])
    return {"origin": spec.origin if spec.has_location else None, "locations": locations}


def top_level() -> dict[str, list[str]]:
    """packages_distributions(); Python 3.9 lacks it, so it is written out as 3.13 has it."""
    if hasattr(md, "packages_distributions"):
        try:
            return dict(md.packages_distributions())
        except Exception:
            pass
    out: dict[str, list[str]] = {}
    for dist in md.distributions():
        declared = (dist.read_text("top_level.txt") or "").split()
        inferred = set()
        for path in listed(dist):
            parts = path.parts
            name = parts[0] if len(parts) > 1 else inspect.getmodulename(str(path)) or str(path)
            if "." not in name:
                inferred.add(name)
        for pkg in declared or sorted(inferred):
            out.setdefault(pkg, []).append(dist.metadata["Name"])
    return out


def has_init(path: str) -> bool:
    try:
        return any(inspect.getmodulename(f) == "__init__" for f in os.listdir(path))
    except OSError:
        return True  # unreadable: nothing to descend into


def below(locations: list[str], owns: Owns, flat: bool) -> dict[str, list[str]]:
    """What the distribution owns in these directories: name -> the directories of a
    namespace package there (empty for a module or a regular package)."""
    found: dict[str, list[str]] = {}
    for info in pkgutil.iter_modules(locations):
        if flat and info.name in (SKIP_FLAT if info.ispkg else SKIP_MODULES):
            continue
        finder = getattr(info.module_finder, "find_spec", None)
        spec = finder(info.name) if finder else None
        if spec is not None and spec.origin and owns(spec.origin):
            found.setdefault(info.name, [])
    for location in locations:  # iter_modules does not list namespace packages
        try:
            entries = sorted(os.scandir(location), key=lambda e: e.name)
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not name.isidentifier() or name == "__pycache__" or found.get(name) == []:
                continue
            if (flat and name in SKIP_FLAT) or not entry.is_dir() or not owns(entry.path):
                continue
            if not has_init(entry.path):
                found.setdefault(name, []).append(entry.path)
    return found


def deepest(prefix: str, locations: list[str], owns: Owns, depth: int) -> list[str]:
    """Names below a namespace package, descending through namespaces (pyvider.cty)."""
    names = []
    for name, portions in sorted(below(locations, owns, False).items()):
        if not portions:
            names.append(prefix + name)
        elif depth < 3:
            names += deepest(f"{prefix}{name}.", portions, owns, depth + 1)
    return names


def expand(name: str, owns: Owns) -> list[str]:
    spec = find(name)
    if isinstance(spec, Exception) or spec is None or spec.origin is not None:
        return [name]
    portions = [p for p in spec.submodule_search_locations or () if owns(p)]
    return deepest(name + ".", portions, owns, 1) or [name]


def editable_names(top: str, declared: Iterable[str]) -> Found:
    """An editable install's files hold no package: ask the import system what comes from
    the source directory (.pth roots inside it, and what its metadata declares). Also returns
    who owns a path, and the directories its top-level packages may live in."""

    owns = functools.partial(inside, top=top)
    names = set()
    for name in declared:
        if name.startswith("__editable__"):
            continue
        if name.startswith("_") and not any(owns(p) for p in places(find(name))):
            continue  # a helper the installer put in site-packages
        names.update(expand(name, owns))
    roots = list(dict.fromkeys(p for p in sys.path if p and os.path.isdir(p) and owns(p)))
    for root in roots:
        flat = os.path.realpath(root) == top
        for name, portions in below([root], owns, flat).items():
            if name.startswith("_"):
                continue
            names.update(deepest(name + ".", portions, owns, 1) if portions else [name])
    # A setuptools finder maps names to directories; the usual layouts say which.
    homes = [*roots, top, os.path.join(top, "src")]
    return names, owns, homes


def regular_names(dist: md.Distribution, declared: Iterable[str]) -> Found:
    """A regular install: its declared names, namespaces descended through its own files."""
    files, dirs = set(), set()
    base = os.path.realpath(str(dist.locate_file("")))
    for path in listed(dist):
        real = os.path.realpath(str(dist.locate_file(path)))
        files.add(real)
        parent = os.path.dirname(real)
        while parent.startswith(base + os.sep) and parent not in dirs:
            dirs.add(parent)
            parent = os.path.dirname(parent)

    def owns(path: str) -> bool:
        real = os.path.realpath(path)
        return real in files or real in dirs

    return {n for name in declared for n in expand(name, owns)}, owns, [base]


def split_shared(names: set[str], owns: Owns, homes: list[str], shared: set[str]) -> set[str]:
    """Replace each name that other distributions provide too (a namespace split across
    repositories, pkgutil-style or native) by the deeper names this one owns in it."""
    out = set()
    for name in names:
        if name not in shared:
            out.add(name)
            continue
        parts = name.split(".")
        candidates = dict.fromkeys(os.path.join(h, *parts) for h in homes)
        portions = [d for d in candidates if os.path.isdir(d) and owns(d)]
        out.update(deepest(name + ".", portions, owns, 1) or [name])
    return out


def source_dir(direct: dict[str, Any] | None) -> str | None:
    url = direct.get("url") if direct else None
    if not isinstance(url, str) or not url.startswith("file://"):
        return None
    return os.path.realpath(unquote(urlparse(url).path))


def distributions(wanted: set[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every distribution as reported, and the wanted ones with their direct_url.json."""
    dists: dict[str, Any] = {}
    chosen: dict[str, Any] = {}
    for dist in md.distributions():
        meta: Any = dist.metadata
        name = meta.get("Name") if meta is not None else None
        if not name or norm(name) in dists:
            continue  # no metadata; or shadowed by the same name earlier on sys.path
        try:
            direct = json.loads(dist.read_text("direct_url.json") or "null")
        except ValueError:
            direct = None
        direct = direct if isinstance(direct, dict) else None
        files = [str(f) for f in listed(dist)]
        key = norm(name)
        version = meta.get("Version") or ""
        dists[key] = {"name": name, "version": version, "files": files, "direct_url": direct}
        if key in wanted:
            chosen[key] = (dist, direct)
    return dists, chosen


def unshare(found: dict[str, Found], owners: dict[str, set[str]]) -> dict[str, Found]:
    """Names that several distributions provide, split until each is one's own."""
    for _ in range(3):  # a shared name can hold shared names in turn
        counts: dict[str, set[str]] = {}
        for key, (names, _owns, _homes) in found.items():
            for name in names:
                counts.setdefault(name, set()).add(key)
                counts[name] |= owners.get(name, set())
        shared = {n for n, keys in counts.items() if len(keys) > 1}
        if not shared:
            break
        found = {
            k: (split_shared(names, owns, homes, shared), owns, homes)
            for k, (names, owns, homes) in found.items()
        }
    return found


def probe(wanted: set[str]) -> dict[str, Any]:
    dists, chosen = distributions(wanted)
    # packages_distributions() walks every distribution: once, for all that follows
    owners = {pkg: {norm(d) for d in who if d} for pkg, who in top_level().items()}
    declared: dict[str, set[str]] = {}
    for pkg, dists_of_pkg in owners.items():
        for owner in dists_of_pkg:
            declared.setdefault(owner, set()).add(pkg)
    found = {}
    for key, (dist, direct) in chosen.items():
        top = source_dir(direct)
        info = (direct or {}).get("dir_info")
        editable = isinstance(info, dict) and info.get("editable")
        found[key] = (
            editable_names(top, declared.get(key, ()))
            if editable and top
            else regular_names(dist, declared.get(key, ()))
        )
    names = {key: sorted(n) for key, (n, _owns, _homes) in unshare(found, owners).items()}
    resolved = {n: where(n) for found in names.values() for n in found}
    providers = {pkg: sorted(who) for pkg, who in owners.items()}
    stdlib = sorted({*getattr(sys, "stdlib_module_names", ()), *sys.builtin_module_names})
    answer = {"dists": dists, "names": names, "resolved": resolved, "providers": providers}
    return {**answer, "stdlib": stdlib}


def imports(names: Iterable[str]) -> dict[str, str | None]:
    """Whether each module imports here: None, or why not in one line."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            importlib.import_module(name)
            out[name] = None
        except Exception as exc:
            out[name] = f"{type(exc).__name__}: {exc}"
    return out


def main() -> None:
    warnings.simplefilter("ignore")
    asked = json.loads(sys.argv[1])
    if "import" in asked:  # {"import": [modules]}: which of them import
        print(json.dumps(imports(asked["import"])))
    else:  # {"wanted": [distributions]}: what the venv holds
        print(json.dumps(probe(set(asked["wanted"]))))


if __name__ == "__main__":
    main()
