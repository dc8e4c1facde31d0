"""demo-cli: the ``demo`` command, built on demo-core and demo-rpc."""

from __future__ import annotations

from demo_cli.main import build_parser, main, service

__all__ = ["build_parser", "main", "service"]
