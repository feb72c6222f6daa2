"""Do the map's scores mean what they say? Reliability tables and expected calibration error (ECE).

A unit's `score` is the probability the model gives its kind; a relation's `score` the probability of the
link. Scored against gold maps (units matched at 50% overlap, `argmine.evaluation.scores`):
- unit kinds: every predicted unit matched to a gold unit, correct when the kinds agree (evidence counts as
  premise, as the component scores collapse it for corpora without evidence);
- links: every predicted relation between matched units, correct when gold links the same two units.
ECE is the mean gap between confidence and accuracy over equal-width confidence bins, weighted by the
share of predictions in each bin (Guo et al. 2017).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.evaluation.scores import overlap_matches

BINS = 10


@dataclass(frozen=True)
class Bin:
    low: float
    high: float
    count: int
    confidence: float  # mean score in the bin
    accuracy: float  # share correct in the bin


@dataclass(frozen=True)
class Reliability:
    ece: float
    count: int
    bins: tuple[Bin, ...]

    def to_dict(self) -> dict:
        return {"ece": self.ece, "count": self.count,
                "bins": [vars(b) for b in self.bins if b.count]}


def reliability(scored: Iterable[tuple[float, bool]], bins: int = BINS) -> Reliability:
    """The reliability table and ECE of (confidence, correct) pairs."""
    counts, conf_sums, rights = [0] * bins, [0.0] * bins, [0] * bins
    for confidence, correct in scored:
        k = min(int(confidence * bins), bins - 1)
        counts[k] += 1
        conf_sums[k] += confidence
        rights[k] += bool(correct)
    total = sum(counts)
    table, ece = [], 0.0
    for k, (count, conf, right) in enumerate(zip(counts, conf_sums, rights)):
        mean_conf = conf / count if count else 0.0
        acc = right / count if count else 0.0
        ece += count / total * abs(mean_conf - acc) if total else 0.0
        table.append(Bin(k / bins, (k + 1) / bins, count, round(mean_conf, 4), round(acc, 4)))
    return Reliability(round(ece, 4), total, tuple(table))


def _collapse(kind: str) -> str:
    return "premise" if kind == "evidence" else kind


def labelled(gold: ArgumentMap, pred: ArgumentMap) -> tuple[list[tuple[Unit, bool]], list[tuple[Relation, bool]]]:
    """What of `pred` is scored against `gold`, each with whether it is right: the matched units (kind right)
    and the relations between matched units (gold links the same two units). The post-hoc calibrator learns
    from exactly these (`argmine.evaluation.calibrate`)."""
    matched = overlap_matches(gold, pred)
    to_gold = {p.id: g.id for g, p in matched}
    units = [(p, _collapse(g.kind) == _collapse(p.kind)) for g, p in matched]
    gold_links = {(r.source, r.target) for r in gold.relations}
    links = [
        (r, (to_gold[r.source], to_gold[r.target]) in gold_links)
        for r in pred.relations
        if r.source in to_gold and r.target in to_gold
    ]
    return units, links


def kind_and_link_pairs(pairs: Iterable[tuple[ArgumentMap, ArgumentMap]]):
    """(unit kind pairs, link pairs): each a list of (confidence, correct) over `pairs` of (gold, predicted)."""
    kinds: list[tuple[float, bool]] = []
    links: list[tuple[float, bool]] = []
    for gold, pred in pairs:
        units, relations = labelled(gold, pred)
        kinds += [(u.score, right) for u, right in units]
        links += [(r.score, right) for r, right in relations]
    return kinds, links


def calibration(pairs: Iterable[tuple[ArgumentMap, ArgumentMap]]) -> dict:
    """Reliability of unit-kind and link scores over (gold, predicted) map pairs (JSON form)."""
    kinds, links = kind_and_link_pairs(pairs)
    return {"unit_kind": reliability(kinds).to_dict(), "link": reliability(links).to_dict()}
