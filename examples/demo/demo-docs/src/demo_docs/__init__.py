"""demo-docs: Markdown reference pages for demo-schema schemas and argparse command lines."""

from __future__ import annotations

import argparse

from demo_schema import Schema

__all__ = ["render_parser", "render_schema"]


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_schema(schema: Schema) -> str:
    """A heading and one table row per field."""
    lines = [
        f"## `{schema.kind}`",
        "",
        "| field | type | required | default | description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for f in schema.fields:
        default = "" if f.required else f"`{f.default!r}`"
        lines.append(
            f"| `{f.name}` | {f.type} | {'yes' if f.required else 'no'} | {default} | {_cell(f.doc)} |"
        )
    return "\n".join(lines) + "\n"


def render_parser(parser: argparse.ArgumentParser) -> str:
    """One section per subcommand with its arguments, from the parser itself."""
    lines = [f"# `{parser.prog}`", "", parser.description or "", ""]
    subparsers = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for action in subparsers:
        helps = {c.dest: c.help or "" for c in action._choices_actions}
        for name, sub in action.choices.items():
            lines += [f"## `{parser.prog} {name}`", "", helps.get(name, ""), ""]
            for arg in sub._actions:
                if isinstance(arg, argparse._HelpAction):
                    continue
                label = ", ".join(arg.option_strings) or arg.dest
                lines.append(f"- `{label}`: {_cell(arg.help or '')}".rstrip(": "))
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
