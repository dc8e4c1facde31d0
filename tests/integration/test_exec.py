"""exec: one command in every selected sibling, its output in one block per sibling."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.builders import write_config
from tests.integration.gitrepos import NAMES, config_text, remote_siblings, run
from tests.integration.suites import interrupt_when_ready, wait_dead
from workspace.errors import ExitCode

REPO = Path(__file__).resolve().parents[2]

# Prints three lines with pauses between them (so blocks would interleave if they were not
# captured) and fails in beta. alpha leaves its pid beside the siblings; gamma waits until that
# process is gone, which it is only once exec has reaped it and so printed alpha's block: gamma
# ends after alpha by synchronisation, not by a pause (it gives up after a minute, exit 4).
SCRIPT = textwrap.dedent(
    """
    import os, sys, time
    name, path = sys.argv[1], sys.argv[2]
    pid_file = os.path.join(os.path.dirname(path), "alpha.pid")
    if name == "alpha":
        with open(pid_file + ".tmp", "w") as f:
            f.write(str(os.getpid()))
        os.replace(pid_file + ".tmp", pid_file)
    for i in range(3):
        print(f"{name} line {i} in {path}", flush=True)
        time.sleep(0.05)
    if name == "gamma":
        deadline = time.monotonic() + 60
        while not os.path.exists(pid_file) and time.monotonic() < deadline:
            time.sleep(0.01)
        pid = int(open(pid_file).read()) if os.path.exists(pid_file) else 0
        while pid and time.monotonic() < deadline:
            try:
                os.kill(pid, 0)  # alpha, or its zombie until exec reaps it
            except ProcessLookupError:
                break
            time.sleep(0.01)
        else:
            sys.exit(4)
    sys.exit(3 if name == "beta" else 0)
    """
)


@pytest.fixture
def four(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """alpha, beta and gamma checked out; delta configured but missing."""
    remotes = remote_siblings(tmp_path)
    urls = {n: remotes.url(n) for n in NAMES}
    (tmp_path / "ws").mkdir()
    cfg = write_config(tmp_path / "ws", config_text({**urls, "delta": urls["alpha"]}))
    assert run(capsys, "bootstrap", "--config", str(cfg), "--skip", "delta")[0] == 0
    (tmp_path / "script.py").write_text(SCRIPT)
    return cfg


def _script(cfg: Path) -> list[str]:
    return [sys.executable, str(cfg.parent.parent / "script.py"), "{name}", "{path}"]


def test_exec_prints_one_block_per_sibling_and_fails_when_one_fails(
    four: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    code, out = run(capsys, "exec", "--config", str(four), "--jobs", "4", "--", *_script(four))
    assert code == ExitCode.FAILED, out
    lines = out.splitlines()
    sibs = four.parent.parent
    for name in ("alpha", "beta", "gamma"):
        head = lines.index(next(line for line in lines if line.startswith(f"== {name}: exit")))
        assert lines[head + 1 : head + 4] == [
            f"{name} line {i} in {sibs / name}" for i in range(3)
        ], out
    assert "== beta: exit 3" in out
    assert "== delta: skipped (missing at " in out
    assert "exec: 4 siblings: 2 ok, 1 failed, 1 skipped" in out
    assert "  failed: beta (exit 3)" in out
    # gamma ends only once alpha has been reaped: its block comes after alpha's
    assert out.index("== gamma:") > out.index("== alpha:")
    assert "== gamma: exit 0" in out


def test_exec_on_github_actions_folds_each_block_and_annotates_failures(
    four: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    argv = ["--only", "alpha", "--only", "beta", "--", *_script(four)]
    code, out = run(capsys, "exec", "--config", str(four), *argv)
    assert code == ExitCode.FAILED
    lines = out.splitlines()
    for name in ("alpha", "beta"):
        start = next(i for i, line in enumerate(lines) if line.startswith(f"::group::== {name}:"))
        assert lines[start + 1 : start + 5] == [
            *(f"{name} line {i} in {four.parent.parent / name}" for i in range(3)),
            "::endgroup::",
        ]
    assert "::error title=beta::== beta: exit 3" in out
    assert "::error title=alpha" not in out


def test_exec_fail_fast_starts_nothing_after_the_first_failure(
    four: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(
        capsys, "exec", "--config", str(four), "-j", "1", "--fail-fast", "--", *_script(four)
    )
    assert code == ExitCode.FAILED
    assert "== alpha: exit 0" in out
    assert "== beta: exit 3" in out
    assert "== gamma: skipped (--fail-fast: beta failed)" in out
    assert "gamma line" not in out


def test_exec_shell_and_placeholders(
    four: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out = run(
        capsys,
        "exec",
        "--config",
        str(four),
        "--only",
        "alpha",
        "--only",
        "gamma",
        "--shell",
        'echo "$WRKNV_SIBLING:$WS_NAME:$WS_PATH" > marker; git log -1 --format=%s; pwd',
    )
    assert code == ExitCode.OK, out
    for name in ("alpha", "gamma"):
        marker = (tmp_path / name / "marker").read_text()
        assert marker == f"{name}:{name}:{tmp_path / name}\n"
    assert not (tmp_path / "beta" / "marker").exists()
    assert "exec: 2 siblings: 2 ok, 0 failed, 0 skipped" in out
    # an argv is never run through a shell: the ';' reaches echo as an argument
    code, out = run(capsys, "exec", "--config", str(four), "--only", "alpha", "--", "echo", "a;b")
    assert code == ExitCode.OK
    assert "\na;b\n" in out


# A sibling whose path holds command substitutions: in shell text they would run.
HOSTILE = "evil $(touch PWNED) `touch PWNED2` dir"


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    """A workspace of one sibling, checked out (a plain directory) at a hostile path."""
    (tmp_path / "ws").mkdir()
    sib = tmp_path / HOSTILE
    sib.mkdir()
    cfg = write_config(
        tmp_path / "ws", config_text({"evil": "../evil.git"}, {"evil": {"path": f"../{HOSTILE}"}})
    )
    return cfg, sib


def _pwned(tmp_path: Path) -> list[Path]:
    return list(tmp_path.rglob("PWNED*"))


@pytest.mark.parametrize("text", ['echo "{path}"', "echo {path}", "echo '{name}'"])
def test_exec_shell_placeholder_is_bad_input_and_runs_nothing(
    hostile: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    cfg, _ = hostile
    code, out = run(capsys, "exec", "--config", str(cfg), "--shell", text)
    assert code == ExitCode.USAGE, out
    variable = "WS_NAME" if "{name}" in text else "WS_PATH"
    placeholder = "{name}" if "{name}" in text else "{path}"
    assert f'use "${variable}" instead of {placeholder}' in out
    assert _pwned(tmp_path) == []


def test_exec_sibling_values_reach_the_command_as_data(
    hostile: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg, sib = hostile
    shell = 'printf "%s|%s\\n" "$WS_NAME" "$WS_PATH" > marker; echo "$WS_PATH"; echo $WS_PATH'
    code, out = run(capsys, "exec", "--config", str(cfg), "--shell", shell)
    assert code == ExitCode.OK, out
    assert (sib / "marker").read_text() == f"evil|{sib}\n"
    assert out.count(str(sib)) == 2
    # without --shell, an argv placeholder is one argument, never parsed by a shell
    code, out = run(capsys, "exec", "--config", str(cfg), "--", "echo", "{name}", "{path}")
    assert code == ExitCode.OK, out
    assert f"\nevil {sib}\n" in out
    assert _pwned(tmp_path) == []


def test_exec_puts_the_shared_venv_first_on_path(
    four: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    venv = four.parent / ".venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    code, out = run(
        capsys, "exec", "--config", str(four), "--only", "alpha", "--",
        "python", "-c", "import os, sys; print(sys.prefix); print(os.environ['VIRTUAL_ENV'])",
    )  # fmt: skip
    assert code == ExitCode.OK, out
    assert out.count(str(venv)) == 2


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        ([], "exec: no command given"),
        (["--shell", "echo", "--", "ls"], "exec: both --shell and a command (ls) were given"),
        (["--shell", " "], "exec: --shell is empty"),
    ],
)
def test_exec_bad_input_is_one_line_and_exit_2(
    four: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out = run(capsys, "exec", "--config", str(four), *argv)
    assert code == ExitCode.USAGE
    assert message in out
    assert "Traceback" not in out


def test_exec_command_not_found_fails_each_sibling_with_a_reason(
    four: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = run(capsys, "exec", "--config", str(four), "--", "no-such-tool-here")
    assert code == ExitCode.FAILED
    assert out.count("cannot run no-such-tool-here: No such file or directory") >= 3


@pytest.mark.slow
def test_ctrl_c_stops_every_command_and_its_children(four: Path, tmp_path: Path) -> None:
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    hang = textwrap.dedent(
        f"""
        import os, subprocess, sys, time
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
        with open(os.path.join({str(pid_dir)!r}, sys.argv[1] + ".pids"), "w") as f:
            f.write(f"{{os.getpid()}} {{child.pid}}")
        time.sleep(120)
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "workspace", "exec", "--config", str(four), "-j", "3", "--",
         sys.executable, "-c", hang, "{name}"],
        env=dict(os.environ, PYTHONPATH=str(REPO)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    output = interrupt_when_ready(proc, pid_dir, 3)
    assert proc.returncode == ExitCode.INTERRUPTED, output
    pids = [int(p) for f in pid_dir.glob("*.pids") for p in f.read_text().split()]
    assert len(pids) == 6
    assert wait_dead(pids) == []
    assert "exec: 4 siblings: 0 ok, 3 failed, 1 skipped" in output
