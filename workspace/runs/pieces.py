"""A piece of a split suite, as ``test-all --files`` names it: ``SIBLING:PATH`` runs only that
test file of the sibling; ``!SIBLING:PATH`` runs the sibling's suite as usual but without that
file (the rest piece, where test files added since the plan's history run). ``matrix --shards``
writes these selections (``ci/shards.py``); a piece's result keeps its own (``files``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from workspace.errors import SelectionError
from workspace.text import comma_list, plural

if TYPE_CHECKING:
    from workspace.runs.suites import Suite

SKIP = "!"


def parse_files(values: Iterable[str] | None) -> dict[str, tuple[str, ...]]:
    """``--files`` values (repeatable, comma-separated) as sibling -> its selection, in order,
    ``!`` kept on the files to leave out. Empty values are allowed (a matrix entry that runs
    no piece); a bad one is an error, and so is a sibling given both kinds."""
    out: dict[str, list[str]] = {}
    for item in comma_list(values):
        skip = item.startswith(SKIP)
        name, sep, path = item.removeprefix(SKIP).partition(":")
        parts = PurePosixPath(path).parts
        if not sep or not name or not path or PurePosixPath(path).is_absolute() or ".." in parts:
            raise SelectionError(
                f"--files {item!r}: expected SIBLING:PATH or !SIBLING:PATH, PATH relative to "
                "the sibling",
                hint="as matrix --shards writes them: --files big:tests/test_io.py",
            )
        chosen = out.setdefault(name, [])
        if chosen and chosen[0].startswith(SKIP) != skip:
            raise SelectionError(
                f"--files {name}: both files to run ({name}:PATH) and files to leave out "
                f"(!{name}:PATH)",
                hint="a shard runs one piece of a suite: the listed files, or all but them",
            )
        if SKIP * skip + path not in chosen:
            chosen.append(SKIP * skip + path)
    return {name: tuple(paths) for name, paths in out.items()}


def narrow_to_files(
    suites: Sequence[Suite], files: Mapping[str, tuple[str, ...]], warn: Callable[[str], None]
) -> list[Suite]:
    """Each suite named in ``files`` runs only its piece; every name must be a suite of the
    run. A file to run that is gone (deleted since the plan) is left out, said to ``warn``; a
    piece left with none is not run, which fails nothing: the rest piece runs what is there."""
    names = {s.name for s in suites}
    for name in files:
        if name not in names:
            raise SelectionError(
                f"--files {name}:...: {name} is not among the suites this run selects",
                hint=f"select it too (--only {name}), or check the name",
            )
    out = []
    for suite in suites:
        chosen = files.get(suite.name, ())
        gone = [
            f
            for f in chosen
            if not f.startswith(SKIP) and suite.path.is_dir() and not (suite.path / f).is_file()
        ]
        if gone:
            warn(f"warning: --files {suite.name}: not found, left out: {', '.join(gone)}")
        kept = tuple(f for f in chosen if f not in gone)
        if chosen and not kept:
            why = f"none of its {plural(len(chosen), 'file')} exists here any more"
            out.append(replace(suite, files=chosen, skip_reason=why, excluded=True))
        else:
            out.append(replace(suite, files=kept) if chosen else suite)
    return out


def piece_args(files: Sequence[str]) -> list[str]:
    """What a piece adds to pytest's command line: the files to run, or ``--ignore`` for each
    file to leave out (the rest of the suite is collected as usual)."""
    return [f"--ignore={f[len(SKIP) :]}" if f.startswith(SKIP) else f for f in files]
