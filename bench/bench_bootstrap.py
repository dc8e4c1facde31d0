"""bootstrap against a sequential ``git clone`` loop: 20 siblings from a loopback git daemon.

Two networks, measured side by side in one run: the daemon directly (loopback, no latency)
and through a TCP proxy that holds every chunk 25 ms in each direction (a distant server).
Each repetition clones all 20 repositories into a fresh directory, first with a plain
``git clone`` per repository one after another, then with ``python -m workspace bootstrap``
(a new process, so its start-up is counted). Reported: median seconds and the ratio
sequential / bootstrap (above 1: bootstrap is faster). The issue's target: at least 4x with
the delay, never below 1x without it.

    python bench/bench_bootstrap.py [--quick]
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make bench/ and workspace/ importable
    sys.path.insert(0, str(ROOT))

from bench.netsim import DelayProxy, GitDaemon  # noqa: E402
from workspace.repos import DEFAULT_JOBS  # noqa: E402

COUNT = 20
DELAY = 0.025
ENV = {
    "GIT_AUTHOR_NAME": "bench",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_NAME": "bench",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


def _git(cwd: Path, *args: str, env: dict[str, str]) -> None:
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def make_remotes(base: Path, env: dict[str, str]) -> list[str]:
    """COUNT small package-like repositories, a few commits each, as bare repos."""
    names = [f"pkg{i:02d}" for i in range(COUNT)]
    for name in names:
        src = base / "src" / name
        (src / "src" / name).mkdir(parents=True)
        _git(src, "init", "-q", "-b", "main", env=env)
        for commit in range(3):
            for f in range(10):
                (src / "src" / name / f"mod{f}.py").write_text(
                    f'"""{name} module {f}, revision {commit}."""\n\n'
                    + "".join(f"def f{i}():\n    return {i * commit}\n\n" for i in range(40))
                )
            (src / "pyproject.toml").write_text(
                f'[project]\nname = "{name}"\nversion = "0.{commit}.0"\n'
            )
            _git(src, "add", "-A", env=env)
            _git(src, "commit", "-q", "-m", f"revision {commit}", env=env)
        _git(
            base, "clone", "-q", "--bare", str(src), str(base / "remotes" / f"{name}.git"), env=env
        )
    return names


def write_workspace(root: Path, names: list[str], urls: list[str]) -> Path:
    root.mkdir(parents=True)
    lines = ['[workspace]\nname = "bench"\n']
    for name, url in zip(names, urls):
        lines.append(f'[[siblings]]\nname = "{name}"\nrepo = "{url}"\npython_package = false\n')
    config = root / "wrknv.toml"
    config.write_text("\n".join(lines))
    return config


def time_sequential(dest: Path, urls: list[str], env: dict[str, str]) -> float:
    dest.mkdir(parents=True)
    start = time.perf_counter()
    for i, url in enumerate(urls):
        _git(dest, "clone", "--quiet", url, f"r{i}", env=env)
    return time.perf_counter() - start


def time_bootstrap(config: Path, env: dict[str, str], jobs: int) -> float:
    argv = [sys.executable, "-m", "workspace", "bootstrap", "--config", str(config)]
    start = time.perf_counter()
    proc = subprocess.run(
        [*argv, "--jobs", str(jobs)], check=False, cwd=ROOT, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - start
    if proc.returncode:
        raise RuntimeError(f"bootstrap failed:\n{proc.stdout}\n{proc.stderr}")
    return elapsed


def run(quick: bool) -> dict[str, Any]:
    reps = 2 if quick else 5
    results: dict[str, Any] = {
        "siblings": COUNT,
        "repetitions": reps,
        "delay_ms_per_chunk": DELAY * 1000,
        "jobs": DEFAULT_JOBS,
        "cpus": os.cpu_count(),
    }
    with tempfile.TemporaryDirectory(prefix="wrknv-bench-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, **ENV, GIT_CONFIG_GLOBAL=str(base / "gitconfig"))
        (base / "gitconfig").write_text("")
        names = make_remotes(base, env)
        with GitDaemon(base / "remotes") as daemon, DelayProxy(daemon.port, DELAY) as proxy:
            scenarios = {"loopback": daemon.port, f"delay_{int(DELAY * 1000)}ms": proxy.port}
            job_counts = [DEFAULT_JOBS] if quick else sorted({1, 4, DEFAULT_JOBS, 16})
            for label, port in scenarios.items():
                urls = [daemon.url(f"{n}.git", port) for n in names]
                seq: list[float] = []
                boot: dict[int, list[float]] = {j: [] for j in job_counts}
                for rep in range(reps):
                    # Alternate which goes first so neither always gets a warm cache.
                    order = ["seq", "boot"] if rep % 2 == 0 else ["boot", "seq"]
                    for kind in order:
                        if kind == "seq":
                            d = base / "run" / f"{label}-seq-{rep}"
                            seq.append(time_sequential(d, urls, env))
                            shutil.rmtree(d)
                        else:
                            for jobs in job_counts:
                                ws = base / "run" / f"{label}-boot-{rep}-{jobs}" / "ws"
                                config = write_workspace(ws, names, urls)
                                boot[jobs].append(time_bootstrap(config, env, jobs))
                                shutil.rmtree(ws.parent)
                seq_med = statistics.median(seq)
                entry: dict[str, Any] = {"sequential_git_clone_s": round(seq_med, 3)}
                for jobs, times in boot.items():
                    med = statistics.median(times)
                    entry[f"bootstrap_j{jobs}_s"] = round(med, 3)
                    entry[f"ratio_j{jobs}"] = round(seq_med / med, 2)
                entry["ratio"] = entry[f"ratio_j{DEFAULT_JOBS}"]
                results[label] = entry
    delayed = results[f"delay_{int(DELAY * 1000)}ms"]
    loop = results["loopback"]
    results["rows"] = [
        {
            "measure": f"bootstrap vs sequential git clone, {COUNT} siblings, "
            f"{int(DELAY * 1000)} ms per chunk",
            "value": f"{delayed['ratio']:.1f}x faster",
            "target": ">= 4x",
            "met": delayed["ratio"] >= 4,
            "meaning": f"{delayed['sequential_git_clone_s']:.2f} s sequential, "
            f"{delayed[f'bootstrap_j{DEFAULT_JOBS}_s']:.2f} s bootstrap ({DEFAULT_JOBS} jobs, "
            "process start-up included)",
        },
        {
            "measure": f"bootstrap vs sequential git clone, {COUNT} siblings, loopback",
            "value": f"{loop['ratio']:.1f}x faster",
            "target": ">= 1x (never slower)",
            "met": loop["ratio"] >= 1,
            "meaning": f"{loop['sequential_git_clone_s']:.2f} s sequential, "
            f"{loop[f'bootstrap_j{DEFAULT_JOBS}_s']:.2f} s bootstrap; bounded by CPU here "
            f"({os.cpu_count()} cores run git on both ends)",
        },
    ]
    results["about"] = (
        f"{COUNT} repositories (3 commits, 11 files each) served by a loopback git daemon, "
        f"directly and through a proxy holding each chunk {int(DELAY * 1000)} ms; medians of "
        f"{reps} repetitions, sequential and bootstrap alternating."
    )
    return results


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
