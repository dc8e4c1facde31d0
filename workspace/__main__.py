"""``python -m workspace VERB ...``: the only place that exits."""

from __future__ import annotations

import sys

from workspace.cli import main

if __name__ == "__main__":
    sys.exit(main())
