"""Builders for real test material: git repositories, sibling packages, and the one builder of
test workspaces (``make_workspace``: sibling checkouts, their remotes and a wrknv.toml)."""

from __future__ import annotations

import subprocess
import textwrap
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import tomlkit

BACKENDS = {
    "setuptools": ("setuptools>=61", "setuptools.build_meta"),
    "hatchling": ("hatchling", "hatchling.build"),
    "flit": ("flit_core>=3.4", "flit_core.buildapi"),
}
GITIGNORE = "__pycache__/\n*.egg-info/\n"


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
    dependencies: Sequence[str] = (),
    optional: Mapping[str, Sequence[str]] | None = None,
    groups: Mapping[str, Sequence[str | Mapping[str, str]]] | None = None,
    backend: str = "setuptools",
    requires_python: str | None = None,
) -> str:
    requires, build_backend = BACKENDS[backend]
    project: dict[str, Any] = {"name": name, "version": version}
    project.update(description=f"{name} test package", dependencies=list(dependencies))
    if requires_python:
        project["requires-python"] = requires_python
    if optional:
        project["optional-dependencies"] = {k: list(v) for k, v in optional.items()}
    doc: dict[str, Any] = {"build-system": {"requires": [requires], "build-backend": build_backend}}
    doc["project"] = project
    if groups:
        doc["dependency-groups"] = {k: list(v) for k, v in groups.items()}
    return tomlkit.dumps(doc)


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


class Sibling(TypedDict, total=False):
    """One sibling of a test workspace: what its checkout holds, then its wrknv.toml entry.

    ``present`` (default true) puts a checkout at base/<name>. ``package`` (default true) makes
    it a package (pyproject.toml from ``dist``, the distribution name, and the keys after it,
    ``src/<module>/__init__.py``, the tests and a .gitignore); ``files`` are written over it.
    ``git`` commits it and tags the commit ``base``. ``remote`` builds it in base/srv/src, with
    a bare copy in base/srv/remotes as the checkout's origin (``origin`` false removes that).
    ``repo`` defaults to ../<name> (the remote's file:// URL with ``remote``; None: no key);
    ``test`` is the entry's test settings and ``entry`` any other keys of it.
    """

    present: bool
    package: bool
    dist: str
    version: str
    module: str
    dependencies: Sequence[str]
    optional: Mapping[str, Sequence[str]]
    groups: Mapping[str, Sequence[str | Mapping[str, str]]]
    backend: str
    requires: str
    tests: Mapping[str, str]
    files: Mapping[str, str]
    git: bool
    remote: bool
    origin: bool
    repo: str | None
    layer: str
    depends_on: Sequence[str]
    test: Mapping[str, object]
    entry: Mapping[str, object]


@dataclass
class Siblings:
    """What make_siblings built under ``base``: checkouts at base/<name>; for a sibling with a
    remote, its source repository (to commit in) and the bare copy serving as its remote."""

    base: Path
    commits: dict[str, str] = field(default_factory=dict)  # name -> the commit it is at

    @property
    def remote_dir(self) -> Path:
        return self.base / "srv" / "remotes"

    def source(self, name: str) -> Path:
        return self.base / "srv" / "src" / name

    def bare(self, name: str) -> Path:
        return self.remote_dir / f"{name}.git"

    def url(self, name: str) -> str:
        return self.bare(name).as_uri()

    def push_commit(self, name: str, file: str = "new.txt") -> str:
        """A new commit on the remote's main branch."""
        src = self.source(name)
        (src / file).write_text(f"{file} {time.monotonic_ns()}\n")
        sha = commit_all(src, f"add {file}")
        git(src, "push", "-q", str(self.bare(name)), "main")
        self.commits[name] = sha
        return sha


def _package(path: Path, name: str, spec: Sibling, tests: Mapping[str, str] | None) -> None:
    make_package(
        path,
        spec.get("dist", name),
        spec.get("version", "0.1.0"),
        module=spec.get("module"),
        tests=spec.get("tests", tests),
        dependencies=spec.get("dependencies", ()),
        optional=spec.get("optional"),
        groups=spec.get("groups"),
        backend=spec.get("backend", "setuptools"),
        requires_python=spec.get("requires"),
    )
    write_files(path, {".gitignore": GITIGNORE})


def _make_sibling(
    built: Siblings, name: str, spec: Sibling, git_default: bool, tests: Mapping[str, str] | None
) -> None:
    remote, present = spec.get("remote", False), spec.get("present", True)
    checkout = built.base / name
    path = built.source(name) if remote else checkout
    if not (remote or present):
        return
    path.mkdir(parents=True, exist_ok=True)
    if spec.get("package", True):
        _package(path, name, spec, tests)
    write_files(path, spec.get("files", {}))
    if remote or spec.get("git", git_default):
        built.commits[name] = init_repo(path)
        git(path, "tag", "base")
    if remote:
        bare = bare_clone(path, built.bare(name))
        if present:
            git(built.base, "clone", "-q", str(bare), str(checkout))
        if present and not spec.get("origin", True):
            git(checkout, "remote", "remove", "origin")


def make_siblings(
    base: Path,
    siblings: Mapping[str, Sibling],
    *,
    git: bool = True,
    tests: Mapping[str, str] | None = None,
) -> Siblings:
    """Every sibling of ``siblings`` under ``base``; ``git`` and ``tests`` are the defaults of
    each sibling's keys of those names."""
    built = Siblings(base)
    for name, spec in siblings.items():
        _make_sibling(built, name, spec, git, tests)
    return built


def _entry(name: str, spec: Sibling, remotes: Siblings | None) -> dict[str, object]:
    entry: dict[str, object] = {"name": name}
    default = remotes.url(name) if remotes and spec.get("remote") else f"../{name}"
    repo = spec.get("repo", default)
    if repo is not None:
        entry["repo"] = repo
    if "layer" in spec:
        entry["layer"] = spec["layer"]
    if "depends_on" in spec:
        entry["depends_on"] = list(spec["depends_on"])
    entry.update(spec.get("entry", {}))
    if "test" in spec:
        entry["test"] = dict(spec["test"])
    return entry


def wrknv_toml(
    siblings: Mapping[str, Sibling],
    *,
    remotes: Siblings | None = None,
    name: str = "ws",
    venv: Path | str | None = None,
    pythons: Sequence[str] = (),
    layers: Sequence[str] = (),
    url_base: str | None = None,
    test: Mapping[str, object] | None = None,
) -> str:
    """The text of a wrknv.toml naming ``siblings`` (``remotes`` gives the URLs of those with a
    remote), with these [workspace] keys and [workspace.test] settings."""
    head: dict[str, object] = {"name": name}
    if url_base:
        head["url_base"] = url_base
    if venv:
        head["venv"] = str(venv)
    for key, values in (("pythons", pythons), ("layers", layers)):
        if values:
            head[key] = list(values)
    if test:
        head["test"] = dict(test)
    entries = [_entry(n, spec, remotes) for n, spec in siblings.items()]
    return tomlkit.dumps({"workspace": head, "siblings": entries})


def make_workspace(
    base: Path,
    siblings: Mapping[str, Sibling],
    *,
    git: bool = True,
    tests: Mapping[str, str] | None = None,
    **options: Any,
) -> Path:
    """The one builder of test workspaces: ``siblings`` built under ``base`` (make_siblings),
    and base/ws/wrknv.toml naming them (wrknv_toml's ``options``); returns the config."""
    built = make_siblings(base, siblings, git=git, tests=tests)
    (base / "ws").mkdir(parents=True, exist_ok=True)
    return write_config(base / "ws", wrknv_toml(siblings, remotes=built, **options))


# Three layers and three build backends; ``core`` has an extra and a dev group that needs ``kit``
# (which needs ``core`` at runtime: a dev-only cycle); ``app`` asks for ``core[fast]`` and names
# ``kit`` in a dependency group by a GitHub URL, which must never be fetched; ``acme-cty`` is
# the namespace package ``acme.cty``; ``notes`` is no Python package. Only pytest (and
# iniconfig, which pytest needs anyway) and the build backends come from the index.
_ENV_SIBLINGS: dict[str, Sibling] = {
    "core": {
        "repo": None,
        "layer": "base",
        "version": "0.3.1",
        "optional": {"fast": ["iniconfig"]},
        "groups": {"dev": ["kit", "pytest"]},
        "files": {"src/core/__init__.py": "def answer():\n    return 1\n"},
    },
    "kit": {
        "repo": None,
        "layer": "kit",
        "version": "0.2.0",
        "dependencies": ["core>=0.3"],
        "backend": "hatchling",
    },
    "acme-cty": {"repo": None, "layer": "kit", "version": "1.0.0", "module": "acme.cty"},
    "app": {
        "repo": None,
        "layer": "apps",
        "version": "1.0.0",
        "dependencies": ["core[fast]>=0.3", "acme-cty"],
        "groups": {"test": ["kit @ git+https://github.com/example/kit.git", "pytest"]},
        "backend": "flit",
        "files": {
            "src/app/__init__.py": '"""app"""\n__version__ = "1.0.0"\n\n'
            "def answer():\n    import core\n    return core.answer()\n"
        },
    },
    "notes": {
        "repo": None,
        "layer": "apps",
        "package": False,
        "files": {"README.md": "notes\n"},
        "entry": {"python_package": False},
    },
}


def env_workspace(base: Path) -> Path:
    """A workspace of four sibling packages for real uv installs (see _ENV_SIBLINGS), named
    by a url_base whose remotes do not exist; returns its wrknv.toml."""
    return make_workspace(
        base,
        _ENV_SIBLINGS,
        name="envtest",
        url_base=(base / "remotes").as_uri(),
        layers=("base", "kit", "apps"),
        test={"xdist": False},
    )


class Recorder:
    """A step runner that records each call and answers with canned exit codes."""

    def __init__(self, codes: dict[str, int] | None = None) -> None:
        self.codes = codes or {}
        self.calls: list[list[str]] = []

    def __call__(self, argv: Sequence[str]) -> int:
        self.calls.append(list(argv))
        return self.codes.get(argv[0], 0)
