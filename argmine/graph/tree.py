"""The map read as an outline: the thesis first, each unit's supporters and attackers indented under it.

Every view that draws the argument as a tree (terminal, Argdown, the HTML map) walks it the same way, so
they agree on order and on where a unit with two targets is shown in full.
"""

from __future__ import annotations

from dataclasses import dataclass

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.graph.decode import thesis_of


@dataclass(frozen=True)
class Step:
    """One line of the outline: `unit` at `depth`, reached through `via` (None for a root).

    `repeat` marks a unit already shown in full (its second target, or a cycle in a hand-made map): views
    name it without descending again. `parent` is the unit id `via` points to ("" for a root).
    """

    unit: Unit
    depth: int
    via: Relation | None = None
    repeat: bool = False
    parent: str = ""


def incoming(amap: ArgumentMap, unit_id: str) -> list[Relation]:
    """The relations into `unit_id` (what supports or attacks it), in reading order of their sources."""
    rels = [Relation(s, t, d["relation"], d["score"]) for s, t, d in amap.graph.in_edges(unit_id, data=True)]
    return sorted(rels, key=lambda r: (amap.graph.nodes[r.source]["start"], r.source))


def outline(amap: ArgumentMap) -> list[Step]:
    """The whole map as an outline: thesis tree, other trees, then units with no relation (depth 0).

    Every unit appears exactly once with `repeat=False`.
    """
    thesis = thesis_of(amap.units)
    roots = [
        u for u in amap.roots() if amap.graph.in_degree(u.id) > 0 and (thesis is None or u.id != thesis.id)
    ]
    if thesis is not None:
        roots.insert(0, thesis)
    steps: list[Step] = []
    shown: set[str] = set()

    def grow(unit_id: str, depth: int) -> None:
        # An explicit stack: an essay's tree is shallow, a hand-made chain need not be.
        stack = [(rel, depth) for rel in reversed(incoming(amap, unit_id))]
        while stack:
            rel, d = stack.pop()
            child = amap.unit(rel.source)
            if child.id in shown:
                steps.append(Step(child, d, rel, repeat=True, parent=rel.target))
                continue
            shown.add(child.id)
            steps.append(Step(child, d, rel, parent=rel.target))
            stack.extend((r, d + 1) for r in reversed(incoming(amap, child.id)))

    for root in roots + amap.units:  # the second pass picks up lone units and cycle-only units
        if root.id in shown:
            continue
        shown.add(root.id)
        steps.append(Step(root, 0))
        grow(root.id, 1)
    return steps
