from __future__ import annotations

import sys

from demo_cli.main import main

sys.exit(main())
