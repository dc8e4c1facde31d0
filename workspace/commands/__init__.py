"""The verbs of ``python -m workspace`` (and of the nox sessions).

Each module here defines ``COMMANDS``: a list of :class:`Command`. The CLI finds them by
scanning this package, so a new verb is a new module and nothing else changes.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]
