"""Builders for real test material: git repositories, sibling packages, workspace configs."""

from __future__ import annotations

import json

import subprocess
import textwrap
from collections.abc import Iterable, Mapping, Sequence
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
        f"dependencies = {json.dumps(list(dependencies))}",
    ]
    if requires_python:
        lines.append(f'requires-python = "{requires_python}"')
    if optional:
        lines += ["", "[project.optional-dependencies]"]
        lines += [f"{k} = {json.dumps(list(v))}" for k, v in optional.items()]
    if groups:
        lines += ["", "[dependency-groups]"]
        lines += [f"{k} = {json.dumps(list(v))}" for k, v in groups.items()]
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


_ENV_CONFIG = """
[workspace]
name = "envtest"
url_base = "{remotes}"
layers = ["base", "kit", "apps"]

[workspace.test]
xdist = false
{siblings}
"""
# name, layer, extra lines of its [[siblings]] entry
_ENV_SIBLINGS = (
    ("core", "base", ""),
    ("kit", "kit", ""),
    ("acme-cty", "kit", ""),
    ("app", "apps", ""),
    ("notes", "apps", "python_package = false\n"),
)


def env_workspace(base: Path) -> Path:
    """A workspace of four sibling packages for real uv installs; returns its wrknv.toml.

    Three layers and three build backends; ``core`` has an extra and a dev group that needs
    ``kit`` (which needs ``core`` at runtime: a dev-only cycle); ``app`` asks for ``core[fast]``
    and names ``kit`` in a dependency group by a GitHub URL, which must never be fetched;
    ``acme-cty`` is the namespace package ``acme.cty``. Only pytest (and iniconfig, which
    pytest needs anyway) and the build backends come from the index.
    """
    make_package(
        base / "core",
        "core",
        "0.3.1",
        optional={"fast": ["iniconfig"]},
        groups={"dev": ["kit", "pytest"]},
        backend="setuptools",
    )
    write_files(base / "core", {"src/core/__init__.py": "def answer():\n    return 1\n"})
    make_package(base / "kit", "kit", "0.2.0", dependencies=["core>=0.3"], backend="hatchling")
    make_package(base / "acme-cty", "acme-cty", "1.0.0", module="acme.cty", backend="setuptools")
    make_package(
        base / "app",
        "app",
        "1.0.0",
        dependencies=["core[fast]>=0.3", "acme-cty"],
        groups={"test": ["kit @ git+https://github.com/example/kit.git", "pytest"]},
        backend="flit",
    )
    write_files(
        base / "app",
        {
            "src/app/__init__.py": '"""app"""\n__version__ = "1.0.0"\n\n'
            "def answer():\n    import core\n    return core.answer()\n"
        },
    )
    for name in ("core", "kit", "acme-cty", "app"):
        init_repo(base / name)
    init_repo(base / "notes", {"README.md": "notes\n"})
    root = base / "ws"
    root.mkdir()
    siblings = "".join(
        f'\n[[siblings]]\nname = "{name}"\nlayer = "{layer}"\n{extra}'
        for name, layer, extra in _ENV_SIBLINGS
    )
    return write_config(
        root, _ENV_CONFIG.format(remotes=(base / "remotes").as_uri(), siblings=siblings)
    )


class Recorder:
    """A step runner that records each call and answers with canned exit codes."""

    def __init__(self, codes: dict[str, int] | None = None) -> None:
        self.codes = codes or {}
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> int:
        self.calls.append(list(argv))
        return self.codes.get(argv[0], 0)
