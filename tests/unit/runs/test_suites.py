"""Building suites: order, xdist workers within the budget, the command and environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import write_config
from workspace.errors import EnvError
from workspace.model.config import load
from workspace.runs.suites import (
    Suite,
    build_suites,
    order_suites,
    require_venv,
    suite_command,
    suite_env,
    usable_cores,
    workers_for,
)


def suite(name: str, **kw: object) -> Suite:
    return Suite(name=name, path=Path("/nowhere") / name, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("free", "remaining", "xdist", "args", "expected"),
    [
        (8, 20, True, (), 1),  # more suites than cores: one each
        (8, 8, True, (), 1),
        (8, 1, True, (), 8),  # the last suite gets every spare core
        (8, 3, True, (), 2),
        (8, 2, True, (), 4),
        (8, 1, False, (), 1),  # xdist not allowed or not installed
        (1, 1, True, (), 1),
        (8, 1, True, ("-n", "2"), 1),  # the sibling's own args decide
        (8, 1, True, ("-p", "no:xdist"), 1),
        (8, 1, True, ("--numprocesses=3",), 1),
    ],
)
def test_workers_for_shares_spare_cores(
    free: int, remaining: int, xdist: bool, args: tuple[str, ...], expected: int
) -> None:
    assert workers_for(suite("s", args=args), free, remaining, xdist=xdist) == expected
    assert workers_for(suite("s", args=args, xdist=False), free, remaining, xdist=True) == 1


def test_order_puts_unknown_first_then_longest_expected() -> None:
    suites = [suite(n) for n in ("short", "new-b", "long", "mid", "new-a")]
    ordered = order_suites(suites, {"short": 1.0, "long": 30.0, "mid": 5.0})
    assert [s.name for s in ordered] == ["new-a", "new-b", "long", "mid", "short"]
    assert ordered[2].expected_seconds == 30.0


def test_unknown_suites_go_biggest_first() -> None:
    suites = [suite(n) for n in ("small", "big", "known", "none")]
    ordered = order_suites(suites, {"known": 9.0}, {"small": 1, "big": 7, "none": 0})
    assert [s.name for s in ordered] == ["big", "small", "none", "known"]


def test_command_has_isolation_flags_then_sibling_args(tmp_path: Path) -> None:
    s = suite("a", args=("-k", "x"))
    cmd = suite_command(Path("/venv/bin/python"), s, tmp_path, 1)
    assert cmd[:3] == ["/venv/bin/python", "-m", "pytest"]
    assert f"--junitxml={tmp_path / 'junit.xml'}" in cmd
    assert f"cache_dir={tmp_path / 'cache'}" in cmd
    assert f"--basetemp={tmp_path / 'basetemp'}" in cmd
    assert "-n" not in cmd
    assert cmd[-2:] == ["-k", "x"]
    with_workers = suite_command(Path("p"), s, tmp_path, 3)
    assert with_workers[with_workers.index("-n") + 1] == "3"


def test_env_is_isolated_and_drops_outer_xdist_variables(tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", "PYTEST_XDIST_WORKER": "gw0", "HOME": "/h"}
    env = suite_env(base, Path("/venv"), tmp_path, "alpha")
    assert env["TMPDIR"] == env["TMP"] == env["TEMP"] == str(tmp_path / "tmp")
    assert env["COVERAGE_FILE"] == str(tmp_path / ".coverage")
    assert env["PATH"].split(":")[0] == "/venv/bin"
    assert "PYTEST_XDIST_WORKER" not in env
    assert env["HOME"] == "/h"
    assert env["WRKNV_SIBLING"] == "alpha"


def test_usable_cores_is_positive() -> None:
    assert usable_cores() >= 1


def test_require_venv(tmp_path: Path) -> None:
    from tests.builders import write_config
    from workspace.model.config import load

    write_config(tmp_path, f'[workspace]\nname = "w"\nvenv = "{tmp_path / "v"}"\n')
    ws = load(tmp_path / "wrknv.toml")
    with pytest.raises(EnvError, match="does not exist") as info:
        require_venv(ws)
    assert info.value.hint is not None
    assert "nox -s setup" in info.value.hint
    (tmp_path / "v/bin").mkdir(parents=True)
    (tmp_path / "v/bin/python").write_text("")
    assert require_venv(ws) == tmp_path / "v/bin/python"


def test_build_suites_skips_non_python_and_marks_absent(tmp_path: Path) -> None:
    from tests.builders import write_config
    from workspace.model.config import load

    (tmp_path / "here").mkdir()
    root = tmp_path / "ws"
    root.mkdir()
    write_config(
        root,
        """
        [workspace]
        name = "w"
        [workspace.test]
        timeout = 30
        args = ["-q"]
        [[siblings]]
        name = "here"
        repo = "../here"
        [[siblings]]
        name = "gone"
        repo = "../gone"
        test = { timeout = 5 }
        [[siblings]]
        name = "docs"
        repo = "../docs"
        python_package = false
        """,
    )
    ws = load(root / "wrknv.toml")
    suites = build_suites(ws, ws.siblings, {"here": "changed: x"}, extra_args=["-x"])
    assert [s.name for s in suites] == ["here", "gone"]
    here, gone = suites
    assert here.skip_reason is None
    assert here.args == ("-q", "-x")
    assert here.timeout == 30
    assert here.selected_because == "changed: x"
    assert gone.skip_reason is not None
    assert "not present" in gone.skip_reason
    assert gone.timeout == 5
    assert gone.selected_because == "selected"
    override = build_suites(ws, ws.siblings, {}, timeout=2.5)
    assert {s.timeout for s in override} == {2.5}


def test_a_sibling_runs_its_tests_only_when_it_is_python_or_says_so(workspace_root: Path) -> None:
    cfg = write_config(
        workspace_root,
        '[workspace]\nname = "w"\n'
        '[[siblings]]\nname = "lib"\nrepo = "r"\n'
        '[[siblings]]\nname = "docs"\nrepo = "r"\npython_package = false\n'
        '[[siblings]]\nname = "site"\nrepo = "r"\npython_package = false\n'
        "test = { enabled = true }\n"
        '[[siblings]]\nname = "slow"\nrepo = "r"\ntest = { enabled = false }\n',
    )
    ws = load(cfg)
    suites = build_suites(ws, ws.siblings, {})
    assert [s.name for s in suites] == ["lib", "site"]
