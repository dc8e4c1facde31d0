"""The demo's own parts: remotes, the config it writes, the step sequence, the docs diagram."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import tomlkit

from tests.builders import Recorder, git
from workspace import demo
from workspace._compat import tomllib
from workspace.demo import Layout, RemoteStatus, StepStatus
from workspace.errors import ExitCode, GitError, WorkspaceError
from workspace.model import config
from workspace.model.graph import build

ROOT = Path(__file__).resolve().parents[2]


def _files(repo: Path) -> list[str]:
    return sorted(git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines())


@pytest.fixture
def source(tmp_path: Path) -> Path:
    src = tmp_path / "src" / "pkg"
    (src / "pkg").mkdir(parents=True)
    (src / "pyproject.toml").write_text('[project]\nname = "pkg"\n', encoding="utf-8")
    (src / "pkg" / "__init__.py").write_text("X = 1\n", encoding="utf-8")
    # What running the tests in place leaves behind is never copied.
    (src / "pkg" / "__pycache__").mkdir()
    (src / "pkg" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    (src / ".pytest_cache").mkdir()
    (src / ".pytest_cache" / "README.md").write_text("cache\n", encoding="utf-8")
    return src


def test_remote_is_created_with_one_commit_of_the_files(source: Path, tmp_path: Path) -> None:
    remote = tmp_path / "demo" / "remotes" / "pkg"
    result = demo.sync_remote(source, remote)
    assert result.status is RemoteStatus.CREATED
    assert result.commit == git(remote, "rev-parse", "HEAD")
    assert git(remote, "rev-parse", "--abbrev-ref", "HEAD") == demo.BRANCH
    assert _files(remote) == ["pkg/__init__.py", "pyproject.toml"]
    # A clone through a file:// URL, as bootstrap does, gets the same commit.
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", remote.as_uri(), str(clone))
    assert git(clone, "rev-parse", "HEAD") == result.commit


def test_rerun_without_changes_makes_no_commit(source: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remotes" / "pkg"
    first = demo.sync_remote(source, remote)
    again = demo.sync_remote(source, remote)
    assert again.status is RemoteStatus.UNCHANGED
    assert again.commit == first.commit
    assert git(remote, "rev-list", "--count", "HEAD") == "1"


@pytest.mark.parametrize(
    ("change", "expected_files"),
    [
        (lambda s: (s / "pkg" / "__init__.py").write_text("X = 2\n"), None),
        (lambda s: (s / "pkg" / "new.py").write_text(""), ["pkg/new.py"]),
        (lambda s: (s / "pkg" / "__init__.py").unlink(), []),
    ],
    ids=["edited", "added", "removed"],
)
def test_changed_example_gives_a_new_commit(
    source: Path, tmp_path: Path, change: Callable[[Path], object], expected_files: list[str] | None
) -> None:
    remote = tmp_path / "remotes" / "pkg"
    first = demo.sync_remote(source, remote)
    before = set(_files(remote))
    change(source)
    result = demo.sync_remote(source, remote)
    assert result.status is RemoteStatus.UPDATED
    assert result.commit != first.commit
    assert git(remote, "rev-list", "--count", "HEAD") == "2"
    after = set(_files(remote))
    if expected_files == []:
        assert after == before - {"pkg/__init__.py"}
    elif expected_files:
        assert after == before | set(expected_files)


def test_commits_without_any_git_identity(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh machine has no user.name/email: the demo must commit anyway."""
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.delenv(f"GIT_{role}_NAME", raising=False)
        monkeypatch.delenv(f"GIT_{role}_EMAIL", raising=False)
    monkeypatch.setenv("EMAIL", "")
    # Signing on in the user's config must not stop the demo either.
    gitconfig = tmp_path / "gitconfig"
    gitconfig.write_text("[user]\n\tuseConfigOnly = true\n[commit]\n\tgpgsign = true\n")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    result = demo.sync_remote(source, tmp_path / "remotes" / "pkg")
    assert result.status is RemoteStatus.CREATED


def test_git_failure_is_a_git_error(source: Path, tmp_path: Path) -> None:
    remote = tmp_path / "remotes" / "pkg"
    demo.sync_remote(source, remote)
    (remote / ".git" / "index.lock").write_text("")  # another git "running"
    (source / "pkg" / "__init__.py").write_text("X = 3\n")
    with pytest.raises(GitError, match="git add failed"):
        demo.sync_remote(source, remote)


def test_prepare_dir_marks_and_reuses(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "d")
    assert demo.prepare_dir(layout, clean=False) is True
    (layout.dir / "left").write_text("")
    assert demo.prepare_dir(layout, clean=False) is False
    assert (layout.dir / "left").exists()
    assert demo.prepare_dir(layout, clean=True) is True
    assert not (layout.dir / "left").exists()
    assert (layout.dir / demo.MARKER).is_file()


def test_prepare_dir_accepts_an_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    assert demo.prepare_dir(Layout(tmp_path / "d"), clean=True) is True


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("x"), "not a directory"),
        (lambda p: (p.mkdir(), (p / "precious.txt").write_text("x")), "not made by the demo"),
    ],
    ids=["file", "foreign-directory"],
)
@pytest.mark.parametrize("clean", [False, True])
def test_prepare_dir_refuses_what_it_did_not_make(
    tmp_path: Path, make: Callable[[Path], object], message: str, clean: bool
) -> None:
    target = tmp_path / "d"
    make(target)
    with pytest.raises(WorkspaceError, match=message):
        demo.prepare_dir(Layout(target), clean=clean)
    assert target.exists()
    if target.is_dir():
        assert (target / "precious.txt").exists()


@pytest.fixture(scope="module")
def example() -> config.Workspace:
    return demo.load_example()


def test_example_describes_six_siblings_in_three_layers(example: config.Workspace) -> None:
    assert example.layers == ("foundation", "framework", "tools")
    assert len(example.siblings) == 6
    assert {s.layer for s in example.siblings} == set(example.layers)
    timeouts = {s.name: s.test.timeout for s in example.siblings}
    assert sorted({t for t in timeouts.values() if t is not None}) == [60.0, 120.0]
    assert None not in timeouts.values()  # one override


def test_example_graph_has_every_kind_of_edge(example: config.Workspace) -> None:
    graph = build(example)
    graph.check()
    runtime = {(e.source, e.target) for e in graph.edges if e.category.value == "runtime"}
    dev = {(e.source, e.target) for e in graph.edges if e.category.value == "dev"}
    assert ("demo-testkit", "demo-core") in runtime
    assert ("demo-core", "demo-testkit") in dev  # the dev-only cycle
    assert ("demo-cli", "demo-rpc") in runtime
    assert graph.extras["demo-rpc"] == {"schema"}  # activated by demo-cli's requirement
    assert ("demo-rpc", "demo-schema") in runtime
    backends = {p.build_backend for p in graph.projects.values()}
    assert backends == {"setuptools.build_meta", "hatchling.build", "flit_core.buildapi"}


def test_written_config_points_at_the_remotes(example: config.Workspace, tmp_path: Path) -> None:
    layout = Layout(tmp_path / "demo")
    assert demo.write_config(example, layout) is True
    ws = config.load(layout.config_file)
    assert ws.root == layout.workspace
    assert ws.venv == layout.workspace / ".venv"
    for mine, theirs in zip(ws.siblings, example.siblings, strict=True):
        assert mine.repo == layout.remote(mine.name).resolve().as_uri()
        assert mine.repo.startswith("file://")
        assert mine.path == layout.dir / mine.name
        # Everything else carries over from the example unchanged.
        for key in ("name", "layer", "tags", "extras", "dependency_groups", "test", "revision"):
            assert getattr(mine, key) == getattr(theirs, key), key
    for key in ("name", "description", "python", "layers", "test"):
        assert getattr(ws, key) == getattr(example, key), key


def test_config_is_only_rewritten_when_it_changes(
    example: config.Workspace, tmp_path: Path
) -> None:
    layout = Layout(tmp_path / "demo")
    demo.write_config(example, layout)
    assert demo.write_config(example, layout) is False
    layout.config_file.write_text("# edited by hand\n")
    assert demo.write_config(example, layout) is True
    assert "edited by hand" not in layout.config_file.read_text()


def test_demo_graph_after_copying_matches_the_example(
    example: config.Workspace, tmp_path: Path
) -> None:
    """The demo's workspace (checkouts under <dir>/) has the same graph as the example."""
    layout = Layout(tmp_path / "demo")
    demo.write_config(example, layout)
    for sib in example.siblings:
        shutil.copytree(sib.path, layout.dir / sib.name)
    ws = config.load(layout.config_file)
    assert build(ws).to_mermaid() == demo.example_mermaid()


def test_all_steps_run_in_order_with_the_demo_config(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    runner = Recorder()
    started: list[str] = []
    results = list(
        demo.run_steps(demo.STEPS, layout, runner, on_start=lambda v, _a: started.append(v))
    )
    assert [r.status for r in results] == [StepStatus.OK] * 4
    assert started == list(demo.STEPS) == ["bootstrap", "setup", "validate", "test-all"]
    assert runner.calls == [[v, "--config", str(layout.config_file)] for v in demo.STEPS]
    assert demo.exit_code(results) == ExitCode.OK


@pytest.mark.parametrize(
    ("runner", "failed", "code"),
    [
        (Recorder({"setup": 1}), "setup", 1),
        (Recorder({"bootstrap": 2}), "bootstrap", 2),
        (Recorder({"test-all": 1}), "test-all", 1),
        (Recorder({"validate": 2}), "validate", 2),
    ],
)
def test_first_failure_stops_the_rest(
    tmp_path: Path, runner: Recorder, failed: str, code: int
) -> None:
    results = list(demo.run_steps(demo.STEPS, Layout(tmp_path), runner))
    at = demo.STEPS.index(failed)
    assert [r.status for r in results] == (
        [StepStatus.OK] * at + [StepStatus.FAILED] + [StepStatus.NOT_RUN] * (3 - at)
    )
    assert len(runner.calls) == at + 1
    assert results[at].code == code
    assert demo.exit_code(results) == code


def test_missing_verbs() -> None:
    assert demo.missing_verbs(["graph", "bootstrap", "setup"]) == ["validate", "test-all"]
    assert demo.missing_verbs([*demo.STEPS, "graph"]) == []


def test_architecture_page_shows_the_generated_diagram() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert demo.diagram_in(page) == demo.example_mermaid(), (
        "docs/architecture.md is out of date: run python docs/_gen_graph.py"
    )


def test_diagram_matches_the_graph_verb() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "workspace",
            "graph",
            "--config",
            str(ROOT / "examples" / "demo" / "wrknv.toml"),
            "--mermaid",
            "-",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert proc.stdout == demo.example_mermaid()


def test_replace_diagram_round_trip() -> None:
    page = f"# A\n\n{demo.DIAGRAM_BEGIN}\nold\n{demo.DIAGRAM_END}\ntail\n"
    new = demo.replace_diagram(page, "flowchart BT\n    a --> b\n")
    assert new.endswith(f"{demo.DIAGRAM_END}\ntail\n")
    assert demo.diagram_in(new) == "flowchart BT\n    a --> b\n"
    assert demo.replace_diagram(new, "flowchart BT\n    a --> b\n") == new


@pytest.mark.parametrize(
    "page",
    ["no markers", f"{demo.DIAGRAM_END}\n{demo.DIAGRAM_BEGIN}\n", f"{demo.DIAGRAM_BEGIN}\n"],
)
def test_missing_markers(page: str) -> None:
    with pytest.raises(WorkspaceError):
        demo.replace_diagram(page, "x\n")
    with pytest.raises(WorkspaceError):
        demo.diagram_in(page)


def test_prepare_makes_dir_remotes_and_config(example: config.Workspace, tmp_path: Path) -> None:
    layout = Layout(tmp_path / "d")
    first = demo.prepare(example, layout, clean=False)
    assert first.fresh
    assert first.config_written
    assert [r.name for r in first.remotes] == [s.name for s in example.siblings]
    assert {r.status for r in first.remotes} == {RemoteStatus.CREATED}
    again = demo.prepare(example, layout, clean=False)
    assert not again.fresh
    assert not again.config_written
    assert {r.status for r in again.remotes} == {RemoteStatus.UNCHANGED}
    assert [r.commit for r in again.remotes] == [r.commit for r in first.remotes]
    fresh = demo.prepare(example, layout, clean=True)
    assert fresh.fresh
    assert fresh.config_written


# The old hand writer's hard cases (tests/unit/test_tomlwrite.py): every kind of value the demo
# config holds, and strings TOML must escape, read back as themselves through tomlkit.
HARD = 'quote " and backslash \\ new\nline\ttab del \x7f nul \x00 ünïcödé ✓'
EXAMPLE = {
    "workspace": {
        "name": "hard",
        "description": HARD,
        "python": ">=3.10",
        "siblings_dir": ".",
        "url_base": "https://example.invalid/org",
        "layers": ["base", "top"],
        "test": {"args": ["-q", HARD], "timeout": 2.5, "xdist": True},
    },
    "siblings": [
        {"name": "a", "layer": "base", "revision": "v1", "tags": ["t"], "dependency_groups": []},
        {
            "name": "b",
            "layer": "top",
            "depends_on": ["a"],
            "extras": ["x"],
            "python_package": False,
            "test": {"args": [], "timeout": 900, "requirements": ["pytest", "hypothesis"]},
        },
        {"name": "c", "layer": "top", "test": {"enabled": False, "xdist": False}},
    ],
}


def test_every_kind_of_value_reads_back_as_itself(tmp_path: Path) -> None:
    source = tmp_path / "example" / "wrknv.toml"
    source.parent.mkdir()
    source.write_text(tomlkit.dumps(EXAMPLE), encoding="utf-8")
    example = config.load(source)
    layout = Layout(tmp_path / "demo")
    assert demo.write_config(example, layout) is True
    ws = config.load(layout.config_file)
    assert ws.description == HARD
    assert ws.test.args == ("-q", HARD)
    keys = ("name", "layer", "revision", "depends_on", "tags", "extras", "dependency_groups")
    for mine, theirs in zip(ws.siblings, example.siblings, strict=True):
        for key in (*keys, "python_package", "test"):
            assert getattr(mine, key) == getattr(theirs, key), key
    raw = tomllib.loads(layout.config_file.read_text(encoding="utf-8"))
    assert raw["siblings"][1]["test"] == {
        "args": [], "timeout": 900.0, "xdist": True, "requirements": ["pytest", "hypothesis"]
    }  # fmt: skip
    assert raw["siblings"][2]["test"]["enabled"] is False
    assert raw["siblings"][0]["dependency_groups"] == []
