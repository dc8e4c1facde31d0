"""Interpreters: which Python versions the workspace allows, and an installed Python that fits."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from workspace.env.uv import run_uv
from workspace.errors import EnvError
from workspace.model.config import Workspace
from workspace.model.project import ProjectInfo
from workspace.text import display_path

# Every Python release a requirement could plausibly name, for intersecting specifiers.
_PROBE_VERSIONS = tuple(
    Version(f"3.{minor}.{patch}") for minor in range(0, 31) for patch in (0, 1, 5, 10, 20, 99)
)
_PYENV_VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)\Z")


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
