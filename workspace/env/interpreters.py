"""Interpreters: which Python versions the workspace allows, and an installed Python that fits."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from workspace.env.uv import run_uv
from workspace.errors import EnvError
from workspace.model.config import Workspace
from workspace.model.project import ProjectInfo
from workspace.model.pythons import holds, versions_named
from workspace.text import display_path

_PYENV_VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)\Z")


@dataclass(frozen=True)
class Interpreter:
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
    versions = versions_named(s for _, s in parts)
    if parts and not holds(combined, versions):
        clashes = [
            f"{a} {sa} vs {b} {sb}"
            for i, (a, sa) in enumerate(parts)
            for b, sb in parts[i + 1 :]
            if not holds(sa & sb, versions)
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
        return Version(proc.stdout.strip()) if proc.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, InvalidVersion):
        return None


def uv_find(uv: str, request: str) -> Path | None:
    """The interpreter ``uv python find`` finds for ``request`` (a version or a specifier);
    never downloads one."""
    proc = run_uv(uv, "python", "find", "--no-python-downloads", "--", request, check=False)
    return Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None


def _candidates(uv: str, spec: SpecifierSet) -> Iterator[Interpreter]:
    """Interpreters in order of preference: uv's own choice, then this one, then pyenv's."""
    found = uv_find(uv, str(spec) or ">=3")
    version = interpreter_version(found) if found is not None else None
    if found is not None and version is not None:
        yield Interpreter(found, version)
    yield Interpreter(Path(sys.executable), Version(".".join(map(str, sys.version_info[:3]))))
    yield from pyenv_pythons()


def pyenv_pythons() -> list[Interpreter]:
    """The Pythons installed under pyenv, newest first.

    pyenv's shims answer only for the active versions, so neither uv nor nox sees the others;
    this looks behind the shims, in ``$PYENV_ROOT/versions``.
    """
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    found = []
    if root.is_dir():
        for entry in root.iterdir():
            python = entry / "bin" / "python"
            if _PYENV_VERSION_RE.match(entry.name) and python.exists():
                found.append(Interpreter(python, Version(entry.name)))
    return sorted(found, key=lambda i: i.version, reverse=True)


def available_versions(wanted: Sequence[str], search_path: str) -> list[str]:
    """Which of the ``wanted`` minor versions (``"3.12"``) this machine has: the running one,
    or a ``pythonX.Y`` on ``search_path`` (shims left out: they answer for active versions
    only, so put :func:`pyenv_pythons` on the path first)."""
    current = f"{sys.version_info[0]}.{sys.version_info[1]}"
    dirs = [Path(d) for d in search_path.split(os.pathsep) if d and "shims" not in d]
    return [v for v in wanted if v == current or any((d / f"python{v}").exists() for d in dirs)]


def find_python(uv: str, spec: SpecifierSet, explicit: str | None = None) -> Interpreter:
    """An installed interpreter satisfying ``spec``; never downloads one."""
    if explicit:
        path = Path(explicit)
        if not path.exists():
            found = uv_find(uv, explicit)
            if found is None:
                raise EnvError(
                    f"--python {explicit}: no such interpreter",
                    hint="give a path to a python executable or a version such as 3.12",
                )
            path = found
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
