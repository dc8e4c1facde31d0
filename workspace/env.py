"""The shared environment: one uv venv where every selected sibling is an editable install.

Setup is one resolution. Every present Python sibling becomes an ``--overrides`` entry
``-e <path>[extras]``, so any requirement on a sibling, wherever it appears (dependencies,
extras, dependency groups, a version range, a ``git+https://`` URL), resolves to the local
checkout, editable, with the extras the workspace asks of it. The resolution is computed with
``uv pip compile`` first; only when it succeeds is the venv touched, so a failed resolution
leaves the previous venv as it was. The pins are then installed with ``--no-deps``.

A fingerprint of everything the result depends on is stored in the venv; an equal fingerprint
means there is nothing to do.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from workspace.errors import EnvError
from workspace.fsutil import atomic_write_text
from workspace.model.config import Sibling, Workspace
from workspace.model.graph import Graph
from workspace.model.project import ProjectInfo, groups_to_install
from workspace.text import display_path

FINGERPRINT_NAME = ".wrknv-fingerprint.json"
FINGERPRINT_VERSION = 1
LOCK_NAME = "setup.lock"
INPUT_DIR = "setup"  # under the workspace state dir: the files handed to uv
# Every Python release a requirement could plausibly name, for intersecting specifiers.
_PROBE_VERSIONS = tuple(
    Version(f"3.{minor}.{patch}") for minor in range(0, 31) for patch in (0, 1, 5, 10, 20, 99)
)
_PYENV_VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)\Z")

Log = Callable[[str], None]


class ResolutionError(EnvError):
    """uv could not resolve (or install) the environment; ``output`` is uv's explanation."""

    def __init__(
        self, message: str, output: str, hint: str | None = None, *, touched: bool = False
    ) -> None:
        super().__init__(message, hint)
        self.output = output
        self.touched = touched  # whether the venv was already being changed


# --------------------------------------------------------------------------- uv


def find_uv() -> str:
    """The uv executable: the ``uv`` package's (``nox[uv]``) beside this Python, else on PATH.

    nox looks in the same order, so the sessions and the workspace use one uv. It also passes
    over wrappers that come first on PATH, such as pyenv's shims, which cost every uv call
    about 60 ms.
    """
    try:
        import uv  # type: ignore[import-not-found,unused-ignore]

        return str(uv.find_uv_bin())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("uv")
    if found:
        return found
    raise EnvError(
        "uv is not installed (not on PATH, and no 'uv' Python package)",
        hint="install it: pip install 'nox[uv]' (or see https://docs.astral.sh/uv/)",
    )


def uv_env() -> dict[str, str]:
    """The environment for uv: never download a Python, never use an outer venv by accident."""
    env = dict(os.environ)
    env["UV_PYTHON_DOWNLOADS"] = "never"
    env.pop("VIRTUAL_ENV", None)
    env.pop("CONDA_PREFIX", None)
    return env


def run_uv(uv: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run uv with an argument list; raise ResolutionError with uv's output on failure."""
    proc = subprocess.run(
        [uv, *args], capture_output=True, text=True, env=uv_env(), check=False, stdin=None
    )
    if check and proc.returncode:
        raise ResolutionError(
            f"uv {args[0]} {args[1] if len(args) > 1 else ''}".strip()
            + f" failed (exit status {proc.returncode})",
            (proc.stderr or proc.stdout).strip(),
        )
    return proc


def uv_version(uv: str) -> str:
    return run_uv(uv, "--version").stdout.strip()


# --------------------------------------------------------------------------- python


@dataclass(frozen=True)
class Interpreter:
    """A Python interpreter: where it is and which version it is."""

    path: Path
    version: Version

    def __str__(self) -> str:
        return f"Python {self.version} ({self.path})"


def python_spec(workspace: Workspace, projects: Mapping[str, ProjectInfo]) -> SpecifierSet:
    """The workspace python requirement intersected with every sibling's requires-python.

    Raises EnvError naming the requirements that cannot hold together.
    """
    parts: list[tuple[str, SpecifierSet]] = []
    if workspace.python is not None:
        parts.append((f"{display_path(workspace.config_file)} python", workspace.python))
    parts += [
        (f"{name} requires-python", info.requires_python)
        for name, info in sorted(projects.items())
        if info.requires_python is not None
    ]
    combined = SpecifierSet()
    for _, spec in parts:
        combined &= spec
    if parts and not any(combined.contains(v, prereleases=True) for v in _PROBE_VERSIONS):
        clashes = [
            f"{a} {sa} vs {b} {sb}"
            for i, (a, sa) in enumerate(parts)
            for b, sb in parts[i + 1 :]
            if not any((sa & sb).contains(v, prereleases=True) for v in _PROBE_VERSIONS)
        ]
        raise EnvError(
            "no Python version satisfies every requirement: "
            + ("; ".join(clashes) or ", ".join(f"{a} {s}" for a, s in parts)),
            hint="relax one of these requires-python values or the workspace python, or "
            "leave the sibling out of the selection (--skip NAME)",
        )
    return combined


def interpreter_version(path: Path) -> Version | None:
    """Ask an interpreter for its version; None when it does not run."""
    try:
        proc = subprocess.run(
            [str(path), "-I", "-c", "import platform; print(platform.python_version())"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    try:
        return Version(proc.stdout.strip()) if proc.returncode == 0 else None
    except InvalidVersion:
        return None


def _candidates(uv: str, spec: SpecifierSet) -> Iterator[Interpreter]:
    """Interpreters in order of preference: uv's own choice, then this one, then pyenv's."""
    proc = run_uv(
        uv, "python", "find", "--no-python-downloads", "--", str(spec) or ">=3", check=False
    )
    found = proc.stdout.strip()
    if proc.returncode == 0 and found:
        version = interpreter_version(Path(found))
        if version is not None:
            yield Interpreter(Path(found), version)
    yield Interpreter(Path(sys.executable), Version(".".join(map(str, sys.version_info[:3]))))
    # uv cannot see through pyenv shims of versions that are not active; look behind them.
    pyenv_root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    versions = []
    if pyenv_root.is_dir():
        for entry in pyenv_root.iterdir():
            match = _PYENV_VERSION_RE.match(entry.name)
            if match and (entry / "bin" / "python").exists():
                versions.append((Version(entry.name), entry / "bin" / "python"))
    for version, path in sorted(versions, reverse=True):
        yield Interpreter(path, version)


def find_python(uv: str, spec: SpecifierSet, explicit: str | None = None) -> Interpreter:
    """An installed interpreter satisfying ``spec``; never downloads one."""
    if explicit:
        path = Path(explicit)
        if not path.exists():
            proc = run_uv(
                uv, "python", "find", "--no-python-downloads", "--", explicit, check=False
            )
            if proc.returncode:
                raise EnvError(
                    f"--python {explicit}: no such interpreter",
                    hint="give a path to a python executable or a version such as 3.12",
                )
            path = Path(proc.stdout.strip())
        version = interpreter_version(path)
        if version is None:
            raise EnvError(f"--python {explicit}: {path} does not run", hint="check the path")
        if not spec.contains(version, prereleases=True):
            raise EnvError(
                f"--python {explicit} is Python {version}, which does not satisfy {spec}",
                hint="pick an interpreter within the workspace and sibling requirements",
            )
        return Interpreter(path, version)
    for candidate in _candidates(uv, spec):
        if spec.contains(candidate.version, prereleases=True):
            return candidate
    raise EnvError(
        f"no installed Python satisfies {spec} (Pythons are never downloaded)",
        hint="install a matching Python (e.g. 'uv python install' or pyenv) or pass --python PATH",
    )


def venv_python(venv: Path) -> Path:
    if os.name == "nt":  # pragma: no cover - Windows layout
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def read_pyvenv(venv: Path) -> dict[str, str]:
    """The keys of ``pyvenv.cfg``; empty when the venv does not exist."""
    try:
        text = (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep:
            out[key.strip()] = value.strip()
    return out


def venv_version(venv: Path) -> Version | None:
    cfg = read_pyvenv(venv)
    raw = cfg.get("version_info") or cfg.get("version")
    if not raw:
        return None
    try:
        return Version(raw)
    except InvalidVersion:
        return None


def site_packages(venv: Path) -> Path | None:
    if os.name == "nt":  # pragma: no cover - Windows layout
        path = venv / "Lib" / "site-packages"
        return path if path.is_dir() else None
    found = sorted((venv / "lib").glob("python*/site-packages"))
    return found[0] if found else None


# --------------------------------------------------------------------------- the plan


def _relative(path: Path) -> str:
    """A path relative to the current directory, as in ``../provide-foundation``."""
    try:
        return os.path.relpath(path)
    except ValueError:  # pragma: no cover - another drive on Windows
        return str(path)


@dataclass(frozen=True)
class Mismatch:
    """A sibling asks for a version of another sibling that the local checkout is not."""

    source: str
    target: str
    requirement: str
    path: Path
    version: str

    def __str__(self) -> str:
        return (
            f"{self.source} requires {self.requirement} but {_relative(self.path)} "
            f"is {self.version}"
        )


@dataclass(frozen=True)
class Plan:
    """What setup will install, computed from the graph without running anything."""

    workspace: Workspace
    install: tuple[Sibling, ...]  # selected, present Python siblings, in install order
    missing: tuple[Sibling, ...]  # selected but not on disk
    skipped: tuple[Sibling, ...]  # selected, present, but python_package = false or no pyproject
    needed_missing: tuple[tuple[str, str], ...]  # (who needs it, missing sibling)
    extras: Mapping[str, tuple[str, ...]]  # extras per present Python sibling
    groups: Mapping[str, tuple[str, ...]]  # dependency groups installed per sibling
    group_requirements: Mapping[str, tuple[str, ...]]  # flattened, per installed sibling
    projects: Mapping[str, ProjectInfo]
    mismatches: tuple[Mismatch, ...] = ()
    unchecked: tuple[str, ...] = ()  # constraints that could not be checked (dynamic version)
    layers: tuple[tuple[str | None, tuple[str, ...]], ...] = field(default=())

    def editable_line(self, name: str) -> str:
        sib = self.workspace.sibling(name)
        extras = self.extras.get(name, ())
        return f"-e {sib.path}" + (f"[{','.join(extras)}]" if extras else "")

    def requirements_text(self, names: Iterable[str] | None = None) -> str:
        """The requirements input: the siblings as editables and their groups flattened."""
        chosen = [s.name for s in self.install] if names is None else list(names)
        lines = [self.editable_line(n) for n in chosen]
        seen = set(lines)
        for name in chosen:
            for req in self.group_requirements.get(name, ()):
                if req not in seen:
                    seen.add(req)
                    lines.append(req)
        return "\n".join(lines) + "\n"

    def overrides_text(self) -> str:
        """Every present Python sibling, editable, so any requirement on one resolves here."""
        return "\n".join(self.editable_line(n) for n in sorted(self.projects)) + "\n"


def _extras(
    graph: Graph, install: Sequence[str], groups: Mapping[str, tuple[str, ...]]
) -> dict[str, set[str]]:
    """Extras asked of each sibling by anything that is installed, to a fixed point."""
    sibling_of = graph.sibling_for
    extras = {name: set(graph.extras.get(name, ())) for name in graph.projects}
    for name in install:
        extras.setdefault(name, set()).update(graph.workspace.sibling(name).extras)
    active = set(install)
    changed = True
    while changed:
        changed = False
        for name in sorted(active):
            info = graph.projects.get(name)
            if info is None:
                continue
            reqs = list(info.dependencies)
            for extra in sorted(extras.get(name, ())):
                reqs += info.optional.get(extra, ())
            if name in install:
                for group in groups.get(name, ()):
                    reqs += info.groups.get(group, ())
            for req in reqs:
                target = sibling_of(req)
                if target is None or target == name or target not in graph.projects:
                    continue
                if target not in active:
                    active.add(target)
                    changed = True
                if not set(req.extras) <= extras[target]:
                    extras[target] |= set(req.extras)
                    changed = True
    return extras


def local_version(info: ProjectInfo) -> Version | None:
    if info.version is None:
        return None
    try:
        return Version(info.version)
    except InvalidVersion:
        return None


def find_mismatches(
    graph: Graph, names: Iterable[str], versions: Mapping[str, Version] | None = None
) -> tuple[list[Mismatch], list[str]]:
    """Sibling-to-sibling version constraints the local checkouts do not satisfy.

    ``versions`` supplies versions for siblings whose pyproject version is dynamic (for
    example, the installed version); constraints that still cannot be checked are returned as
    the second list.
    """
    chosen = set(names)
    mismatches: list[Mismatch] = []
    unchecked: list[str] = []
    for edge in graph.edges:
        if edge.source not in chosen or edge.requirement is None:
            continue
        info = graph.projects.get(edge.target)
        if info is None:
            continue
        req = Requirement(edge.requirement)
        if req.url or not req.specifier:
            continue
        version = local_version(info) or (versions or {}).get(edge.target)
        if version is None:
            unchecked.append(
                f"{edge.source} requires {req}: the version of {edge.target} is dynamic"
            )
            continue
        if not req.specifier.contains(version, prereleases=True):
            mismatches.append(
                Mismatch(
                    edge.source,
                    edge.target,
                    str(req),
                    graph.workspace.sibling(edge.target).path,
                    str(version),
                )
            )
    return mismatches, unchecked


def make_plan(graph: Graph, selected: Sequence[Sibling]) -> Plan:
    """Decide what to install: present Python siblings, their extras, groups and checks."""
    ws = graph.workspace
    install: list[Sibling] = []
    missing: list[Sibling] = []
    skipped: list[Sibling] = []
    for sib in selected:
        if not sib.path.is_dir():
            missing.append(sib)
        elif not sib.python_package or sib.name not in graph.projects:
            skipped.append(sib)
        else:
            install.append(sib)
    names = [s.name for s in install]
    groups = {n: groups_to_install(ws.sibling(n), graph.projects[n]) for n in names}
    extras = _extras(graph, names, groups)

    sibling_of = graph.sibling_for
    group_reqs: dict[str, tuple[str, ...]] = {}
    for name in names:
        out: list[str] = []
        info = graph.projects[name]
        for group in groups[name]:
            for req in info.groups.get(group, ()):
                target = sibling_of(req)
                if target is None:
                    out.append(str(req))
                elif target in graph.projects:
                    # Only the name: the override turns it into the local editable checkout.
                    marker = f"; {req.marker}" if req.marker else ""
                    out.append(f"{graph.projects[target].name}{marker}")
        group_reqs[name] = tuple(out)

    # A needed sibling that is not on disk would be fetched from the index: refuse that.
    present = set(graph.projects) | {s.name for s in ws.siblings if s.path.is_dir()}
    needed_missing = sorted(
        {(e.source, e.target) for e in graph.edges if e.source in names and e.target not in present}
    )
    mismatches, unchecked = find_mismatches(graph, names)
    layers: list[tuple[str | None, tuple[str, ...]]] = []
    for layer in ws.layers or (None,):
        members = tuple(s.name for s in install if layer is None or s.layer == layer)
        if members:
            layers.append((layer, members))
    return Plan(
        workspace=ws,
        install=tuple(install),
        missing=tuple(missing),
        skipped=tuple(skipped),
        needed_missing=tuple(needed_missing),
        extras={n: tuple(sorted(x)) for n, x in extras.items()},
        groups=groups,
        group_requirements=group_reqs,
        projects=dict(graph.projects),
        mismatches=tuple(mismatches),
        unchecked=tuple(unchecked),
        layers=tuple(layers),
    )


def bootstrap_command(names: Iterable[str]) -> str:
    return f"nox -s bootstrap -- --only {','.join(sorted(set(names)))}"


# --------------------------------------------------------------------------- fingerprint


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"


def fingerprint(
    plan: Plan, python: Interpreter, uv_version_text: str, flags: Mapping[str, Any]
) -> str:
    """A hash of everything the environment depends on."""
    ws = plan.workspace
    parts: dict[str, Any] = {
        "format": FINGERPRINT_VERSION,
        "config": _file_digest(ws.config_file),
        "local": _file_digest(ws.local_file) if ws.local_file else None,
        "lock": _file_digest(ws.lock_file),
        "venv": str(ws.venv),
        "python": [str(python.path), str(python.version)],
        "uv": uv_version_text,
        "install": sorted(s.name for s in plan.install),
        "extras": {k: list(v) for k, v in sorted(plan.extras.items())},
        "flags": dict(sorted(flags.items())),
        "siblings": {
            name: {
                "path": str(ws.sibling(name).path),
                **{
                    f: _file_digest(ws.sibling(name).path / f)
                    for f in ("pyproject.toml", "setup.cfg", "setup.py")
                    if (ws.sibling(name).path / f).exists()
                },
            }
            for name in sorted(plan.projects)
        },
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def read_fingerprint(venv: Path) -> dict[str, Any]:
    try:
        data = json.loads((venv / FINGERPRINT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


# --------------------------------------------------------------------------- locking


@contextlib.contextmanager
def setup_lock(workspace: Workspace, log: Log | None = None) -> Iterator[None]:
    """Hold an exclusive lock so that two setups of one workspace never interleave."""
    workspace.state_dir.mkdir(parents=True, exist_ok=True)
    path = workspace.state_dir / LOCK_NAME
    with path.open("a+") as fh:
        _lock(fh, log, path)
        try:
            yield
        finally:
            _unlock(fh)


def _lock(fh: IO[str], log: Log | None, path: Path) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no waiting, best effort
        return
    try:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if log:
            log(f"another setup holds {display_path(path)}; waiting for it")
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)


def _unlock(fh: IO[str]) -> None:
    try:
        import fcntl
    except ImportError:  # pragma: no cover
        return
    fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


# --------------------------------------------------------------------------- setup


@dataclass(frozen=True)
class Options:
    force: bool = False
    layered: bool = False
    python: str | None = None  # an explicit interpreter (path or version)


@dataclass(frozen=True)
class SetupResult:
    """What setup did: ``changed`` is False when the fingerprint matched."""

    venv: Path
    python: Interpreter
    installed: tuple[str, ...]
    changed: bool
    recreated: bool
    duration: float
    fingerprint: str


def venv_interpreter(venv: Path, spec: SpecifierSet) -> Interpreter | None:
    """The venv's interpreter when the venv exists and satisfies ``spec``; no subprocess."""
    cfg = read_pyvenv(venv)
    version = venv_version(venv)
    home = cfg.get("home")
    if version is None or not home or not venv_python(venv).exists():
        return None
    if not spec.contains(version, prereleases=True):
        return None
    return Interpreter(Path(home), version)


def _write_inputs(state: Path, files: Mapping[str, str]) -> dict[str, Path]:
    state.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, text in files.items():
        path = state / name
        path.write_text(text, encoding="utf-8")
        out[name] = path
    return out


def _compile(uv: str, python: Path, requirements: Path, overrides: Path, output: Path) -> None:
    run_uv(
        uv,
        "pip",
        "compile",
        "--quiet",
        "--no-header",
        "--no-annotate",
        "--python",
        str(python),
        "--overrides",
        str(overrides),
        "-o",
        str(output),
        "--",
        str(requirements),
    )


def setup(plan: Plan, options: Options | None = None, log: Log | None = None) -> SetupResult:
    """Create or update the shared venv for ``plan``; a no-op when the fingerprint matches."""
    options = options or Options()
    say = log or (lambda _msg: None)
    ws = plan.workspace
    uv = find_uv()
    spec = python_spec(ws, {s.name: plan.projects[s.name] for s in plan.install})
    with setup_lock(ws, say):
        start = time.monotonic()
        uv_text = uv_version(uv)
        flags = {"python": options.python}
        # The venv is kept while its Python satisfies the requirements (and --python, if given).
        current = venv_interpreter(ws.venv, spec)
        base = find_python(uv, spec, options.python) if options.python else None
        if current is not None and base is not None and not _same_python(current, base):
            current = None
        if current is not None and not options.force:
            digest = fingerprint(plan, current, uv_text, flags)
            if read_fingerprint(ws.venv).get("hash") == digest:
                return SetupResult(
                    ws.venv,
                    current,
                    tuple(s.name for s in plan.install),
                    changed=False,
                    recreated=False,
                    duration=time.monotonic() - start,
                    fingerprint=digest,
                )
        if base is None:
            base = find_python(uv, spec) if current is None else current
        resolver = venv_python(ws.venv) if current is not None else base.path
        state = ws.state_dir / INPUT_DIR
        inputs = _write_inputs(
            state,
            {
                "requirements.in": plan.requirements_text(),
                "overrides.txt": plan.overrides_text(),
            },
        )
        pins = state / "pins.txt"
        # Resolve before touching the venv: a failure leaves the previous venv as it was.
        _resolve(uv, plan, options, resolver, state, inputs["overrides.txt"], pins)

        recreated = False
        (ws.venv / FINGERPRINT_NAME).unlink(missing_ok=True)
        if current is None:
            say(f"creating {display_path(ws.venv)} with {base}")
            _create_venv(uv, ws.venv, base.path)
            recreated = True
        target = venv_python(ws.venv)
        reinstall = ["--reinstall"] if options.force else []
        if options.layered:
            _install_layers(uv, plan, target, state, inputs["overrides.txt"], pins, reinstall, say)
        else:
            say(f"installing {len(plan.install)} siblings from one resolution")
            try:
                run_uv(
                    uv, "pip", "install", "--quiet", "--python", str(target), "--no-deps",
                    *reinstall, "-r", str(pins),
                )  # fmt: skip
            except ResolutionError as exc:
                raise ResolutionError(
                    "installing the resolved environment failed",
                    exc.output,
                    hint="fix the sibling named in the output, then run setup again",
                    touched=True,
                ) from None

        python = venv_interpreter(ws.venv, spec)
        if python is None:
            raise EnvError(
                f"{display_path(ws.venv)} has no usable pyvenv.cfg after setup",
                hint="run setup again with --force",
            )
        digest = fingerprint(plan, python, uv_text, flags)
        atomic_write_text(
            ws.venv / FINGERPRINT_NAME,
            json.dumps(
                {
                    "hash": digest,
                    "python_home": str(python.path),
                    "python_version": str(python.version),
                    "uv": uv_text,
                    "installed": [s.name for s in plan.install],
                    "flags": flags,
                    "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
                },
                indent=2,
            )
            + "\n",
        )
        return SetupResult(
            ws.venv,
            python,
            tuple(s.name for s in plan.install),
            changed=True,
            recreated=recreated,
            duration=time.monotonic() - start,
            fingerprint=digest,
        )


def _same_python(venv: Interpreter, base: Interpreter) -> bool:
    """Whether a venv (home directory, version) was made from ``base``."""
    if venv.version != base.version:
        return False
    homes = {venv.path, venv.path.resolve()}
    return base.path.parent in homes or base.path.resolve().parent in homes


def _create_venv(uv: str, venv: Path, python: Path) -> None:
    if (venv / "pyvenv.cfg").is_file():
        shutil.rmtree(venv)
    elif venv.exists() and any(venv.iterdir()):
        raise EnvError(
            f"{display_path(venv)} exists and is not a virtual environment",
            hint="move it away, or set [workspace].venv to another path",
        )
    run_uv(uv, "venv", "--quiet", "--no-python-downloads", "--python", str(python), "--", str(venv))


def _resolve(
    uv: str,
    plan: Plan,
    options: Options,
    python: Path,
    state: Path,
    overrides: Path,
    pins: Path,
) -> None:
    """Compute the pins; layered, resolve layer 1, then 1-2, ... so a failure names a layer."""
    if not options.layered:
        try:
            _compile(uv, python, state / "requirements.in", overrides, pins)
        except ResolutionError as exc:
            raise ResolutionError(
                "the workspace does not resolve",
                exc.output,
                hint="uv's explanation is above; --layered shows which layer brings the conflict",
            ) from None
        return
    done: list[str] = []
    for layer, members in plan.layers:
        done += members
        path = _write_inputs(state, {"layer.in": plan.requirements_text(done)})["layer.in"]
        try:
            _compile(uv, python, path, overrides, pins)
        except ResolutionError as exc:
            raise ResolutionError(
                f"layer {layer or '(all)'} ({', '.join(members)}) does not resolve "
                "with the layers below it",
                exc.output,
                hint="uv's explanation is above",
            ) from None


def _install_layers(
    uv: str,
    plan: Plan,
    target: Path,
    state: Path,
    overrides: Path,
    pins: Path,
    reinstall: list[str],
    say: Log,
) -> None:
    """One uv call per layer, bottom-up, each held to the full resolution's pins."""
    constraints = "".join(
        line.strip() + "\n"
        for line in pins.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.lstrip().startswith(("-e", "#"))
    )
    cfile = _write_inputs(state, {"constraints.txt": constraints})["constraints.txt"]
    for layer, members in plan.layers:
        say(f"installing layer {layer or '(all)'}: {', '.join(members)}")
        path = _write_inputs(state, {"layer.in": plan.requirements_text(members)})["layer.in"]
        try:
            run_uv(
                uv, "pip", "install", "--quiet", "--python", str(target),
                "--overrides", str(overrides), "-c", str(cfile), *reinstall, "-r", str(path),
            )  # fmt: skip
        except ResolutionError as exc:
            raise ResolutionError(
                f"installing layer {layer or '(all)'} ({', '.join(members)}) failed",
                exc.output,
                hint="fix the sibling named in the output, then run setup again",
                touched=True,
            ) from None
