"""``[workspace] pythons`` and the ``--python`` flag: MAJOR.MINOR versions, each once."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from tests.builders import write_config
from workspace.errors import SelectionError
from workspace.model import config
from workspace.model.pythons import is_python_version, minor, one_python, outside, python_flag


def test_the_config_gives_the_pythons_in_order(workspace_root: Path) -> None:
    cfg = write_config(
        workspace_root, '[workspace]\nname = "w"\npythons = ["3.12", "3.11", "3.13"]\n'
    )
    assert config.load(cfg).pythons == ("3.12", "3.11", "3.13")


def test_without_pythons_only_the_shared_venv_counts(workspace_root: Path) -> None:
    cfg = write_config(workspace_root, '[workspace]\nname = "w"\n')
    assert config.load(cfg).pythons == ()


@pytest.mark.parametrize(
    ("text", "ok"),
    [("3.12", True), ("3.9", True), ("3.99", True), ("10.1", True), ("3", False),
     ("3.12.1", False), ("py3.12", False), (">=3.12", False), ("3.x", False), ("", False),
     ("3.012", False), ("3.0", True), ("03.12", False)],
)  # fmt: skip
def test_a_python_version_is_major_dot_minor(text: str, ok: bool) -> None:
    assert is_python_version(text) is ok


def test_the_flag_is_repeatable_and_comma_separated() -> None:
    assert python_flag(["3.12,3.11", " 3.13 ", "3.12"]) == ("3.12", "3.11", "3.13")
    assert python_flag(None) == ()


def test_a_bad_flag_value_is_one_line_with_a_hint() -> None:
    with pytest.raises(SelectionError) as info:
        python_flag(["3.12,three"])
    assert info.value.message == "--python three: not a Python version"
    assert "3.12" in str(info.value.hint)


def test_minor_of_a_full_version() -> None:
    assert minor("3.12.1") == "3.12"
    assert minor("3.13") == "3.13"


def test_one_python_takes_exactly_one_version() -> None:
    assert one_python("3.12") == "3.12"
    assert one_python("3.12,3.12") == "3.12"  # the same version twice is one
    for value in (",", "3.11,3.12", ""):
        with pytest.raises(SelectionError) as info:
            one_python(value)
        assert info.value.message == f"--python {value}: takes exactly one Python version"
        assert info.value.hint is not None


def test_outside_uses_the_same_judgement_as_requires_python() -> None:
    # a patch release beyond .99 is a release of that minor version too
    assert outside(SpecifierSet("==3.12.100"), ["3.12", "3.11"]) == ["3.11"]
    assert outside(SpecifierSet(">=3.12.7"), ["3.12", "3.13"]) == []
    assert outside(None, ["3.11"]) == []
