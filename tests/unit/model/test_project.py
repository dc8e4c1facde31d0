"""What a sibling's own pyproject.toml says: name, version, requirements, groups, problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.builders import write_files
from workspace.errors import ConfigError
from workspace.model.config import Sibling
from workspace.model.project import groups_to_install, parse_project, read_project

FILE = Path("/src/acme-core/pyproject.toml")


def parse(data: dict[str, Any], fallback: str = "acme-core") -> Any:
    return parse_project(FILE, data, fallback)


def test_a_full_project_table() -> None:
    info = parse(
        {
            "project": {
                "name": "Acme_Core",
                "version": "1.2.0",
                "requires-python": ">=3.10",
                "dependencies": ["packaging>=22", "acme-base[fast]"],
                "optional-dependencies": {"cli": ["click"]},
            },
            "dependency-groups": {"test": ["pytest"], "dev": [{"include-group": "test"}, "ruff"]},
            "build-system": {"build-backend": "hatchling.build"},
        }
    )
    assert info.name == "acme-core"  # normalized as a distribution name
    assert info.version == "1.2.0"
    assert str(info.requires_python) == ">=3.10"
    assert [str(r) for r in info.dependencies] == ["packaging>=22", "acme-base[fast]"]
    assert [str(r) for r in info.optional["cli"]] == ["click"]
    assert [str(r) for r in info.groups["dev"]] == ["pytest", "ruff"]  # include-group resolved
    assert info.build_backend == "hatchling.build"


def test_a_dynamic_version_and_no_name() -> None:
    info = parse({"project": {"dynamic": ["version"]}}, fallback="Flat.Pkg")
    assert info.version is None
    assert info.name == "flat-pkg"
    assert info.dependencies == ()
    assert info.requires_python is None


def test_every_problem_is_reported_together_naming_file_and_key() -> None:
    with pytest.raises(ConfigError) as caught:
        parse(
            {
                "project": {
                    "requires-python": ">=three",
                    "dependencies": ["ok", "not a requirement!"],
                    "optional-dependencies": {"x": "click"},
                },
                "dependency-groups": {"dev": [{"include-group": "missing"}]},
            }
        )
    keys = [p.key for p in caught.value.problems]
    assert keys == [
        "project.requires-python",
        "project.dependencies[1]",
        "project.optional-dependencies.x",
        "dependency-groups.dev",
    ]
    assert all(p.file.endswith("pyproject.toml") for p in caught.value.problems)


def test_read_project_of_a_checkout(tmp_path: Path) -> None:
    sib = Sibling("core", "repo", tmp_path / "core")
    assert read_project(sib) is None  # not cloned yet
    write_files(sib.path, {"pyproject.toml": '[project]\nname = "core"\nversion = "0.1"\n'})
    info = read_project(sib)
    assert info is not None
    assert (info.name, info.version, info.file) == ("core", "0.1", sib.path / "pyproject.toml")


def test_groups_to_install_default_to_dev_and_test() -> None:
    info = parse({"dependency-groups": {"test": ["pytest"], "docs": ["mkdocs"]}})
    assert groups_to_install(Sibling("acme-core", "r", Path("/src/acme-core")), info) == ("test",)
    chosen = Sibling("acme-core", "r", Path("/src/acme-core"), dependency_groups=("docs",))
    assert groups_to_install(chosen, info) == ("docs",)


def test_a_configured_group_the_project_lacks_is_an_error_naming_both() -> None:
    info = parse({"dependency-groups": {"test": ["pytest"]}})
    sib = Sibling("acme-core", "r", Path("/src/acme-core"), dependency_groups=("lint",), index=3)
    with pytest.raises(ConfigError, match=r"has no group 'lint' \(wanted by siblings\[3\]"):
        groups_to_install(sib, info)
