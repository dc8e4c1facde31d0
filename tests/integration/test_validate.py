"""validate on a real workspace: it passes, then each kind of breakage fails the right check."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from packaging.version import Version

from tests.builders import env_workspace
from workspace.cli import main
from workspace.env.interpreters import interpreter_version
from workspace.env.uv import find_uv, run_uv
from workspace.env.venv import venv_python, venv_version
from workspace.model import config
from workspace.model.statedir import fingerprint_file
from workspace.repos.lock import LockEntry, write_lock

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed"),
]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One workspace set up once; every test that breaks something puts it back."""
    cfg = env_workspace(tmp_path_factory.mktemp("validate-ws"))
    assert main(["setup", "--config", str(cfg)]) == 0
    return cfg


def validate(
    config_file: Path, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, dict[str, dict[str, str]]]:
    """Run validate --json; return the exit code and the results by check name."""
    capsys.readouterr()
    code = main(["validate", "--config", str(config_file), "--json", *args])
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is (code == 0)
    return code, {c["name"]: c for c in data["checks"]}


def errors(results: dict[str, dict[str, str]]) -> set[str]:
    return {name for name, c in results.items() if c["status"] == "error"}


def test_a_fresh_setup_validates(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, results = validate(built, capsys)
    assert code == 0
    assert errors(results) == set()
    expected = {"config", "python", "venv", "setup", "versions", "layers", "pip-check", "lock"}
    for name in ("core", "kit", "acme-cty", "app"):
        expected |= {f"present:{name}", f"editable:{name}", f"imports:{name}"}
    assert expected <= set(results)
    # Import names come from the installed files, not from the distribution name.
    assert results["imports:acme-cty"]["detail"].startswith("acme.cty from")


def test_the_table_and_summary(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["validate", "--config", str(built)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^ok +editable:core +core 0\.3\.1 editable from ", out, re.M)
    assert re.search(r"^validate passed: \d+ ok, \d+ warnings, 0 errors$", out, re.M)


def test_a_wheel_instead_of_an_editable(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    core = built.parent.parent / "core"
    python = str(venv_python(built.parent / ".venv"))
    uv = find_uv()
    run_uv(uv, "pip", "install", "--python", python, "--no-deps", "--reinstall", str(core))
    try:
        code, results = validate(built, capsys)
        assert code == 1
        assert "editable:core" in errors(results)
        assert "not editable" in results["editable:core"]["detail"]
        assert "imports:core" in errors(results)  # the copy in site-packages shadows the checkout
    finally:
        run_uv(uv, "pip", "install", "--python", python, "--no-deps", "-e", str(core))
    assert validate(built, capsys)[0] == 0


def test_a_deleted_sibling(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kit = built.parent.parent / "kit"
    away = kit.with_name("kit-away")
    kit.rename(away)
    try:
        code, results = validate(built, capsys)
        assert code == 1
        assert "present:kit" in errors(results)
        assert "nox -s bootstrap -- --only kit" in results["present:kit"]["hint"]
    finally:
        away.rename(kit)


@contextmanager
def edited(path: Path, old: str, new: str) -> Iterator[None]:
    """``path`` with ``old`` replaced by ``new`` for the duration; the shared workspace is
    left as it was."""
    before = path.read_text()
    assert old in before
    path.write_text(before.replace(old, new))
    try:
        yield
    finally:
        path.write_text(before)


def test_a_version_mismatch(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with edited(built.parent.parent / "kit" / "pyproject.toml", "core>=0.3", "core>=0.4.0"):
        code, results = validate(built, capsys)
    assert code == 1
    assert "versions" in errors(results)
    assert "kit requires core>=0.4.0 but" in results["versions"]["detail"]


def test_an_upward_layer_edge(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pyproject = built.parent.parent / "kit" / "pyproject.toml"
    with edited(pyproject, '"core>=0.3"', '"core>=0.3", "app"'):
        code, results = validate(built, capsys)
    assert code == 1
    assert "layers" in errors(results)
    assert "kit (layer kit) depends on app (layer apps)" in results["layers"]["detail"]
    assert "config" not in errors(results)


def test_lock_drift_is_a_warning_and_strict_fails(
    built: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = config.load(built)
    write_lock(ws, [LockEntry(s.name, s.repo, "0" * 40) for s in ws.siblings])
    try:
        code, results = validate(built, capsys)
        assert code == 0
        assert results["lock"]["status"] == "warning"
        assert "checkouts differ from wrknv.lock" in results["lock"]["detail"]
        assert validate(built, capsys, "--strict")[0] == 1
    finally:
        ws.lock_file.unlink()


def test_xdist_asked_but_not_installed(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = built.parent / "xdist.toml"
    other.write_text(built.read_text().replace("xdist = false", "xdist = true"))
    code, results = validate(other, capsys)
    assert code == 0
    assert results["tests"]["status"] == "warning"
    assert "pytest-xdist does not import" in results["tests"]["detail"]


def test_a_broken_config_is_a_result(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = built.parent / "bad.toml"
    bad.write_text(built.read_text().replace('layer = "base"', 'layer = "bsae"'))
    code, results = validate(bad, capsys)
    assert code == 1
    assert "config" in errors(results)


def _other_python(current: Version | None) -> Path | None:
    root = Path.home() / ".pyenv" / "versions"
    for entry in sorted(root.glob("3.*"), reverse=True) if root.is_dir() else ():
        python = entry / "bin" / "python"
        version = interpreter_version(python) if python.exists() else None
        if (
            version
            and version >= Version("3.9")
            and version.release[:2] != (current.release[:2] if current else None)
        ):
            return python
    return None


def test_a_venv_built_with_another_python(built: Path, capsys: pytest.CaptureFixture[str]) -> None:
    venv = built.parent / ".venv"
    other = _other_python(venv_version(venv))
    if other is None:
        pytest.skip("no second Python under ~/.pyenv/versions")
    stamp = fingerprint_file(venv).read_text()
    uv = find_uv()
    shutil.rmtree(venv)
    run_uv(uv, "venv", "--quiet", "--python", str(other), str(venv))
    fingerprint_file(venv).write_text(stamp)  # as if someone rebuilt it under setup
    try:
        code, results = validate(built, capsys)
        assert code == 1
        assert "venv" in errors(results)
        assert "rebuilt with Python" in results["venv"]["detail"]
    finally:
        assert main(["setup", "--config", str(built), "--force"]) == 0
    assert validate(built, capsys)[0] == 0
