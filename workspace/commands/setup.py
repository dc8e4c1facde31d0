"""``setup``: one shared venv where every selected sibling is an editable install."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from workspace.commands import Command
from workspace.commands._options import add_workspace_arguments, load_selected, name_broken
from workspace.env.installed import read_venv
from workspace.env.plan import (
    InstallPlan,
    Mismatch,
    bootstrap_command,
    installed_mismatches,
    make_plan,
)
from workspace.env.python_envs import ensure_env, exclusions, venv_for
from workspace.env.setup import Options, setup
from workspace.env.uv import ResolutionError
from workspace.env.venv import venv_python
from workspace.errors import ExitCode, SelectionError
from workspace.model.config import Sibling
from workspace.model.graph import Graph
from workspace.text import comma_list, did_you_mean, display_path, normalize_name, plural


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    add_workspace_arguments(parser)
    parser.add_argument("--force", action="store_true", help="reinstall even when nothing changed")
    parser.add_argument(
        "--layered",
        action="store_true",
        help="resolve and install layer by layer, bottom-up (one uv call per layer)",
    )
    parser.add_argument(
        "--allow-mismatch",
        action="store_true",
        help="go on when a sibling asks for a version of another that the checkout is not",
    )
    parser.add_argument(
        "--python",
        metavar="PATH|VERSION",
        help="the interpreter for the venv (default: the venv's own, else one that satisfies "
        "the workspace and every sibling)",
    )
    parser.add_argument(
        "--from-index",
        action="append",
        metavar="NAME",
        help="let these siblings come from the package index when another needs them and "
        "they are not checked out (repeatable or comma-separated); said in setup and validate",
    )
    parser.add_argument(
        "--all-pythons",
        action="store_true",
        help="also build the environment of every other Python in [workspace] pythons, "
        "under .wrknv/venvs/VERSION (test-all builds them itself when they are missing)",
    )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would be installed (the uv inputs) and stop",
    )


def _err(text: str) -> None:
    print(text, file=sys.stderr)


def _plan_ok(plan: InstallPlan, allow_mismatch: bool, from_index: Sequence[str]) -> bool:
    """Print what the plan leaves out or cannot check; False when setup must not go on."""
    for sib in plan.skipped:
        if sib.name in plan.broken:
            print(f"skipping {sib.name}: its pyproject.toml cannot be read")
        else:
            print(f"skipping {sib.name}: not a Python package")
    if plan.missing:
        names = [s.name for s in plan.missing]
        _err(f"not present (not installed): {', '.join(names)}")
        _err(f"  fetch them with: {bootstrap_command(names)}")
    allowed = {normalize_name(n) for n in from_index}
    for target in sorted({t for _, t in plan.needed_missing if normalize_name(t) in allowed}):
        print(f"note: {target} comes from the package index (--from-index)")
    needed = [(s, t) for s, t in plan.needed_missing if normalize_name(t) not in allowed]
    if needed:
        for source, target in needed:
            _err(f"{source} needs {target}, which {plan.why_missing(target)}")
        absent = [t for _, t in needed if plan.why_missing(t) == "is not present"]
        hint = (
            bootstrap_command(absent)
            if absent
            else "give it a pyproject.toml (or check out a revision that has one), "
            "or leave out the siblings that need it (--skip NAME)"
        )
        _err(
            "error: a needed sibling is missing and would come from the package index "
            f"(hint: {hint})"
        )
        return False
    for note in plan.unchecked:
        _err(f"note: {note}: checked after the install")
    if not _mismatches_ok(plan.mismatches, allow_mismatch, "the local checkouts"):
        return False
    if not plan.install:
        _err("error: no present Python sibling is selected; nothing to install")
        return False
    return True


def _mismatches_ok(mismatches: Sequence[Mismatch], allow: bool, found_in: str) -> bool:
    """The skew report: each unmet sibling-to-sibling requirement; False unless allowed."""
    for mismatch in mismatches:
        _err(f"version mismatch: {mismatch}")
    if mismatches and not allow:
        _err(
            f"error: {plural(len(mismatches), 'sibling version constraint')} not met by "
            f"{found_in} (hint: update the checkouts or the requirements, or pass "
            "--allow-mismatch to install the local checkouts anyway)"
        )
        return False
    if mismatches:
        _err("going on (--allow-mismatch): the local checkouts are installed as they are")
    return True


def _run(args: argparse.Namespace) -> int:
    graph, selected = load_selected(args)
    return name_broken(graph, selected, _setup(args, graph, selected))


def _setup(args: argparse.Namespace, graph: Graph, selected: list[Sibling]) -> int:
    plan = make_plan(graph, selected)
    from_index = list(comma_list(args.from_index))
    unknown = [
        n for n in from_index if normalize_name(n) not in map(normalize_name, graph.workspace.names)
    ]
    if unknown:
        raise SelectionError(
            f"--from-index {unknown[0]}: no such sibling",
            hint=did_you_mean(unknown[0], graph.workspace.names) or "name a [[siblings]] entry",
        )
    if not _plan_ok(plan, args.allow_mismatch, from_index):
        return ExitCode.FAILED
    if args.dry_run:
        print("# requirements (one resolution)")
        print(plan.requirements_text(), end="")
        print("# overrides: every requirement on a sibling resolves to its checkout")
        print(plan.overrides_text(), end="")
        return ExitCode.OK

    options = Options(
        force=args.force, layered=args.layered, python=args.python, from_index=tuple(from_index)
    )
    try:
        result = setup(plan, options, log=print)
    except ResolutionError as exc:
        if exc.output:
            _err(exc.output)
        _err(f"error: {exc}")
        if not exc.touched and (plan.workspace.venv / "pyvenv.cfg").is_file():
            _err(f"the previous environment in {display_path(plan.workspace.venv)} is unchanged")
        return ExitCode.FAILED
    if plan.unchecked:  # dynamic versions: what the venv now holds says what they are
        dists = read_venv(venv_python(result.venv)).dists
        skew, _ = installed_mismatches(graph, [s.name for s in plan.install], dists)
        if not _mismatches_ok(skew, args.allow_mismatch, "the installed versions"):
            return ExitCode.FAILED
    venv = display_path(result.venv)
    count = plural(len(result.installed), "sibling")
    if not result.changed:
        print(f"{venv} is up to date ({count}, {result.duration:.2f} s)")
    else:
        print(
            f"{venv}: {count} installed as editables with Python "
            f"{result.python.version} in {result.duration:.1f} s"
        )
    return _other_pythons(graph, options) if args.all_pythons else ExitCode.OK


def _other_pythons(graph: Graph, options: Options) -> int:
    """``--all-pythons``: each other Python's environment, with this setup's options (--force,
    --layered, --from-index); its own Python, inputs and fingerprint."""
    ws = graph.workspace
    others = [v for v in ws.pythons if venv_for(ws, v) != ws.venv]
    if not others:
        print("no other Python in [workspace] pythons: nothing more to build")
    failed = False
    for version in others:
        excluded = exclusions(graph, version, ws.names)
        env = ensure_env(graph, version, excluded, print, options, use_busy=False)
        if env.problem is not None:
            if env.output:
                _err(env.output)
            _err(env.error_line())
            failed = True
        else:
            print(f"Python {version}: {display_path(env.venv)} is ready")
    return ExitCode.FAILED if failed else ExitCode.OK


COMMANDS = [
    Command(
        "setup",
        "create the shared venv: every selected sibling editable, in one resolution",
        _add_arguments,
        _run,
    )
]
