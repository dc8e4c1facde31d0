"""test-all on two Pythons with real uv environments: the shared venv serves its own Python,
the other gets ``.wrknv/venvs/<version>/`` built by setup's code; a sibling whose
requires-python excludes one of them is recorded not-run there, and fails no run."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.integration.suites import suite_workspace
from workspace.cli import main
from workspace.env.interpreters import pyenv_pythons
from workspace.env.venv import venv_version
from workspace.model.pythons import minor
from workspace.runs import testall
from workspace.runs.suites import count_test_files

REPO = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed"),
]

# Test code that says which Python runs it, so a log proves where a suite ran.
WHICH = {"tests/test_which.py": "import sys\n\ndef test_which():\n    print(sys.version)\n"}


def _release(version: str) -> tuple[int, ...]:
    return tuple(map(int, version.split(".")))


def two_pythons(shared: str) -> tuple[str, str]:
    """The shared venv's Python and another this machine has (the next newer one when there
    is one), lowest first; skipped without a second Python."""
    others = sorted({minor(p.version) for p in pyenv_pythons()} - {shared}, key=_release)
    others = [v for v in others if (3, 9) <= _release(v) < (4, 0)]
    if not others:
        pytest.skip("no second Python under pyenv")
    newer = [v for v in others if _release(v) > _release(shared)]
    other = newer[0] if newer else others[-1]
    low, high = sorted((shared, other), key=_release)
    return low, high


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory, test_venv: Path) -> tuple[Path, str, str]:
    """alpha and beta run anywhere; gamma's requires-python excludes the lower Python, and
    delta's the higher, so one of them is left out of an environment that test-all builds."""
    shared = minor(venv_version(test_venv))
    low, high = two_pythons(shared)
    base = tmp_path_factory.mktemp("pythons")
    config = suite_workspace(
        base,
        test_venv,
        {
            "alpha": {"tests": WHICH, "git": True},
            "beta": {"git": True},
            "gamma": {"requires": f">={high}"},
            "delta": {"requires": f"<{high}"},
        },
        test={"xdist": False},
        pythons=(low, high),
    )
    return config, low, high


def summary(config: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (config.parent / ".wrknv/runs/latest/summary.json").read_text()
    )
    return data


def test_each_sibling_runs_on_each_python_and_an_exclusion_fails_nothing(
    workspace: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, low, high = workspace
    shared = minor(venv_version(Path(config.read_text().split('venv = "')[1].split('"')[0])))
    assert main(["test-all", "--config", str(config), "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    latest = config.parent / ".wrknv/runs/latest"
    entries = {(s["name"], s["python"]): s for s in summary(config)["siblings"]}
    names = ("alpha", "beta", "gamma", "delta")
    assert set(entries) == {(n, v) for n in names for v in (low, high)}
    gamma = entries["gamma", low]
    assert gamma["status"] == "not-run"
    assert gamma["excluded"] is True
    assert gamma["reason"] == f"requires-python >={high} excludes {low}"
    assert entries["delta", high]["reason"] == f"requires-python <{high} excludes {high}"
    assert entries["delta", high]["excluded"] is True
    for key, entry in entries.items():
        if key not in (("gamma", low), ("delta", high)):
            assert entry["status"] == "passed", key
            assert entry["excluded"] is False
            assert entry["log"] == f"{key[0]}@{key[1]}.log"
            assert (latest / entry["log"]).is_file()
            assert entry["junit"] == f"{key[0]}@{key[1]}/junit.xml"
    for version in (low, high):  # each ran on its own Python: pytest's header says which
        assert f"Python {version}." in (latest / f"alpha@{version}.log").read_text()
    suites = {s.get("name") for s in ET.parse(latest / "junit.xml").getroot().iter("testsuite")}
    assert {f"alpha@{low}", f"alpha@{high}", f"gamma@{high}"} <= suites
    built = sorted(p.name for p in (config.parent / ".wrknv/venvs").iterdir())
    assert built == sorted({low, high} - {shared})  # the shared venv serves its own Python
    building = [line for line in out.splitlines() if line.startswith("test-all: building")]
    assert len(building) == 1  # one line per environment built
    assert f".wrknv/venvs/{built[0]} with Python {built[0]}." in building[0]
    assert f"excluded: gamma@{low}: requires-python >={high} excludes {low}" in out
    lines = out.splitlines()
    header = next(line for line in lines if line.startswith("sibling"))
    assert header.split()[:3] == ["sibling", "python", "status"]


def test_a_second_run_builds_nothing_and_keeps_passes_per_python(
    workspace: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config = workspace[0]
    main(["test-all", "--config", str(config), "--jobs", "2"])
    capsys.readouterr()
    assert main(["test-all", "--config", str(config), "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert "installed with Python" not in out  # the fingerprint matched: nothing built
    assert "building" not in out
    # Passes are kept per (sibling, Python): the built environment's pairs are reused, each
    # under its own key (the shared test venv was not made by setup: it has no key at all).
    (built,) = (p.name for p in (config.parent / ".wrknv/venvs").iterdir())
    reused = next(line for line in out.splitlines() if "inputs unchanged" in line)
    assert f"alpha@{built}" in reused
    assert f"beta@{built}" in reused
    assert "alpha," not in reused
    assert not reused.endswith("alpha")


def test_a_python_the_machine_lacks_is_one_line_and_the_others_run(
    workspace: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, low, _high = workspace
    code = main(["test-all", "--config", str(config), "--python", f"{low},3.99", "--no-cache"])
    assert code == 1
    captured = capsys.readouterr()
    errors = [line for line in captured.err.splitlines() if "3.99" in line]
    assert errors == [
        "error: Python 3.99 is not installed; its suites are not run (hint: install it "
        "(pyenv install 3.99, or uv python install 3.99), or set UV_PYTHON_DOWNLOADS=automatic "
        "to let uv fetch it)"
    ]
    entries = {(s["name"], s["python"]): s for s in summary(config)["siblings"]}
    assert entries["alpha", "3.99"]["status"] == "not-run"
    assert entries["alpha", "3.99"]["excluded"] is False
    assert entries["alpha", low]["status"] == "passed"
    assert entries["beta", low]["status"] == "passed"


def _nox(base: Path, session: str) -> subprocess.CompletedProcess[str]:
    (base / "noxfile.py").write_text("import workspace.noxsessions  # noqa: F401\n")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PWD": str(base)}
    env.pop("WRKNV_CONFIG", None)
    return subprocess.run(
        [sys.executable, "-m", "nox", "-s", session, "--", "--config", "ws"],
        cwd=base,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_nox_runs_one_sibling_on_one_python(workspace: tuple[Path, str, str]) -> None:
    config, low, high = workspace
    base = config.parent.parent
    ran = _nox(base, f"test-{high}(gamma)")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert f"Python {high}." in ran.stdout  # pytest's header: it ran on that Python
    assert "2 passed" in ran.stdout
    left_out = _nox(base, f"test-{low}(gamma)")
    assert left_out.returncode == 0, left_out.stdout + left_out.stderr
    assert f"test gamma: not run on Python {low}: requires-python >={high}" in left_out.stdout


def test_setup_builds_every_other_python_and_then_does_nothing(
    tmp_path: Path, test_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    low, high = two_pythons(minor(venv_version(test_venv)))
    config = suite_workspace(
        tmp_path, tmp_path / "ws" / ".venv", {"alpha": {}}, pythons=(low, high, "3.99")
    )
    assert main(["setup", "--config", str(config), "--all-pythons"]) == 1
    captured = capsys.readouterr()
    shared = minor(venv_version(config.parent / ".venv"))
    (other,) = {low, high} - {shared}
    assert (config.parent / ".wrknv/venvs" / other / "pyvenv.cfg").is_file()
    assert f"Python {other}: " in captured.out
    assert "error: Python 3.99 is not installed" in captured.err
    assert main(["setup", "--config", str(config), "--all-pythons", "--only", "alpha"]) == 1
    again = capsys.readouterr().out
    assert "building" not in again  # its fingerprint matched
    assert "is up to date" in again


def test_test_takes_one_python_and_names_a_missing_one(
    workspace: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, low, high = workspace
    assert main(["test", "--config", str(config), "--python", f"{low},{high}", "alpha"]) == 2
    assert f"--python {low},{high}: takes exactly one Python version" in capsys.readouterr().err
    assert main(["test", "--config", str(config), "--python", "3.99", "alpha"]) == 2
    assert "error: Python 3.99 is not installed" in capsys.readouterr().err


def test_rerun_failed_reruns_only_the_pair_that_failed(
    workspace: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config, low, high = workspace
    beta = config.parent.parent / "beta"
    broken = beta / "tests" / f"test_only_on_{high.replace('.', '_')}.py"
    broken.write_text(
        f"import sys\n\ndef test_version():\n    assert sys.version_info[:2] != {_release(high)}\n"
    )
    try:
        assert main(["test-all", "--config", str(config), "--no-cache"]) == 1
        entries = {(s["name"], s["python"]): s["status"] for s in summary(config)["siblings"]}
        assert entries["beta", high] == "failed"
        assert entries["beta", low] == "passed"
        assert main(["test-all", "--config", str(config), "--rerun-failed"]) == 1
        again = [(s["name"], s["python"]) for s in summary(config)["siblings"]]
        assert again == [("beta", high)]
    finally:
        broken.unlink()
    capsys.readouterr()


def test_explain_speaks_of_one_python(
    workspace: tuple[Path, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    config = workspace[0]
    main(["test-all", "--config", str(config)])
    (built,) = (p.name for p in (config.parent / ".wrknv/venvs").iterdir())
    capsys.readouterr()
    assert main(["explain", "--config", str(config), "--python", built, "alpha"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("explain alpha: key ")
    assert "hit: a kept pass has these inputs" in out


def test_an_environment_that_does_not_build_stops_only_its_python(
    tmp_path: Path, test_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    low, high = two_pythons(minor(venv_version(test_venv)))
    config = suite_workspace(
        tmp_path,
        test_venv,
        {"alpha": {"dependencies": ["no-such-distribution-wrknv-test"]}},
        pythons=(low, high),
    )
    assert main(["test-all", "--config", str(config)]) == 1
    err = capsys.readouterr().err
    (other,) = {low, high} - {minor(venv_version(test_venv))}
    lines = [line for line in err.splitlines() if "was not built" in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"error: the environment for Python {other} was not built: ")
    explained = err[: err.index(lines[0])]  # uv's explanation, printed above that line
    assert "no-such-distribution-wrknv-test" in explained
    entries = {(s["name"], s["python"]): s for s in summary(config)["siblings"]}
    assert entries["alpha", other]["status"] == "not-run"
    assert entries["alpha", other]["reason"].startswith("the environment for Python")
    shared = ({low, high} - {other}).pop()
    assert entries["alpha", shared]["status"] == "passed"  # the shared venv never resolves it


def test_a_pass_kept_on_the_shared_venv_serves_runs_over_one_python_or_several(
    tmp_path: Path, test_venv: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shared venv's key is the same whether a run covers its Python alone (python=None)
    or several ("3.12"): a pass kept by one is reused by the other, reported under this run's
    Python, and explain without --python finds it either way."""
    low, high = two_pythons(minor(venv_version(test_venv)))
    config = suite_workspace(
        tmp_path, tmp_path / "ws" / ".venv", {"alpha": {"git": True}}, pythons=(low, high)
    )
    assert main(["setup", "--config", str(config)]) == 0
    shared = minor(venv_version(config.parent / ".venv"))
    assert main(["test-all", "--config", str(config)]) == 0  # kept as ("alpha", shared)
    found = {(s["name"], s["python"], s["status"]) for s in summary(config)["siblings"]}
    assert ("alpha", shared, "passed") in found
    capsys.readouterr()
    assert main(["explain", "--config", str(config), "alpha", "--", "-x"]) == 0
    assert "miss: since the pass kept from run " in capsys.readouterr().out
    assert main(["test-all", "--config", str(config), "--python", shared]) == 0
    again = [(s["name"], s["python"], s["status"]) for s in summary(config)["siblings"]]
    assert again == [("alpha", None, "cached")]
    (config.parent / ".wrknv/cache").rename(tmp_path / "kept")  # now the other way round
    assert main(["test-all", "--config", str(config), "--python", shared]) == 0
    assert main(["test-all", "--config", str(config)]) == 0
    found = {(s["name"], s["python"], s["status"]) for s in summary(config)["siblings"]}
    assert ("alpha", shared, "cached") in found  # the pass that the run over one kept
    assert all(python is not None for _, python, _ in found)
    capsys.readouterr()


def test_each_siblings_tests_are_counted_once_whatever_the_pythons(
    workspace: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without history the biggest suites go first; a sibling's tree is walked once, not once
    per Python, and not at all once its pairs have durations (keyed name@VERSION)."""
    config = workspace[0]
    counted: list[str] = []

    def count(path: Path) -> int:
        counted.append(path.name)
        return count_test_files(path)

    monkeypatch.setattr(testall, "count_test_files", count)
    (config.parent / ".wrknv/durations.json").unlink(missing_ok=True)
    main(["test-all", "--config", str(config), "--no-cache"])
    assert sorted(counted) == ["alpha", "beta", "delta", "gamma"]
    counted.clear()
    main(["test-all", "--config", str(config), "--no-cache"])
    assert sorted(counted) == ["delta", "gamma"]  # only for their excluded pairs, never run
