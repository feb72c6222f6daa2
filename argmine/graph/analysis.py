"""What an argument map says about its argument: the thesis, what is unsupported, what goes unanswered.

"Claims" here are the units of kind `claim` plus the thesis; restatements of the thesis (later major claims)
repeat it and are not counted again. Edges point from the supporting or attacking unit to its target, so the
units *under* a claim (its subtree) are its networkx ancestors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import networkx as nx

from argmine.argmap import EVIDENCE_TYPES, KINDS, ArgumentMap, Unit
from argmine.graph.coverage import Coverage, coverage
from argmine.graph.decode import thesis_of

UNTYPED = "untyped"


@dataclass(frozen=True)
class UnitRef:
    """A unit named in an analysis, with its text so the analysis reads on its own."""

    id: str
    kind: str
    text: str
    start: int
    end: int

    @classmethod
    def of(cls, amap: ArgumentMap, unit: Unit) -> UnitRef:
        """The reference to `unit` of `amap`."""
        return cls(unit.id, unit.kind, amap.unit_text(unit), unit.start, unit.end)


@dataclass(frozen=True)
class EvidenceLoad:
    """A claim and the evidence units in its subtree, by evidence type."""

    claim: UnitRef
    evidence: int
    by_type: dict[str, int] = field(default_factory=dict)


@dataclass
class Analysis:
    """The numbers and findings of one map; `to_dict()` gives plain JSON-ready data."""

    thesis: UnitRef | None
    units: int
    relations: int
    kinds: dict[str, int]
    evidence_types: dict[str, int]
    relation_types: dict[str, int]
    stances: dict[str, int]
    unsupported_claims: list[UnitRef]
    undefended_claims: list[UnitRef]
    unattached: list[UnitRef]
    depth: int
    evidence_ranking: list[EvidenceLoad]
    coverage: Coverage

    def to_dict(self) -> dict:
        """Plain data (dicts, lists, strings, numbers) for `json.dumps`."""
        return {**asdict(self), "coverage": self.coverage.to_dict()}


def _claims(amap: ArgumentMap, thesis: Unit | None) -> list[Unit]:
    return [u for u in amap.units if u.kind == "claim" or (thesis is not None and u.id == thesis.id)]


def tree_depth(graph: nx.DiGraph) -> int:
    """Length in edges of the longest chain from a unit down to a root (0 for a map without relations).

    A map that still holds a cycle (hand-made, not decoded) gets the depth of its breadth-first layering
    from the roots instead, which stays finite.
    """
    if graph.number_of_edges() == 0:
        return 0
    if nx.is_directed_acyclic_graph(graph):
        # int(): without weights the lengths are edge counts, ints already; the stubs type them float.
        return int(nx.dag_longest_path_length(graph))
    roots = [n for n in graph if graph.out_degree(n) == 0]
    if not roots:
        return 0
    levels = nx.multi_source_dijkstra_path_length(graph.reverse(copy=False), roots, weight=None)
    return int(max(levels.values()))


def analyse(amap: ArgumentMap) -> Analysis:
    """Analyse `amap`: thesis, counts, unsupported and undefended claims, depth and evidence per claim."""
    g = amap.graph
    thesis = thesis_of(amap.units)
    units = amap.units
    relations = amap.relations

    kinds = Counter(u.kind for u in units)
    evidence = Counter(u.evidence_type or UNTYPED for u in units if u.kind == "evidence")
    rel_types = Counter(r.relation for r in relations)
    stances = Counter(u.stance or "none" for u in units)

    def incoming(uid: str, relation: str) -> list[str]:
        return [s for s, _, d in g.in_edges(uid, data=True) if d["relation"] == relation]

    claims = _claims(amap, thesis)
    unsupported = [u for u in claims if not incoming(u.id, "support")]
    # Attacked and never defended: some attack on it is itself unanswered, and nothing supports it.
    undefended = [
        u
        for u in claims
        if not incoming(u.id, "support") and any(not incoming(a, "attack") for a in incoming(u.id, "attack"))
    ]
    unattached = [u for u in units if g.degree(u.id) == 0 and (thesis is None or u.id != thesis.id)]

    ranking = []
    for c in (u for u in claims if u.kind == "claim"):
        below = [amap.unit(n) for n in nx.ancestors(g, c.id)]
        found = [u for u in below if u.kind == "evidence"]
        ranking.append(
            EvidenceLoad(
                UnitRef.of(amap, c), len(found), dict(Counter(u.evidence_type or UNTYPED for u in found))
            )
        )
    position = {u.id: i for i, u in enumerate(units)}
    ranking.sort(key=lambda e: (-e.evidence, position[e.claim.id]))

    return Analysis(
        thesis=UnitRef.of(amap, thesis) if thesis else None,
        units=len(units),
        relations=len(relations),
        kinds={k: kinds.get(k, 0) for k in KINDS},
        evidence_types={(t or UNTYPED): evidence.get(t or UNTYPED, 0) for t in EVIDENCE_TYPES},
        relation_types={"support": rel_types.get("support", 0), "attack": rel_types.get("attack", 0)},
        stances={s: stances.get(s, 0) for s in ("for", "against", "none")},
        unsupported_claims=[UnitRef.of(amap, u) for u in unsupported],
        undefended_claims=[UnitRef.of(amap, u) for u in undefended],
        unattached=[UnitRef.of(amap, u) for u in unattached],
        depth=tree_depth(g),
        evidence_ranking=ranking,
        coverage=coverage(amap),
    )
