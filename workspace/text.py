"""Text helpers every stage uses: paths as a person types them, did-you-mean, names, plurals."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from pathlib import Path

_SEPARATORS_RE = re.compile(r"[-_.]+")


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the current directory when below it."""
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def comma_list(values: Iterable[str] | None) -> tuple[str, ...]:
    """The items of a repeatable flag that also takes comma-separated lists, stripped, in
    order; empty items are dropped."""
    return tuple(i.strip() for v in values or () for i in v.split(",") if i.strip())


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else None


def normalize_name(name: str) -> str:
    """A distribution name in PEP 503's normal form, as ``packaging.utils.canonicalize_name``.

    Written out because importing packaging.utils for it costs every command about 25 ms of
    start-up (it loads packaging.tags); the test suite checks that the two agree.
    """
    return _SEPARATORS_RE.sub("-", name).lower()


def plural(count: int, noun: str) -> str:
    """``1 sibling``, ``2 siblings``: a count with its noun."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def seconds(value: float) -> str:
    """A duration as the tables and progress lines show it: ``4.0s``."""
    return f"{value:.1f}s"


_SESSION_RE = re.compile(r"(nox -s [\w-]+)( --)?(?=[\s)`]|$)")


def with_config(text: str, config: Path | None) -> str:
    """``text`` with ``--config CONFIG`` added to every ``nox -s VERB`` it names, so that a
    hint given for a workspace chosen by ``--config`` works when it is followed."""
    if config is None:
        return text
    return _SESSION_RE.sub(lambda m: f"{m.group(1)} -- --config {config}", text)
