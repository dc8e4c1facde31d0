"""The result cache: a second test-all with nothing changed against the first, what a change
runs, and how long the keys take.

The bundled demo (its own test-all, then a second one), and a synthetic workspace of 12 git
siblings set up for real (one uv resolution): ``base`` at the
bottom, five siblings that need it, six on their own; every suite sleeps. Measured in one run:
the first test-all (nothing kept), the second (nothing changed: every suite cached), one with a
leaf edited and one with ``base`` edited (which suites ran). Then the keys alone
(``suite_inputs``) for 100 and, in the full run, 1,000 present git siblings.

    python -m bench.bench_cache [--quick]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.builders import init_repo, make_package, write_config  # noqa: E402
from tests.unit.env.samples import stamp  # noqa: E402
from workspace.cli import main  # noqa: E402
from workspace.env.venv import write_fingerprint  # noqa: E402
from workspace.model.config import load  # noqa: E402
from workspace.model.graph import build  # noqa: E402
from workspace.runs.keys import suite_inputs  # noqa: E402

NEEDS_BASE = 5
ALONE = 6


def _sleepy(seconds: float) -> dict[str, str]:
    return {"tests/test_it.py": f"import time\n\ndef test_it():\n    time.sleep({seconds})\n"}


def _workspace(base: Path, seconds: float) -> Path:
    names = ["base"] + [f"uses{i}" for i in range(NEEDS_BASE)] + [f"own{i}" for i in range(ALONE)]
    for name in names:
        deps = ["base"] if name.startswith("uses") else []
        make_package(base / name, name, dependencies=deps, tests=_sleepy(seconds))
        (base / name / ".gitignore").write_text("__pycache__/\n*.egg-info/\n")
        init_repo(base / name)
    (base / "ws").mkdir()
    entries = "".join(f'\n[[siblings]]\nname = "{n}"\nrepo = "../{n}"\n' for n in names)
    return write_config(base / "ws", '[workspace]\nname = "b"\n' + entries)


def _test_all(config: Path) -> tuple[float, list[str]]:
    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        main(["test-all", "--config", str(config), "--jobs", str(os.cpu_count() or 2)])
    wall = time.perf_counter() - start
    data = json.loads((config.parent / ".wrknv/runs/latest/summary.json").read_text())
    return wall, sorted(s["name"] for s in data["siblings"] if s["status"] != "cached")


def _keys_time(base: Path, count: int) -> float:
    """Seconds to compute the keys of ``count`` present, clean git siblings."""
    for i in range(count):
        init_repo(base / f"k{i:04d}", {"m.py": f"X = {i}\n"})
    (base / "ws").mkdir()
    venv = base / "ws" / ".venv"
    venv.mkdir()
    write_fingerprint(venv, stamp(hash="bench"))
    entries = "".join(
        f'\n[[siblings]]\nname = "k{i:04d}"\nrepo = "../k{i:04d}"\n' for i in range(count)
    )
    graph = build(load(write_config(base / "ws", '[workspace]\nname = "k"\n' + entries)))
    names = [s.name for s in graph.workspace.siblings]
    start = time.perf_counter()
    found = suite_inputs(graph, names, {})
    seconds = time.perf_counter() - start
    if len(found) != count:
        raise RuntimeError(f"{len(found)} keys for {count} siblings")
    return seconds


def _demo_ratio() -> tuple[float, float]:
    """The bundled demo: its own test-all (nothing kept), then a second one."""
    with tempfile.TemporaryDirectory(prefix="bench-cache-demo-") as raw:
        layout = Path(raw) / "demo"
        with contextlib.redirect_stdout(io.StringIO()):
            main(["demo", "--dir", str(layout)])
        config = layout / "workspace" / "wrknv.toml"
        data = json.loads((config.parent / ".wrknv/runs/latest/summary.json").read_text())
        first = float(data["wall_seconds"])
        second, ran = _test_all(config)
        if ran:
            raise RuntimeError(f"the demo's second test-all ran {ran}")
        return first, second


def _edit(path: Path) -> None:
    path.write_text(path.read_text() + "# edited\n")


def _rows(
    synthetic: tuple[float, float],
    demo: tuple[float, float],
    ran_second: list[str],
    ran_leaf: list[str],
    ran_base: list[str],
) -> list[dict[str, Any]]:
    first, second = synthetic
    demo_first, demo_second = demo
    ratio = second / first
    return [
        {
            "measure": "second test-all, nothing changed / first test-all (12 siblings)",
            "value": f"{ratio:.3f} ({second:.2f} s vs {first:.2f} s)",
            "target": "< 0.05",
            "met": ratio < 0.05 and not ran_second,
            "meaning": "every suite reported as cached, none started",
        },
        {
            "measure": "second test-all, nothing changed / first test-all (the demo)",
            "value": f"{demo_second / demo_first:.3f} ({demo_second:.2f} s vs {demo_first:.2f} s)",
            "target": "< 0.05",
            "met": demo_second / demo_first < 0.05,
            "meaning": "the demo's six suites, all cached",
        },
        {
            "measure": "a leaf edited: suites that ran",
            "value": ", ".join(ran_leaf) or "none",
            "target": "own0",
            "met": ran_leaf == ["own0"],
            "meaning": "only the edited sibling",
        },
        {
            "measure": "the bottom sibling edited: suites that ran",
            "value": ", ".join(ran_base) or "none",
            "target": "base and the 5 that need it",
            "met": ran_base == sorted(["base"] + [f"uses{i}" for i in range(NEEDS_BASE)]),
            "meaning": "it and exactly its dependants",
        },
    ]


def run(quick: bool) -> dict[str, Any]:
    for role in ("AUTHOR", "COMMITTER"):
        os.environ.setdefault(f"GIT_{role}_NAME", "bench")
        os.environ.setdefault(f"GIT_{role}_EMAIL", "bench@example.invalid")
    seconds = 0.3 if quick else 1.0
    with tempfile.TemporaryDirectory(prefix="bench-cache-") as raw:
        base = Path(raw)
        config = _workspace(base, seconds)
        with contextlib.redirect_stdout(io.StringIO()):
            main(["setup", "--config", str(config)])
        first, _ = _test_all(config)
        second, ran_second = _test_all(config)
        _edit(base / "own0" / "src" / "own0" / "__init__.py")
        _, ran_leaf = _test_all(config)
        _edit(base / "base" / "src" / "base" / "__init__.py")
        _, ran_base = _test_all(config)
    demo_first, demo_second = _demo_ratio()
    keys = {}
    for count in (100,) if quick else (100, 1000):
        with tempfile.TemporaryDirectory(prefix="bench-keys-") as raw:
            keys[count] = _keys_time(Path(raw), count)
    rows = _rows((first, second), (demo_first, demo_second), ran_second, ran_leaf, ran_base)
    for count, took in keys.items():
        rows.append(
            {
                "measure": f"keys of {count} present git siblings",
                "value": f"{took:.2f} s",
                "target": "< 1 s" if count == 100 else None,
                "met": took < 1.0 if count == 100 else None,
                "meaning": "git's tree ids and status, in parallel",
            }
        )
    return {
        "about": (
            "12 git siblings set up with uv, suites sleeping "
            f"{seconds:g} s each; one run of each step. Keys timed alone on clean checkouts."
        ),
        "first_seconds": round(first, 3),
        "second_seconds": round(second, 3),
        "keys_seconds": {str(k): round(v, 3) for k, v in keys.items()},
        "rows": rows,
    }


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv[1:]), indent=2))
