"""What the venv holds: its distributions, the import names each one provides, and where those
names resolve, all asked of the venv's own Python (``importlib.metadata``) in one subprocess."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from workspace.errors import WorkspaceError
from workspace.text import normalize_name


@dataclass(frozen=True)
class InstalledDist:
    """A distribution installed in the venv, as ``importlib.metadata`` sees it there."""

    name: str  # normalized (PEP 503)
    version: str
    files: tuple[str, ...] = ()  # as listed in RECORD, relative to the site directory
    direct_url: Mapping[str, object] | None = field(default=None, compare=False)

    @property
    def editable(self) -> bool:
        info = (self.direct_url or {}).get("dir_info")
        return isinstance(info, dict) and bool(info.get("editable"))

    @property
    def url_path(self) -> Path | None:
        """The local directory it was installed from, when it came from a file:// URL."""
        url = (self.direct_url or {}).get("url")
        if not isinstance(url, str) or not url.startswith("file://"):
            return None
        return Path(unquote(urlparse(url).path))


@dataclass(frozen=True)
class VenvContents:
    """What the venv's Python reported: every distribution, and for the ones asked about their
    import names and where each of those names resolves."""

    dists: Mapping[str, InstalledDist] = field(default_factory=dict)
    names: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # by distribution name
    resolved: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # by import name
    # packages_distributions(): top-level import name -> the distributions that provide it
    providers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    stdlib: frozenset[str] = frozenset()  # the venv Python's sys.stdlib_module_names (3.10+)

    def import_names(self, dist: str) -> tuple[str, ...]:
        """The import names of a distribution asked about; empty for any other."""
        return self.names.get(normalize_name(dist), ())


# In a flat layout the project root is on sys.path; these beside the package are not its names.
SKIP_FLAT = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "scripts", "build", "dist", "venv"}
)
SKIP_MODULES = frozenset({"setup", "conftest", "noxfile", "fabfile", "tasks"})

# Run by the venv's Python (3.9 to 3.13), so plain code without this package's imports.
# argv[1] is JSON: the distributions to find import names for, and the flat-layout skips.
SCRIPT = r'''
import importlib.metadata as md
import importlib.util, inspect, json, os, pkgutil, re, sys, warnings
from urllib.parse import unquote, urlparse

warnings.simplefilter("ignore")
ARGS = json.loads(sys.argv[1])
WANTED, SKIP_FLAT, SKIP_MODULES = (set(ARGS[k]) for k in ("wanted", "skip_flat", "skip_modules"))
SPECS = {}


def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def inside(path, top):
    real = os.path.realpath(path)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def find(name):
    """importlib.util.find_spec, once per name; an exception is kept as the answer."""
    if name not in SPECS:
        try:
            SPECS[name] = importlib.util.find_spec(name)
        except Exception as exc:
            SPECS[name] = exc
    return SPECS[name]


def places(spec):
    """Where a spec's code lives: its file, or the directories of a namespace package."""
    if isinstance(spec, Exception) or spec is None:
        return []
    if spec.origin is not None:
        return [spec.origin] if spec.has_location else []
    return list(spec.submodule_search_locations or ())


def listed(dist):
    """The distribution's files (RECORD); none when it has no readable RECORD."""
    try:
        return list(dist.files or ())
    except Exception:
        return []


def where(name):
    spec = find(name)
    if isinstance(spec, Exception):
        return {"error": f"{type(spec).__name__}: {spec}"}
    if spec is None:
        return {"error": "not importable"}
    locations = list(spec.submodule_search_locations or [])
    return {"origin": spec.origin if spec.has_location else None, "locations": locations}


def top_level():
    """packages_distributions(); Python 3.9 lacks it, so it is written out as 3.13 has it."""
    if hasattr(md, "packages_distributions"):
        try:
            return md.packages_distributions()
        except Exception:
            pass
    out = {}
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


def has_init(path):
    try:
        return any(inspect.getmodulename(f) == "__init__" for f in os.listdir(path))
    except OSError:
        return True  # unreadable: nothing to descend into


def below(locations, owns, flat):
    """What the distribution owns in these directories: name -> the directories of a
    namespace package there (empty for a module or a regular package)."""
    found = {}
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


def deepest(prefix, locations, owns, depth):
    """Names below a namespace package, descending through namespaces (pyvider.cty)."""
    names = []
    for name, portions in sorted(below(locations, owns, False).items()):
        if not portions:
            names.append(prefix + name)
        elif depth < 3:
            names += deepest(f"{prefix}{name}.", portions, owns, depth + 1)
    return names


def expand(name, owns):
    spec = find(name)
    if isinstance(spec, Exception) or spec is None or spec.origin is not None:
        return [name]
    portions = [p for p in spec.submodule_search_locations or () if owns(p)]
    return deepest(name + ".", portions, owns, 1) or [name]


def editable_names(top, declared):
    """An editable install's files hold no package: ask the import system what comes from
    the source directory (.pth roots inside it, and what its metadata declares). Also returns
    who owns a path, and the directories its top-level packages may live in."""
    def owns(path):
        return inside(path, top)

    names = set()
    for name in declared:
        if name.startswith("__editable__"):
            continue
        if name.startswith("_") and not any(owns(p) for p in places(find(name))):
            continue  # a helper the installer put in site-packages
        names.update(expand(name, owns))
    roots = dict.fromkeys(p for p in sys.path if p and os.path.isdir(p) and owns(p))
    for root in roots:
        flat = os.path.realpath(root) == top
        for name, portions in below([root], owns, flat).items():
            if name.startswith("_"):
                continue
            names.update(deepest(name + ".", portions, owns, 1) if portions else [name])
    # A setuptools finder maps names to directories; the usual layouts say which.
    homes = [*roots, top, os.path.join(top, "src")]
    return names, owns, homes


def regular_names(dist, declared):
    """A regular install: its declared names, namespaces descended through its own files."""
    files, dirs = set(), set()
    base = os.path.realpath(dist.locate_file(""))
    for path in listed(dist):
        real = os.path.realpath(dist.locate_file(path))
        files.add(real)
        parent = os.path.dirname(real)
        while parent.startswith(base + os.sep) and parent not in dirs:
            dirs.add(parent)
            parent = os.path.dirname(parent)

    def owns(path):
        real = os.path.realpath(path)
        return real in files or real in dirs

    return {n for name in declared for n in expand(name, owns)}, owns, [base]


def split_shared(names, owns, homes, shared):
    """Replace each name that other distributions provide too (a namespace split across
    repositories, pkgutil-style or native) by the deeper names this one owns in it."""
    out = set()
    for name in names:
        if name not in shared:
            out.add(name)
            continue
        parts = name.split(".")
        portions = [
            d for d in dict.fromkeys(os.path.join(h, *parts) for h in homes)
            if os.path.isdir(d) and owns(d)
        ]
        out.update(deepest(name + ".", portions, owns, 1) or [name])
    return out


def source_dir(direct):
    url = direct.get("url") if direct else None
    if not isinstance(url, str) or not url.startswith("file://"):
        return None
    return os.path.realpath(unquote(urlparse(url).path))


def main():
    dists, chosen = {}, {}
    for dist in md.distributions():
        meta = dist.metadata
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
        dists[key] = {"name": name, "version": meta.get("Version") or "", "files": files,
                      "direct_url": direct}
        if key in WANTED:
            chosen[key] = (dist, direct)
    # packages_distributions() walks every distribution: once, for all that follows
    owners = {pkg: {norm(d) for d in who if d} for pkg, who in top_level().items()}
    declared = {}
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
    for _ in range(3):  # a shared name can hold shared names in turn
        counts = {}
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
    names = {key: sorted(n) for key, (n, _owns, _homes) in found.items()}
    resolved = {n: where(n) for found in names.values() for n in found}
    providers = {pkg: sorted(who) for pkg, who in owners.items()}
    stdlib = sorted({*getattr(sys, "stdlib_module_names", ()), *sys.builtin_module_names})
    print(json.dumps({"dists": dists, "names": names, "resolved": resolved,
                      "providers": providers, "stdlib": stdlib}))


if __name__ == "__main__":
    main()
'''


_TIMEOUT = 120  # seconds


def _failure(python: Path, detail: str) -> WorkspaceError:
    return WorkspaceError(
        f"{python} could not look up the import names: {detail}",
        hint="run: nox -s setup -- --force",
    )


def _dist(raw: Mapping[str, object]) -> InstalledDist:
    files = raw.get("files")
    direct = raw.get("direct_url")
    return InstalledDist(
        normalize_name(str(raw.get("name", ""))),
        str(raw.get("version", "")),
        tuple(str(f) for f in files) if isinstance(files, list) else (),
        direct if isinstance(direct, dict) else None,
    )


def read_venv(python: Path, wanted: Iterable[str] = ()) -> VenvContents:
    """Every distribution the venv's Python sees; for the ``wanted`` ones (by distribution
    name), their import names and where each resolves. One subprocess for all of it."""
    args = {
        "wanted": sorted({normalize_name(w) for w in wanted}),
        "skip_flat": sorted(SKIP_FLAT),
        "skip_modules": sorted(SKIP_MODULES),
    }
    try:
        proc = subprocess.run(
            [str(python), "-I", "-c", SCRIPT, json.dumps(args)],
            capture_output=True,
            text=True,
            check=False,
            timeout=_TIMEOUT,
        )
    except OSError as exc:
        raise _failure(python, exc.strerror or str(exc)) from None
    except subprocess.TimeoutExpired:
        raise _failure(python, f"no answer in {_TIMEOUT} s") from None
    if proc.returncode:  # a traceback's last line says what went wrong
        last = proc.stderr.strip().splitlines()[-1:] or [f"exit status {proc.returncode}"]
        raise _failure(python, last[0][-300:])
    lines = proc.stdout.strip().splitlines()  # a .pth file may print before the script runs
    try:
        data = json.loads(lines[-1]) if lines else None
    except ValueError:
        data = None
    if not isinstance(data, dict):
        raise _failure(python, f"unexpected output: {proc.stdout.strip()[-300:]!r}")
    raw_dists, raw_names, raw_resolved, raw_providers = (
        raw if isinstance(raw := data.get(k), dict) else {}
        for k in ("dists", "names", "resolved", "providers")
    )
    dists = {d.name: d for d in (_dist(v) for v in raw_dists.values() if isinstance(v, dict))}
    names = {str(k): tuple(str(n) for n in v) for k, v in raw_names.items() if isinstance(v, list)}
    resolved = {str(k): v for k, v in raw_resolved.items() if isinstance(v, dict)}
    providers = {
        str(k): tuple(map(str, v)) for k, v in raw_providers.items() if isinstance(v, list)
    }
    stdlib = data.get("stdlib")
    return VenvContents(
        dists, names, resolved, providers, frozenset(stdlib if isinstance(stdlib, list) else ())
    )
