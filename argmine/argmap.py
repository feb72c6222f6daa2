"""The document model: one essay, its argumentative units and the relations between them."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import networkx as nx

from argmine.errors import InputError

KINDS = ("major_claim", "claim", "premise", "evidence")
EVIDENCE_TYPES = ("statistics", "testimony", "anecdote", "")
STANCES = ("for", "against", "")
RELATIONS = ("support", "attack")


class MapError(InputError):
    """An argument map that breaks the model's invariants (bad offsets, unknown labels, dangling edges)."""


# Strings a map read from a file may not hold: a lone surrogate cannot be written back as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _show(value: Any) -> str:
    """`value` for an error message: short, one line, whatever a file put there."""
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:40] + "...")
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, numbers.Number):
        return repr(value) if len(repr(value)) <= 40 else f"a {len(repr(value))}-digit number"
    names: dict[type, str] = {dict: "an object", list: "a list"}
    return names.get(type(value), f"a {type(value).__name__}")


def _integer(value: Any, what: str) -> int:
    # bool is an int in Python, and a float offset would be truncated without a word: both are refused.
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise MapError(f"{what} must be an integer, not {_show(value)}")
    return int(value)


def _score(value: Any, what: str) -> float:
    """A score is a probability: a finite number from 0 to 1 (NaN would not survive a JSON round trip)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise MapError(f"{what} must be a number from 0 to 1, not {_show(value)}")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not (math.isfinite(number) and 0.0 <= number <= 1.0):
        raise MapError(f"{what} must be a number from 0 to 1, not {_show(value)}")
    return number


def _label(value: Any, allowed: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed if a)
        raise MapError(f"{what} {_show(value)} is not one of {choices}")
    return value


def _string(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise MapError(f"{what} must be a string, not {_show(value)}")
    bad = _SURROGATE.search(value)
    if bad:
        raise MapError(f"{what} holds a lone surrogate (U+{ord(bad.group()):04X}), which no text file can carry")
    return value


def _id(value: Any, what: str) -> str:
    # Hand-made node-link JSON and AIF number their nodes; a number is the same id as its decimal string.
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return str(value)
    return _string(value, what)


def _fields(data: Any, what: str, required: tuple[str, ...]) -> Mapping:
    if not isinstance(data, Mapping):
        raise MapError(f"{what} must be an object, not {_show(data)}")
    missing = [k for k in required if k not in data]
    if missing:
        raise MapError(f"{what} lacks {', '.join(repr(k) for k in missing)}")
    return data


def _items(value: Any, what: str) -> list:
    if not isinstance(value, list | tuple):
        raise MapError(f"{what} must be a list, not {_show(value)}")
    return list(value)


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

    @classmethod
    def from_dict(cls, data: Mapping, *, id: Any = None) -> Unit:
        """The unit a plain-data record describes (`asdict(unit)`, a JSON node, an AIF I-node's argmine data),
        its types checked; `id` when the record keeps the id elsewhere (GraphML). Unknown keys are ignored.
        The map's `add_unit` checks the values against the text and the schema."""
        data = _fields(data, "a unit", ("start", "end", "kind") + (() if id is not None else ("id",)))
        uid = _id(data["id"] if id is None else id, "a unit id")
        what = f"unit {uid!r}"
        return cls(
            id=uid,
            start=_integer(data["start"], f"{what}: start"),
            end=_integer(data["end"], f"{what}: end"),
            kind=_label(data["kind"], KINDS, f"{what}: kind"),
            evidence_type=_label(data.get("evidence_type", ""), EVIDENCE_TYPES, f"{what}: evidence type"),
            stance=_label(data.get("stance", ""), STANCES, f"{what}: stance"),
            paragraph=_integer(data.get("paragraph", 0), f"{what}: paragraph"),
            score=_score(data.get("score", 1.0), f"{what}: score"),
        )


@dataclass(frozen=True)
class Relation:
    """`source` supports or attacks `target` (both unit ids)."""

    source: str
    target: str
    relation: str
    score: float = 1.0

    @classmethod
    def from_dict(cls, data: Mapping) -> Relation:
        """The relation a plain-data record describes (`asdict(relation)`, a JSON edge), its types checked."""
        data = _fields(data, "a relation", ("source", "target", "relation"))
        source, target = _id(data["source"], "a relation's source"), _id(data["target"], "a relation's target")
        what = f"relation {source!r} -> {target!r}"
        return cls(
            source,
            target,
            _label(data["relation"], RELATIONS, f"{what}: relation"),
            _score(data.get("score", 1.0), f"{what}: score"),
        )


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
        self.graph: nx.DiGraph[str] = nx.DiGraph(source=source, model=model)
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

    @property
    def thesis_candidates(self) -> list[tuple[str, float]]:
        """The units a model weighed as the thesis, most probable first, with their probabilities (the trained
        pipeline's thesis scorer, `argmine.nlp.thesis`); empty for gold maps and the baselines."""
        return list(self.graph.graph.get("thesis_candidates", ()))

    @thesis_candidates.setter
    def thesis_candidates(self, candidates: Iterable[tuple[str, float]]) -> None:
        self.graph.graph["thesis_candidates"] = [(uid, float(p)) for uid, p in candidates if uid in self.graph]

    def add_unit(self, unit: Unit) -> None:
        """Add `unit`, checking its offsets against the text and its labels against the schema."""
        if not isinstance(unit.id, str):
            raise MapError(f"a unit id must be a string, not {_show(unit.id)}")
        if unit.id in self.graph:
            raise MapError(f"duplicate unit id {unit.id!r}")
        what = f"unit {unit.id!r}"
        start, end = _integer(unit.start, f"{what}: start"), _integer(unit.end, f"{what}: end")
        if not (0 <= start < end <= len(self.text)):
            raise MapError(f"{what} has offsets {start}:{end} outside the text")
        if unit.kind not in KINDS:
            raise MapError(f"{what} has unknown kind {_show(unit.kind)}")
        if unit.evidence_type not in EVIDENCE_TYPES:
            raise MapError(f"{what} has unknown evidence type {_show(unit.evidence_type)}")
        if unit.stance not in STANCES:
            raise MapError(f"{what} has unknown stance {_show(unit.stance)}")
        if _integer(unit.paragraph, f"{what}: paragraph") < 0:
            raise MapError(f"{what} has a negative paragraph number {unit.paragraph}")
        _score(unit.score, f"{what}: score")
        attrs = {name: getattr(unit, name) for name in _UNIT_ATTRS}
        self.graph.add_node(unit.id, **attrs)

    def add_relation(self, relation: Relation) -> None:
        """Add an edge `relation.source -> relation.target`; both units must exist."""
        for end in (relation.source, relation.target):
            if not isinstance(end, str) or end not in self.graph:
                raise MapError(f"relation refers to unknown unit {_show(end)}")
        if relation.source == relation.target:
            raise MapError(f"unit {relation.source!r} cannot relate to itself")
        if relation.relation not in RELATIONS:
            raise MapError(f"unknown relation {_show(relation.relation)}")
        _score(relation.score, f"relation {relation.source!r} -> {relation.target!r}: score")
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
        return self.units_and_relations()[1]

    def units_and_relations(self) -> tuple[list[Unit], list[Relation]]:
        """`units` and `relations` at once (the relations' order is the units'; each property reads the graph
        again, and code that needs both would read the units twice)."""
        units = self.units
        order = {u.id: i for i, u in enumerate(units)}
        rels = [Relation(s, t, d["relation"], d["score"]) for s, t, d in self.graph.edges(data=True)]
        return units, sorted(rels, key=lambda r: (order[r.source], order[r.target]))

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
        """A new map over the same text and source with other units and relations (and the thesis candidates
        among them)."""
        new = ArgumentMap(self.text, units, relations, source=self.source, model=model or self.model)
        if self.thesis_candidates:
            new.thesis_candidates = self.thesis_candidates
        return new

    @classmethod
    def from_dict(cls, data: Mapping) -> ArgumentMap:
        """The map `to_dict` describes, checked to be well formed: the one door every reader (JSON, GraphML,
        AIF, JSON Lines) goes through, so that a file argmine did not check never becomes a map.

        Types are strict (offsets are integers, never floats or booleans; scores are finite numbers from 0 to
        1; strings hold no lone surrogates), a unit that carries its `text` must match its offsets, no two
        relations join the same units, and relations form no cycle. Anything else raises `MapError`.
        """
        data = _fields(data, "a map", ("text",))
        text = _string(data["text"], "the map's text")
        amap = cls(
            text, source=_string(data.get("source", ""), "the source"), model=_string(data.get("model", ""), "the model")
        )
        for item in _items(data.get("units", []), "units"):
            unit = Unit.from_dict(item)
            amap.add_unit(unit)
            if "text" in item and item["text"] != amap.unit_text(unit):
                raise MapError(
                    f"unit {unit.id!r}: text {_show(item['text'])} does not match offsets "
                    f"{unit.start}:{unit.end} ({_show(amap.unit_text(unit))})"
                )
        for item in _items(data.get("relations", []), "relations"):
            relation = Relation.from_dict(item)
            if amap.graph.has_edge(relation.source, relation.target):
                raise MapError(f"two relations from {relation.source!r} to {relation.target!r}")
            amap.add_relation(relation)
        amap.check_acyclic()
        return amap

    def check_acyclic(self) -> None:
        """Raise `MapError` when relations form a cycle (a map argues towards its thesis, never in circles)."""
        if nx.is_directed_acyclic_graph(self.graph):
            return
        names = [repr(s) for s, _ in nx.find_cycle(self.graph)]
        shown = " -> ".join(names[:5] + (["..."] if len(names) > 5 else names[:1]))
        raise MapError(f"relations form a cycle: {shown}")

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
