"""validate's checks: each a small function returning results; the runner collects them all.

A check never stops the others: an unexpected failure inside one becomes an error result of
that check. What the checks need from the venv (installed distributions, where their import
names resolve) is read once, lazily, by :class:`Context`.
"""

from __future__ import annotations

import ast
import contextlib
import json
import os
import subprocess
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property
from pathlib import Path
from urllib.parse import unquote, urlparse

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from workspace import env
from workspace.errors import GraphError, WorkspaceError
from workspace.model.config import Sibling, Workspace
from workspace.model.graph import Graph
from workspace.repos import git
from workspace.repos import lock as lockfile
from workspace.text import display_path, normalize_name


class Status(str, Enum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True)
class CheckResult:
    """One line of validate's table."""

    name: str
    status: Status
    detail: str
    hint: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        return {
            "name": self.name,
            "status": self.status.value,
            "detail": self.detail,
            "hint": self.hint,
        }


def ok(name: str, detail: str) -> CheckResult:
    return CheckResult(name, Status.OK, detail)


def warning(name: str, detail: str, hint: str | None = None) -> CheckResult:
    return CheckResult(name, Status.WARNING, detail, hint)


def error(name: str, detail: str, hint: str | None = None) -> CheckResult:
    return CheckResult(name, Status.ERROR, detail, hint)


SETUP_HINT = "run: nox -s setup"

# --------------------------------------------------------------------------- the venv's contents


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
                    flat = project_root is not None and _same(root, project_root)
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


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.realpath(a) == os.path.realpath(b)
    except OSError:
        return False


def inside(path: str | Path, root: Path) -> bool:
    real, top = os.path.realpath(path), os.path.realpath(root)
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


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


# --------------------------------------------------------------------------- context


class _LenientGraph(Graph):
    """A graph whose order does not raise: validate reports broken rules as results."""

    def generations(self) -> list[list[str]]:
        try:
            return super().generations()
        except GraphError:
            ws = self.workspace
            by_layer = sorted(ws.siblings, key=lambda s: (ws.layer_index(s.layer), s.name))
            return [[s.name for s in by_layer]]


def lenient(graph: Graph) -> Graph:
    return _LenientGraph(graph.workspace, graph.projects, graph.edges, graph.extras)


class Context:
    """What the checks look at; the venv is inspected once, on first use."""

    def __init__(self, graph: Graph, selected: Iterable[Sibling]) -> None:
        self.graph = graph
        self.workspace: Workspace = graph.workspace
        self.selected = tuple(selected)

    @property
    def python_siblings(self) -> list[Sibling]:
        return [s for s in self.selected if s.python_package and s.name in self.graph.projects]

    @cached_property
    def site(self) -> Path | None:
        return env.site_packages(self.workspace.venv)

    @cached_property
    def dists(self) -> dict[str, InstalledDist]:
        return installed_dists(self.site)

    def dist_of(self, sib: Sibling) -> InstalledDist | None:
        return self.dists.get(self.graph.projects[sib.name].name)

    @cached_property
    def names(self) -> dict[str, list[str]]:
        """Import names per Python sibling installed in the venv."""
        out = {}
        for sib in self.python_siblings:
            dist = self.dist_of(sib)
            if dist is not None and self.site is not None:
                out[sib.name] = import_names(dist, self.site, sib.path)
        return out

    @cached_property
    def resolved(self) -> dict[str, dict[str, object]]:
        python = env.venv_python(self.workspace.venv)
        if not python.exists():
            return {}
        return resolve_imports(python, (n for names in self.names.values() for n in names))

    @cached_property
    def spec(self) -> SpecifierSet:
        projects = {s.name: self.graph.projects[s.name] for s in self.python_siblings}
        return env.python_spec(self.workspace, projects)


# --------------------------------------------------------------------------- the checks


def check_python(ctx: Context) -> list[CheckResult]:
    """A Python that satisfies the workspace and every selected sibling."""
    try:
        spec = ctx.spec
    except WorkspaceError as exc:
        return [error("python", exc.message, exc.hint)]
    shown = str(spec) or "any version"
    version = env.venv_version(ctx.workspace.venv)
    if version is None:
        try:
            found = env.find_python(env.find_uv(), spec)
        except WorkspaceError as exc:
            return [error("python", f"requirement {shown}: {exc.message}", exc.hint)]
        return [ok("python", f"requirement {shown}: setup would use {found}")]
    if not spec.contains(version, prereleases=True):
        return [
            error(
                "python",
                f"the venv has Python {version}, which does not satisfy {shown}",
                "run: nox -s setup (it rebuilds the venv with a matching Python)",
            )
        ]
    return [ok("python", f"Python {version} satisfies {shown}")]


def check_venv(ctx: Context) -> list[CheckResult]:
    """The venv exists, runs, and was built from the Python setup chose."""
    venv = ctx.workspace.venv
    shown = display_path(venv)
    cfg = env.read_pyvenv(venv)
    if not cfg:
        return [error("venv", f"{shown} is missing (no pyvenv.cfg)", SETUP_HINT)]
    version = env.venv_version(venv)
    home = cfg.get("home", "")
    if not env.venv_python(venv).exists() or not home or not Path(home).is_dir():
        return [
            error(
                "venv",
                f"{shown} is broken: its base Python {home or '(unknown)'} is gone",
                "run: nox -s setup -- --force",
            )
        ]
    stamp = env.read_fingerprint(venv)
    if not stamp:
        return [
            warning(
                "venv",
                f"{shown} (Python {version}) was not made by setup, or setup did not finish",
                SETUP_HINT,
            )
        ]
    expected = stamp.get("python_version")
    expected_home = stamp.get("python_home")
    if str(version) != expected or not _same(Path(home), Path(str(expected_home))):
        return [
            error(
                "venv",
                f"{shown} was rebuilt with Python {version} ({home}) after setup used Python "
                f"{expected} ({expected_home})",
                "run: nox -s setup -- --force",
            )
        ]
    return [ok("venv", f"{shown} built by setup from Python {version} ({home})")]


def check_setup_current(ctx: Context) -> list[CheckResult]:
    """The venv was set up from the config, lock and pyproject files as they are now."""
    stamp = env.read_fingerprint(ctx.workspace.venv)
    if not stamp:
        return []  # check_venv reports it
    installed = set(stamp.get("installed") or ())
    wanted = {s.name for s in ctx.python_siblings if s.path.is_dir()}
    missing = sorted(wanted - installed)
    if missing:
        return [
            warning(
                "setup",
                f"not installed by the last setup: {', '.join(missing)}",
                SETUP_HINT,
            )
        ]
    names = [n for n in stamp.get("installed") or () if n in ctx.workspace.names]
    plan = env.make_plan(ctx.graph, [ctx.workspace.sibling(n) for n in names])
    python = env.venv_interpreter(ctx.workspace.venv, SpecifierSet())
    if python is None:
        return []
    try:
        uv_text = env.uv_version(env.find_uv())
    except WorkspaceError as exc:
        return [warning("setup", exc.message, exc.hint)]
    flags = stamp.get("flags")
    digest = env.fingerprint(plan, python, uv_text, flags if isinstance(flags, dict) else {})
    if digest != stamp.get("hash"):
        return [
            warning(
                "setup",
                "the config, lock, a pyproject file or uv changed since the last setup",
                SETUP_HINT,
            )
        ]
    return [ok("setup", f"up to date with the config ({stamp.get('created', '?')})")]


def check_siblings(ctx: Context) -> list[CheckResult]:
    """Each selected sibling is present and a git checkout."""
    out = []
    for sib in ctx.selected:
        name = f"present:{sib.name}"
        shown = display_path(sib.path)
        if not sib.path.is_dir():
            out.append(error(name, f"{shown} does not exist", env.bootstrap_command([sib.name])))
        elif not git.is_checkout(sib.path):
            out.append(
                error(
                    name,
                    f"{shown} is not a git checkout",
                    f"move it away and run: {env.bootstrap_command([sib.name])}",
                )
            )
        else:
            head = git.head_commit(sib.path)
            out.append(ok(name, f"{shown} at {head[:12] if head else '(no commit yet)'}"))
    return out


def check_editables(ctx: Context) -> list[CheckResult]:
    """Each Python sibling is installed as editable from its own path."""
    out = []
    if ctx.site is None:
        return [error("editable", "the venv has no site-packages", SETUP_HINT)]
    for sib in ctx.python_siblings:
        name = f"editable:{sib.name}"
        dist = ctx.dist_of(sib)
        shown = display_path(sib.path)
        if dist is None:
            out.append(error(name, f"{sib.name} is not installed in the venv", SETUP_HINT))
            continue
        source = dist.url_path
        if source is None:
            out.append(
                error(
                    name,
                    f"{dist.name} {dist.version} was installed from an index, not from {shown}",
                    "run: nox -s setup -- --force",
                )
            )
        elif not dist.editable:
            out.append(
                error(
                    name,
                    f"{dist.name} {dist.version} is a copy built from {source}, not editable",
                    "run: nox -s setup -- --force",
                )
            )
        elif not _same(source, sib.path):
            out.append(
                error(
                    name,
                    f"{dist.name} is editable from {source}, not from {shown}",
                    "run: nox -s setup -- --force",
                )
            )
        elif not sib.path.is_dir():
            out.append(
                error(
                    name,
                    f"editable from {shown}, which no longer exists",
                    env.bootstrap_command([sib.name]),
                )
            )
        else:
            out.append(ok(name, f"{dist.name} {dist.version} editable from {shown}"))
    return out


def check_imports(ctx: Context) -> list[CheckResult]:
    """Each sibling's import names resolve to files inside its own checkout."""
    out = []
    for sib in ctx.python_siblings:
        name = f"imports:{sib.name}"
        if ctx.dist_of(sib) is None:
            out.append(error(name, f"{sib.name} is not installed", SETUP_HINT))
            continue
        names = ctx.names.get(sib.name, [])
        if not names:
            out.append(
                warning(
                    name,
                    f"no import names found in the installed files of {sib.name}",
                    "check that its build backend includes its packages",
                )
            )
            continue
        bad = []
        for mod in names:
            where = ctx.resolved.get(mod, {"error": "not looked up"})
            if "error" in where:
                bad.append(f"{mod}: {where['error']}")
                continue
            origin = where.get("origin")
            raw_locations = where.get("locations")
            locations = [str(x) for x in raw_locations] if isinstance(raw_locations, list) else []
            places = [str(origin)] if origin else locations
            if not any(inside(p, sib.path) for p in places):
                bad.append(f"{mod} -> {places[0] if places else '?'}")
        if bad:
            out.append(
                error(
                    name,
                    f"outside {display_path(sib.path)}: {'; '.join(bad)}",
                    "another copy shadows the checkout: run nox -s setup -- --force",
                )
            )
        else:
            out.append(ok(name, f"{', '.join(names)} from {display_path(sib.path)}"))
    return out


def check_versions(ctx: Context) -> list[CheckResult]:
    """Sibling-to-sibling version constraints hold for the local checkouts."""
    versions: dict[str, Version] = {}
    for sib in ctx.python_siblings:
        dist = ctx.dist_of(sib)
        if dist is not None:
            with contextlib.suppress(InvalidVersion):
                versions[sib.name] = Version(dist.version)
    mismatches, unchecked = env.find_mismatches(
        ctx.graph, [s.name for s in ctx.python_siblings], versions
    )
    if mismatches:
        return [
            error(
                "versions",
                "; ".join(str(m) for m in mismatches),
                "update the checkout (nox -s update) or the requirement",
            )
        ]
    if unchecked:
        return [warning("versions", "; ".join(unchecked), "install the sibling: nox -s setup")]
    return [ok("versions", "every sibling-to-sibling constraint is met by the checkouts")]


def check_layers(ctx: Context) -> list[CheckResult]:
    """No runtime edge points to a higher layer, and no runtime cycle."""
    violations = ctx.graph.layer_violations()
    if violations:
        return [
            error(
                "layers",
                "; ".join(violations),
                "a sibling may only need siblings in its own or a lower layer",
            )
        ]
    try:
        Graph.generations(ctx.graph)
    except GraphError as exc:
        return [error("layers", exc.message, exc.hint)]
    shown = f"{len(ctx.workspace.layers)} layers" if ctx.workspace.layers else "no layers declared"
    return [ok("layers", f"every runtime edge points down or sideways ({shown})")]


def check_pip(ctx: Context) -> list[CheckResult]:
    """``uv pip check``: every installed distribution's requirements are met."""
    python = env.venv_python(ctx.workspace.venv)
    if not python.exists():
        return [error("pip-check", "no venv to check", SETUP_HINT)]
    try:
        proc = env.run_uv(env.find_uv(), "pip", "check", "--python", str(python), check=False)
    except WorkspaceError as exc:
        return [error("pip-check", exc.message, exc.hint)]
    text = (proc.stdout + proc.stderr).strip()
    if proc.returncode:
        problems = [line.strip() for line in text.splitlines() if line.strip()]
        return [
            error(
                "pip-check",
                "; ".join(problems[-5:]) or f"uv pip check exited {proc.returncode}",
                "run: nox -s setup -- --force",
            )
        ]
    return [ok("pip-check", text.splitlines()[-1] if text else "no broken requirements")]


def check_lock(ctx: Context) -> list[CheckResult]:
    """When wrknv.lock exists, each checkout is at its locked commit."""
    try:
        entries = lockfile.read_lock(ctx.workspace)
    except WorkspaceError as exc:
        return [error("lock", str(exc).splitlines()[0], "fix or regenerate it: nox -s lock")]
    if entries is None:
        return [ok("lock", "no wrknv.lock (nothing to compare)")]
    drift, unlocked = [], []
    for sib in ctx.selected:
        if not sib.path.is_dir():
            continue  # check_siblings reports it
        entry = entries.get(sib.name)
        if entry is None:
            unlocked.append(sib.name)
            continue
        head = git.head_commit(sib.path)
        if head != entry.commit:
            drift.append(f"{sib.name} at {head[:12] if head else '?'}, locked {entry.commit[:12]}")
    if drift:
        return [
            warning(
                "lock",
                "checkouts differ from wrknv.lock: " + "; ".join(drift),
                "nox -s bootstrap -- --locked to go back, or nox -s lock to record them",
            )
        ]
    if unlocked:
        return [
            warning("lock", f"not in wrknv.lock: {', '.join(unlocked)}", "record them: nox -s lock")
        ]
    return [ok("lock", f"every checkout is at its locked commit ({len(entries)} locked)")]


def check_tests(ctx: Context) -> list[CheckResult]:
    """The test settings can work: pytest (and pytest-xdist where asked) installed, sane values."""
    problems: list[str] = []
    hints: list[str] = []
    python_sibs = ctx.python_siblings
    if not python_sibs:
        return [ok("tests", "no Python siblings selected")]
    have = set(ctx.dists)
    if ctx.site is not None and "pytest" not in have:
        problems.append("pytest is not installed in the venv")
        hints.append("add pytest to a dev or test dependency group")
    xdist = [s.name for s in python_sibs if s.test.xdist]
    if xdist and ctx.site is not None and "pytest-xdist" not in have:
        problems.append(f"xdist is on for {', '.join(xdist)} but pytest-xdist is not installed")
        hints.append("add pytest-xdist to a dependency group, or set test.xdist = false")
    for sib in python_sibs:
        if sib.test.timeout is not None and sib.test.timeout <= 0:
            problems.append(f"{sib.name}: timeout {sib.test.timeout} is not positive")
        numprocs = any(
            a in ("-n", "--numprocesses") or a.startswith(("-n=", "--numprocesses="))
            for a in sib.test.args
        )
        if numprocs and not sib.test.xdist:
            problems.append(f"{sib.name}: test args pass -n but xdist = false")
            hints.append("drop -n from test.args; the runner adds it when xdist is on")
    if problems:
        return [warning("tests", "; ".join(problems), "; ".join(dict.fromkeys(hints)) or None)]
    return [ok("tests", f"settings usable for {len(python_sibs)} Python siblings")]


CHECKS: tuple[Callable[[Context], list[CheckResult]], ...] = (
    check_python,
    check_venv,
    check_setup_current,
    check_siblings,
    check_editables,
    check_imports,
    check_versions,
    check_layers,
    check_pip,
    check_lock,
    check_tests,
)


def run_checks(
    ctx: Context, checks: Iterable[Callable[[Context], list[CheckResult]]] = CHECKS
) -> list[CheckResult]:
    """Every check, whatever the others found; a check that breaks becomes an error result."""
    results: list[CheckResult] = []
    for check in checks:
        name = check.__name__.removeprefix("check_")
        try:
            results.extend(check(ctx))
        except (WorkspaceError, OSError, ValueError, subprocess.SubprocessError) as exc:
            results.append(error(name, f"the check could not run: {exc}", None))
    return results


def config_result(workspace: Workspace) -> CheckResult:
    return ok(
        "config",
        f"{display_path(workspace.config_file)}: {len(workspace.siblings)} siblings, "
        f"{len(workspace.layers)} layers",
    )


def summarize(results: Iterable[CheckResult]) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for result in results:
        counts[result.status] += 1
    return counts


def failed(results: Iterable[CheckResult], strict: bool) -> bool:
    bad = {Status.ERROR, Status.WARNING} if strict else {Status.ERROR}
    return any(r.status in bad for r in results)


__all__ = [
    "CheckResult",
    "Context",
    "Status",
    "config_result",
    "failed",
    "lenient",
    "run_checks",
    "summarize",
]
