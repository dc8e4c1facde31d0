"""The shared venv on disk: its interpreter, pyvenv.cfg, site-packages, the fingerprint of
what it was built from, and the lock that keeps two setups from interleaving."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from workspace.env.interpreters import Interpreter
from workspace.env.plan import InstallPlan
from workspace.fsutil import atomic_write_text
from workspace.model.config import Workspace
from workspace.text import display_path

FINGERPRINT_NAME = ".wrknv-fingerprint.json"
FINGERPRINT_VERSION = 2  # 2: the test requirements joined the resolution
LOCK_NAME = "setup.lock"
INPUT_DIR = "setup"  # under the workspace state dir: the files handed to uv
Log = Callable[[str], None]


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


def _file_digest(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return "-"


def fingerprint(
    plan: InstallPlan, python: Interpreter, uv_version_text: str, flags: Mapping[str, Any]
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


def write_fingerprint(
    venv: Path,
    digest: str,
    python: Interpreter,
    uv_text: str,
    installed: Sequence[str],
    flags: Mapping[str, Any],
) -> None:
    """Record what the venv was built from, written last so a half-done setup has none."""
    stamp = {
        "hash": digest,
        "python_home": str(python.path),
        "python_version": str(python.version),
        "uv": uv_text,
        "installed": list(installed),
        "flags": dict(flags),
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
    }
    atomic_write_text(venv / FINGERPRINT_NAME, json.dumps(stamp, indent=2) + "\n")


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


_IMPORT_SCRIPT = """
import importlib, json, sys
out = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
        out[name] = None
    except Exception as exc:
        out[name] = f"{type(exc).__name__}: {exc}"
print(json.dumps(out))
"""


def importable(python: Path, modules: Sequence[str]) -> dict[str, str | None]:
    """Which modules the venv's own Python imports: name -> None, or why not, in one line."""
    try:
        proc = subprocess.run(
            [str(python), "-I", "-c", _IMPORT_SCRIPT, *modules],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        data = json.loads(proc.stdout.strip().splitlines()[-1])
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError):
        return dict.fromkeys(modules, f"{python} does not run")
    return {m: data.get(m, "not reported") if isinstance(data, dict) else "?" for m in modules}
