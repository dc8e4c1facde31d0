"""What the venv holds: its distributions and the import names each one provides."""

from __future__ import annotations

import ast
import json
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from workspace.errors import WorkspaceError
from workspace.fsutil import same_path
from workspace.text import normalize_name


@dataclass(frozen=True)
class InstalledDist:
    """A distribution installed in the venv, read from its .dist-info directory."""

    name: str
    version: str
    dist_info: Path
    files: tuple[str, ...]  # RECORD paths, relative to site-packages
    top_level: tuple[str, ...]
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


def _metadata(path: Path) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return out
    for line in text.splitlines():
        if not line.strip():
            break  # the headers end at the first blank line
        key, sep, value = line.partition(":")
        if sep and key in ("Name", "Version") and key not in out:
            out[key] = value.strip()
    return out


def read_dist(dist_info: Path) -> InstalledDist | None:
    meta = _metadata(dist_info / "METADATA")
    if "Name" not in meta:
        return None
    try:
        record = (dist_info / "RECORD").read_text(encoding="utf-8")
    except OSError:
        record = ""
    files = tuple(line.split(",")[0] for line in record.splitlines() if line.strip())
    try:
        top_level = tuple(
            t.strip()
            for t in (dist_info / "top_level.txt").read_text(encoding="utf-8").splitlines()
            if t.strip()
        )
    except OSError:
        top_level = ()
    direct: Mapping[str, object] | None = None
    try:
        raw = json.loads((dist_info / "direct_url.json").read_text(encoding="utf-8"))
        direct = raw if isinstance(raw, dict) else None
    except (OSError, ValueError):
        pass
    return InstalledDist(
        normalize_name(meta["Name"]),
        meta.get("Version", ""),
        dist_info,
        files,
        top_level,
        direct,
    )


def installed_dists(site: Path | None) -> dict[str, InstalledDist]:
    if site is None:
        return {}
    out = {}
    for dist_info in sorted(site.glob("*.dist-info")):
        dist = read_dist(dist_info)
        if dist is not None:
            out[dist.name] = dist
    return out


_SKIP_FLAT = frozenset(
    {"tests", "test", "testing", "docs", "doc", "examples", "scripts", "build", "dist", "venv"}
)
_SKIP_MODULES = frozenset({"setup", "conftest", "noxfile", "fabfile", "tasks"})


def _scan(root: Path, flat: bool, prefix: str = "", depth: int = 0) -> set[str]:
    """Import names below a directory put on sys.path by an editable install's .pth file."""
    names: set[str] = set()
    try:
        entries = sorted(root.iterdir())
    except OSError:
        return names
    for entry in entries:
        stem = entry.name.split(".")[0]
        if not stem.isidentifier() or (entry.name.startswith(("_", ".")) and not prefix):
            continue
        if entry.is_dir():
            if flat and not prefix and entry.name in _SKIP_FLAT:
                continue
            if (entry / "__init__.py").exists():
                names.add(prefix + entry.name)
            elif depth < 3 and any(entry.rglob("*.py")):
                names |= _scan(entry, flat, f"{prefix}{entry.name}.", depth + 1)
        elif entry.suffix in (".py", ".so", ".pyd") and not (flat and stem in _SKIP_MODULES):
            names.add(prefix + stem)
    return names


def _finder_mapping(path: Path) -> dict[str, str]:
    """The MAPPING of a setuptools editable finder module, read without importing it."""
    try:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return {}
    for node in tree.body:
        target = value = None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign):
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and target.id == "MAPPING" and value is not None:
            try:
                mapping = ast.literal_eval(value)
            except ValueError:
                return {}
            return {str(k): str(v) for k, v in mapping.items()} if isinstance(mapping, dict) else {}
    return {}


def import_names(dist: InstalledDist, site: Path, project_root: Path | None = None) -> list[str]:
    """The import names a distribution provides, found from its installed files.

    Editable installs are read through their ``.pth`` path entries and setuptools finder
    mappings; regular installs through RECORD, descending through namespace packages
    (``pyvider/cty/__init__.py`` gives ``pyvider.cty``).
    """
    names: set[str] = set()
    files = set(dist.files)
    for rel in dist.files:
        if rel.startswith(("..", "/")) or ".dist-info/" in rel or "__pycache__" in rel:
            continue
        parts = rel.split("/")
        if len(parts) == 1:
            if rel.endswith(".pth"):
                for raw in (site / rel).read_text(encoding="utf-8").splitlines():
                    line = raw.strip()
                    if not line or line.startswith(("#", "import ", "import\t")):
                        continue
                    root = Path(line)
                    flat = project_root is not None and same_path(root, project_root)
                    names |= _scan(root, flat)
            elif rel.startswith("__editable__") and rel.endswith("_finder.py"):
                names |= set(_finder_mapping(site / rel))
            elif rel.endswith((".py", ".so", ".pyd")) and not rel.startswith("__editable__"):
                names.add(rel.split(".")[0])
            continue
        # A package: the shortest directory prefix with an __init__.py; none means namespace.
        for depth in range(1, len(parts)):
            if "/".join([*parts[:depth], "__init__.py"]) in files:
                names.add(".".join(parts[:depth]))
                break
        else:
            if parts[-1].endswith(".py"):
                names.add(".".join([*parts[:-1], parts[-1][:-3]]))
    if dist.top_level:
        names = {n for n in names if n.split(".")[0] in dist.top_level} or names
    return sorted(names)


_RESOLVE_SCRIPT = """
import importlib.util, json, sys
out = {}
for name in json.loads(sys.argv[1]):
    try:
        spec = importlib.util.find_spec(name)
    except Exception as exc:
        out[name] = {"error": f"{type(exc).__name__}: {exc}"}
        continue
    if spec is None:
        out[name] = {"error": "not importable"}
        continue
    locations = list(spec.submodule_search_locations or [])
    out[name] = {"origin": spec.origin if spec.has_location else None, "locations": locations}
print(json.dumps(out))
"""


def resolve_imports(python: Path, names: Iterable[str]) -> dict[str, dict[str, object]]:
    """Where each import name resolves inside the venv (run by the venv's own Python)."""
    wanted = sorted(set(names))
    if not wanted:
        return {}
    proc = subprocess.run(
        [str(python), "-I", "-c", _RESOLVE_SCRIPT, json.dumps(wanted)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if proc.returncode:
        raise WorkspaceError(
            f"{python} could not look up the import names: {proc.stderr.strip()[-300:]}",
            hint="run: nox -s setup -- --force",
        )
    data = json.loads(proc.stdout)
    return data if isinstance(data, dict) else {}
