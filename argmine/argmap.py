"""The document model: one essay, its argumentative units and the relations between them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields

import networkx as nx

KINDS = ("major_claim", "claim", "premise", "evidence")
EVIDENCE_TYPES = ("statistics", "testimony", "anecdote", "")
STANCES = ("for", "against", "")
RELATIONS = ("support", "attack")


class MapError(ValueError):
    """An argument map that breaks the model's invariants (bad offsets, unknown labels, dangling edges)."""


@dataclass(frozen=True)
class Unit:
    """An argumentative unit: `text[start:end]` of the map it belongs to."""

    id: str
    start: int
    end: int
    kind: str
    evidence_type: str = ""
    stance: str = ""
    paragraph: int = 0
    score: float = 1.0


@dataclass(frozen=True)
class Relation:
    """`source` supports or attacks `target` (both unit ids)."""

    source: str
    target: str
    relation: str
    score: float = 1.0


_UNIT_ATTRS = tuple(f.name for f in fields(Unit) if f.name != "id")


class ArgumentMap:
    """Source text plus an argument graph: units are nodes, support/attack relations are edges.

    The networkx `DiGraph` in `graph` is the single store; `units` and `relations` are views of it.
    Edges point from the supporting or attacking unit to its target.
    """

    def __init__(
        self,
        text: str,
        units: Iterable[Unit] = (),
        relations: Iterable[Relation] = (),
        *,
        source: str = "",
        model: str = "",
    ) -> None:
        self.text = text
        self.graph = nx.DiGraph(source=source, model=model)
        for unit in units:
            self.add_unit(unit)
        for relation in relations:
            self.add_relation(relation)

    @property
    def source(self) -> str:
        return self.graph.graph["source"]

    @property
    def model(self) -> str:
        return self.graph.graph["model"]

    def add_unit(self, unit: Unit) -> None:
        """Add `unit`, checking its offsets against the text and its labels against the schema."""
        if unit.id in self.graph:
            raise MapError(f"duplicate unit id {unit.id!r}")
        if not (0 <= unit.start < unit.end <= len(self.text)):
            raise MapError(f"unit {unit.id!r} has offsets {unit.start}:{unit.end} outside the text")
        if unit.kind not in KINDS:
            raise MapError(f"unit {unit.id!r} has unknown kind {unit.kind!r}")
        if unit.evidence_type not in EVIDENCE_TYPES:
            raise MapError(f"unit {unit.id!r} has unknown evidence type {unit.evidence_type!r}")
        if unit.stance not in STANCES:
            raise MapError(f"unit {unit.id!r} has unknown stance {unit.stance!r}")
        attrs = {name: getattr(unit, name) for name in _UNIT_ATTRS}
        self.graph.add_node(unit.id, **attrs)

    def add_relation(self, relation: Relation) -> None:
        """Add an edge `relation.source -> relation.target`; both units must exist."""
        for end in (relation.source, relation.target):
            if end not in self.graph:
                raise MapError(f"relation refers to unknown unit {end!r}")
        if relation.source == relation.target:
            raise MapError(f"unit {relation.source!r} cannot relate to itself")
        if relation.relation not in RELATIONS:
            raise MapError(f"unknown relation {relation.relation!r}")
        self.graph.add_edge(relation.source, relation.target, relation=relation.relation, score=relation.score)

    def unit(self, unit_id: str) -> Unit:
        """The unit with id `unit_id`."""
        return Unit(id=unit_id, **self.graph.nodes[unit_id])

    @property
    def units(self) -> list[Unit]:
        """All units in reading order."""
        units = [Unit(id=n, **attrs) for n, attrs in self.graph.nodes(data=True)]
        return sorted(units, key=lambda u: (u.start, u.end, u.id))

    @property
    def relations(self) -> list[Relation]:
        """All relations, ordered by the position of their source unit."""
        order = {u.id: i for i, u in enumerate(self.units)}
        rels = [Relation(s, t, d["relation"], d["score"]) for s, t, d in self.graph.edges(data=True)]
        return sorted(rels, key=lambda r: (order[r.source], order[r.target]))

    def unit_text(self, unit: Unit | str) -> str:
        """The text a unit covers."""
        if isinstance(unit, str):
            unit = self.unit(unit)
        return self.text[unit.start : unit.end]

    def targets(self, unit_id: str) -> list[Relation]:
        """Relations going out of `unit_id` (what it supports or attacks)."""
        return [Relation(unit_id, t, d["relation"], d["score"]) for _, t, d in self.graph.out_edges(unit_id, data=True)]

    def children(self, unit_id: str) -> list[Relation]:
        """Relations coming into `unit_id` (what supports or attacks it)."""
        return [Relation(s, unit_id, d["relation"], d["score"]) for s, _, d in self.graph.in_edges(unit_id, data=True)]

    def roots(self) -> list[Unit]:
        """Units that support or attack nothing, in reading order (the thesis candidates)."""
        return [u for u in self.units if self.graph.out_degree(u.id) == 0]

    def with_units(self, units: Iterable[Unit], relations: Iterable[Relation] = (), *, model: str = "") -> ArgumentMap:
        """A new map over the same text and source with other units and relations."""
        return ArgumentMap(self.text, units, relations, source=self.source, model=model or self.model)

    def to_dict(self) -> dict:
        """Plain-data form: text, units (with their text) and relations."""
        return {
            "source": self.source,
            "model": self.model,
            "text": self.text,
            "units": [{**asdict(u), "text": self.unit_text(u)} for u in self.units],
            "relations": [asdict(r) for r in self.relations],
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ArgumentMap):
            return NotImplemented
        return self.to_dict() == other.to_dict()

    def __len__(self) -> int:
        return self.graph.number_of_nodes()

    def __repr__(self) -> str:
        return f"<ArgumentMap {self.source or '<text>'!r}: {len(self)} units, {self.graph.number_of_edges()} relations>"
