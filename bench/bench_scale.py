"""How config loading, validation, graph inference and ordering grow with the workspace.

Generates N present siblings in three layers, each depending on a few siblings of lower
layers and with a dev group pointing back down, then times load + build + check + order.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from workspace import build, load
from workspace.model.project import _requirement
from workspace.model.selection import Selection

LAYERS = ("foundation", "framework", "tools")


def generate(base: Path, n: int, seed: int = 1) -> Path:
    rng = random.Random(seed)
    root = base / "ws"
    root.mkdir(parents=True)
    names = [f"pkg-{i:05d}" for i in range(n)]
    layer_of = {name: LAYERS[min(2, i * 3 // n)] for i, name in enumerate(names)}
    lines = [
        '[workspace]\nname = "scale"\nurl_base = "https://example.invalid/org"\n'
        f"layers = {json.dumps(list(LAYERS))}\n"
    ]
    for i, name in enumerate(names):
        lower = names[: max(0, i)]
        deps = rng.sample(lower, k=min(3, len(lower)))
        dev = rng.sample(names, k=min(2, n))
        pkg = base / name
        pkg.mkdir()
        (pkg / "pyproject.toml").write_text(
            f'[project]\nname = "{name}"\nversion = "1.0"\n'
            f"dependencies = {json.dumps([f'{d}>=1.0' for d in deps])}\n"
            f"[dependency-groups]\ndev = {json.dumps([*dev, 'pytest'])}\n"
        )
        lines.append(
            f'[[siblings]]\nname = "{name}"\nlayer = "{layer_of[name]}"\ntags = ["t{i % 7}"]\n'
        )
    (root / "wrknv.toml").write_text("\n".join(lines))
    return root / "wrknv.toml"


def measure(config_file: Path, repeat: int) -> dict[str, float]:
    phases: dict[str, list[float]] = {"load": [], "graph": [], "order": [], "select": []}
    for _ in range(repeat):
        _requirement.cache_clear()  # every repetition starts cold, as a fresh process does
        t0 = time.perf_counter()
        ws = load(config_file)
        t1 = time.perf_counter()
        graph = build(ws)
        t2 = time.perf_counter()
        graph.check()
        graph.order()
        t3 = time.perf_counter()
        Selection(above=(ws.siblings[0].name,)).apply(graph)
        t4 = time.perf_counter()
        for key, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            phases[key].append(value)
    result = {k: statistics.median(v) for k, v in phases.items()}
    result["total"] = sum(result.values())
    return result


def run(quick: bool = False) -> dict[str, Any]:
    sizes = (100, 1000) if quick else (100, 1000, 5000)
    measured: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            cfg = generate(Path(tmp) / str(n), n)
            measured[n] = measure(cfg, repeat=3 if quick else 5)
    rows = []
    for n, r in measured.items():
        target = "< 0.5 s (well under 1 s)" if n == 1000 else None
        rows.append(
            {
                "measure": f"load + validate + infer + order + select, {n} siblings",
                "value": f"{r['total'] * 1000:.0f} ms",
                "target": target,
                "met": (r["total"] < 0.5) if target else None,
                "meaning": f"load {r['load'] * 1000:.0f} ms, graph {r['graph'] * 1000:.0f} ms "
                f"(reads every pyproject.toml), order {r['order'] * 1000:.0f} ms",
            }
        )
    largest, base = max(measured), 1000 if 1000 in measured else min(measured)
    if largest != base:
        growth = measured[largest]["total"] / measured[base]["total"]
        rows.append(
            {
                "measure": f"growth from {base} to {largest} siblings",
                "value": f"{growth:.1f}x for {largest / base:.0f}x the siblings",
                "target": None,
                "met": None,
                "meaning": "about linear: each sibling costs one pyproject.toml read",
            }
        )
    return {
        "about": "Generated workspaces of N present siblings in three layers; each sibling "
        "needs three lower ones at runtime and two others in its dev group. Each repetition "
        "starts with cold caches.",
        "sizes": {str(n): r for n, r in measured.items()},
        "rows": rows,
    }


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv)["rows"]:
        print(f"{row['measure']}: {row['value']} ({row['meaning']})")
