"""init on real checkouts: what it writes, and each bad input as one error line."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.builders import git, init_repo, make_package
from workspace.cli import main
from workspace.model.config import load
from workspace.model.graph import build


def checkouts(base: Path) -> Path:
    """core <- kit (kit needs core), both with origins under one URL; app without an origin;
    a meta-repository beside them."""
    make_package(base / "core", "acme-core")
    make_package(base / "kit", "acme-kit", dependencies=["acme-core>=0.1"])
    make_package(base / "app", "app")
    for name in ("core", "kit", "app"):
        init_repo(base / name)
    for name in ("core", "kit"):
        git(base / name, "remote", "add", "origin", f"https://example.org/acme/{name}.git")
    (base / "meta").mkdir()
    return base / "meta"


def test_init_writes_a_config_that_passes_graph_and_a_noxfile(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = checkouts(tmp_path)
    (meta / ".gitignore").write_text("*.pyc", encoding="utf-8")
    assert main(["init", str(meta), "--layers"]) == 0
    out = capsys.readouterr().out
    assert "wrknv.toml (3 siblings, 2 layers)" in out
    assert "has no origin remote" in out
    ws = load(meta / "wrknv.toml")
    assert ws.url_base == "https://example.org/acme"
    assert {s.name: s.layer for s in ws.siblings} == {
        "app": "layer-1",
        "acme-core": "layer-1",
        "acme-kit": "layer-2",
    }
    assert ws.sibling("acme-kit").repo == "https://example.org/acme/kit.git"
    assert ws.sibling("acme-kit").path == tmp_path / "kit"
    assert ws.sibling("app").repo == str(tmp_path / "app")
    text = (meta / "wrknv.toml").read_text()
    assert "# no origin remote: repo is the checkout itself" in text
    build(ws).check()
    assert (meta / "noxfile.py").read_text().startswith("# /// script\n")
    assert (meta / ".gitignore").read_text() == "*.pyc\n.venv/\n.wrknv/\nwrknv.local.toml\n"
    assert main(["graph", "--config", str(meta)]) == 0


@pytest.mark.parametrize(
    ("setup", "argv", "said"),
    [
        ("file", ["init", "DIR"], "not a directory"),
        ("empty", ["init", "DIR"], "no git checkouts in"),
        ("twice", ["init", "DIR"], "both name the project 'acme-core'"),
        ("exists", ["init", "DIR"], "exists; init writes nothing"),
    ],
)
def test_bad_input_is_one_error_and_status_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], setup: str, argv: list[str], said: str
) -> None:
    meta = tmp_path / "meta"
    if setup == "file":
        meta.write_text("a file\n")
    elif setup == "empty":
        meta.mkdir()
    else:
        meta = checkouts(tmp_path)
    if setup == "twice":
        make_package(tmp_path / "core-copy", "acme_core")
        init_repo(tmp_path / "core-copy")
    if setup == "exists":
        (meta / "wrknv.toml").write_text("# mine\n")
    assert main([a.replace("DIR", str(meta)) for a in argv]) == 2
    err = capsys.readouterr().err
    assert said in err
    assert len(err.splitlines()) == 1
    if setup == "exists":
        assert (meta / "wrknv.toml").read_text() == "# mine\n"  # never overwritten
        assert main(["init", str(meta), "--force"]) == 0


def test_add_and_remove_edit_the_config_in_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    meta = checkouts(tmp_path)
    assert main(["init", str(meta)]) == 0
    config = meta / "wrknv.toml"
    before = config.read_text()
    assert main(["add", "--config", str(config), "https://example.org/acme/docs.git"]) == 0
    assert load(config).sibling("docs").repo == "https://example.org/acme/docs.git"
    assert main(["add", "--config", str(config), "https://example.org/acme/docs.git"]) == 2
    assert "is there already" in capsys.readouterr().err
    assert main(["remove", "--config", str(config), "DOCS"]) == 0
    assert config.read_text() == before
    assert main(["remove", "--config", str(config), "acme-kits"]) == 2
    assert "did you mean 'acme-kit'?" in capsys.readouterr().err
