"""A team adopts provide-workspace from a wheel: build it, install it with nox into a fresh
venv, run ``provide-workspace init --layers`` beside three checkouts of their own (one needing
another, none listing pytest in any group, one without an origin), then the generated noxfile's
bootstrap, setup, validate and test-all, with that venv's nox and no path to this clone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.builders import Sibling, make_siblings
from workspace.env.uv import find_uv

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# What a clone's work tree may hold besides its sources; never part of the wheel's input.
LEFT_OUT = (".git", ".nox", ".venv", ".demo", ".wrknv", "build", "dist", "site", "*.egg-info",
            "__pycache__", ".*_cache")  # fmt: skip
TESTS = {"tests/test_it.py": "def test_it():\n    assert True\n"}


def tool_venv(base: Path) -> Path:
    """The wheel built from a copy of this work tree (the build writes beside its sources),
    and a venv that has it and nox."""
    source = base / "source"
    shutil.copytree(REPO, source, ignore=shutil.ignore_patterns(*LEFT_OUT))
    uv = find_uv()
    subprocess.run([uv, "build", "--wheel", "--out-dir", str(base / "dist"), str(source)],
                   check=True, capture_output=True)  # fmt: skip
    venv = base / "tool"
    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    wheel = next((base / "dist").glob("provide_workspace-*.whl"))
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"),
                    str(wheel)], check=True)  # fmt: skip
    return venv


def siblings(base: Path) -> Path:
    """acme-core, acme-kit (needing acme-core) and acme-app checked out from their remotes,
    acme-app's origin removed; returns the empty folder for the workspace beside them."""
    needs = {"core": [], "kit": ["acme-core>=0.1"], "app": []}
    specs: dict[str, Sibling] = {
        name: {"dist": f"acme-{name}", "tests": TESTS, "dependencies": deps, "remote": True}
        for name, deps in needs.items()
    }
    specs["app"]["origin"] = False  # never pushed anywhere
    make_siblings(base, specs)
    (base / "meta").mkdir()
    return base / "meta"


def test_init_then_the_generated_noxfile_runs_the_whole_pipeline(tmp_path: Path) -> None:
    venv = tool_venv(tmp_path)
    meta = siblings(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(PATH=f"{venv / 'bin'}{os.pathsep}{env['PATH']}", PWD=str(meta))

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(argv, cwd=meta, env=env, capture_output=True, text=True, check=False)

    init = run(str(venv / "bin" / "provide-workspace"), "init", "--layers")
    assert init.returncode == 0, init.stderr
    assert "(3 siblings, 2 layers)" in init.stdout
    nox = run(str(venv / "bin" / "nox"), "-s", "bootstrap", "setup", "validate", "test-all")
    assert nox.returncode == 0, nox.stdout + nox.stderr
    for session in ("bootstrap", "setup", "validate", "test-all"):
        assert f"Session {session} was successful" in nox.stderr
    again = run(str(venv / "bin" / "provide-workspace"), "init")
    assert again.returncode == 2
    assert "exists; init writes nothing" in again.stderr
