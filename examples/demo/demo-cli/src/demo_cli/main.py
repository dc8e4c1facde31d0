"""``demo slug TEXT``, ``demo compare A B``, ``demo call METHOD [JSON]``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Sequence

from demo_core import BadName, Version, VersionError, slugify
from demo_rpc import Dispatcher
from demo_schema import Field, Schema


def service() -> Dispatcher:
    """The methods ``demo call`` can reach."""
    d = Dispatcher("0.2.0")
    d.register(
        "text.slug",
        lambda text, sep: slugify(text, sep),
        params=Schema("slug", [Field("text"), Field("sep", required=False, default="-")]),
    )
    d.register(
        "version.max",
        lambda versions: str(max(Version.parse(v) for v in versions.split(","))),
        params=Schema("versions", [Field("versions", doc="comma-separated versions")]),
    )
    return d


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="demo", description="Small tools over the demo packages.")
    sub = parser.add_subparsers(dest="command", required=True)
    slug = sub.add_parser("slug", help="turn text into a slug")
    slug.add_argument("text")
    slug.add_argument("--sep", default="-", help="separator between words (default: -)")
    compare = sub.add_parser("compare", help="compare two versions: prints <, = or >")
    compare.add_argument("a")
    compare.add_argument("b")
    call = sub.add_parser("call", help="call a method of the built-in RPC service")
    call.add_argument("method")
    call.add_argument("params", nargs="?", default="{}", help="parameters as a JSON object")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "slug":
            print(slugify(args.text, args.sep))
        elif args.command == "compare":
            a, b = Version.parse(args.a), Version.parse(args.b)
            print("<" if a < b else ">" if a > b else "=")
        else:
            request = {"id": 1, "method": args.method, "params": json.loads(args.params)}
            response = json.loads(service().handle(json.dumps(request)))
            if "error" in response:
                print(f"error: {response['error']['message']}", file=sys.stderr)
                return 1
            print(json.dumps(response["result"]))
    except (BadName, VersionError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0
