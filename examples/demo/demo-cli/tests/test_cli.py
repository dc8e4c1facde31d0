from __future__ import annotations

import subprocess
import sys

import pytest

from demo_cli import main


@pytest.mark.parametrize(
    ("argv", "out"),
    [
        (["slug", "Hello World"], "hello-world\n"),
        (["slug", "Hello World", "--sep", "_"], "hello_world\n"),
        (["compare", "1.2.0", "1.10.0"], "<\n"),
        (["compare", "2.0", "2.0.0"], "=\n"),
        (["compare", "1.0.0", "1.0.0-rc1"], ">\n"),
        (["call", "text.slug", '{"text": "A B"}'], '"a-b"\n'),
        (["call", "version.max", '{"versions": "1.2,1.10,0.9"}'], '"1.10.0"\n'),
        (["call", "rpc.describe"], '{"methods": ["text.slug", "version.max"], "version": "0.2.0"}\n'),
    ],
)
def test_commands(capsys: pytest.CaptureFixture[str], argv: list[str], out: str) -> None:
    assert main(argv) == 0
    assert capsys.readouterr().out == out


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["slug", "!!!"], 2, "no letters or digits"),
        (["compare", "1", "2"], 2, "is not MAJOR.MINOR"),
        (["call", "text.slug", "{oops"], 2, "error:"),
        (["call", "text.slug", '{"text": 3}'], 1, "text: expected str, got int"),
        (["call", "nope"], 1, "no method 'nope'"),
    ],
)
def test_failures(capsys: pytest.CaptureFixture[str], argv: list[str], code: int, message: str) -> None:
    assert main(argv) == code
    assert message in capsys.readouterr().err


def test_runs_as_a_module() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "demo_cli", "slug", "Run As Module"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "run-as-module\n"
