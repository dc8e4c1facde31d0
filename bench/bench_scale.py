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

from workspace import build, load
from workspace.project import _requirement
from workspace.selection import Selection

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
        for key, value in zip(phases, (t1 - t0, t2 - t1, t3 - t2, t4 - t3)):
            phases[key].append(value)
    result = {k: statistics.median(v) for k, v in phases.items()}
    result["total"] = sum(result.values())
    return result


def run(quick: bool = False) -> dict[str, object]:
    sizes = (100, 1000) if quick else (100, 1000, 5000)
    out: dict[str, object] = {"sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            cfg = generate(Path(tmp) / str(n), n)
            out["sizes"][str(n)] = measure(cfg, repeat=3 if quick else 5)  # type: ignore[index]
    return out


if __name__ == "__main__":
    results = run(quick="--quick" in sys.argv)
    for n, r in results["sizes"].items():  # type: ignore[attr-defined]
        parts = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in r.items())
        print(f"{n:>5} siblings: {parts}")
