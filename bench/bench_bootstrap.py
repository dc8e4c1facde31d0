"""bootstrap against a sequential ``git clone`` loop and against vcstool's ``vcs import``.

20 siblings from a loopback git daemon, over two networks measured side by side in one run:
the daemon directly (loopback, no latency) and through a TCP proxy that delivers every chunk
25 ms after it left, in each direction (a distant server: 50 ms per round trip). Each
repetition clones all 20 repositories into a fresh directory in each of these ways, in an
order that rotates from one repetition to the next: a plain ``git clone`` per repository one
after another; ``python -m workspace bootstrap`` (a new process, so its start-up is counted);
``xargs -P N git clone``, parallel clones with nothing around them, which is the floor for
any tool at N jobs on this machine; and ``vcs import --workers N`` with the same worker count
as bootstrap, reading a vcstool repos file (type git, url, version) for the same URLs.
Reported: median seconds and the ratios other / bootstrap (above 1: bootstrap is faster).
Issue 3's target: at least 4x the sequential loop with the delay, never slower without it.

vcstool is looked for next to the running Python (the bench session's venv), then on PATH.
Its ``vcs`` dispatcher imports ``pkg_resources``, which setuptools 81 and later no longer
ship; when ``vcs import`` cannot start for that reason the benchmark runs ``vcs-import``, the
console script vcstool installs for the very same command (``vcs import`` only looks it up
and calls it), and says so in the row. Without vcstool the rows say "not run".

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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make bench/ and workspace/ importable
    sys.path.insert(0, str(ROOT))

from bench.netsim import DelayProxy, GitDaemon  # noqa: E402
from workspace.scheduler import DEFAULT_JOBS  # noqa: E402

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
    for name, url in zip(names, urls, strict=True):
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


def time_parallel_floor(dest: Path, urls: list[str], env: dict[str, str], jobs: int) -> float:
    """``xargs -P jobs git clone``: parallel clones with nothing around them, the floor."""
    dest.mkdir(parents=True)
    start = time.perf_counter()
    subprocess.run(
        ["xargs", "-P", str(jobs), "-n", "1", "git", "clone", "--quiet"],
        input="\n".join(urls),
        text=True,
        cwd=dest,
        env=env,
        check=True,
        capture_output=True,
    )
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


def _tool(name: str) -> str | None:
    """``name`` from the running Python's scripts directory (a venv's bin/), else PATH."""
    beside = Path(sys.executable).parent / name
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which(name)


def _starts(argv: Sequence[str]) -> tuple[bool, str]:
    try:
        proc = subprocess.run(
            [*argv, "--help"], check=False, capture_output=True, text=True, timeout=60
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    lines = (proc.stderr or proc.stdout).strip().splitlines()
    return proc.returncode == 0, lines[-1] if lines else f"exit status {proc.returncode}"


def find_vcs_import() -> tuple[list[str] | None, str]:
    """The command that runs vcstool's import, and a note on how it was found (or why not)."""
    vcs = _tool("vcs")
    if vcs is None and _tool("vcs-import") is None:
        return None, "vcstool is not installed here (`nox -s bench` installs it)"
    problem = ""
    if vcs is not None:
        ok, problem = _starts([vcs, "import"])
        if ok:
            return [vcs, "import"], "vcs import"
    direct = _tool("vcs-import")
    if direct is not None and _starts([direct])[0]:
        note = "vcs-import, the script `vcs import` dispatches to"
        if vcs is not None:
            note += f" (`vcs` itself fails here: {problem})"
        return [direct], note
    return None, f"vcstool does not start here: {problem or 'vcs-import --help failed'}"


def write_repos_file(path: Path, names: list[str], urls: list[str]) -> Path:
    """A vcstool repos file: every repository as type git, url and version (the branch)."""
    lines = ["repositories:"]
    for name, url in zip(names, urls, strict=True):
        lines += [f"  {name}:", "    type: git", f"    url: {url}", "    version: main"]
    path.write_text("\n".join(lines) + "\n")
    return path


def time_vcs_import(
    vcs: list[str], repos: Path, dest: Path, names: list[str], env: dict[str, str], jobs: int
) -> float:
    argv = [*vcs, "--workers", str(jobs), "--input", str(repos), str(dest)]
    dest.mkdir(parents=True)  # vcs import wants the base directory to exist
    start = time.perf_counter()
    proc = subprocess.run(argv, check=False, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    missing = [n for n in names if not (dest / n / ".git").is_dir()]
    if proc.returncode or missing:
        raise RuntimeError(
            f"vcs import failed (exit status {proc.returncode}, missing {missing}):\n"
            f"{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    return elapsed


def _measure(
    base: Path,
    label: str,
    names: list[str],
    urls: list[str],
    env: dict[str, str],
    reps: int,
    job_counts: list[int],
    vcs: list[str] | None,
) -> dict[str, Any]:
    """Median seconds of each way for one network, and the ratios against bootstrap."""
    seq: list[float] = []
    floor: list[float] = []
    boot: dict[int, list[float]] = {j: [] for j in job_counts}
    vcs_times: list[float] = []
    repos = write_repos_file(base / f"{label}.repos", names, urls)
    kinds = ["seq", "boot"] + ["floor"] * bool(shutil.which("xargs")) + ["vcs"] * bool(vcs)
    for rep in range(reps):
        # Rotate which goes first so that none always meets a warm (or cold) cache.
        for kind in kinds[rep % len(kinds) :] + kinds[: rep % len(kinds)]:
            run_dir = base / "run" / f"{label}-{kind}-{rep}"
            if kind == "seq":
                seq.append(time_sequential(run_dir, urls, env))
            elif kind == "floor":
                floor.append(time_parallel_floor(run_dir, urls, env, DEFAULT_JOBS))
            elif kind == "vcs":
                assert vcs is not None
                vcs_times.append(time_vcs_import(vcs, repos, run_dir, names, env, DEFAULT_JOBS))
            else:
                for jobs in job_counts:
                    config = write_workspace(run_dir / f"j{jobs}" / "ws", names, urls)
                    boot[jobs].append(time_bootstrap(config, env, jobs))
            # The clones stay until the whole benchmark ends. Deleting them here made every
            # run slower than the one before: on this machine's ext4 (mounted with online
            # discard), file creation costs several times more system time for a while after
            # thousands of files were deleted, which falls hardest on the parallel runs.
    seq_med = statistics.median(seq)
    entry: dict[str, Any] = {
        "sequential_git_clone_s": round(seq_med, 3),
        "samples": {"sequential": [round(t, 3) for t in seq]},
    }
    for jobs, times in boot.items():
        med = statistics.median(times)
        entry[f"bootstrap_j{jobs}_s"] = round(med, 3)
        entry[f"ratio_j{jobs}"] = round(seq_med / med, 2)
        entry["samples"][f"bootstrap_j{jobs}"] = [round(t, 3) for t in times]
    entry["ratio"] = entry[f"ratio_j{DEFAULT_JOBS}"]
    if floor:
        floor_med = statistics.median(floor)
        entry[f"xargs_p{DEFAULT_JOBS}_s"] = round(floor_med, 3)
        entry["ratio_floor"] = round(seq_med / floor_med, 2)
        entry["samples"][f"xargs_p{DEFAULT_JOBS}"] = [round(t, 3) for t in floor]
    if vcs_times:
        vcs_med = statistics.median(vcs_times)
        entry[f"vcs_import_w{DEFAULT_JOBS}_s"] = round(vcs_med, 3)
        entry["ratio_vs_vcs"] = round(vcs_med / entry[f"bootstrap_j{DEFAULT_JOBS}_s"], 2)
        entry["samples"][f"vcs_import_w{DEFAULT_JOBS}"] = [round(t, 3) for t in vcs_times]
    return entry


def _faster(ratio: float) -> str:
    return f"{ratio:.1f}x faster" if ratio >= 1 else f"{ratio:.2f}x (slower)"


def _rows(results: dict[str, Any], delay_label: str, vcs_note: str) -> list[dict[str, Any]]:
    ms = int(DELAY * 1000)
    delayed, loop = results[delay_label], results["loopback"]
    boot = f"bootstrap_j{DEFAULT_JOBS}_s"
    networks = ((f"{ms} ms each way", delayed), ("loopback", loop))
    rows: list[dict[str, Any]] = [
        {
            "measure": f"bootstrap vs sequential git clone, {COUNT} siblings, {ms} ms each way",
            "value": _faster(delayed["ratio"]),
            "target": ">= 4x",
            "met": delayed["ratio"] >= 4,
            "meaning": f"{delayed['sequential_git_clone_s']:.2f} s sequential, "
            f"{delayed[boot]:.2f} s bootstrap ({DEFAULT_JOBS} jobs, process start-up included)",
        },
        {
            "measure": f"bootstrap vs sequential git clone, {COUNT} siblings, loopback",
            "value": _faster(loop["ratio"]),
            "target": ">= 1x (never slower)",
            "met": loop["ratio"] >= 1,
            "meaning": f"{loop['sequential_git_clone_s']:.2f} s sequential, "
            f"{loop[boot]:.2f} s bootstrap; bounded by CPU here "
            f"({results['cpus']} cores run git on both ends)",
        },
    ]
    for where, entry in networks:
        if "ratio_floor" not in entry:
            continue
        rows.append(
            {
                "measure": f"the floor: xargs -P {DEFAULT_JOBS} git clone vs sequential, {where}",
                "value": _faster(entry["ratio_floor"]),
                "target": None,
                "met": None,
                "meaning": f"{entry[f'xargs_p{DEFAULT_JOBS}_s']:.2f} s for bare parallel clones "
                f"(no start-up, no atomic rename, no report) against {entry[boot]:.2f} s "
                "bootstrap: the most any tool could gain here at this job count",
            }
        )
    rows += [_vcs_row(where, entry, boot, vcs_note) for where, entry in networks]
    return rows


def _vcs_row(where: str, entry: dict[str, Any], boot: str, vcs_note: str) -> dict[str, Any]:
    measure = f"bootstrap vs vcs import --workers {DEFAULT_JOBS}, {COUNT} siblings, {where}"
    if "ratio_vs_vcs" not in entry:
        return {
            "measure": measure,
            "value": "not run",
            "target": None,
            "met": None,
            "meaning": vcs_note,
        }
    vcs_s = entry[f"vcs_import_w{DEFAULT_JOBS}_s"]
    return {
        "measure": measure,
        "value": _faster(entry["ratio_vs_vcs"]),
        "target": None,
        "met": None,
        "meaning": f"{vcs_s:.2f} s vcstool, {entry[boot]:.2f} s bootstrap, same "
        f"{DEFAULT_JOBS} workers, start-up counted on both sides (vcstool runs ls-remote "
        f"for the version, then clone -b); ran {vcs_note}",
    }


def run(quick: bool) -> dict[str, Any]:
    # --quick keeps the code working (one repetition, one job count); the full run gives the
    # figures: five repetitions and a sweep of job counts.
    reps = 1 if quick else 5
    job_counts = [DEFAULT_JOBS] if quick else sorted({1, 4, DEFAULT_JOBS, 16})
    vcs, vcs_note = find_vcs_import()
    results: dict[str, Any] = {
        "siblings": COUNT,
        "repetitions": reps,
        "delay_ms_each_way": DELAY * 1000,
        "jobs": DEFAULT_JOBS,
        "cpus": os.cpu_count(),
        "vcstool": vcs_note,
    }
    delay_label = f"delay_{int(DELAY * 1000)}ms"
    with tempfile.TemporaryDirectory(prefix="wrknv-bench-") as tmp:
        base = Path(tmp)
        env = dict(os.environ, **ENV, GIT_CONFIG_GLOBAL=str(base / "gitconfig"))
        (base / "gitconfig").write_text("")
        names = make_remotes(base, env)
        with GitDaemon(base / "remotes") as daemon, DelayProxy(daemon.port, DELAY) as proxy:
            for label, port in (("loopback", daemon.port), (delay_label, proxy.port)):
                urls = [daemon.url(f"{n}.git", port) for n in names]
                results[label] = _measure(base, label, names, urls, env, reps, job_counts, vcs)
    results["rows"] = _rows(results, delay_label, vcs_note)
    peer = " and vcstool's import" if vcs else ""
    results["about"] = (
        f"{COUNT} repositories (3 commits, 11 files each) served by a loopback git daemon, "
        f"directly and through a proxy delivering each chunk {int(DELAY * 1000)} ms after it "
        f"left, each way; medians of {reps} repetitions, the sequential loop, bootstrap, bare "
        f"xargs -P{peer} in rotating order; clones are kept until the end. A ratio above 1 "
        "means bootstrap took less time."
    )
    if not vcs:
        results["about"] += f" vcstool was not measured: {vcs_note}."
    return results


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv[1:]), indent=2))
