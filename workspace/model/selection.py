"""Which siblings a session works on: the selection flags every session shares."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass

from workspace.errors import SelectionError
from workspace.model.config import Sibling
from workspace.model.graph import Graph
from workspace.text import comma_list, did_you_mean, normalize_name


@dataclass(frozen=True)
class Selection:
    """Kinds of filter are combined with AND; names within one kind with OR; skip wins."""

    only: tuple[str, ...] = ()
    skip: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    up_to: tuple[str, ...] = ()
    above: tuple[str, ...] = ()

    @classmethod
    def from_args(cls, args: argparse.Namespace) -> Selection:
        return cls(
            only=comma_list(args.only),
            skip=comma_list(args.skip),
            layers=comma_list(args.layer),
            tags=comma_list(args.tag),
            up_to=comma_list(args.up_to),
            above=comma_list(args.above),
        )

    def apply(self, graph: Graph, *, lenient: bool = False) -> list[Sibling]:
        """The selected siblings, in install order (see :meth:`Graph.order` for ``lenient``)."""
        ws = graph.workspace
        only = _siblings("--only", self.only, ws.names)
        skip = _siblings("--skip", self.skip, ws.names)
        up_to = _siblings("--up-to", self.up_to, ws.names)
        above = _siblings("--above", self.above, ws.names)
        _check("--layer", self.layers, ws.layers)
        _check("--tag", self.tags, sorted({t for s in ws.siblings for t in s.tags}))

        chosen = set(ws.names)
        if only:
            chosen &= set(only)
        if self.layers:
            chosen &= {s.name for s in ws.siblings if s.layer in self.layers}
        if self.tags:
            chosen &= {s.name for s in ws.siblings if set(s.tags) & set(self.tags)}
        if up_to:
            chosen &= graph.closure(up_to, upward=False)
        if above:
            chosen &= graph.closure(above, upward=True)
        chosen -= set(skip)
        return [ws.sibling(n) for n in graph.order(lenient=lenient) if n in chosen]


def _siblings(flag: str, given: tuple[str, ...], known: Iterable[str]) -> tuple[str, ...]:
    """Sibling names as the config spells them: compared as the config compares names
    (ignoring case and the difference between '-', '_' and '.')."""
    spelled = {normalize_name(name): name for name in known}
    _check(flag, tuple(g for g in given if normalize_name(g) not in spelled), spelled.values())
    return tuple(spelled[normalize_name(g)] for g in given)


def _check(flag: str, unknown: tuple[str, ...], known: Iterable[str]) -> None:
    known = list(known)
    for name in unknown:
        if name not in known:
            hint = did_you_mean(name, known) or (
                f"known: {', '.join(known)}" if known else "there are none in this workspace"
            )
            raise SelectionError(f"{flag} {name}: no such name", hint=hint)


def add_selection_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("selection (repeatable, comma-separated)")
    group.add_argument("--only", action="append", metavar="A,B", help="only these siblings")
    group.add_argument("--skip", action="append", metavar="A,B", help="leave these siblings out")
    group.add_argument("--layer", action="append", metavar="NAME", help="siblings in this layer")
    group.add_argument("--tag", action="append", metavar="NAME", help="siblings with this tag")
    group.add_argument(
        "--up-to", action="append", metavar="NAME", help="this sibling and everything it needs"
    )
    group.add_argument(
        "--above", action="append", metavar="NAME", help="this sibling and everything that needs it"
    )
