"""Scores of predicted argument maps against gold maps of the same texts (pure functions, typed results).

Every function takes `pairs`, an iterable of `(gold, predicted)` `ArgumentMap`s over the same text, pools
the counts over all documents (micro-averaging over documents) and returns a frozen dataclass; `to_dict()`
gives its JSON form (the keys `argmine evaluate --json` prints). A ratio whose denominator is zero is 0.0.
Precision = tp / predicted, recall = tp / gold, F1 = 2·tp / (predicted + gold).

Matching units
    Units are compared by their *core*: their offsets with whitespace, quotes and punctuation trimmed off both
    ends (a unit of punctuation only keeps its offsets). Schemes disagree on punctuation — the project's drops
    the final period, microtexts and CDCP keep it — and that should not decide whether a segment is right.
    Two matchings, both one-to-one (`MATCHINGS`):
    *exact*: a predicted and a gold unit with the same core (if a map holds two units with the same core,
    they pair off in reading order).
    *overlap*: a pair is eligible when |gold ∩ predicted| / max(len(gold), len(predicted)) >= 0.5 over cores
    (the 50% criterion of Eger et al. 2017); pairs are taken greedily by descending overlap ratio, ties in
    reading order of gold then predicted (deterministic).
    *strict*: identical raw `(start, end)`, reported for segmentation only.
    Every score after segmentation is computed under each matching: the top-level keys of a section are the
    exact ones (so AAE's exact component micro-F1 keeps its key), and the section's `overlap` key holds the same
    section under the 50% matching — the end-to-end numbers for corpora whose segments follow another scheme.

segmentation
    P/R/F1 of predicted units against gold units; `f1` is the exact F1, `overlap` the 50%-overlap F1,
    `strict` the F1 over raw offsets.
components
    A predicted unit is correct for kind K when it matches a gold unit and both have kind K. Per kind:
    tp / (predicted units of kind K) and tp / (gold units of kind K), matched or not, so a missed or spurious
    segment costs recall or precision. `micro_f1` pools all kinds — the exact-match component F1 (segment +
    kind) of Eger et al. 2017; `macro_f1` averages the kinds present in gold. With `collapse_evidence`
    (automatic when no gold unit is `evidence`, as in AAE and microtexts) every `evidence` unit counts as
    `premise`; the choice is reported.
relations (Stab & Gurevych 2017)
    Candidate pairs are the ordered pairs (a, b), a != b, of matched units in the same paragraph (the gold
    unit's `paragraph`). A predicted relation is a true positive when both its ends match gold units that the
    gold map relates in the same direction. `f1`: F1 of the link class (label ignored); `labeled_f1`: the
    same with support/attack required to agree; `link_macro_f1`: mean of that link F1 and the no-link F1 over
    the candidate pairs (true negatives: pairs linked in neither map); `all_pairs_f1`: link F1 over pairs in
    any paragraphs (the attachment F1 of microtexts). End to end, a gold relation with an endpoint that no
    predicted unit matches is a false negative of the link class (`unmatched_gold`), and a predicted relation
    with an endpoint that matches no gold unit is a false positive (`unmatched_predicted`); both are in scope
    when their own map puts the two endpoints in one paragraph. On gold segments both counts are zero and the
    numbers are exactly the S&G protocol.
central_claim
    Per document the root is the first `major_claim` (reading order) with no outgoing relation, else the
    first unit with no outgoing relation. Accuracy over the documents whose gold root is a `major_claim`: a
    document whose gold marks no thesis (CDCP, editorials, a microtext with an implicit central claim) is left
    out — missing information, not a negative. Correct when the predicted root is the unit matched to the gold
    root.
evidence
    P/R/F1 of evidence units, type ignored: a predicted `evidence` unit matched to a gold `evidence` unit.
evidence_types
    Per type (statistics, testimony, anecdote) P/R/F1 and gold support, counted like components: tp = matched
    pairs with that type on both sides, predicted = every predicted unit of the type, gold = every gold unit
    of the type, matched or not — so end to end a gold evidence unit no predicted unit matches is a miss.
    `macro_f1` averages the types present in gold (so a perfect prediction scores 1.0 on a corpus without
    anecdotes), 0.0 when gold has none.
stance
    Accuracy over matched pairs whose gold unit is a `claim` with a stance.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from argmine.argmap import EVIDENCE_TYPES, KINDS, RELATIONS, ArgumentMap, Unit
from argmine.errors import UsageError

Pair = tuple[ArgumentMap, ArgumentMap]
Match = tuple[Unit, Unit]
OVERLAP = 0.5
MATCHINGS = ("exact", "overlap")
TYPES = tuple(t for t in EVIDENCE_TYPES if t)
# Quote-like symbols that Unicode does not class as punctuation.
_QUOTE_SYMBOLS = frozenset("`´")


class EvaluationError(UsageError):
    """Gold and predicted maps that cannot be compared (different texts, missing documents)."""


def ratio(num: float, den: float) -> float:
    """`num / den`, or 0.0 when `den` is zero."""
    return num / den if den else 0.0


# --- typed results ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 with the counts they come from."""

    precision: float
    recall: float
    f1: float
    tp: int
    predicted: int
    gold: int

    @classmethod
    def of(cls, tp: int, predicted: int, gold: int) -> PRF:
        return cls(ratio(tp, predicted), ratio(tp, gold), ratio(2 * tp, predicted + gold), tp, predicted, gold)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class LabelScores:
    """Precision, recall, F1 and support (the gold count) of one label."""

    precision: float
    recall: float
    f1: float
    support: int

    @classmethod
    def of(cls, tp: int, predicted: int, gold: int) -> LabelScores:
        s = PRF.of(tp, predicted, gold)
        return cls(s.precision, s.recall, s.f1, gold)

    def to_dict(self) -> dict:
        return asdict(self)


def prf(tp: int, predicted: int, gold: int) -> dict:
    """Precision, recall and F1 from counts, with the counts themselves (as a dict)."""
    return PRF.of(tp, predicted, gold).to_dict()


def label_scores(tp: int, predicted: int, gold: int) -> dict:
    """Precision, recall, F1 and support of one label (as a dict)."""
    return LabelScores.of(tp, predicted, gold).to_dict()


@dataclass(frozen=True)
class SegmentationScores:
    exact: PRF
    overlap: PRF
    strict: PRF

    @property
    def f1(self) -> float:
        return self.exact.f1

    def to_dict(self) -> dict:
        return {**self.exact.to_dict(), "overlap": self.overlap.to_dict(), "strict": self.strict.to_dict()}


@dataclass(frozen=True)
class ComponentScores:
    micro: PRF
    macro_f1: float
    per_label: dict[str, LabelScores]
    collapse_evidence: bool

    @property
    def micro_f1(self) -> float:
        return self.micro.f1

    def to_dict(self) -> dict:
        return {
            "micro_f1": self.micro_f1,
            "micro": self.micro.to_dict(),
            "macro_f1": self.macro_f1,
            "per_label": {k: v.to_dict() for k, v in self.per_label.items()},
            "collapse_evidence": self.collapse_evidence,
        }


@dataclass(frozen=True)
class RelationScores:
    link: PRF
    no_link: PRF
    labeled: PRF
    per_label: dict[str, LabelScores]
    all_pairs: PRF
    all_pairs_labeled: PRF
    pairs: int
    all_pairs_count: int
    unmatched_gold: int
    unmatched_predicted: int

    @property
    def f1(self) -> float:
        return self.link.f1

    @property
    def labeled_f1(self) -> float:
        return self.labeled.f1

    @property
    def link_macro_f1(self) -> float:
        return (self.link.f1 + self.no_link.f1) / 2

    @property
    def all_pairs_f1(self) -> float:
        return self.all_pairs.f1

    def to_dict(self) -> dict:
        return {
            "f1": self.link.f1,
            "precision": self.link.precision,
            "recall": self.link.recall,
            "labeled_f1": self.labeled_f1,
            "link_macro_f1": self.link_macro_f1,
            "all_pairs_f1": self.all_pairs_f1,
            "link": self.link.to_dict(),
            "no_link": self.no_link.to_dict(),
            "labeled": self.labeled.to_dict(),
            "per_label": {k: v.to_dict() for k, v in self.per_label.items()},
            "all_pairs": self.all_pairs.to_dict(),
            "all_pairs_labeled": self.all_pairs_labeled.to_dict(),
            "pairs": self.pairs,
            "all_pairs_count": self.all_pairs_count,
            "unmatched_gold": self.unmatched_gold,
            "unmatched_predicted": self.unmatched_predicted,
        }


@dataclass(frozen=True)
class AccuracyScores:
    """An accuracy with its counts; `total` is `documents` (central claim) or `support` (stance) in JSON."""

    correct: int
    total: int
    total_key: str = field(default="documents", repr=False)

    @property
    def accuracy(self) -> float:
        return ratio(self.correct, self.total)

    def to_dict(self) -> dict:
        return {"accuracy": self.accuracy, "correct": self.correct, self.total_key: self.total}


@dataclass(frozen=True)
class EvidenceTypeScores:
    per_label: dict[str, LabelScores]
    support: int

    @property
    def macro_f1(self) -> float:
        present = [s.f1 for s in self.per_label.values() if s.support]
        return ratio(sum(present), len(present))

    def to_dict(self) -> dict:
        return {
            "macro_f1": self.macro_f1,
            "per_label": {k: v.to_dict() for k, v in self.per_label.items()},
            "support": self.support,
        }


@dataclass(frozen=True)
class MatchedScores:
    """Every score built on one unit matching (`exact` or `overlap`)."""

    matching: str
    components: ComponentScores
    relations: RelationScores
    central_claim: AccuracyScores
    evidence: PRF
    evidence_types: EvidenceTypeScores
    stance: AccuracyScores


SECTIONS = ("components", "relations", "central_claim", "evidence", "evidence_types", "stance")


@dataclass(frozen=True)
class Scores:
    """All scores of a set of document pairs."""

    documents: int
    segmentation: SegmentationScores
    exact: MatchedScores
    overlap: MatchedScores

    def to_dict(self) -> dict:
        """JSON form: each section's exact scores at its top level, its 50%-overlap scores under `overlap`."""
        out: dict = {"documents": self.documents, "segmentation": self.segmentation.to_dict()}
        for name in SECTIONS:
            out[name] = {**getattr(self.exact, name).to_dict(), "overlap": getattr(self.overlap, name).to_dict()}
        return out


# --- matching -----------------------------------------------------------------------------------------------


def check_pairs(pairs: Iterable[Pair]) -> list[Pair]:
    """The pairs as a list, each checked to be over one and the same text."""
    out = []
    for i, pair in enumerate(pairs):
        gold, pred = pair
        if gold.text != pred.text:
            name = gold.source or f"document {i}"
            raise EvaluationError(f"{name}: the predicted map is over a different text than the gold map")
        out.append((gold, pred))
    return out


def _trimmable(char: str) -> bool:
    return char.isspace() or char in _QUOTE_SYMBOLS or unicodedata.category(char).startswith("P")


def core(text: str, unit: Unit) -> tuple[int, int]:
    """`unit`'s offsets without whitespace, quotes and punctuation at either end (unchanged if nothing would
    remain)."""
    start, end = unit.start, unit.end
    while start < end and _trimmable(text[start]):
        start += 1
    while end > start and _trimmable(text[end - 1]):
        end -= 1
    return (start, end) if start < end else (unit.start, unit.end)


def exact_matches(gold: ArgumentMap, pred: ArgumentMap, strict: bool = False) -> list[Match]:
    """One-to-one `(gold_unit, predicted_unit)` pairs with the same core (raw offsets if `strict`)."""

    def key(u: Unit) -> tuple[int, int]:
        return (u.start, u.end) if strict else core(gold.text, u)

    by_span: dict[tuple[int, int], list[Unit]] = defaultdict(list)
    for p in pred.units:
        by_span[key(p)].append(p)
    matches = []
    for g in gold.units:
        candidates = by_span.get(key(g))
        if candidates:
            matches.append((g, candidates.pop(0)))
    return matches


def overlap_ratio(a: tuple[int, int], b: tuple[int, int]) -> float:
    """|a ∩ b| / max(len(a), len(b)) for two `(start, end)` spans."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / max(a[1] - a[0], b[1] - b[0])


def overlap_matches(gold: ArgumentMap, pred: ArgumentMap, threshold: float = OVERLAP) -> list[Match]:
    """One-to-one pairs whose cores overlap by at least `threshold`, chosen greedily by overlap ratio."""
    gold_cores = [core(gold.text, g) for g in gold.units]
    preds = sorted(((core(gold.text, p), pi, p) for pi, p in enumerate(pred.units)), key=lambda x: x[:2])
    starts = [pc[0] for pc, _, _ in preds]
    candidates = []
    for gi, gc in enumerate(gold_cores):
        # A span overlapping `gc` by half the longer is at most twice as long and starts at most len(gc)
        # before it, so only predictions starting in [start - len, end) can qualify: no all-pairs loop.
        lo = bisect.bisect_left(starts, gc[0] - (gc[1] - gc[0]))
        hi = bisect.bisect_left(starts, gc[1])
        for pc, pi, _ in preds[lo:hi]:
            r = overlap_ratio(gc, pc)
            if r >= threshold:
                candidates.append((-r, gi, pi))
    candidates.sort()
    gold_units, pred_units = gold.units, pred.units
    used_g, used_p, matches = set(), set(), []
    for _, gi, pi in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matches.append((gold_units[gi], pred_units[pi]))
    return matches


def matches(gold: ArgumentMap, pred: ArgumentMap, matching: str = "exact") -> list[Match]:
    """The one-to-one unit matching named `matching` (one of `MATCHINGS`)."""
    if matching == "exact":
        return exact_matches(gold, pred)
    if matching == "overlap":
        return overlap_matches(gold, pred)
    raise EvaluationError(f"unknown matching {matching!r}; choose one of {', '.join(MATCHINGS)}")


# --- sections -----------------------------------------------------------------------------------------------


def segmentation_scores(pairs: Iterable[Pair]) -> SegmentationScores:
    """Exact, 50%-overlap and raw-offset P/R/F1 of predicted units against gold units."""
    pairs = check_pairs(pairs)
    n_gold = sum(len(g) for g, _ in pairs)
    n_pred = sum(len(p) for _, p in pairs)
    exact = sum(len(exact_matches(g, p)) for g, p in pairs)
    strict = sum(len(exact_matches(g, p, strict=True)) for g, p in pairs)
    overlap = sum(len(overlap_matches(g, p)) for g, p in pairs)
    return SegmentationScores(PRF.of(exact, n_pred, n_gold), PRF.of(overlap, n_pred, n_gold),
                              PRF.of(strict, n_pred, n_gold))


def _kind(unit: Unit, collapse_evidence: bool) -> str:
    return "premise" if collapse_evidence and unit.kind == "evidence" else unit.kind


def component_scores(
    pairs: Iterable[Pair], collapse_evidence: bool | None = None, matching: str = "exact"
) -> ComponentScores:
    """Component P/R/F1 per kind, micro-F1 and macro-F1 over the kinds present in gold.

    `collapse_evidence=None` collapses `evidence` into `premise` when no gold unit is `evidence`.
    """
    pairs = check_pairs(pairs)
    if collapse_evidence is None:
        collapse_evidence = not any(u.kind == "evidence" for g, _ in pairs for u in g.units)
    gold_n: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    tp: Counter[str] = Counter()
    for gold, pred in pairs:
        gold_n.update(_kind(u, collapse_evidence) for u in gold.units)
        pred_n.update(_kind(u, collapse_evidence) for u in pred.units)
        for g, p in matches(gold, pred, matching):
            if _kind(g, collapse_evidence) == _kind(p, collapse_evidence):
                tp[_kind(g, collapse_evidence)] += 1
    labels = [k for k in KINDS if gold_n[k] or pred_n[k]]
    per_label = {k: LabelScores.of(tp[k], pred_n[k], gold_n[k]) for k in labels}
    micro = PRF.of(sum(tp.values()), sum(pred_n.values()), sum(gold_n.values()))
    gold_labels = [k for k in labels if gold_n[k]]
    macro = ratio(sum(per_label[k].f1 for k in gold_labels), len(gold_labels))
    return ComponentScores(micro, macro, per_label, collapse_evidence)


class _RelationCounts:
    """Link/no-link/labelled counts for one scope of candidate pairs."""

    def __init__(self) -> None:
        self.tp = self.labeled_tp = self.predicted = self.gold = 0
        self.pairs = self.pair_gold = self.pair_pred = 0
        self.label_tp: Counter[str] = Counter()
        self.label_pred: Counter[str] = Counter()
        self.label_gold: Counter[str] = Counter()

    def link(self) -> PRF:
        return PRF.of(self.tp, self.predicted, self.gold)

    def labeled(self) -> PRF:
        return PRF.of(self.labeled_tp, self.predicted, self.gold)

    def no_link(self) -> PRF:
        # True negatives: candidate pairs linked in neither map.
        both_or_either = self.pair_gold + self.pair_pred - self.tp
        return PRF.of(self.pairs - both_or_either, self.pairs - self.pair_pred, self.pairs - self.pair_gold)

    def per_label(self) -> dict[str, LabelScores]:
        return {
            label: LabelScores.of(self.label_tp[label], self.label_pred[label], self.label_gold[label])
            for label in RELATIONS
        }


def relation_scores(
    pairs: Iterable[Pair], stance_sources: Iterable[str] = (), matching: str = "exact"
) -> RelationScores:
    """Link, labelled and no-link F1 over same-paragraph pairs of matched units; link F1 over all pairs.

    Relations whose gold source unit has a kind in `stance_sources` are left out of gold and prediction alike
    (their pairs stay as no-link candidates): AAE encodes a claim's relation to the thesis as a stance, and
    Stab & Gurevych score it as stance, not as a link.
    """
    pairs = check_pairs(pairs)
    stance_sources = frozenset(stance_sources)
    para, every = _RelationCounts(), _RelationCounts()
    unmatched_gold = unmatched_pred = 0
    for gold, pred in pairs:
        matched_pairs = matches(gold, pred, matching)
        to_gold = {p.id: g.id for g, p in matched_pairs}
        gpar = {u.id: u.paragraph for u in gold.units}
        ppar = {u.id: u.paragraph for u in pred.units}
        matched = {g.id for g, _ in matched_pairs}
        by_par = Counter(gpar[g] for g in matched)
        para.pairs += sum(n * (n - 1) for n in by_par.values())
        every.pairs += len(matched) * (len(matched) - 1)

        gkind = {u.id: u.kind for u in gold.units}
        gold_edges = {
            (r.source, r.target): r.relation for r in gold.relations if gkind[r.source] not in stance_sources
        }
        pred_edges: dict[tuple[str, str], str] = {}
        for r in pred.relations:
            if r.source in to_gold and r.target in to_gold:
                if gkind[to_gold[r.source]] not in stance_sources:
                    pred_edges[to_gold[r.source], to_gold[r.target]] = r.relation
            else:
                unmatched_pred += 1
                scopes = (para, every) if ppar[r.source] == ppar[r.target] else (every,)
                for c in scopes:
                    c.predicted += 1
                    c.label_pred[r.relation] += 1
        for (s, t), label in gold_edges.items():
            in_pairs = s in matched and t in matched
            unmatched_gold += not in_pairs
            scopes = (para, every) if gpar[s] == gpar[t] else (every,)
            for c in scopes:
                c.gold += 1
                c.label_gold[label] += 1
                c.pair_gold += in_pairs
        for (s, t), label in pred_edges.items():
            gold_label = gold_edges.get((s, t))
            scopes = (para, every) if gpar[s] == gpar[t] else (every,)
            for c in scopes:
                c.predicted += 1
                c.pair_pred += 1
                c.label_pred[label] += 1
                if gold_label is not None:
                    c.tp += 1
                    if gold_label == label:
                        c.labeled_tp += 1
                        c.label_tp[label] += 1
    return RelationScores(
        link=para.link(),
        no_link=para.no_link(),
        labeled=para.labeled(),
        per_label=para.per_label(),
        all_pairs=every.link(),
        all_pairs_labeled=every.labeled(),
        pairs=para.pairs,
        all_pairs_count=every.pairs,
        unmatched_gold=unmatched_gold,
        unmatched_predicted=unmatched_pred,
    )


def central_claim(amap: ArgumentMap) -> Unit | None:
    """The map's root: the first major_claim with no outgoing relation, else the first unit with none."""
    roots = amap.roots()
    for unit in roots:
        if unit.kind == "major_claim":
            return unit
    return roots[0] if roots else None


def central_claim_scores(pairs: Iterable[Pair], matching: str = "exact") -> AccuracyScores:
    """Share of documents with a gold major claim whose predicted root is the unit matched to the gold root."""
    correct = documents = 0
    for gold, pred in check_pairs(pairs):
        g = central_claim(gold)
        if g is None or g.kind != "major_claim":
            continue  # no thesis marked in gold: nothing to be right or wrong about
        documents += 1
        p = central_claim(pred)
        if p is not None:
            correct += any(mg.id == g.id and mp.id == p.id for mg, mp in matches(gold, pred, matching))
    return AccuracyScores(correct, documents, "documents")


def evidence_scores(pairs: Iterable[Pair], matching: str = "exact") -> PRF:
    """P/R/F1 of evidence units (type ignored): predicted evidence matched to gold evidence."""
    tp = predicted = gold_n = 0
    for gold, pred in check_pairs(pairs):
        gold_n += sum(u.kind == "evidence" for u in gold.units)
        predicted += sum(u.kind == "evidence" for u in pred.units)
        tp += sum(g.kind == p.kind == "evidence" for g, p in matches(gold, pred, matching))
    return PRF.of(tp, predicted, gold_n)


def evidence_type_scores(pairs: Iterable[Pair], matching: str = "exact") -> EvidenceTypeScores:
    """Per-type P/R/F1 of evidence types over every unit, matched or not (see the module docstring)."""
    tp: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    for gold, pred in check_pairs(pairs):
        gold_n.update(u.evidence_type for u in gold.units if u.evidence_type)
        pred_n.update(u.evidence_type for u in pred.units if u.evidence_type)
        for g, p in matches(gold, pred, matching):
            if g.evidence_type and g.evidence_type == p.evidence_type:
                tp[g.evidence_type] += 1
    per_label = {t: LabelScores.of(tp[t], pred_n[t], gold_n[t]) for t in TYPES}
    return EvidenceTypeScores(per_label, sum(gold_n[t] for t in TYPES))


def stance_scores(pairs: Iterable[Pair], matching: str = "exact") -> AccuracyScores:
    """Stance accuracy over matched gold claims that have a stance."""
    correct = support = 0
    for gold, pred in check_pairs(pairs):
        for g, p in matches(gold, pred, matching):
            if g.kind == "claim" and g.stance:
                support += 1
                correct += g.stance == p.stance
    return AccuracyScores(correct, support, "support")


def matched_scores(
    pairs: Iterable[Pair], matching: str, collapse_evidence: bool | None = None, stance_sources: Iterable[str] = ()
) -> MatchedScores:
    """Every score built on the unit matching `matching`."""
    pairs = check_pairs(pairs)
    return MatchedScores(
        matching=matching,
        components=component_scores(pairs, collapse_evidence, matching),
        relations=relation_scores(pairs, stance_sources, matching),
        central_claim=central_claim_scores(pairs, matching),
        evidence=evidence_scores(pairs, matching),
        evidence_types=evidence_type_scores(pairs, matching),
        stance=stance_scores(pairs, matching),
    )


def compute_scores(
    pairs: Iterable[Pair], collapse_evidence: bool | None = None, stance_sources: Iterable[str] = ()
) -> Scores:
    """All scores of this module for `pairs`, under both matchings (see `relation_scores` for
    `stance_sources`)."""
    pairs = check_pairs(pairs)
    return Scores(
        documents=len(pairs),
        segmentation=segmentation_scores(pairs),
        exact=matched_scores(pairs, "exact", collapse_evidence, stance_sources),
        overlap=matched_scores(pairs, "overlap", collapse_evidence, stance_sources),
    )


def score_maps(
    pairs: Iterable[Pair], collapse_evidence: bool | None = None, stance_sources: Iterable[str] = ()
) -> dict:
    """`compute_scores(...)` in its JSON form, keyed by section."""
    return compute_scores(pairs, collapse_evidence, stance_sources).to_dict()
