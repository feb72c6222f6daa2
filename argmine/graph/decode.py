"""Turn scored candidate relations into a well-formed argument graph, and propagate stance from the thesis.

`decode` guarantees, for any input:

- no self-loops and no cycles: candidates are taken greedily, strongest first, and a candidate that would
  close a cycle is dropped, so the edge that goes is always the weakest one on that cycle (every other edge
  on it was accepted earlier, with a higher score);
- every unit has at most one target, except that a second target is kept when its candidate scores at least
  `second_target_threshold` (default 0.9, "very confident") and does not close a cycle; never more than two;
- the thesis (the first major claim in reading order) is a root, and so is every other major claim except
  restatements;
- near-duplicate restatements of the thesis are *linked*, not merged: each later major claim, and each claim or
  premise whose content words overlap the thesis's by at least `restatement_overlap` (Jaccard), gets exactly
  one `support` edge to the thesis and nothing else. Merging would leave one unit whose offsets cover two
  separate stretches of text; a link keeps `text[start:end]` true for both and still shows the repetition.

Units without any usable candidate stay unattached (a root): decoding never invents a relation the model did
not propose, except the restatement links above. Greedy decoding runs in O(E log E) for E candidates
(union-find for the cycle test); each optional second target needs a reachability check, which gives up (and
refuses that second target) after `CYCLE_CHECK_BUDGET` units, far more than an essay has.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from argmine.argmap import ArgumentMap, MapError, Relation, Unit

SECOND_TARGET_THRESHOLD = 0.9
RESTATEMENT_OVERLAP = 0.6
CYCLE_CHECK_BUDGET = 128

# Words that carry no content: two sentences sharing only these are not restatements of each other.
_STOPWORDS = frozenset(
    """a an the and or but if then so as of in on at to for from by with about into over than that this these
    those it its is are was were be been being has have had do does did will would should could can may might
    must shall we our us you your they their them he she his her i my me which who whom what when where why
    how all any each more most other some such only own same too very just also there here""".split()  # noqa: SIM905
)
# A restatement keeps the thesis's polarity; one negation more or less makes it its denial.
_NEGATIONS = frozenset(
    ["not", "no", "never", "nor", "cannot", "without", "n't", "nothing", "none", "neither"]
)
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?|n't", re.UNICODE)
_MIN_CONTENT_WORDS = 3


def content_words(text: str) -> tuple[frozenset[str], int]:
    """The content words of `text` (lower-cased, stopwords and negations removed) and its negation count."""
    words = [w.lower() for w in _WORD.findall(text)]
    negations = sum(1 for w in words if w in _NEGATIONS or w.endswith("n't"))
    content = frozenset(
        w for w in words if w not in _STOPWORDS and w not in _NEGATIONS and not w.endswith("n't")
    )
    return content, negations


def restatement_score(thesis_text: str, text: str) -> float:
    """Jaccard overlap of content words, or 0.0 when either is too short or their negations disagree."""
    a, neg_a = content_words(thesis_text)
    b, neg_b = content_words(text)
    if len(a) < _MIN_CONTENT_WORDS or len(b) < _MIN_CONTENT_WORDS or neg_a % 2 != neg_b % 2:
        return 0.0
    return len(a & b) / len(a | b)


def thesis_of(units: Iterable[Unit]) -> Unit | None:
    """The first major claim in reading order, or None when there is none."""
    majors = [u for u in units if u.kind == "major_claim"]
    return min(majors, key=lambda u: (u.start, u.end, u.id)) if majors else None


def restatements(
    units: Sequence[Unit], text: str = "", *, overlap: float = RESTATEMENT_OVERLAP
) -> dict[str, float]:
    """Ids of the units that restate the thesis, with the strength of the link each gets (1.0 for major claims).

    Without `text` only later major claims count; with it, claims and premises that are not `against` and
    whose content words overlap the thesis's by at least `overlap` count too.
    """
    thesis = thesis_of(units)
    if thesis is None:
        return {}
    found: dict[str, float] = {}
    thesis_text = text[thesis.start : thesis.end] if text else ""
    for u in units:
        if u.id == thesis.id:
            continue
        if u.kind == "major_claim":
            found[u.id] = 1.0
        elif thesis_text and u.kind in ("claim", "premise") and u.stance != "against":
            score = restatement_score(thesis_text, text[u.start : u.end])
            if score >= overlap:
                found[u.id] = round(score, 4)
    return found


class _Forest:
    """Union-find over units whose trees each have one root: `s -> t` closes a cycle iff both share a tree."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, x: str) -> str:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:  # path compression keeps the whole decode near-linear
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def _may_reach(
    out_edges: dict[str, list[str]], start: str, goal: str, budget: int = CYCLE_CHECK_BUDGET
) -> bool:
    """Whether `goal` is reachable from `start` along accepted edges; True too once `budget` units were seen.

    Answering "maybe" past the budget only ever refuses a second target, which keeps decoding near-linear
    on huge inputs and never admits a cycle.
    """
    stack, seen = [start], {start}
    while stack:
        node = stack.pop()
        if node == goal or len(seen) > budget:
            return True
        for nxt in out_edges.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def decode(
    units: Sequence[Unit],
    candidates: Iterable[Relation],
    *,
    text: str = "",
    second_target_threshold: float = SECOND_TARGET_THRESHOLD,
    restatement_overlap: float = RESTATEMENT_OVERLAP,
) -> list[Relation]:
    """Choose a well-formed set of relations from scored `candidates` (see the module docstring).

    Pass the map's `text` to also link claims and premises that restate the thesis. The result is ordered
    by the reading position of source, then target.
    """
    units = list(units)
    order = {u.id: i for i, u in enumerate(sorted(units, key=lambda u: (u.start, u.end, u.id)))}
    if len(order) != len(units):
        raise MapError("decode: duplicate unit ids")
    thesis = thesis_of(units)
    kinds = {u.id: u.kind for u in units}
    linked = restatements(units, text, overlap=restatement_overlap)

    # One candidate per (source, target): the strongest, whatever its relation.
    best: dict[tuple[str, str], Relation] = {}
    for cand in candidates:
        for end in (cand.source, cand.target):
            if end not in order:
                raise MapError(f"decode: candidate relation refers to unknown unit {end!r}")
        if cand.source == cand.target or cand.source in linked:
            continue
        if kinds[cand.source] == "major_claim":  # major claims are roots (restatements handled above)
            continue
        key = (cand.source, cand.target)
        if key not in best or cand.score > best[key].score:
            best[key] = cand

    chosen: list[Relation] = []
    if thesis is not None:
        chosen.extend(Relation(uid, thesis.id, "support", score) for uid, score in linked.items())

    forest = _Forest(order)
    for rel in chosen:
        forest.union(rel.source, rel.target)
    has_target = {rel.source for rel in chosen}
    # Strongest first; reading order breaks ties so the result never depends on the input order.
    ranked = sorted(best.values(), key=lambda r: (-r.score, order[r.source], order[r.target], r.relation))
    deferred: list[Relation] = []
    for rel in ranked:
        if rel.source in has_target:
            deferred.append(rel)
            continue
        if forest.find(rel.source) == forest.find(rel.target):
            continue  # closes a cycle: this is the weakest edge on it
        forest.union(rel.source, rel.target)
        has_target.add(rel.source)
        chosen.append(rel)

    out_edges: dict[str, list[str]] = {}
    for rel in chosen:
        out_edges.setdefault(rel.source, []).append(rel.target)
    for rel in deferred:
        if rel.score < second_target_threshold or len(out_edges.get(rel.source, ())) >= 2:
            continue
        if _may_reach(out_edges, rel.target, rel.source):
            continue
        out_edges.setdefault(rel.source, []).append(rel.target)
        chosen.append(rel)

    return sorted(chosen, key=lambda r: (order[r.source], order[r.target]))


def decode_map(
    amap: ArgumentMap, candidates: Iterable[Relation] | None = None, **options: float
) -> ArgumentMap:
    """`amap` with its relations (or `candidates`) replaced by their decoded, well-formed subset."""
    units, relations = amap.units_and_relations()
    cands = relations if candidates is None else list(candidates)
    return amap.with_units(units, decode(units, cands, text=amap.text, **options))


_FLIP = {"for": "against", "against": "for", "": ""}


def propagate_stance(amap: ArgumentMap) -> ArgumentMap:
    """A copy of `amap` whose stances are relative to the thesis, propagated down from it.

    The thesis gets ""; a unit supporting the thesis is `for` and one attacking it `against`; deeper down,
    support keeps the stance of its target and attack flips it. A unit with two targets follows its stronger
    relation. Units not connected to the thesis keep the stance they had.
    """
    units, relations = amap.units_and_relations()
    return amap.with_units(stances_from_thesis(units, relations), relations)


def stances_from_thesis(units: Sequence[Unit], relations: Sequence[Relation]) -> list[Unit]:
    """`units` with the stances `propagate_stance` gives them under `relations` (the lists of a map, without
    building one)."""
    thesis = thesis_of(units)
    if thesis is None:
        return list(units)
    stance: dict[str, str] = {thesis.id: ""}
    primary: dict[str, Relation] = {}
    incoming: dict[str, list[Relation]] = {}
    for rel in relations:
        if rel.source not in primary or rel.score > primary[rel.source].score:
            primary[rel.source] = rel
        incoming.setdefault(rel.target, []).append(rel)
    # Breadth-first from the thesis over primary relations (a unit is reached once, so cycles terminate; each
    # unit is reached through its one primary relation, so the order of a target's relations does not matter).
    frontier = [thesis.id]
    while frontier:
        nxt = []
        for target in frontier:
            for rel in incoming.get(target, ()):
                if primary.get(rel.source) != rel or rel.source in stance:
                    continue
                if target == thesis.id:
                    value = "for" if rel.relation == "support" else "against"
                else:
                    value = stance[target] if rel.relation == "support" else _FLIP[stance[target]]
                stance[rel.source] = value
                nxt.append(rel.source)
        frontier = sorted(nxt)
    return [replace(u, stance=stance[u.id]) if u.id in stance else u for u in units]
