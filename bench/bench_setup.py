"""Benchmark: setup against a bare uv install, against one pip install per sibling, and no-op.

Every repetition copies the siblings to a new directory, so no run profits from uv having
built the same editable before; third-party wheels (pytest, the build backends) come from
uv's cache in every variant alike.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.builders import env_workspace  # noqa: E402
from workspace.cli import main  # noqa: E402
from workspace.env.uv import find_uv, run_uv  # noqa: E402
from workspace.env.venv import venv_python  # noqa: E402

ORDER = ("core", "acme-cty", "kit", "app")  # the layer order of builders.env_workspace


def _timed(fn: Callable[..., object], *args: object) -> float:
    start = time.perf_counter()
    fn(*args)
    return time.perf_counter() - start


def _quiet_main(argv: list[str]) -> None:
    with open(os.devnull, "w") as sink:
        old = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = sink
        try:
            code = main(argv)
        finally:
            sys.stdout, sys.stderr = old
    if code:
        raise RuntimeError(f"{argv} exited {code}")


def _fresh(tmp: Path, label: str) -> Path:
    base = tmp / label
    base.mkdir()
    return env_workspace(base)


def _bare_uv(config: Path) -> None:
    uv = find_uv()
    venv = config.parent / ".bare"
    run_uv(uv, "venv", "--quiet", str(venv))
    args = [a for n in ORDER for a in ("-e", str(config.parent.parent / n))]
    run_uv(uv, "pip", "install", "--quiet", "--python", str(venv_python(venv)), *args)


def _uv_one_by_one(config: Path) -> None:
    """The old way with uv as the installer (the quick run: pip alone takes ~35 s here)."""
    uv = find_uv()
    venv = config.parent / ".each"
    run_uv(uv, "venv", "--quiet", str(venv))
    for name in ORDER:
        path = str(config.parent.parent / name)
        run_uv(uv, "pip", "install", "--quiet", "--python", str(venv_python(venv)), "-e", path)


def _pip_one_by_one(config: Path) -> None:
    venv = config.parent / ".pip"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    for name in ORDER:
        subprocess.run(
            [str(venv_python(venv)), "-m", "pip", "install", "-q", "-e",
             str(config.parent.parent / name)],
            check=True,
            capture_output=True,
        )  # fmt: skip


def _measure(quick: bool, reps: int) -> dict[str, list[float]]:
    """Seconds per variant: cold setup, its no-op rerun, bare uv, and the old way once."""
    old_way = _uv_one_by_one if quick else _pip_one_by_one
    times: dict[str, list[float]] = {"setup": [], "bare_uv": [], "one_by_one": [], "noop": []}
    with tempfile.TemporaryDirectory(prefix="bench-setup-") as raw:
        tmp = Path(raw)
        # Warm uv's cache of third-party wheels once, so every variant starts alike.
        _quiet_main(["setup", "--config", str(_fresh(tmp, "warm"))])
        for i in range(reps):
            # Alternate which goes first, so neither always meets a colder page cache.
            variants: list[tuple[str, Callable[[Path], None] | None]] = [
                ("setup", None),
                ("bare_uv", _bare_uv),
            ]
            for label, fn in variants if i % 2 == 0 else variants[::-1]:
                cfg = _fresh(tmp, f"{label}{i}")
                if fn is None:
                    argv = ["setup", "--config", str(cfg)]
                    times["setup"].append(_timed(_quiet_main, argv))
                    times["noop"].append(_timed(_quiet_main, argv))
                else:
                    times[label].append(_timed(fn, cfg))
            if i == 0:
                times["one_by_one"].append(_timed(old_way, _fresh(tmp, "old")))
    return times


def _rows(med: dict[str, float], old_label: str) -> list[dict[str, object]]:
    vs_bare = med["setup"] / med["bare_uv"]
    vs_old = med["setup"] / med["one_by_one"]
    noop_ratio = med["noop"] / med["setup"]
    return [
        {
            "measure": "cold setup / bare uv venv + uv pip install -e ...",
            "value": f"{vs_bare:.2f}x ({med['setup']:.1f} s vs {med['bare_uv']:.1f} s)",
            "target": "<= 1.25x",
            "met": vs_bare <= 1.25,
            "meaning": "the cost of the checks, the resolve-first step and the fingerprint",
        },
        {
            "measure": f"cold setup / {old_label}, layer order",
            "value": f"{vs_old:.2f}x ({med['one_by_one']:.1f} s)",
            "target": None,
            "met": None,
            "meaning": "one resolution against one install per sibling (the old scripts)",
        },
        {
            "measure": "no-op rerun / cold setup",
            "value": f"{noop_ratio:.3f} ({med['noop'] * 1000:.0f} ms)",
            "target": "< 0.10 and < 1 s",
            "met": noop_ratio < 0.10 and med["noop"] < 1.0,
            "meaning": "a second setup with nothing changed",
        },
    ]


def run(quick: bool) -> dict[str, object]:
    reps = 1 if quick else 5  # installs of editables vary by +-0.5 s from run to run
    for role in ("AUTHOR", "COMMITTER"):
        os.environ.setdefault(f"GIT_{role}_NAME", "bench")
        os.environ.setdefault(f"GIT_{role}_EMAIL", "bench@example.invalid")
    times = _measure(quick, reps)
    med = {k: statistics.median(v) for k, v in times.items() if v}
    old_label = (
        "one `uv pip install -e` per sibling" if quick else "one `pip install -e` per sibling"
    )
    return {
        "about": (
            f"A workspace of {len(ORDER)} siblings in three layers, copied afresh for every "
            f"variant; uv's cache of third-party wheels warmed once before; median of {reps} "
            "repetitions, cold setup and the bare uv install alternating. The old way ran once."
        ),
        "siblings": len(ORDER),
        "repetitions": reps,
        "old_way": old_label,
        "median_seconds": {k: round(v, 3) for k, v in med.items()},
        "samples": {k: [round(x, 3) for x in v] for k, v in times.items()},
        "rows": _rows(med, old_label),
    }


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv[1:]), indent=2))
