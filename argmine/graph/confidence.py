"""What a map is unsure of: the one threshold under which a unit is shown as uncertain, and `prune`, which
drops the units scored under a chosen minimum while keeping the map a tree.

A unit's `score` is the model's probability that the unit is what the map says it is. Views (the terminal
tree, the HTML map) mark a unit scored under `UNCERTAIN` instead of hiding it; `prune` (`argmine map
--min-score P`, `map_text(..., min_score=P)`) removes what the reader chose not to see.
"""

from __future__ import annotations

import math
import numbers
from decimal import ROUND_FLOOR, Decimal

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.errors import UsageError
from argmine.graph.decode import propagate_stance, thesis_of

# Under this score a unit is more likely wrong than right: the views draw it dimmed and marked.
UNCERTAIN = 0.5


def is_uncertain(unit: Unit) -> bool:
    """Whether `unit` is scored under `UNCERTAIN` (more likely wrong than right)."""
    return unit.score < UNCERTAIN


def score_text(score: float) -> str:
    """`score` as the views show it: two decimals, cut rather than rounded, so the number shown is on the same
    side of `UNCERTAIN` and of every two-decimal minimum (`--min-score`, the HTML slider) as the score itself.
    Rounded, a unit scored 0.4977 would read 0.50 beside the mark that says it is under 0.50, and be dropped by
    `--min-score 0.5`. The shortest decimal that reads back as `score` is cut, not the binary float (0.29 is
    0.28999... in binary, and must still read 0.29)."""
    return str(Decimal(repr(float(score))).quantize(Decimal("0.01"), rounding=ROUND_FLOOR))


def check_min_score(value: object, what: str = "min_score") -> float:
    """`value` as a minimum score: a number (or its decimal string) from 0 to 1; `UsageError` otherwise."""
    number: float | None = None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        number = float(value)
    if number is None or not (math.isfinite(number) and 0.0 <= number <= 1.0):
        raise UsageError(f"{what} must be a number from 0 to 1, not {value!r}")
    return number


# A dropped link's relation composed with the link it is replaced by: attacking what attacks a unit
# defends that unit, so a rebuttal re-attached past a dropped objection keeps its stance towards the thesis.
_COMPOSE = {
    ("support", "support"): "support",
    ("support", "attack"): "attack",
    ("attack", "support"): "attack",
    ("attack", "attack"): "support",
}


def prune(amap: ArgumentMap, min_score: float) -> ArgumentMap:
    """A new map without the units of `amap` scored under `min_score`, still a tree, stances re-propagated.

    - The thesis (`thesis_of`: the first major claim in reading order) is never dropped, whatever its score,
      so the pruned map has the same thesis.
    - A unit whose target is dropped is re-attached to the dropped unit's own target, and on up (past every
      dropped unit, following each one's stronger link) to the first unit that stays. Its relation is
      composed along the way (an attack on a dropped attack becomes a support), so its stance towards the
      thesis is what it was; its link score stays its own. When the chain ends at a dropped unit with no
      target, the unit becomes a root. A second target that ends where the first does is merged into it.
    - Relations are never dropped for their score. A relation's score is the link probability, and dropping
      a weak link would orphan the unit it hangs; `min_score` prunes units only.
    - Stances are re-propagated from the thesis (`propagate_stance`); offsets, kinds, evidence types, scores
      and the thesis candidates that remain are kept as they are.

    Work is linear in units plus relations. `min_score` must be from 0 to 1 (`UsageError` otherwise);
    0 keeps everything.
    """
    min_score = check_min_score(min_score)
    thesis = thesis_of(amap.units)
    keep = {u.id for u in amap.units if u.score >= min_score or (thesis is not None and u.id == thesis.id)}
    if len(keep) == len(amap):
        return amap.with_units(amap.units, amap.relations)
    order = {u.id: i for i, u in enumerate(amap.units)}
    out: dict[str, list[Relation]] = {}
    for rel in amap.relations:
        out.setdefault(rel.source, []).append(rel)
    # A dropped unit's stronger link (reading order breaks ties), the one its orphans follow up.
    primary = {
        uid: min(rels, key=lambda r: (-r.score, order[r.target])) for uid, rels in out.items() if uid not in keep
    }
    landing: dict[str, tuple[str, str] | None] = {}  # dropped unit -> (kept unit reached, composed relation)

    def land(start: str) -> tuple[str, str] | None:
        # Walk up the dropped units from `start`, then fill in the answer for every one passed (memoised, so
        # the whole prune stays linear; a cycle in a hand-made map ends the walk as if it had no target).
        path: list[str] = []
        seen: set[str] = set()
        node: str | None = start
        result: tuple[str, str] | None = None
        while node is not None:
            if node in landing:
                result = landing[node]
                break
            if node in seen or node not in primary:
                result = None
                break
            seen.add(node)
            path.append(node)
            rel = primary[node]
            if rel.target in keep:
                result = (rel.target, rel.relation)
                break
            node = rel.target
        # `result` is where the last unit on the path lands; earlier ones compose their own links with it.
        for uid in reversed(path):
            if result is not None and primary[uid].target not in keep:
                result = (result[0], _COMPOSE[primary[uid].relation, result[1]])
            landing[uid] = result
        return landing[start]

    relations: dict[tuple[str, str], Relation] = {}
    for rel in amap.relations:
        if rel.source not in keep:
            continue
        if rel.target in keep:
            target, relation = rel.target, rel.relation
        else:
            landed = land(rel.target)
            if landed is None:
                continue
            target, relation = landed[0], _COMPOSE[rel.relation, landed[1]]
            if target == rel.source:  # only a cycle in a hand-made map leads back to the unit itself
                continue
        key = (rel.source, target)
        if key not in relations or rel.score > relations[key].score:
            relations[key] = Relation(rel.source, target, relation, rel.score)
    units = [u for u in amap.units if u.id in keep]
    return propagate_stance(amap.with_units(units, relations.values()))


def dropped(full: ArgumentMap, pruned: ArgumentMap, min_score: float) -> dict:
    """What pruning `full` under `min_score` left out, in the terms `argmine map --summary` counts a map in:
    `{"min_score": P, "units": N, "relations": M}`, N units and M relations fewer in `pruned` than in `full`
    (relations go with the units they joined, and two re-attached to one target become one)."""
    return {"min_score": min_score, "units": len(full) - len(pruned),
            "relations": len(full.relations) - len(pruned.relations)}


def prune_option(amap: ArgumentMap, min_score: float | None) -> ArgumentMap:
    """`prune(amap, min_score)`, or `amap` itself when `min_score` is None (the option not given)."""
    return amap if min_score is None else prune(amap, min_score)


def prune_reported(amap: ArgumentMap, min_score: float | None) -> tuple[ArgumentMap, dict | None]:
    """`prune_option(amap, min_score)` and what it `dropped` (None when `min_score` is None)."""
    if min_score is None:
        return amap, None
    pruned = prune(amap, min_score)
    return pruned, dropped(amap, pruned, min_score)


__all__ = ["UNCERTAIN", "check_min_score", "dropped", "is_uncertain", "prune", "prune_option", "score_text"]
