"""Which siblings a session works on: the selection flags every session shares."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from dataclasses import dataclass

from workspace.errors import SelectionError
from workspace.model.config import Sibling
from workspace.model.graph import Graph
from workspace.text import did_you_mean


def _names(values: Iterable[str] | None) -> tuple[str, ...]:
    """Flags may be repeated and take comma-separated lists."""
    return tuple(n.strip() for v in values or () for n in v.split(",") if n.strip())


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
            only=_names(args.only),
            skip=_names(args.skip),
            layers=_names(args.layer),
            tags=_names(args.tag),
            up_to=_names(args.up_to),
            above=_names(args.above),
        )

    def __bool__(self) -> bool:
        return any((self.only, self.skip, self.layers, self.tags, self.up_to, self.above))

    def apply(self, graph: Graph) -> list[Sibling]:
        """The selected siblings, in install order."""
        ws = graph.workspace
        names = set(ws.names)
        self._check("--only", self.only, ws.names)
        self._check("--skip", self.skip, ws.names)
        self._check("--up-to", self.up_to, ws.names)
        self._check("--above", self.above, ws.names)
        self._check("--layer", self.layers, ws.layers)
        self._check("--tag", self.tags, sorted({t for s in ws.siblings for t in s.tags}))

        chosen = set(names)
        if self.only:
            chosen &= set(self.only)
        if self.layers:
            chosen &= {s.name for s in ws.siblings if s.layer in self.layers}
        if self.tags:
            chosen &= {s.name for s in ws.siblings if set(s.tags) & set(self.tags)}
        if self.up_to:
            chosen &= graph.closure(self.up_to, upward=False)
        if self.above:
            chosen &= graph.closure(self.above, upward=True)
        chosen -= set(self.skip)
        return [ws.sibling(n) for n in graph.order() if n in chosen]

    @staticmethod
    def _check(flag: str, given: tuple[str, ...], known: Iterable[str]) -> None:
        known = list(known)
        for name in given:
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
