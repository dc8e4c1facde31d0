"""test-all's Python dimension: each suite once per Python, in that Python's environment.

With one Python in play, and it the shared venv's, suites keep ``python=None``, so keys, logs
and summaries are exactly those of a run without the dimension. Otherwise every suite becomes
one per (sibling, Python) pair: those a sibling's ``requires-python`` excludes are not-run and
marked excluded (they fail no run), and those of a Python that is missing or whose environment
did not build are not-run with that one line as their reason (they do fail it).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace

from workspace.env.python_envs import PythonEnv, ensure_envs, shared_version
from workspace.env.venv import Log
from workspace.model.graph import Graph
from workspace.runs.history import Pair
from workspace.runs.keys import Inputs, suite_inputs
from workspace.runs.results import suite_key
from workspace.runs.suites import Suite


@dataclass(frozen=True)
class Pythons:
    """The Pythons of a run, and the suites spread over them."""

    suites: tuple[Suite, ...]
    envs: Mapping[str, PythonEnv]  # version -> its environment; empty: only the shared venv

    @property
    def xdist(self) -> bool:
        return any(e.xdist for e in self.envs.values() if e.problem is None)


def across_pythons(
    graph: Graph,
    suites: Sequence[Suite],
    requested: Sequence[str],
    *,
    log: Log,
    warn: Callable[[str], None],
    rerun: Collection[Pair] | None = None,
) -> Pythons:
    """The suites over every Python in play, each environment built or checked first (one
    line per environment built; one ``error:`` line per Python that cannot run). ``rerun``
    (--rerun-failed): only the pairs among these that did not pass last time."""
    ws = graph.workspace
    versions = tuple(requested or ws.pythons)  # --python, else [workspace] pythons
    if not versions or versions == (shared_version(ws),):
        return Pythons(tuple(suites), {})
    envs, excluded = ensure_envs(graph, versions, [s.name for s in suites], log)
    for env in envs.values():
        if env.problem is not None:
            if env.output:  # uv's explanation, as setup prints it
                warn(env.output)
            warn(env.error_line())
    pairs = spread(suites, envs, excluded)
    if rerun is not None:
        # a sibling that failed on no particular Python (a run over one) runs on every one
        pairs = [s for s in pairs if (s.name, s.python) in rerun or (s.name, None) in rerun]
    return Pythons(tuple(pairs), envs)


def spread(
    suites: Sequence[Suite],
    envs: Mapping[str, PythonEnv],
    excluded: Mapping[str, Mapping[str, str]],
) -> list[Suite]:
    """One suite per (sibling, Python): the environment's venv, its xdist, or why not run."""
    out = []
    for version, env in envs.items():
        for suite in suites:
            pair = replace(suite, python=version, venv=env.venv, xdist=suite.xdist and env.xdist)
            why = excluded.get(version, {}).get(suite.name)
            if suite.skip_reason is None and why is not None:
                pair = replace(pair, skip_reason=why, excluded=True)
            elif suite.skip_reason is None and env.problem is not None:
                pair = replace(pair, skip_reason=env.problem)
            out.append(pair)
    return out


def pair_inputs(
    graph: Graph, suites: Sequence[Suite], envs: Mapping[str, PythonEnv]
) -> dict[str, Inputs]:
    """Each suite's cache inputs by its key: its own Python's environment (fingerprint, pins,
    version) is part of them, so a pass on one Python never stands for another."""
    out: dict[str, Inputs] = {}
    for version in sorted({s.python for s in suites}, key=lambda v: v or ""):
        group = [s for s in suites if s.python == version]
        env = envs.get(version) if version is not None else None
        found = suite_inputs(
            graph,
            [s.name for s in group],
            {s.name: (*s.args, *s.files) for s in group},  # a piece is keyed by its files
            venv=env.venv if env is not None else None,
            pins_file=env.pins if env is not None else None,
        )
        out.update({suite_key(name, version): inputs for name, inputs in found.items()})
    return out
