"""The bundled demo: local git remotes made from examples/demo, and a config pointing at them.

``python -m workspace demo`` (``nox -s demo``) shows the whole pipeline without the network:
each package under ``examples/demo/`` becomes a git repository in ``<dir>/remotes/<name>``,
``<dir>/workspace/wrknv.toml`` points the siblings at those remotes (``file://`` URLs) with
checkouts in ``<dir>/<name>``, and the normal verbs run on that config, one after another.
Nothing here is special to the demo except where the repositories come from.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

import tomlkit

from workspace.errors import ExitCode, GitError, WorkspaceError
from workspace.fsutil import atomic_write_text
from workspace.model import config
from workspace.model.config import Sibling, TestSettings, Workspace
from workspace.model.graph import build
from workspace.repos import git
from workspace.text import display_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_DIR = PROJECT_ROOT / "examples" / "demo"
DEFAULT_DIR = PROJECT_ROOT / ".demo"
MARKER = ".wrknv-demo"  # written into the demo directory: only such a directory is ever removed
STEPS = ("bootstrap", "setup", "validate", "test-all")
BRANCH = "main"
_HEADER = (
    f"Written by `python -m workspace demo` from {config.CONFIG_NAME} in examples/demo/.",
    "It is rewritten on every run: change the example, not this file.",
)

# What a package directory may hold after someone ran its tests in place; never copied.
_IGNORED = ("__pycache__", "*.pyc", "*.egg-info", ".pytest_cache", ".venv", "build", "dist", ".git")
# A fixed identity and no signing or hooks: the demo must commit on a machine with no git
# configuration at all, and must not be stopped by the user's global hooks or signing setup.
_GIT_CONFIG = (
    *("-c", "user.name=provide-workspace demo", "-c", "user.email=demo@example.invalid"),
    *("-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"),
)


@dataclass(frozen=True)
class Layout:
    """Where the demo keeps its remotes, its workspace config and its checkouts."""

    dir: Path

    @property
    def remotes(self) -> Path:
        return self.dir / "remotes"

    @property
    def workspace(self) -> Path:
        return self.dir / "workspace"

    @property
    def config_file(self) -> Path:
        return self.workspace / config.CONFIG_NAME

    def remote(self, name: str) -> Path:
        return self.remotes / name


class RemoteStatus(str, Enum):
    CREATED = "created"
    UPDATED = "updated"  # the example changed since the last run: a new commit
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class RemoteResult:
    name: str
    status: RemoteStatus
    commit: str


class StepStatus(str, Enum):
    OK = "ok"
    FAILED = "failed"
    NOT_RUN = "not run"  # an earlier step failed


@dataclass(frozen=True)
class StepResult:
    name: str
    status: StepStatus
    code: int | None = None
    duration: float = 0.0


# --------------------------------------------------------------------------- the directory


def prepare_dir(layout: Layout, *, clean: bool) -> bool:
    """Make the demo directory (starting over when ``clean``); True when it was made anew.

    Only a directory holding the demo's marker file is ever removed or reused, so a mistyped
    ``--dir`` cannot wipe or litter someone's files.
    """
    path = layout.dir
    marked = (path / MARKER).is_file()
    if path.exists() and not path.is_dir():
        raise WorkspaceError(
            f"{display_path(path)}: not a directory", hint="choose another place with --dir"
        )
    if path.is_dir() and not marked and any(path.iterdir()):
        raise WorkspaceError(
            f"{display_path(path)}: not empty, and not made by the demo",
            hint="choose a new or empty directory with --dir",
        )
    if clean and marked:
        shutil.rmtree(path)
    fresh = not (path / MARKER).is_file()
    path.mkdir(parents=True, exist_ok=True)
    (path / MARKER).write_text(
        "Made by `python -m workspace demo`; `--clean` removes this whole directory.\n",
        encoding="utf-8",
    )
    return fresh


# --------------------------------------------------------------------------- the example


def load_example(source: Path = EXAMPLE_DIR) -> Workspace:
    """The demo's own wrknv.toml, read in place (its siblings are the plain example folders)."""
    file = source / config.CONFIG_NAME
    if not file.is_file():
        raise WorkspaceError(
            f"{display_path(file)}: no such file",
            hint="the demo runs from a clone of provide-workspace, which has examples/demo/",
        )
    example = config.load(file)
    missing = [s.name for s in example.siblings if not (s.path / "pyproject.toml").is_file()]
    if missing:
        raise WorkspaceError(
            f"{display_path(file)}: no package folder for {', '.join(missing)}",
            hint=f"each sibling needs {display_path(source)}/<name>/pyproject.toml",
        )
    return example


def example_mermaid(source: Path = EXAMPLE_DIR) -> str:
    """The Mermaid flowchart of the demo, as ``graph --mermaid -`` prints it for that config."""
    graph = build(load_example(source))
    graph.check()
    return graph.to_mermaid()


# --------------------------------------------------------------------------- remotes


def _git(cwd: Path, *args: str) -> str:
    try:
        return git.run([*_GIT_CONFIG, *args], cwd).stdout.strip()
    except git.GitFailure as exc:
        raise GitError(
            f"{display_path(cwd)}: git {args[0]} failed: {exc.detail}",
            hint="the demo's remotes are scratch copies: rerun with --clean",
        ) from None


def _replace_tree(source: Path, target: Path) -> None:
    """Make ``target`` hold exactly the files of ``source`` (keeping ``target/.git``)."""
    for entry in target.iterdir():
        if entry.name == ".git":
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*_IGNORED), dirs_exist_ok=True)


def sync_remote(source: Path, remote: Path) -> RemoteResult:
    """Copy ``source`` into the git repository ``remote``; commit only when something changed."""
    name = remote.name
    created = not (remote / ".git").is_dir()
    if created:
        if remote.exists():
            shutil.rmtree(remote)  # half-made by an interrupted run, inside the demo directory
        remote.mkdir(parents=True)
        _git(remote, "init", "-q")
        _git(remote, "symbolic-ref", "HEAD", f"refs/heads/{BRANCH}")
    _replace_tree(source, remote)
    # --force: the copy is exact, whatever the user's global excludes say.
    _git(remote, "add", "--all", "--force", "--", ".")
    changed = git.run(["diff", "--cached", "--quiet"], remote, check=False).returncode != 0
    status = RemoteStatus.UNCHANGED
    if created or changed:
        status = RemoteStatus.CREATED if created else RemoteStatus.UPDATED
        message = f"demo: {name} from examples/demo" if created else f"demo: {name} changed"
        _git(remote, "commit", "-q", "--no-verify", "--allow-empty", "-m", message)
    return RemoteResult(name, status, _git(remote, "rev-parse", "HEAD"))


# --------------------------------------------------------------------------- the config


def _present(table: dict[str, Any]) -> dict[str, Any]:
    """The keys with a value: None leaves a key to its default."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in table.items() if v is not None}


def _test_table(test: TestSettings) -> dict[str, Any]:
    requirements = None if test.requirements == ("pytest",) else test.requirements
    table = {"args": test.args, "timeout": test.timeout, "xdist": test.xdist}
    return _present(table | {"requirements": requirements, "enabled": test.enabled})


def _sibling_table(sib: Sibling, layout: Layout, base: TestSettings) -> dict[str, Any]:
    test = None
    if sib.test != base:
        test = tomlkit.inline_table()
        test.update(_test_table(sib.test))
    table = {
        "name": sib.name,
        "layer": sib.layer,
        "repo": layout.remote(sib.name).resolve().as_uri(),
        "path": "../" + sib.name,
        "revision": sib.revision,
        **{key: getattr(sib, key) or None for key in ("depends_on", "tags", "extras")},
        "dependency_groups": sib.dependency_groups,
        "python_package": None if sib.python_package else False,
        "test": test,
    }
    return _present(table)


def render_config(ws: Workspace, layout: Layout) -> str:
    """The demo's wrknv.toml: the example's settings, repos at the local remotes."""
    try:
        venv = ws.venv.relative_to(ws.root).as_posix()
    except ValueError:
        venv = ".venv"
    doc = tomlkit.document()
    for line in _HEADER:
        doc.add(tomlkit.comment(line))
    doc.add(tomlkit.nl())
    table: dict[str, Any] = {
        "name": ws.name,
        "description": ws.description or None,
        "python": None if ws.python is None else str(ws.python),
        "venv": venv,
        "siblings_dir": "..",
        "layers": ws.layers or None,
    }
    doc["workspace"] = _present(table) | {"test": _test_table(ws.test)}
    if ws.siblings:
        doc["siblings"] = [_sibling_table(sib, layout, ws.test) for sib in ws.siblings]
    return tomlkit.dumps(doc)


def write_config(example: Workspace, layout: Layout) -> bool:
    """Write the demo config when its text changed; True when written. Validates it first."""
    text = render_config(example, layout)
    target = layout.config_file
    if target.is_file() and target.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(target, text)
    config.load(target)  # a config the demo writes must pass the normal validation
    return True


# --------------------------------------------------------------------------- preparing


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare` did: the demo directory, its remotes and its config."""

    fresh: bool  # the demo directory was made anew
    remotes: tuple[RemoteResult, ...]
    config_written: bool  # False when the config already held the same text


def prepare(example: Workspace, layout: Layout, *, clean: bool) -> Prepared:
    """Everything before the first step: the directory, a remote per sibling, the config.

    This is all ``--prepare-only`` does, so that CI jobs can run the steps themselves, each
    with its own selection, on ``layout.config_file``.
    """
    fresh = prepare_dir(layout, clean=clean)
    remotes = tuple(sync_remote(s.path, layout.remote(s.name)) for s in example.siblings)
    return Prepared(fresh, remotes, write_config(example, layout))


# --------------------------------------------------------------------------- the steps


def missing_verbs(available: Sequence[str]) -> list[str]:
    return [s for s in STEPS if s not in available]


def run_steps(
    steps: Sequence[str],
    layout: Layout,
    runner: Callable[[Sequence[str]], int],  # argv -> exit status
    on_start: Callable[[str, list[str]], None] | None = None,
) -> Iterator[StepResult]:
    """Run each verb on the demo config in turn; after a failure, the rest are NOT_RUN.

    A generator, so that the caller can print each result as soon as its step ends;
    ``on_start`` hears of each step (verb and arguments) just before it runs.
    """
    failed = False
    for verb in steps:
        if failed:
            yield StepResult(verb, StepStatus.NOT_RUN)
            continue
        argv = [verb, "--config", str(layout.config_file)]
        if on_start is not None:
            on_start(verb, argv)
        start = time.monotonic()
        code = int(runner(argv))
        failed = code != ExitCode.OK
        status = StepStatus.FAILED if failed else StepStatus.OK
        yield StepResult(verb, status, code, time.monotonic() - start)


def exit_code(results: Sequence[StepResult]) -> int:
    """The first failed step's own exit code, else OK."""
    failed = (r.code or ExitCode.FAILED for r in results if r.status is StepStatus.FAILED)
    return next(failed, ExitCode.OK)


# --------------------------------------------------------------------------- the docs diagram

DIAGRAM_BEGIN = "<!-- demo-graph:begin (generated by docs/_gen_graph.py; do not edit) -->"
DIAGRAM_END = "<!-- demo-graph:end -->"


def _markers(text: str) -> tuple[int, int]:
    """Where the generated block starts and ends in a page."""
    start, end = text.find(DIAGRAM_BEGIN), text.find(DIAGRAM_END)
    if start < 0 or end < start:
        raise WorkspaceError(
            "no demo graph markers in the page", hint=f"add {DIAGRAM_BEGIN} and {DIAGRAM_END}"
        )
    return start, end


def replace_diagram(text: str, diagram: str) -> str:
    """``text`` with the fenced Mermaid block between the markers replaced by ``diagram``."""
    start, end = _markers(text)
    return f"{text[:start]}{DIAGRAM_BEGIN}\n```mermaid\n{diagram}```\n{text[end:]}"


def diagram_in(text: str) -> str:
    """The Mermaid source between the markers (what :func:`replace_diagram` wrote)."""
    start, end = _markers(text)
    block = text[start + len(DIAGRAM_BEGIN) : end].strip("\n")
    prefix, suffix = "```mermaid\n", "```"
    if not (block.startswith(prefix) and block.endswith(suffix)):
        raise WorkspaceError("the demo graph markers do not hold one ```mermaid block")
    return block[len(prefix) : -len(suffix)]
