from __future__ import annotations

import argparse

from demo_cli import build_parser, service
from demo_docs import render_parser, render_schema
from demo_schema import Field, Schema


def test_render_schema() -> None:
    schema = Schema("user", [Field("name", doc="shown | everywhere"), Field("age", "int", required=False, default=0)])
    assert render_schema(schema) == (
        "## `user`\n"
        "\n"
        "| field | type | required | default | description |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| `name` | str | yes |  | shown \\| everywhere |\n"
        "| `age` | int | no | `0` |  |\n"
    )


def test_render_a_small_parser() -> None:
    parser = argparse.ArgumentParser(prog="tool", description="Does things.")
    sub = parser.add_subparsers(dest="cmd")
    run = sub.add_parser("run", help="run it")
    run.add_argument("target", help="what to run")
    run.add_argument("--fast", action="store_true")
    assert render_parser(parser) == (
        "# `tool`\n\nDoes things.\n\n## `tool run`\n\nrun it\n\n- `target`: what to run\n- `--fast`\n"
    )


def test_render_the_demo_cli() -> None:
    page = render_parser(build_parser())
    for heading in ("## `demo slug`", "## `demo compare`", "## `demo call`"):
        assert heading in page
    assert "- `--sep`: separator between words (default: -)" in page


def test_render_the_demo_services_schemas() -> None:
    d = service()
    assert d.methods == ["text.slug", "version.max"]
    page = render_schema(Schema("versions", [Field("versions", doc="comma-separated versions")]))
    assert "| `versions` | str | yes |  | comma-separated versions |" in page
