"""Builders for real test material: git repositories, sibling packages, workspace configs."""

from __future__ import annotations

import json
import subprocess
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

BACKENDS = {
    "setuptools": ('requires = ["setuptools>=61"]', "setuptools.build_meta"),
    "hatchling": ('requires = ["hatchling"]', "hatchling.build"),
    "flit": ('requires = ["flit_core>=3.4"]', "flit_core.buildapi"),
}


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd``; return its stdout; raise with git's message on failure."""
    proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode:
        raise AssertionError(f"git {' '.join(args)} failed in {cwd}:\n{proc.stderr}")
    return proc.stdout.strip()


def write_files(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")


def init_repo(path: Path, files: Mapping[str, str] | None = None, branch: str = "main") -> str:
    """Make ``path`` a git repository with one commit of ``files``; return the commit."""
    path.mkdir(parents=True, exist_ok=True)
    if files:
        write_files(path, files)
    git(path, "init", "-q", "-b", branch)
    git(path, "add", "-A")
    git(path, "commit", "-q", "--allow-empty", "-m", "initial")
    return git(path, "rev-parse", "HEAD")


def commit_all(path: Path, message: str = "change") -> str:
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", message)
    return git(path, "rev-parse", "HEAD")


def bare_clone(source: Path, dest: Path) -> Path:
    """A bare copy of ``source`` to serve as its remote (use ``dest.as_uri()``)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    git(source.parent, "clone", "-q", "--bare", str(source), str(dest))
    return dest


def toml_value(value: object) -> str:
    """A TOML literal for strings, booleans, numbers, lists and inline tables."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f'"{k}" = {toml_value(v)}' for k, v in value.items()) + " }"
    return "[" + ", ".join(toml_value(v) for v in value) + "]"  # type: ignore[attr-defined]


def pyproject(
    name: str,
    version: str = "0.1.0",
    *,
    dependencies: Iterable[str] = (),
    optional: Mapping[str, Iterable[str]] | None = None,
    groups: Mapping[str, Iterable[str | Mapping[str, str]]] | None = None,
    backend: str = "setuptools",
    requires_python: str | None = None,
) -> str:
    requires, build_backend = BACKENDS[backend]
    lines = [
        "[build-system]",
        requires,
        f'build-backend = "{build_backend}"',
        "",
        "[project]",
        f'name = "{name}"',
        f'version = "{version}"',
        f'description = "{name} test package"',
        f"dependencies = {toml_value(list(dependencies))}",
    ]
    if requires_python:
        lines.append(f'requires-python = "{requires_python}"')
    if optional:
        lines += ["", "[project.optional-dependencies]"]
        lines += [f"{k} = {toml_value(list(v))}" for k, v in optional.items()]
    if groups:
        lines += ["", "[dependency-groups]"]
        lines += [f"{k} = {toml_value(list(v))}" for k, v in groups.items()]
    return "\n".join(lines) + "\n"


def make_package(
    path: Path,
    name: str,
    version: str = "0.1.0",
    *,
    module: str | None = None,
    tests: Mapping[str, str] | None = None,
    **pyproject_kwargs: object,
) -> Path:
    """A sibling package with ``src/<module>/__init__.py`` and optional test files."""
    module = module or name.replace("-", "_")
    files = {
        "pyproject.toml": pyproject(name, version, **pyproject_kwargs),  # type: ignore[arg-type]
        f"src/{module.replace('.', '/')}/__init__.py": f'__version__ = "{version}"\n',
    }
    files.update(tests or {})
    write_files(path, files)
    return path


def write_config(root: Path, text: str, name: str = "wrknv.toml") -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path
