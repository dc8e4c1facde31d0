"""installed: what a real venv holds, asked of its own Python (one subprocess)."""

from __future__ import annotations

import ast
import shutil
import sys
from pathlib import Path

import pytest

from tests.builders import make_package, pyproject, write_files
from workspace.env import installed
from workspace.env.installed import InstalledDist, VenvContents, importable, read_venv
from workspace.env.interpreters import pyenv_pythons
from workspace.env.uv import find_uv, run_uv
from workspace.env.venv import site_packages, venv_python
from workspace.errors import WorkspaceError
from workspace.fsutil import inside

needs_uv = pytest.mark.skipif(shutil.which("uv") is None, reason="uv is not installed")
WANTED = ("pyvider-wire", "pyvider-cty", "flavorpack", "flatcompat")


def flat_package(path: Path, name: str, package: str) -> Path:
    """A setuptools flat layout: the package beside tests, docs and the usual root files."""
    write_files(
        path,
        {
            "pyproject.toml": pyproject(name, "0.1.0", backend="setuptools"),
            f"{package}/__init__.py": "",
            "helpers.py": "",
            "tests/__init__.py": "",
            "tests/test_it.py": "def test_it():\n    pass\n",
            "docs/conf.py": "",
            "setup.py": "from setuptools import setup\n\nsetup()\n",
            "conftest.py": "",
            "noxfile.py": "",
        },
    )
    return path


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One venv for the module: a regular install, a hatchling editable namespace package,
    and two setuptools flat-layout editables (its finder, and the project root on sys.path)."""
    base = tmp_path_factory.mktemp("installed")
    wire = make_package(base / "pyvider-wire", "Pyvider_Wire", "2.0.0", module="pyvider.wire")
    write_files(wire, {"src/_pyvider_speedups.py": ""})
    cty = make_package(
        base / "pyvider-cty", "pyvider-cty", "1.0.0", module="pyvider.cty", backend="hatchling"
    )
    write_files(cty, {"src/pyvider/cty/types.py": ""})
    with (cty / "pyproject.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[tool.hatch.build.targets.wheel]\npackages = ["src/pyvider"]\n')
    flavor = flat_package(base / "flavorpack", "flavorpack", "flavor")
    compat = flat_package(base / "flatcompat", "flatcompat", "flatkit")

    uv, venv = find_uv(), base / "venv"
    run_uv(uv, "venv", "--quiet", "--python", sys.executable, str(venv))
    python = str(venv_python(venv))
    run_uv(uv, "pip", "install", "--python", python, "--no-deps", str(wire), "-e", str(cty))
    run_uv(uv, "pip", "install", "--python", python, "--no-deps", "-e", str(flavor))
    run_uv(
        uv, "pip", "install", "--python", python, "--no-deps",
        "--config-setting", "editable_mode=compat", "-e", str(compat),
    )  # fmt: skip
    site = site_packages(venv)
    assert site is not None
    (site / "broken-1.0.dist-info").mkdir()  # no METADATA: not a distribution
    return venv


@pytest.fixture(scope="module")
def contents(venv: Path) -> VenvContents:
    return read_venv(venv_python(venv), WANTED)


@pytest.mark.slow
@needs_uv
def test_distributions_by_normalized_name(contents: VenvContents) -> None:
    assert set(WANTED) <= set(contents.dists)
    assert "broken" not in contents.dists
    wire = contents.dists["pyvider-wire"]
    assert wire.version == "2.0.0"
    assert "pyvider/wire/__init__.py" in wire.files


@pytest.mark.slow
@needs_uv
@pytest.mark.parametrize(
    ("dist", "editable", "names"),
    [
        ("pyvider-wire", False, ["_pyvider_speedups", "pyvider.wire"]),  # regular, src layout
        ("pyvider-cty", True, ["pyvider.cty"]),  # namespace: the deepest name it owns
        ("flavorpack", True, ["flavor"]),  # setuptools' finder: its top_level.txt
        ("flatcompat", True, ["flatkit", "helpers"]),  # root on sys.path: not tests, setup
    ],
)
def test_import_names(
    venv: Path, contents: VenvContents, dist: str, editable: bool, names: list[str]
) -> None:
    source = venv.parent / dist
    installed_dist = contents.dists[dist]
    assert installed_dist.editable is editable
    assert installed_dist.url_path == source
    assert list(contents.import_names(dist)) == names
    home = source if editable else venv
    for name in names:
        where = contents.resolved[name]
        assert isinstance(where["origin"], str), where
        assert inside(where["origin"], home), where


@pytest.mark.slow
@needs_uv
def test_names_only_for_the_distributions_asked_about(venv: Path) -> None:
    contents = read_venv(venv_python(venv), ["Pyvider.CTY"])
    assert dict(contents.names) == {"pyvider-cty": ("pyvider.cty",)}
    assert set(contents.resolved) == {"pyvider.cty"}
    assert set(WANTED) <= set(contents.dists)


@pytest.mark.slow
@needs_uv
def test_top_level_names_without_packages_distributions(
    venv: Path, contents: VenvContents, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Python 3.9 has no packages_distributions(): the probe works it out the same way.
    drop = tmp_path / "probe.py"
    drop.write_text(
        "import importlib.metadata, runpy\n"
        "del importlib.metadata.packages_distributions\n"
        f"runpy.run_path({str(installed.PROBE)!r}, run_name='__main__')\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(installed, "PROBE", drop)
    assert read_venv(venv_python(venv), WANTED).names == contents.names


def test_the_probe_is_python_3_9() -> None:
    """Its syntax is 3.9's, and Python 3.9 itself runs it through to the import names."""
    # A SyntaxError here names the first construct newer than 3.9 (match, parenthesised with).
    ast.parse(installed.PROBE.read_text(encoding="utf-8"), feature_version=(3, 9))
    if PYTHON_39 is None:
        pytest.skip("no Python 3.9 under pyenv to run the probe on")
    found = read_venv(PYTHON_39, ["pip"])  # pyenv's 3.9 itself, with its own pip
    assert found.stdlib >= {"sys", "builtins"}
    assert found.import_names("pip") == ("pip",)
    said = importable(PYTHON_39, ["json", "no_such_module_here"])
    assert said["json"] is None
    assert (said["no_such_module_here"] or "").startswith("ModuleNotFoundError: ")


def test_importable_asks_the_venvs_own_python(tmp_path: Path) -> None:
    said = importable(Path(sys.executable), ["json", "no_such_module_here"])
    assert said == {
        "json": None,
        "no_such_module_here": "ModuleNotFoundError: No module named 'no_such_module_here'",
    }
    gone = tmp_path / "python"
    assert importable(gone, ["json"]) == {"json": f"{gone} does not run"}


def test_the_probe_is_a_module_of_the_package_importing_only_the_stdlib() -> None:
    tree = ast.parse(installed.PROBE.read_text(encoding="utf-8"))
    imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
    tops = {name.split(".")[0] for name in imported}
    assert tops - {"__future__"} <= sys.stdlib_module_names
    assert installed.PROBE.parent == Path(installed.__file__).parent


PYTHON_39 = next((i.path for i in pyenv_pythons() if i.version.release[:2] == (3, 9)), None)


@pytest.mark.slow
@needs_uv
@pytest.mark.skipif(PYTHON_39 is None, reason="no Python 3.9 under pyenv to run the probe on")
def test_the_probe_runs_on_python_3_9(venv: Path, contents: VenvContents, tmp_path: Path) -> None:
    """The same packages in a 3.9 venv: the same import names, found the same way."""
    uv, venv39 = find_uv(), tmp_path / "venv39"
    run_uv(uv, "venv", "--quiet", "--python", str(PYTHON_39), str(venv39))
    python = str(venv_python(venv39))
    wire, cty, flavor = (
        str(venv.parent / n) for n in ("pyvider-wire", "pyvider-cty", "flavorpack")
    )
    run_uv(uv, "pip", "install", "--python", python, "--no-deps", wire, "-e", cty, "-e", flavor)
    found = read_venv(venv_python(venv39), WANTED)
    assert found.stdlib >= {"sys", "builtins"}  # 3.9 has builtin_module_names only
    assert found.dists["pyvider-wire"].version == "2.0.0"
    for dist in ("pyvider-wire", "pyvider-cty", "flavorpack"):
        assert found.import_names(dist) == contents.import_names(dist), dist
        for name in found.import_names(dist):
            assert isinstance(found.resolved[name]["origin"], str), name


def test_a_missing_python_is_one_error_with_the_hint(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as info:
        read_venv(tmp_path / "no-venv" / "bin" / "python", ["core"])
    assert "could not look up the import names" in info.value.message
    assert "\n" not in info.value.message
    assert info.value.hint == "run: nox -s setup -- --force"


def test_a_failing_script_is_one_error_with_its_stderr(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    failing = tmp_path / "probe.py"
    failing.write_text("raise SystemExit('cannot import json')\n", encoding="utf-8")
    monkeypatch.setattr(installed, "PROBE", failing)
    with pytest.raises(WorkspaceError) as info:
        read_venv(Path(sys.executable))
    assert info.value.message.endswith("could not look up the import names: cannot import json")
    assert info.value.hint == "run: nox -s setup -- --force"


@pytest.mark.parametrize(
    ("direct_url", "editable", "path"),
    [
        ({"url": "file:///w/core", "dir_info": {"editable": True}}, True, Path("/w/core")),
        ({"url": "file:///w/core", "dir_info": {}}, False, Path("/w/core")),
        ({"url": "file:///w/my%20core", "dir_info": {"editable": True}}, True, Path("/w/my core")),
        ({"url": "https://example.invalid/core.whl", "archive_info": {}}, False, None),
        (None, False, None),
    ],
)
def test_direct_url_says_editable_and_where(
    direct_url: dict[str, object] | None, editable: bool, path: Path | None
) -> None:
    dist = InstalledDist("core", "1.0", (), direct_url)
    assert dist.editable is editable
    assert dist.url_path == path
