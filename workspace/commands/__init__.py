"""The verbs of ``python -m workspace`` (and of the nox sessions).

Each module here defines ``COMMANDS``: a list of :class:`Command`. The CLI finds them by
scanning this package, so a new verb is a new module and nothing else changes. Modules whose
name starts with ``_`` hold what several verbs share (arguments, output) and are no verbs.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass

VerbRunner = Callable[[Sequence[str]], int]  # argv -> exit status: the CLI's ``main``


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int] | None = None
    # A verb that runs other verbs (demo) is handed the CLI's runner instead of importing it.
    run_verbs: Callable[[argparse.Namespace, VerbRunner], int] | None = None

    def bound(self, verbs: VerbRunner) -> Callable[[argparse.Namespace], int]:
        """What the CLI calls with the parsed arguments."""
        run_verbs = self.run_verbs
        if run_verbs is not None:
            return lambda args: run_verbs(args, verbs)
        if self.run is None:
            raise TypeError(f"the verb {self.name} has neither run nor run_verbs")
        return self.run


def find_commands(verb: str | None = None) -> dict[str, Command]:
    """The verbs, found in workspace/commands. A verb lives in the module of its name
    (``test-all`` in ``testall.py``), so running one imports only that module."""
    modules = [info.name for info in pkgutil.iter_modules(__path__) if info.name[0] != "_"]
    if verb is not None and verb.replace("-", "") in modules:
        modules = [verb.replace("-", "")]
    found: dict[str, Command] = {}
    for name in modules:
        module = importlib.import_module(f"workspace.commands.{name}")
        for command in getattr(module, "COMMANDS", ()):
            found[command.name] = command
    return dict(sorted(found.items()))
