"""What init writes, and the in-place edits of add and remove."""

from __future__ import annotations

import pytest

from workspace._compat import tomllib
from workspace.model.scaffold import (
    Entry,
    add_entry,
    missing_ignores,
    remove_entry,
    render,
    repo_value,
    url_base,
)

CONFIG = """\
# Our workspace. Keep this comment.
[workspace]
name = "acme"   # the name
url_base = "https://github.com/acme"

[[siblings]]
name = "core"  # the bottom
# kit needs core
[[siblings]]
name = "kit"
depends_on = ["core"]

[workspace.test]  # odd place, still ours
args = ["-q"]
"""


def test_url_base_and_repo_values() -> None:
    urls = ["https://github.com/acme/core.git", "https://github.com/acme/kit-py.git"]
    assert url_base(urls) == "https://github.com/acme"
    assert url_base([*urls, "git@gitlab.com:other/x.git"]) is None
    assert url_base([]) is None
    assert repo_value(urls[0], "core", "https://github.com/acme") is None  # the default
    assert repo_value(urls[1], "kit", "https://github.com/acme") == "kit-py.git"
    assert repo_value("git@h:x/y.git", "y", "https://github.com/acme") == "git@h:x/y.git"


def test_render_writes_only_what_differs_from_the_defaults() -> None:
    entries = [Entry("core", layer="layer-1"), Entry("app", repo="../app", comment="no origin")]
    text = render("ws", "..", "https://h/org", ["layer-1"], entries)
    assert 'url_base = "https://h/org"' in text
    assert "siblings_dir" not in text
    assert '# no origin\n[[siblings]]\nname = "app"\nrepo = "../app"\n' in text
    assert '[[siblings]]\nname = "core"\nlayer = "layer-1"\n' in text


def test_missing_ignores() -> None:
    assert missing_ignores("") == [".venv/", ".wrknv/", "wrknv.local.toml"]
    assert missing_ignores(".venv\n*.pyc\n.wrknv/\n") == ["wrknv.local.toml"]


def test_add_then_remove_gives_back_the_file_byte_for_byte() -> None:
    added = add_entry(CONFIG, Entry("extra", repo="extra-repo.git", revision="v2"))
    assert added.startswith(CONFIG)
    assert added.endswith(
        '\n[[siblings]]\nname = "extra"\nrepo = "extra-repo.git"\nrevision = "v2"\n'
    )
    assert remove_entry(added, "Extra") == CONFIG


def test_remove_keeps_every_other_byte() -> None:
    out = remove_entry(CONFIG, "kit")
    assert "# Our workspace. Keep this comment." in out
    assert 'name = "acme"   # the name' in out
    assert 'name = "core"  # the bottom' in out
    assert "[workspace.test]  # odd place, still ours" in out
    assert "depends_on" not in out
    with pytest.raises(KeyError):
        remove_entry(CONFIG, "nope")


@pytest.mark.parametrize(
    "text",
    [
        "plain",
        'quote " and backslash \\',
        "new\nline\ttab",
        "del \x7f and nul \x00",
        "ünïcödé ✓",
    ],
)
def test_every_string_reads_back_as_itself(text: str) -> None:
    """The old hand writer's hard cases (tests/unit/test_tomlwrite.py), written by tomlkit."""
    entry = Entry("a", repo=text, path=text, layer=text, revision=text, comment="c")
    raw = tomllib.loads(render(text, text, text, [text, "b"], [entry, Entry("b")]))
    workspace = {"name": text, "siblings_dir": text, "url_base": text, "layers": [text, "b"]}
    assert raw["workspace"] == workspace
    assert raw["siblings"] == [
        {"name": "a", "layer": text, "repo": text, "path": text, "revision": text},
        {"name": "b"},
    ]
    added = tomllib.loads(add_entry(render("ws", "..", None, [], []), entry))
    assert added["siblings"] == raw["siblings"][:1]
