"""validate's deps check: how long it takes, alone and against the whole of validate.

The bundled demo (6 siblings), and 50 generated siblings set up for real (one uv resolution),
each a package of 10 modules that import the standard library, the sibling below it and
``packaging`` (declared), plus a test file. Measured in one run: ``validate --only-check deps``
and a full ``validate`` on each, and the findings (none are expected: all imports are declared).

    python -m bench.bench_deps [--quick]
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.builders import init_repo, make_package, write_config, write_files  # noqa: E402
from workspace.cli import main  # noqa: E402

MODULES = 10


def _module(name: str, below: str | None, i: int) -> str:
    lines = ["import json", "import os.path", "from packaging.version import Version"]
    if below:
        lines.append(f"from {below} import m0")
    lines += ["", f"def f{i}():", "    return json.dumps([os.path.sep, str(Version('1'))])", ""]
    return "\n".join(lines)


def _workspace(base: Path, count: int) -> Path:
    names = [f"s{i:02d}" for i in range(count)]
    for i, name in enumerate(names):
        below = names[i - 1] if i else None
        deps = ["packaging", *([below] if below else [])]
        make_package(base / name, name, dependencies=deps, groups={"dev": ["pytest"]})
        files = {f"src/{name}/m{j}.py": _module(name, below, j) for j in range(MODULES)}
        files["tests/test_it.py"] = f"import pytest\nfrom {name} import m0\n"
        write_files(base / name, files)
        init_repo(base / name)
    (base / "ws").mkdir()
    entries = "".join(f'\n[[siblings]]\nname = "{n}"\nrepo = "../{n}"\n' for n in names)
    return write_config(base / "ws", '[workspace]\nname = "d"\n' + entries)


def _validate(config: Path, *args: str) -> tuple[float, list[str]]:
    """Seconds for one validate, and the deps findings it reported."""
    out = io.StringIO()
    start = time.perf_counter()
    with contextlib.redirect_stdout(out):
        main(["validate", "--config", str(config), "--json", *args])
    seconds = time.perf_counter() - start
    checks = json.loads(out.getvalue())["checks"]
    return seconds, [c["detail"] for c in checks if c["name"] == "deps" and c["status"] != "ok"]


def _measure(config: Path) -> dict[str, Any]:
    alone, findings = _validate(config, "--only-check", "deps")
    full, _ = _validate(config)
    return {"deps_seconds": alone, "validate_seconds": full, "findings": findings}


def run(quick: bool) -> dict[str, Any]:
    count = 20 if quick else 50
    with tempfile.TemporaryDirectory(prefix="bench-deps-") as raw:
        base = Path(raw)
        with contextlib.redirect_stdout(io.StringIO()):
            main(["demo", "--dir", str(base / "demo"), "--prepare-only"])
            demo_config = base / "demo" / "workspace" / "wrknv.toml"
            main(["bootstrap", "--config", str(demo_config)])
            main(["setup", "--config", str(demo_config)])
        demo = _measure(demo_config)
        config = _workspace(base / "gen", count)
        with contextlib.redirect_stdout(io.StringIO()):
            main(["setup", "--config", str(config)])
        generated = _measure(config)
    rows = []
    for label, m in (("the demo (6 siblings)", demo), (f"{count} generated siblings", generated)):
        alone, full = m["deps_seconds"], m["validate_seconds"]
        rows.append(
            {
                "measure": f"validate --only-check deps, {label}",
                "value": f"{alone:.2f} s ({alone / full:.2f} of a full validate, {full:.2f} s)",
                "target": "no findings",
                "met": not m["findings"],
                "meaning": "; ".join(m["findings"]) or "every import declared",
            }
        )
    return {
        "about": (
            f"The demo and {count} generated siblings of {MODULES} modules each, set up with uv; "
            "one run of each. `--only-check deps` against a full validate of the same workspace."
        ),
        "rows": rows,
        "demo": demo,
        "generated": generated,
        "siblings": count,
    }


if __name__ == "__main__":
    print(json.dumps(run("--quick" in sys.argv), indent=2))
