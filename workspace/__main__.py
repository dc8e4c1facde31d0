"""``python -m workspace VERB ...``, the same as the ``provide-workspace`` command."""

from __future__ import annotations

from workspace.cli import run

if __name__ == "__main__":
    run()
