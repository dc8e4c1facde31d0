"""checks: import names from installed files, dist-info reading, the runner and the verdict."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from tests.builders import write_files
from workspace.env import validate
from workspace.env.check_results import CheckResult, Status, ok
from workspace.env.checks_venv import check_tests
from workspace.env.installed import InstalledDist, import_names, installed_dists, read_dist
from workspace.env.validate import run_checks, summarize
from workspace.errors import WorkspaceError
from workspace.fsutil import inside
from workspace.model.config import TestSettings


def make_dist(
    site: Path,
    name: str,
    files: list[str],
    *,
    top_level: str | None = None,
    direct_url: dict[str, object] | None = None,
    extra: dict[str, str] | None = None,
) -> InstalledDist:
    info = f"{name.replace('-', '_')}-1.0.dist-info"
    contents = {
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n\nbody\n",
        f"{info}/RECORD": "".join(f"{f},,\n" for f in [*files, f"{info}/RECORD"]),
    }
    if top_level is not None:
        contents[f"{info}/top_level.txt"] = top_level
    if direct_url is not None:
        contents[f"{info}/direct_url.json"] = json.dumps(direct_url)
    contents.update(extra or {})
    write_files(site, contents)
    dist = read_dist(site / info)
    assert dist is not None
    return dist


@pytest.mark.parametrize(
    ("files", "top_level", "expected"),
    [
        (["flavor/__init__.py", "flavor/x.py"], None, ["flavor"]),
        (["pyvider/cty/__init__.py", "pyvider/cty/types.py"], "pyvider", ["pyvider.cty"]),
        (["single.py", "../../bin/tool"], None, ["single"]),
        (["_speedups.cpython-311-x86_64-linux-gnu.so", "fast/__init__.py"], None,
         ["_speedups", "fast"]),
        (["ns/only_module.py"], None, ["ns.only_module"]),
    ],
)  # fmt: skip
def test_import_names_of_a_regular_install(
    tmp_path: Path, files: list[str], top_level: str | None, expected: list[str]
) -> None:
    dist = make_dist(tmp_path, "pkg", files, top_level=top_level)
    assert import_names(dist, tmp_path) == expected


def test_import_names_through_an_editable_pth(tmp_path: Path) -> None:
    project = tmp_path / "pyvider-cty"
    write_files(
        project,
        {
            "src/pyvider/cty/__init__.py": "",
            "src/pyvider/cty/more.py": "",
            "src/README.md": "",
        },
    )
    site = tmp_path / "site"
    dist = make_dist(
        site,
        "pyvider-cty",
        ["_pyvider_cty.pth"],
        extra={"_pyvider_cty.pth": f"{project / 'src'}\n"},
    )
    assert import_names(dist, site, project) == ["pyvider.cty"]


def test_flat_layout_skips_tests_and_setup(tmp_path: Path) -> None:
    project = tmp_path / "flavorpack"
    write_files(
        project,
        {
            "flavor/__init__.py": "",
            "tests/__init__.py": "",
            "setup.py": "",
            "conftest.py": "",
            "helpers.py": "",
        },
    )
    site = tmp_path / "site"
    dist = make_dist(
        site, "flavorpack", ["flavorpack.pth"], extra={"flavorpack.pth": f"{project}\n"}
    )
    assert import_names(dist, site, project) == ["flavor", "helpers"]


def test_import_names_from_a_setuptools_finder(tmp_path: Path) -> None:
    finder = "__editable___flavorpack_1_0_finder.py"
    site = tmp_path / "site"
    dist = make_dist(
        site,
        "flavorpack",
        ["__editable__.flavorpack-1.0.pth", finder],
        extra={
            "__editable__.flavorpack-1.0.pth": "import __editable___flavorpack_1_0_finder\n",
            finder: "MAPPING: dict[str, str] = {'flavor': '/src/flavor'}\nNAMESPACES = {}\n",
        },
    )
    assert import_names(dist, site) == ["flavor"]


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
    tmp_path: Path, direct_url: dict[str, object] | None, editable: bool, path: Path | None
) -> None:
    dist = make_dist(tmp_path, "core", [], direct_url=direct_url)
    assert dist.editable is editable
    assert dist.url_path == path


def test_installed_dists_by_normalized_name(tmp_path: Path) -> None:
    make_dist(tmp_path, "Acme_Cty", ["acme/cty/__init__.py"])
    (tmp_path / "broken-1.0.dist-info").mkdir()  # no METADATA: ignored
    assert list(installed_dists(tmp_path)) == ["acme-cty"]
    assert installed_dists(None) == {}


@pytest.mark.parametrize(
    ("path", "root", "expected"),
    [
        ("/a/b/c.py", "/a/b", True),
        ("/a/b", "/a/b", True),
        ("/a/bc/c.py", "/a/b", False),
        ("/x/site-packages/b/__init__.py", "/a/b", False),
    ],
)
def test_inside(path: str, root: str, expected: bool) -> None:
    assert inside(path, Path(root)) is expected


def test_runner_runs_every_check_and_turns_failures_into_results() -> None:
    def boom(_ctx: object) -> list[CheckResult]:
        raise WorkspaceError("cannot read something", hint="x")

    def fine(_ctx: object) -> list[CheckResult]:
        return [ok("fine", "all good")]

    results = run_checks(object(), [boom, fine])  # type: ignore[arg-type]
    assert [(r.name, r.status) for r in results] == [("boom", Status.ERROR), ("fine", Status.OK)]
    assert "cannot read something" in results[0].detail


@pytest.mark.parametrize(
    ("statuses", "strict", "failed"),
    [
        ([Status.OK], False, False),
        ([Status.OK, Status.WARNING], False, False),
        ([Status.OK, Status.WARNING], True, True),
        ([Status.ERROR], False, True),
        ([], True, False),
    ],
)
def test_verdict(statuses: list[Status], strict: bool, failed: bool) -> None:
    results = [CheckResult(f"c{i}", s, "d") for i, s in enumerate(statuses)]
    assert validate.failed(results, strict) is failed
    assert sum(summarize(results).values()) == len(statuses)


def _ctx(tmp_path: Path, installed: set[str], settings: list[TestSettings]) -> object:
    sibs = [SimpleNamespace(name=f"s{i}", test=t) for i, t in enumerate(settings)]
    return SimpleNamespace(python_siblings=sibs, dists=dict.fromkeys(installed), site=tmp_path)


@pytest.mark.parametrize(
    ("installed", "settings", "status", "text"),
    [
        ({"pytest", "pytest-xdist"}, [TestSettings()], Status.OK, "usable"),
        ({"pytest"}, [TestSettings(xdist=False)], Status.OK, "usable"),
        ({"pytest"}, [TestSettings()], Status.WARNING, "pytest-xdist is not installed"),
        (set(), [TestSettings(xdist=False)], Status.WARNING, "pytest is not installed"),
        ({"pytest"}, [TestSettings(args=("-n", "4"), xdist=False)], Status.WARNING, "pass -n"),
        ({"pytest"}, [TestSettings(timeout=0.0, xdist=False)], Status.WARNING, "not positive"),
    ],
)
def test_test_settings(
    tmp_path: Path,
    installed: set[str],
    settings: list[TestSettings],
    status: Status,
    text: str,
) -> None:
    (result,) = check_tests(_ctx(tmp_path, installed, settings))  # type: ignore[arg-type]
    assert result.status is status
    assert text in result.detail
