"""test-all against its lower bound and against running the suites one after another.

A synthetic workspace of 12 siblings whose suites sleep for known, uneven times (four tests
each) is run three ways, side by side, several times: test-all with no stored durations (the
names are chosen so that name order puts the longest suite last, the worst case), test-all with
the durations stored by an earlier run (longest first), and plain pytest in each sibling one
after another, the old way. The lower bound is ``max(longest suite, total / jobs)`` over the
durations measured in that same run.

``--quick`` only keeps the code working: 6 of the suites at a twelfth of the full sleep, one
repetition. The full run (12 suites, 0.4-4.8 s each, three repetitions) takes about three
minutes on 2 cores.

    python -m bench.bench_test_all [--quick]
"""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from workspace.cli import main  # noqa: E402
from workspace.runs.suites import usable_cores  # noqa: E402

# Seconds of sleep per suite; s01 is the shortest, so name order is the worst order.
DURATIONS = [0.2, 0.2, 0.3, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0, 1.2, 1.6, 2.4]
TARGET = 1.15


def make_venv(path: Path) -> Path:
    subprocess.run(["uv", "venv", "-q", str(path)], check=True)
    python = str(path / "bin/python")
    subprocess.run(
        ["uv", "pip", "install", "-q", "--python", python, "pytest", "pytest-xdist"], check=True
    )
    return path


def make_workspace(base: Path, venv: Path, durations: list[float], scale: float) -> Path:
    root = base / "ws"
    root.mkdir(parents=True)
    lines = [f'[workspace]\nname = "bench"\nvenv = "{venv}"\n']
    for i, seconds in enumerate(durations, 1):
        name = f"s{i:02d}"
        pkg = base / name
        (pkg / "tests").mkdir(parents=True)
        (pkg / "pyproject.toml").write_text(f'[project]\nname = "{name}"\nversion = "1.0"\n')
        per_test = seconds * scale / 4
        for t in range(4):
            (pkg / "tests" / f"test_{t}.py").write_text(
                f"import time\n\ndef test_sleep():\n    time.sleep({per_test:.3f})\n"
            )
        lines.append(f'[[siblings]]\nname = "{name}"\nrepo = "../{name}"\n')
    (root / "wrknv.toml").write_text("\n".join(lines))
    return root / "wrknv.toml"


def test_all(config: Path, jobs: int) -> dict[str, float]:
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["test-all", "--config", str(config), "--jobs", str(jobs)])
    if code != 0:
        raise RuntimeError(f"test-all failed with exit status {code}")
    data = json.loads((config.parent / ".wrknv/runs/latest/summary.json").read_text())
    return {"wall": data["wall_seconds"], "bound": data["lower_bound_seconds"]}


def sequential(config: Path, venv: Path, count: int) -> float:
    start = time.perf_counter()
    for i in range(1, count + 1):
        subprocess.run(
            [str(venv / "bin/python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"],
            cwd=config.parent.parent / f"s{i:02d}",
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return time.perf_counter() - start


def run(quick: bool) -> dict[str, Any]:
    # --quick: every other suite (still shortest first by name), one repetition, short sleeps.
    durations = DURATIONS[1::2] if quick else DURATIONS
    reps = 1 if quick else 3
    scale = 0.25 if quick else 2.0
    jobs = usable_cores()
    cold: list[dict[str, float]] = []
    warm: list[dict[str, float]] = []
    seq: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-test-all-") as tmp:
        base = Path(tmp)
        venv = make_venv(base / "venv")
        config = make_workspace(base, venv, durations, scale)
        state = config.parent / ".wrknv"
        for _ in range(reps):
            shutil.rmtree(state, ignore_errors=True)
            cold.append(test_all(config, jobs))  # no stored durations: name order
            warm.append(test_all(config, jobs))  # durations stored by the run before
            seq.append(sequential(config, venv, len(durations)))

    return {
        "about": (
            f"{len(durations)} siblings whose suites sleep {min(durations) * scale:g}-"
            f"{max(durations) * scale:g} s (4 tests each), {jobs} jobs; median of {reps} runs. "
            "The lower bound is max(longest suite, total / jobs) over the durations measured in "
            "the same run, so pytest's start-up time is in both sides."
        ),
        "jobs": jobs,
        "repetitions": reps,
        "suite_sleep_seconds": [round(d * scale, 3) for d in durations],
        "cold": cold,
        "warm": warm,
        "sequential_seconds": seq,
        "rows": _rows(cold, warm, seq),
    }


def _med(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def _rows(
    cold: list[dict[str, float]], warm: list[dict[str, float]], seq: list[float]
) -> list[dict[str, Any]]:
    cold_ratio = _med([r["wall"] / r["bound"] for r in cold])
    warm_ratio = _med([r["wall"] / r["bound"] for r in warm])
    warm_wall, seq_wall = _med([r["wall"] for r in warm]), _med(seq)
    return [
        {
            "measure": "test-all wall / lower bound, with stored durations",
            "value": f"{warm_ratio:.2f}x",
            "target": f"<= {TARGET}x",
            "met": warm_ratio <= TARGET,
            "meaning": "longest-first scheduling from the last run's durations",
        },
        {
            "measure": "test-all wall / lower bound, no history",
            "value": f"{cold_ratio:.2f}x",
            "target": "",
            "met": None,
            "meaning": "first run: unknown suites in name order (here the worst order)",
        },
        {
            "measure": "sequential pytest / test-all wall",
            "value": f"{seq_wall / warm_wall:.2f}x faster ({seq_wall:.1f}s vs {warm_wall:.1f}s)",
            "target": "",
            "met": None,
            "meaning": "against running each suite one after another, the old way",
        },
    ]


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
