"""setup with real uv on small sibling packages in tmp_path (see builders.env_workspace)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import env_workspace
from workspace.cli import main
from workspace.env.installed import read_venv
from workspace.env.uv import find_uv, run_uv
from workspace.env.venv import read_fingerprint, venv_python
from workspace.model.statedir import fingerprint_file

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workspace, set up once for the module; tests that change it put it back."""
    config = env_workspace(tmp_path_factory.mktemp("setup-ws"))
    assert main(["setup", "--config", str(config)]) == 0
    return config


def venv_of(config: Path) -> Path:
    return config.parent / ".venv"


def run_python(config: Path, code: str) -> str:
    proc = subprocess.run(
        [str(venv_python(venv_of(config))), "-c", code],
        capture_output=True,
        text=True,
        check=True,
    )
    return proc.stdout.strip()


def setup_cli(config: Path, *args: str) -> int:
    return main(["setup", "--config", str(config), *args])


def test_every_python_sibling_is_editable_from_its_checkout(built: Path) -> None:
    dists = read_venv(venv_python(venv_of(built))).dists
    base = built.parent.parent
    for name in ("core", "kit", "acme-cty", "app"):
        dist = dists[name]
        assert dist.editable, name
        assert dist.url_path == base / name
    assert "notes" not in dists


def test_git_url_requirement_on_a_sibling_never_leaves_the_machine(built: Path) -> None:
    pins = (built.parent / ".wrknv" / "setup" / "pins.txt").read_text()
    assert "github" not in pins
    assert f"-e {built.parent.parent / 'kit'}" in pins
    run_python(built, "import kit, acme.cty")


def test_extras_asked_by_a_sibling_are_installed(built: Path) -> None:
    overrides = (built.parent / ".wrknv" / "setup" / "overrides.txt").read_text()
    assert f"-e {built.parent.parent / 'core'}[fast]" in overrides.splitlines()
    run_python(built, "import iniconfig")


def test_a_change_below_is_live_above_without_reinstall(built: Path) -> None:
    init = built.parent.parent / "core" / "src" / "core" / "__init__.py"
    before = init.read_text()
    try:
        assert run_python(built, "import app; print(app.answer())") == "1"
        init.write_text("def answer():\n    return 2\n")
        assert run_python(built, "import app; print(app.answer())") == "2"
    finally:
        init.write_text(before)


def test_rerun_with_nothing_changed_does_nothing(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    stamp = read_fingerprint(venv_of(built))
    capsys.readouterr()
    assert setup_cli(built) == 0
    assert "is up to date" in capsys.readouterr().out
    assert read_fingerprint(venv_of(built)) == stamp


def test_a_damaged_fingerprint_is_one_warning_and_setup_builds_anew(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The fingerprint is the product's own file: damaged by hand, it is said once and
    rebuilt, never an error."""
    stamp = read_fingerprint(venv_of(built))
    assert stamp is not None
    fingerprint_file(venv_of(built)).write_text('{"hash": 5}\n')
    capsys.readouterr()
    assert setup_cli(built) == 0
    out = capsys.readouterr().out
    assert out.count("warning: ") == 1
    assert ".wrknv-fingerprint.json: hash: expected a string, got 5" in out
    assert "building the environment anew" in out
    rebuilt = read_fingerprint(venv_of(built))
    assert rebuilt is not None
    assert rebuilt.hash == stamp.hash


def test_failed_resolution_leaves_the_previous_venv(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = built.parent.parent / "core" / "pyproject.toml"
    before = pyproject.read_text()
    stamp = read_fingerprint(venv_of(built))
    try:
        pyproject.write_text(
            before.replace("dependencies = []", 'dependencies = ["iniconfig>=999"]')
        )
        capsys.readouterr()
        assert setup_cli(built) == 1
        err = capsys.readouterr().err
        assert "iniconfig" in err  # uv's explanation
        assert "does not resolve" in err
        assert "is unchanged" in err
        assert run_python(built, "import app; print(app.answer())") == "1"
        assert read_fingerprint(venv_of(built)) == stamp
    finally:
        pyproject.write_text(before)
    capsys.readouterr()
    assert setup_cli(built) == 0
    assert "is up to date" in capsys.readouterr().out


def test_version_mismatch_stops_unless_allowed(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pyproject = built.parent.parent / "kit" / "pyproject.toml"
    before = pyproject.read_text()
    try:
        pyproject.write_text(before.replace("core>=0.3", "core>=0.4.0"))
        capsys.readouterr()
        assert setup_cli(built, "--dry-run") == 1
        err = capsys.readouterr().err
        assert "kit requires core>=0.4.0 but " in err
        assert "core is 0.3.1" in err
        assert "--allow-mismatch" in err
        assert setup_cli(built, "--dry-run", "--allow-mismatch") == 0
    finally:
        pyproject.write_text(before)


def test_layered_ends_in_the_same_environment(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def freeze() -> list[str]:
        proc = run_uv(find_uv(), "pip", "freeze", "--python", str(venv_python(venv_of(built))))
        return sorted(proc.stdout.splitlines())

    before = freeze()
    capsys.readouterr()
    assert setup_cli(built, "--layered", "--force") == 0
    out = capsys.readouterr().out
    assert out.index("layer base") < out.index("layer kit") < out.index("layer apps")
    assert freeze() == before


def test_missing_siblings_are_reported_with_the_bootstrap_command(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = built.read_text()
    extra = built.parent / "missing.toml"
    extra.write_text(text + '\n[[siblings]]\nname = "ghost"\nlayer = "apps"\n')
    capsys.readouterr()
    assert setup_cli(extra, "--dry-run") == 0
    captured = capsys.readouterr()
    assert "nox -s bootstrap -- --only ghost" in captured.err
    assert "skipping notes: not a Python package" in captured.out

    # A missing sibling that another one needs would come from the index: refused.
    needed = built.parent / "needed.toml"
    needed.write_text(text.replace('name = "core"\n', 'name = "core"\npath = "../no-core"\n'))
    assert setup_cli(needed, "--dry-run") == 1
    err = capsys.readouterr().err
    assert "app needs core, which is not present" in err
    assert "nox -s bootstrap -- --only core" in err


def test_two_setups_at_once_leave_a_valid_venv(tmp_path: Path) -> None:
    config = env_workspace(tmp_path)
    cmd = [sys.executable, "-m", "workspace", "setup", "--config", str(config)]
    environ = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=environ)
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=300)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    # One of them installed; the other waited and then found nothing to do.
    assert sum("is up to date" in o for o in outputs) == 1, outputs
    assert main(["validate", "--config", str(config)]) == 0
