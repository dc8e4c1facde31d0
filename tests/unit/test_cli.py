"""python -m workspace: errors as one line each, exit codes, and a lean start."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.builders import write_config
from workspace.cli import build_parser, main
from workspace.commands import Command, find_commands
from workspace.env.uv import ResolutionError
from workspace.errors import ConfigError, ExitCode, GitError, SelectionError, WorkspaceError

BAD = Path(__file__).parent.parent / "data" / "bad_configs"


def test_cli_reports_config_errors_as_lines_without_traceback(
    workspace_root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(workspace_root)
    shutil.copy(BAD / "malformed.toml", workspace_root / "wrknv.toml")
    assert main(["graph"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: wrknv.toml: invalid TOML")
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1


def test_a_fresh_workspace_is_read_without_loading_packaging(workspace_root: Path) -> None:
    """bootstrap in a fresh workspace parses no pyproject.toml, so it must not pay for packaging."""
    cfg = write_config(
        workspace_root,
        '[workspace]\nname = "ws"\n\n[[siblings]]\nname = "alpha"\nrepo = "https://h.invalid/a.git"\n',
    )
    code = textwrap.dedent(f"""
        import sys
        import workspace.commands.bootstrap
        from workspace.cli import build_parser
        from workspace.commands._options import load_selected
        args = build_parser("bootstrap").parse_args(["bootstrap", "--config", {str(cfg)!r}])
        load_selected(args)
        loaded = [m for m in sys.modules if m.split(".")[0] in ("packaging", "dependency_groups")]
        print(sorted(loaded))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == "[]"


def test_every_verb_is_found_and_one_verb_loads_only_its_module() -> None:
    verbs = find_commands()
    assert {"bootstrap", "setup", "validate", "test", "test-all", "matrix", "report"} <= set(verbs)
    assert not any(name.startswith("_") for name in verbs)
    assert list(find_commands("test-all")) == ["test-all"]


def test_the_cli_hands_a_verb_its_main_only_when_it_runs_verbs() -> None:
    """The demo verb runs the other verbs through the CLI it was started by, without importing
    the CLI (a command never imports it); no other verb's arguments carry anything extra."""
    args = build_parser("graph").parse_args(["graph"])
    assert args.run is find_commands("graph")["graph"].run
    assert "main" not in vars(args)
    demo = find_commands("demo")["demo"]
    assert demo.run is None
    assert demo.run_verbs is not None  # tests/unit/commands/test_demo.py sees main run its steps
    with pytest.raises(TypeError, match="neither run nor run_verbs"):
        Command("x", "x", lambda parser: None).bound(main)


@pytest.mark.parametrize("debug", [False, True])
def test_an_unexpected_exception_is_one_line_and_status_70(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], debug: bool
) -> None:
    """The last resort: a bug is said in one line with EX_SOFTWARE; the traceback only when
    WRKNV_DEBUG=1 asks for it."""

    def buggy(args: object) -> int:
        counts: dict[str, int] = {}
        return counts["missing"]

    monkeypatch.setitem(
        sys.modules["workspace.commands.graph"].__dict__,
        "COMMANDS",
        [Command("graph", "buggy", lambda parser: None, buggy)],
    )
    monkeypatch.setenv("WRKNV_DEBUG", "1" if debug else "0")
    assert main(["graph"]) == 70  # EX_SOFTWARE, ExitCode.INTERNAL
    err = capsys.readouterr().err
    last = err.splitlines()[-1]
    assert last.startswith("error: internal error: KeyError: 'missing'; please report it")
    assert ("Traceback (most recent call last)" in err) is debug
    assert len(err.splitlines()) == 1 or debug


def test_a_workspace_error_is_one_line_per_message_and_status_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(args: object) -> int:
        raise WorkspaceError("first problem\nsecond problem", hint="fix both")

    monkeypatch.setitem(
        sys.modules["workspace.commands.graph"].__dict__,
        "COMMANDS",
        [Command("graph", "broken", lambda parser: None, fail)],
    )
    assert main(["graph"]) == ExitCode.USAGE
    assert capsys.readouterr().err.splitlines() == [
        "error: first problem",
        "error: second problem (hint: fix both)",
    ]


def test_ctrl_c_is_status_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setitem(
        sys.modules["workspace.commands.graph"].__dict__,
        "COMMANDS",
        [Command("graph", "interrupted", lambda parser: None, interrupted)],
    )
    assert main(["graph"]) == ExitCode.INTERRUPTED
    assert capsys.readouterr().err == "interrupted\n"


def _config(root: Path) -> Path:
    return write_config(
        root,
        '[workspace]\nname = "ws"\n\n[[siblings]]\nname = "Alpha_Sib"\nrepo = "https://h.invalid/a"\n'
        '\n[[siblings]]\nname = "beta"\nrepo = "https://h.invalid/b"\n',
    )


@pytest.mark.parametrize(
    ("argv", "code", "said"),
    [
        (["--help"], ExitCode.OK, "usage:"),
        (["graph", "--help"], ExitCode.OK, "usage:"),
        (["nosuchverb"], ExitCode.USAGE, "invalid choice"),
        (["graph", "--nonsense"], ExitCode.USAGE, "unrecognized arguments: --nonsense"),
        (["status", "--exit-cod"], ExitCode.USAGE, "unrecognized arguments: --exit-cod"),
        (["test-all", "--j", "2"], ExitCode.USAGE, "unrecognized arguments: --j"),
        (["bootstrap", "--jobs", "many"], ExitCode.USAGE, "expected a whole number"),
    ],
)
def test_bad_flags_are_a_status_never_an_exit(
    argv: list[str], code: int, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """main() returns; argparse's SystemExit never escapes into nox's process, and no flag is
    taken from an abbreviation."""
    assert main(argv) == code
    out, err = capsys.readouterr()
    assert said in out + err


def _raising(monkeypatch: pytest.MonkeyPatch, exc: BaseException) -> None:
    def run(args: object) -> int:
        raise exc

    monkeypatch.setitem(
        sys.modules["workspace.commands.graph"].__dict__,
        "COMMANDS",
        [Command("graph", "raising", lambda parser: None, run)],
    )


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (ConfigError([]), ExitCode.USAGE),
        (SelectionError("--only x: no such name"), ExitCode.USAGE),
        (GitError("git fetch failed"), ExitCode.FAILED),
        (ResolutionError("the workspace does not resolve", "uv said no"), ExitCode.FAILED),
        (NotADirectoryError(20, "Not a directory", "/tmp/f.txt/x.json"), ExitCode.FAILED),
    ],
)
def test_exit_status_says_bad_input_or_failed_work(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    exc: BaseException,
    code: int,
) -> None:
    _raising(monkeypatch, exc)
    assert main(["graph"]) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if isinstance(exc, OSError):
        assert err == (
            "error: /tmp/f.txt/x.json: Not a directory (hint: check the path, its permissions "
            "and the free space)\n"
        )


def test_an_output_path_below_a_file_is_one_line_of_bad_input(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(workspace_root)
    blocker = workspace_root / "file.txt"
    blocker.write_text("not a directory\n", encoding="utf-8")
    assert main(["graph", "--config", str(cfg), "--json", str(blocker / "g.json")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1
    assert err[0].startswith("error: ")
    assert "file.txt" in err[0]


def test_names_are_compared_as_the_config_compares_them(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = _config(workspace_root)
    assert main(["graph", "--config", str(cfg), "--only", "alpha-sib"]) == 0
    assert "1 of 2 siblings selected" in capsys.readouterr().out
    assert main(["graph", "--config", str(cfg), "--skip", "ALPHA.SIB", "--only", "Beta"]) == 0
    assert "1. beta" in capsys.readouterr().out


def test_config_may_name_the_directory_and_hints_repeat_it(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _config(workspace_root)
    assert main(["graph", "--config", str(workspace_root)]) == 0
    capsys.readouterr()
    assert main(["test-all", "--config", str(workspace_root)]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert f"nox -s setup -- --config {workspace_root}" in err


def test_a_missing_package_is_named_with_the_install_command(workspace_root: Path) -> None:
    cfg = _config(workspace_root)
    (workspace_root.parent / "beta").mkdir()
    (workspace_root.parent / "beta" / "pyproject.toml").write_text(
        '[project]\nname = "beta"\ndependencies = ["x>=1"]\n', encoding="utf-8"
    )
    code = textwrap.dedent(f"""
        import sys
        sys.modules["packaging"] = None  # as on an interpreter without it
        from workspace.cli import main
        sys.exit(main(["graph", "--config", {str(cfg)!r}]))
    """)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == ExitCode.USAGE
    assert "Traceback" not in proc.stderr
    assert "has no 'packaging' package" in proc.stderr
    assert "-m pip install packaging" in proc.stderr


@pytest.mark.parametrize("value", [",", "3.11,3.12"])
def test_explain_takes_exactly_one_python(
    workspace_root: Path, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--python ,`` was an IndexError's traceback, and ``3.11,3.12`` silently meant 3.11."""
    cfg = _config(workspace_root)
    assert main(["explain", "--config", str(cfg), "--python", value, "beta"]) == ExitCode.USAGE
    assert capsys.readouterr().err == (
        f"error: --python {value}: takes exactly one Python version (hint: give one MAJOR.MINOR "
        "version, e.g. 3.12 (test-all --python takes several))\n"
    )


def test_matrix_reads_python_as_test_all_does(
    workspace_root: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """matrix split --python by hand: '3.x' went into the JSON and '3.12,3.12' twice."""
    cfg = _config(workspace_root)
    assert main(["matrix", "--config", str(cfg), "--python", "3.12,3.x"]) == ExitCode.USAGE
    assert capsys.readouterr().err.startswith("error: --python 3.x: not a Python version (hint: ")


def test_output_paths_that_are_directories_are_bad_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """matrix --output and report --markdown name files, report --output a folder: anything
    else there is exit 2, and nothing is written."""
    from workspace.runs.results import RunResult, Status, SuiteResult
    from workspace.runs.summary import write_run_files

    monkeypatch.delenv("GITHUB_OUTPUT", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    root = tmp_path / "ws"
    root.mkdir()
    cfg = write_config(root, '[workspace]\nname = "w"\n\n[[siblings]]\nname = "a"\nrepo = "r"\n')
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert main(["matrix", "--config", str(cfg), "--output", str(out_dir)]) == 2
    assert capsys.readouterr().err.startswith(f"error: {out_dir}: is a directory")
    shard = tmp_path / "shard"
    shard.mkdir()
    write_run_files(RunResult("shard", shard, 1, 1.0, (SuiteResult("a", Status.PASSED),)))
    argv = ["report", "--output", str(tmp_path / "merged"), "--markdown", str(out_dir)]
    assert main([*argv, str(shard)]) == 2
    err = capsys.readouterr().err
    assert f"error: {out_dir}: is a directory, and a file is needed here" in err
    assert list(out_dir.iterdir()) == []
    assert not (tmp_path / "merged").exists()  # refused before anything was merged
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me\n")
    assert main(["report", "--output", str(a_file), str(shard)]) == 2
    said = capsys.readouterr().err
    assert f"error: {a_file}: {a_file} is a file, and a folder is needed here" in said
    assert a_file.read_text() == "keep me\n"
