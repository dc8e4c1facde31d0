"""The resolution setup keeps (pins.txt) and its one reader, on listed and generated files."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workspace.env.setup import Pins, index_siblings, read_pins
from workspace.errors import EnvError

PROPERTY = settings(max_examples=150, deadline=None)
RESOLUTION = (
    "-e /src/core\n"
    "    # via -r requirements.in\n"
    "pytest==8.4.0\n"
    "    # via kit\n"
    "rich[jupyter]==13.0 ; python_version > '3'\n"
)


def test_pins_are_the_third_party_set(tmp_path: Path) -> None:
    (tmp_path / "pins.txt").write_text(RESOLUTION)
    pins = read_pins(tmp_path / "pins.txt")
    assert pins.versions == {"pytest": "8.4.0", "rich": "13.0"}
    assert pins.needed_by == {"pytest": ("kit",), "rich": ()}
    assert pins.lines == ("pytest==8.4.0", "rich[jupyter]==13.0 ; python_version > '3'")


def test_the_pins_say_who_needs_what() -> None:
    pins = (
        "-e /src/app\niniconfig==2.3.1\n    # via\n    #   -r requirements.in\n    #   pytest\n"
        "pluggy==1.7.0\n    # via pytest\nFoo.Bar[x] == 1.0 ; python_version > '3'\n"
    )
    assert index_siblings(Pins.parse(pins), ["IniConfig", "foo-bar", "absent"]) == {
        "iniconfig": ["pytest"],
        "foo-bar": [],
    }


def test_an_editables_annotations_are_its_own() -> None:
    pins = Pins.parse("idna==3.7\n-e /src/app\n    # via web\n")
    assert pins.needed_by == {"idna": ()}


def test_no_resolution_is_empty(tmp_path: Path) -> None:
    assert read_pins(tmp_path / "pins.txt") == Pins()
    (tmp_path / "file").write_text("")
    assert read_pins(tmp_path / "file" / "pins.txt") == Pins()


@pytest.mark.parametrize("data", [b"pytest==8.4.0\n\xff\xfe\n", None])
def test_a_resolution_that_cannot_be_read_is_named(tmp_path: Path, data: bytes | None) -> None:
    path = tmp_path / "pins.txt"
    if data is None:
        path.mkdir()  # not a file
    else:
        path.write_bytes(data)
    with pytest.raises(EnvError) as caught:
        read_pins(path)
    assert caught.value.message.startswith(f"{path}: cannot read")
    assert caught.value.hint == "run: nox -s setup -- --force"


NAMES = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,8}", fullmatch=True)
VERSIONS = st.from_regex(r"[0-9]{1,3}(\.[0-9]{1,3}){0,3}", fullmatch=True)
VIA = st.lists(NAMES, max_size=3).map(tuple)
RESOLUTIONS = st.dictionaries(NAMES, st.tuples(VERSIONS, VIA), max_size=6)


def _as_uv_writes(resolution: dict[str, tuple[str, tuple[str, ...]]]) -> list[str]:
    lines = ["-e /src/core", "    # via -r requirements.in"]
    for name, (version, via) in resolution.items():
        lines.append(f"{name}=={version}")
        if len(via) == 1:
            lines.append(f"    # via {via[0]}")
        elif via:
            lines += ["    # via", "    #   -r requirements.in", *(f"    #   {v}" for v in via)]
    return lines


@PROPERTY
@given(RESOLUTIONS)
def test_every_resolution_reads_as_uv_wrote_it(
    resolution: dict[str, tuple[str, tuple[str, ...]]],
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pins.txt"
        path.write_text("\n".join(_as_uv_writes(resolution)) + "\n")
        pins = read_pins(path)
    assert pins.versions == {n: v for n, (v, _via) in resolution.items()}
    assert pins.needed_by == {n: via for n, (_v, via) in resolution.items()}
    assert pins.lines == tuple(f"{n}=={v}" for n, (v, _via) in resolution.items())


@PROPERTY
@given(RESOLUTIONS, st.integers(0, 100), st.text(max_size=20).filter(lambda t: "==" not in t))
def test_one_damaged_line_costs_at_most_its_own_pin(
    resolution: dict[str, tuple[str, tuple[str, ...]]], where: int, garbage: str
) -> None:
    lines = _as_uv_writes(resolution)
    lost = lines[where % len(lines)].partition("==")[0]
    lines[where % len(lines)] = garbage
    pins = Pins.parse("\n".join(lines))
    assert pins.versions == {n: v for n, (v, _via) in resolution.items() if n != lost}


@PROPERTY
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_any_file_is_a_resolution_or_an_error_naming_it(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pins.txt"
        path.write_bytes(data)
        try:
            pins = read_pins(path)
        except EnvError as exc:
            refused: EnvError | None = exc
        else:
            refused = None
            assert set(pins.versions) == set(pins.needed_by)
        assert refused is None or refused.message.startswith(f"{path}: cannot read")
