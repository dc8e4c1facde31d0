"""``demo``: the bundled demo workspace, end to end, with the normal verbs."""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence
from pathlib import Path

from workspace import demo
from workspace.commands import Command, VerbRunner, find_commands
from workspace.demo import Layout, RemoteStatus, StepResult, StepStatus
from workspace.errors import ExitCode, WorkspaceError
from workspace.text import display_path, plural


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dir",
        type=Path,
        default=demo.DEFAULT_DIR,
        metavar="DIR",
        help="where the demo keeps its remotes, config, checkouts and venv "
        f"(default: {display_path(demo.DEFAULT_DIR)})",
    )
    parser.add_argument(
        "--clean",
        action="store_true",
        help="remove what an earlier run left in DIR and start over",
    )
    parser.add_argument(
        "--prepare-only",
        action="store_true",
        help="only write the demo's local remotes and config under DIR, print the config's "
        "path and run no step (for CI jobs that run the steps with their own selection)",
    )


def _say(text: str) -> None:
    print(text, flush=True)


def _remotes_line(results: Sequence[demo.RemoteResult]) -> str:
    counts = {s: [r.name for r in results if r.status is s] for s in RemoteStatus}
    parts = [f"{len(counts[RemoteStatus.CREATED])} created"] if counts[RemoteStatus.CREATED] else []
    if counts[RemoteStatus.UPDATED]:
        parts.append(f"updated: {', '.join(counts[RemoteStatus.UPDATED])}")
    if counts[RemoteStatus.UNCHANGED]:
        parts.append(f"{len(counts[RemoteStatus.UNCHANGED])} unchanged")
    return ", ".join(parts)


def _step_line(result: StepResult, index: int, total: int) -> str:
    if result.status is StepStatus.NOT_RUN:
        return f"demo: step {index}/{total} {result.name}: not run (an earlier step failed)"
    code = "" if result.status is StepStatus.OK else f", exit status {result.code}"
    return (
        f"demo: step {index}/{total} {result.name}: {result.status.value}"
        f" ({result.duration:.1f} s{code})"
    )


def _prepare(args: argparse.Namespace) -> Layout:
    """Make the demo directory, its remotes and its config, saying what was done."""
    layout = Layout(args.dir.expanduser().absolute())
    example = demo.load_example()
    prepared = demo.prepare(example, layout, clean=args.clean)
    _say(
        f"demo: {'new' if prepared.fresh else 'reusing'} demo directory"
        f" {display_path(layout.dir)}"
        f" ({plural(len(example.siblings), 'sibling')} from {display_path(demo.EXAMPLE_DIR)})"
    )
    _say(f"demo: remotes in {display_path(layout.remotes)}: {_remotes_line(prepared.remotes)}")
    for r in prepared.remotes:
        checkout = layout.dir / r.name
        if r.status is RemoteStatus.UPDATED and checkout.exists():
            _say(
                f"demo: note: {r.name} changed in examples/demo; the checkout "
                f"{display_path(checkout)} keeps its commit until `update` (or --clean)"
            )
    state = "written" if prepared.config_written else "unchanged"
    _say(f"demo: config {display_path(layout.config_file)} ({state})")
    return layout


def _run(args: argparse.Namespace, verbs: VerbRunner) -> int:
    start = time.monotonic()
    if args.prepare_only:
        layout = _prepare(args)
        _say("demo: prepared only; no step run. The config, for --config or $WRKNV_CONFIG:")
        # Alone on the last line, so that a script can take it with `tail -n 1`.
        _say(str(layout.config_file))
        return ExitCode.OK
    missing = demo.missing_verbs(list(find_commands()))
    if missing:
        raise WorkspaceError(
            f"the demo needs the verbs {', '.join(missing)}, which this checkout does not have",
            hint="update provide-workspace; `python -m workspace --help` lists the verbs",
        )
    layout = _prepare(args)

    total = len(demo.STEPS)
    position = {verb: i for i, verb in enumerate(demo.STEPS, 1)}

    def announce(verb: str, argv: list[str]) -> None:
        shown = [display_path(Path(a)) if a == str(layout.config_file) else a for a in argv]
        _say(f"\n== demo step {position[verb]}/{total}: python -m workspace {' '.join(shown)}")

    results: list[StepResult] = []
    for result in demo.run_steps(demo.STEPS, layout, verbs, on_start=announce):
        results.append(result)
        _say(_step_line(result, position[result.name], total))
    code = demo.exit_code(results)
    elapsed = time.monotonic() - start
    if code == ExitCode.OK:
        _say(f"demo: all {total} steps passed in {elapsed:.1f} s")
    else:
        failed = next(r.name for r in results if r.status is StepStatus.FAILED)
        _say(f"demo: stopped at {failed} after {elapsed:.1f} s")
    return code


COMMANDS = [
    Command(
        "demo",
        "run the bundled demo workspace: bootstrap, setup, validate, test-all",
        _add_arguments,
        run_verbs=_run,
    )
]
