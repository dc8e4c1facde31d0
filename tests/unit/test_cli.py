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
from workspace.errors import ExitCode, WorkspaceError

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


def test_the_cli_hands_a_verb_its_main() -> None:
    """The demo verb runs the other verbs through the CLI it was started by, without importing
    the CLI (a command never imports it)."""
    args = build_parser("graph").parse_args(["graph"])
    assert args.main is main
    assert args.run is find_commands("graph")["graph"].run


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
