"""What the tool adds around one trivial suite: ``nox -s test(<name>)`` and
``python -m workspace test NAME`` against calling pytest directly in the venv."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]


def _time(cmd: Sequence[str], cwd: Path, env: dict[str, str], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, env=env, check=True, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def run(quick: bool = False) -> dict[str, Any]:
    repeat = 3 if quick else 7
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        sib = base / "trivial"
        (sib / "tests").mkdir(parents=True)
        (sib / "pyproject.toml").write_text('[project]\nname = "trivial"\nversion = "1.0"\n')
        (sib / "tests" / "test_it.py").write_text("def test_it():\n    assert 1 + 1 == 2\n")
        root = base / "ws"
        root.mkdir()
        cfg = root / "wrknv.toml"
        cfg.write_text(
            '[workspace]\nname = "bench"\n\n[[siblings]]\nname = "trivial"\n'
            f'repo = "{sib.as_uri()}"\n'
        )
        venv = root / ".venv"
        subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(venv)], check=True)
        subprocess.run(
            ["uv", "pip", "install", "-q", "--python", str(venv / "bin" / "python"), "pytest"],
            check=True,
        )
        env = {**os.environ, "WRKNV_CONFIG": str(cfg), "PYTHONPATH": str(ROOT)}
        direct = _time([str(venv / "bin" / "python"), "-m", "pytest", "-q"], sib, env, repeat)
        verb = _time([sys.executable, "-m", "workspace", "test", "trivial"], root, env, repeat)
        nox = _time(
            [sys.executable, "-m", "nox", "-f", str(ROOT / "noxfile.py"), "-s", "test(trivial)"],
            root,
            env,
            repeat,
        )
    rows = [
        {
            "measure": "pytest directly in the venv",
            "value": f"{direct:.2f} s",
            "target": None,
            "met": None,
            "meaning": "the floor: one trivial test",
        },
        {
            "measure": "python -m workspace test NAME, against pytest directly",
            "value": f"{verb / direct:.2f}x (+{verb - direct:.2f} s)",
            "target": None,
            "met": None,
            "meaning": "reading wrknv.toml and starting pytest in the sibling's directory",
        },
        {
            "measure": "nox -s test(NAME), against pytest directly",
            "value": f"{nox / direct:.2f}x (+{nox - direct:.2f} s)",
            "target": None,
            "met": None,
            "meaning": "nox's own start-up and noxfile import on top of that",
        },
    ]
    return {
        "about": "One sibling with one trivial test, in a venv with pytest only.",
        "seconds": {"direct": direct, "verb": verb, "nox": nox},
        "rows": rows,
    }


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv)["rows"]:
        print(f"{row['measure']}: {row['value']}")
