"""The shared venv on disk: its interpreter, pyvenv.cfg, site-packages, the fingerprint of
what it was built from (the one reader and writer of that file), and the lock that keeps two
setups from interleaving."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from workspace.env.interpreters import Interpreter
from workspace.env.inuse import Holder, hold, me
from workspace.env.plan import InstallPlan
from workspace.errors import WorkspaceError
from workspace.fsutil import atomic_write_text, file_digest
from workspace.jsonfields import Fields
from workspace.model.config import Workspace
from workspace.model.statedir import fingerprint_file
from workspace.text import display_path

FINGERPRINT_VERSION = 2  # of the hash's parts; 2: the test requirements joined the resolution
REBUILD = "run: nox -s setup -- --force"  # the hint for a venv setup must build anew
Log = Callable[[str], None]


def venv_python(venv: Path) -> Path:
    if os.name == "nt":  # pragma: no cover - Windows layout
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def read_pyvenv(venv: Path) -> dict[str, str]:
    """The keys of ``pyvenv.cfg``; empty when the venv does not exist."""
    try:
        text = (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    except (OSError, ValueError):  # ValueError: not UTF-8
        return {}
    pairs = (line.partition("=") for line in text.splitlines())
    return {key.strip(): value.strip() for key, sep, value in pairs if sep}


def venv_version(venv: Path) -> Version | None:
    cfg = read_pyvenv(venv)
    raw = cfg.get("version_info") or cfg.get("version")
    if not raw:
        return None
    try:
        return Version(raw)
    except ValueError:  # InvalidVersion, or more digits than int() takes
        return None


def site_packages(venv: Path) -> Path | None:
    if os.name == "nt":  # pragma: no cover - Windows layout
        path = venv / "Lib" / "site-packages"
        return path if path.is_dir() else None
    found = sorted((venv / "lib").glob("python*/site-packages"))
    return found[0] if found else None


def fingerprint(plan: InstallPlan, python: Interpreter, uv_version_text: str, flags: Flags) -> str:
    """A hash of everything the environment depends on."""
    ws = plan.workspace
    parts: dict[str, Any] = {
        "format": FINGERPRINT_VERSION,
        "config": file_digest(ws.config_file),
        "local": file_digest(ws.local_file) if ws.local_file else None,
        "lock": file_digest(ws.lock_file),
        "venv": str(ws.venv),
        "python": [str(python.path), str(python.version)],
        "uv": uv_version_text,
        "install": sorted(s.name for s in plan.install),
        "extras": {k: list(v) for k, v in sorted(plan.extras.items())},
        "flags": flags.to_dict(),
        "siblings": {
            name: {
                "path": str(ws.sibling(name).path),
                **{
                    f: file_digest(ws.sibling(name).path / f)
                    for f in ("pyproject.toml", "setup.cfg", "setup.py")
                    if (ws.sibling(name).path / f).exists()
                },
            }
            for name in sorted(plan.projects)
        },
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _version(fields: Fields, key: str) -> Version:
    try:
        return Version(fields.text(key))
    except ValueError:  # InvalidVersion, or more digits than int() takes
        fields.fail(key, f"expected a version number, got {json.dumps(fields.data[key])[:40]}")


@dataclass(frozen=True)
class Flags:
    """setup's options that change what it builds, as the fingerprint records them."""

    python: str | None = None  # an explicit interpreter (path or version)
    from_index: tuple[str, ...] = ()  # siblings let come from the package index, normalized

    def to_dict(self) -> dict[str, Any]:
        listed = {"from_index": list(self.from_index)} if self.from_index else {}
        return {"python": self.python, **listed}


@dataclass(frozen=True)
class Fingerprint:
    """What a venv was built from (``<venv>/.wrknv-fingerprint.json``), written last by setup:
    a venv without one was not made by setup, or setup did not finish."""

    hash: str  # fingerprint(): equal means nothing to do
    python_home: Path
    python_version: Version
    uv: str
    installed: tuple[str, ...]  # the siblings installed from their checkouts
    flags: Flags
    created: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "hash": self.hash,
            "python_home": str(self.python_home),
            "python_version": str(self.python_version),
            "uv": self.uv,
            "installed": list(self.installed),
            "flags": self.flags.to_dict(),
            "created": self.created,
        }

    @classmethod
    def from_dict(cls, data: object, file: Path) -> Fingerprint:
        """Every field checked: a WorkspaceError naming ``file`` and the key when one is wrong."""
        fields = Fields(data, file, hint=REBUILD)
        flags = fields.obj("flags")
        return cls(
            fields.text("hash"),
            Path(fields.text("python_home")),
            _version(fields, "python_version"),
            fields.text("uv"),
            fields.texts("installed"),
            Flags(flags.opt_text("python"), flags.texts("from_index")),
            fields.text("created"),
        )


def read_fingerprint(venv: Path, *, damaged_is_missing: bool = False) -> Fingerprint | None:
    """The fingerprint's one reader: None when ``venv`` has none; a WorkspaceError naming the
    file and the key when it is damaged, or None too where the caller says so
    (``damaged_is_missing``: setup then rebuilds over it, and no result is cached on it)."""
    file = fingerprint_file(venv)
    try:
        fields = Fields.load(file, REBUILD)
        return None if fields is None else Fingerprint.from_dict(fields.data, file)
    except WorkspaceError:
        if damaged_is_missing:
            return None
        raise


def write_fingerprint(venv: Path, stamp: Fingerprint) -> None:
    """Record what the venv was built from, written last so a half-done setup has none."""
    text = json.dumps(stamp.to_dict(), indent=2, allow_nan=False)
    atomic_write_text(fingerprint_file(venv), text + "\n")


@contextlib.contextmanager
def setup_lock(workspace: Workspace, log: Log | None = None) -> Iterator[None]:
    """Hold ``.wrknv/setup.lock`` exclusively, with this process named in it, so that two
    setups of one workspace never interleave and test-all, validate and exec wait for the
    build (env/inuse.py); a wait lasts up to ``WRKNV_LOCK_TIMEOUT`` seconds."""
    path = workspace.state.setup_lock

    def waiting(holder: Holder | None) -> str:
        who = f"another {holder}" if holder else "another setup"
        return f"{who} holds {display_path(path)}; waiting for it"

    with hold(path, me("setup", workspace.venv), log, waiting):
        yield


def venv_interpreter(venv: Path, spec: SpecifierSet) -> Interpreter | None:
    """The venv's interpreter when the venv exists and satisfies ``spec``; no subprocess."""
    home = read_pyvenv(venv).get("home")
    version = venv_version(venv)
    if version is None or not home or not venv_python(venv).exists():
        return None
    return Interpreter(Path(home), version) if spec.contains(version, prereleases=True) else None
