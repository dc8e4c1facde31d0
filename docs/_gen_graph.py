"""Regenerate the demo's Mermaid diagram in docs/architecture.md from examples/demo/wrknv.toml.

    python docs/_gen_graph.py          rewrite the diagram if it changed
    python docs/_gen_graph.py --check  exit 1 if the page is out of date (for CI)

The diagram is exactly what ``python -m workspace graph --config examples/demo/wrknv.toml
--mermaid -`` prints; tests/unit/test_demo_unit.py fails when the page and the config disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workspace.demo import example_mermaid, replace_diagram  # noqa: E402

PAGE = ROOT / "docs" / "architecture.md"


def main(argv: list[str]) -> int:
    old = PAGE.read_text(encoding="utf-8")
    new = replace_diagram(old, example_mermaid())
    if new == old:
        print(f"{PAGE.name}: diagram up to date")
        return 0
    if "--check" in argv:
        print(f"{PAGE.name}: diagram out of date; run python docs/_gen_graph.py", file=sys.stderr)
        return 1
    PAGE.write_text(new, encoding="utf-8")
    print(f"{PAGE.name}: diagram rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
