"""Scores of predicted argument maps against gold maps of the same texts (pure functions, plain dicts).

Every function takes `pairs`, an iterable of `(gold, predicted)` `ArgumentMap`s over the same text, pools
the counts over all documents (micro-averaging over documents) and returns JSON-ready dicts. A ratio whose
denominator is zero is 0.0. Precision = tp / predicted, recall = tp / gold, F1 = 2·tp / (predicted + gold).

Matching units
    Units are compared by their *core*: their offsets with whitespace and punctuation trimmed off both ends
    (a unit of punctuation only keeps its offsets). Schemes disagree on punctuation — the project's drops
    the final period, microtexts and CDCP keep it — and that should not decide whether a segment is right;
    every word still has to agree.
    *exact*: a predicted and a gold unit with the same core; matched one-to-one (if a map holds two units
    with the same core, they pair off in reading order). Every score below except segment overlap is built
    on the exact matching. *strict*: identical raw `(start, end)`, reported for segmentation only.
    *overlap*: one-to-one, greedy by descending overlap ratio (ties in reading order); a pair is eligible when
    |gold ∩ predicted| / max(len(gold), len(predicted)) >= 0.5 over cores (the 50% criterion of Eger et al.
    2017).

segmentation
    P/R/F1 of predicted units against gold units; `f1` is the exact F1, `overlap` the 50%-overlap F1,
    `strict` the F1 over raw offsets.
components
    A predicted unit is correct for kind K when it matches a gold unit exactly and both have kind K.
    Per kind: tp / (predicted units of kind K) and tp / (gold units of kind K), matched or not, so a
    missed or spurious segment costs recall or precision. `micro_f1` pools all kinds — the exact-match
    component F1 (segment + kind) of Eger et al. 2017; `macro_f1` averages the kinds present in gold.
    With `collapse_evidence` (automatic when no gold unit is `evidence`, as in AAE and microtexts) every
    `evidence` unit counts as `premise`; the choice is reported.
relations (Stab & Gurevych 2017)
    Candidate pairs are the ordered pairs (a, b), a != b, of exactly matched units in the same paragraph
    (the gold unit's `paragraph`). `f1`: F1 of the link class (an edge a -> b, label ignored);
    `labeled_f1`: the same with support/attack required to agree; `link_macro_f1`: mean of that link F1 and
    the no-link F1 over the candidate pairs (true negatives: pairs linked in neither map); `all_pairs_f1`: link
    F1 over pairs in any paragraphs (the attachment F1 of microtexts). End to end, a gold relation with an
    endpoint that no predicted unit matches exactly is a false negative of the link class (`unmatched_gold`),
    and a predicted relation with an endpoint that matches no gold unit is a false positive
    (`unmatched_predicted`); both are in scope when their own map puts the two endpoints in one paragraph. On
    gold segments both counts are zero and the numbers are exactly the S&G protocol.
central_claim
    Per document the root is the first `major_claim` (reading order) with no outgoing relation, else the
    first unit with no outgoing relation. Accuracy over the documents whose gold root is a `major_claim`
    (corpora without a thesis, such as CDCP and editorials, have none): the predicted root has the gold
    root's core.
evidence_types
    Over exactly matched pairs, per type (statistics, testimony, anecdote; "" is the negative class) P/R/F1
    and gold support; `macro_f1` averages the types present in gold (as for components, so a perfect
    prediction scores 1.0 on a corpus without anecdotes), 0.0 when gold has none.
stance
    Accuracy over exactly matched pairs whose gold unit is a `claim` with a stance.
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable

from argmine.argmap import EVIDENCE_TYPES, KINDS, RELATIONS, ArgumentMap, Unit

Pair = tuple[ArgumentMap, ArgumentMap]
OVERLAP = 0.5


class EvaluationError(ValueError):
    """Gold and predicted maps that cannot be compared (different texts, missing documents)."""


def ratio(num: float, den: float) -> float:
    """`num / den`, or 0.0 when `den` is zero."""
    return num / den if den else 0.0


def prf(tp: int, predicted: int, gold: int) -> dict:
    """Precision, recall and F1 from counts, with the counts themselves."""
    return {
        "precision": ratio(tp, predicted),
        "recall": ratio(tp, gold),
        "f1": ratio(2 * tp, predicted + gold),
        "tp": tp,
        "predicted": predicted,
        "gold": gold,
    }


def label_scores(tp: int, predicted: int, gold: int) -> dict:
    """Precision, recall, F1 and support (the gold count) of one label."""
    s = prf(tp, predicted, gold)
    return {"precision": s["precision"], "recall": s["recall"], "f1": s["f1"], "support": gold}


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
    return char.isspace() or unicodedata.category(char).startswith("P")


def core(text: str, unit: Unit) -> tuple[int, int]:
    """`unit`'s offsets without whitespace and punctuation at either end (unchanged if nothing would remain)."""
    start, end = unit.start, unit.end
    while start < end and _trimmable(text[start]):
        start += 1
    while end > start and _trimmable(text[end - 1]):
        end -= 1
    return (start, end) if start < end else (unit.start, unit.end)


def exact_matches(gold: ArgumentMap, pred: ArgumentMap, strict: bool = False) -> list[tuple[Unit, Unit]]:
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


def overlap_matches(
    gold: ArgumentMap, pred: ArgumentMap, threshold: float = OVERLAP
) -> list[tuple[Unit, Unit]]:
    """One-to-one pairs whose cores overlap by at least `threshold`, chosen greedily by overlap ratio."""
    gold_cores = [(g, core(gold.text, g)) for g in gold.units]
    pred_cores = [(p, core(gold.text, p)) for p in pred.units]
    candidates = []
    for gi, (g, gc) in enumerate(gold_cores):
        for pi, (p, pc) in enumerate(pred_cores):
            if pc[0] >= gc[1] or pc[1] <= gc[0]:
                continue
            r = overlap_ratio(gc, pc)
            if r >= threshold:
                candidates.append((-r, gi, pi, g, p))
    candidates.sort(key=lambda c: c[:3])
    used_g, used_p, matches = set(), set(), []
    for _, gi, pi, g, p in candidates:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            matches.append((g, p))
    return matches


def segmentation_scores(pairs: Iterable[Pair]) -> dict:
    """Exact and 50%-overlap P/R/F1 of predicted units against gold units."""
    pairs = check_pairs(pairs)
    n_gold = sum(len(g) for g, _ in pairs)
    n_pred = sum(len(p) for _, p in pairs)
    exact = sum(len(exact_matches(g, p)) for g, p in pairs)
    strict = sum(len(exact_matches(g, p, strict=True)) for g, p in pairs)
    overlap = sum(len(overlap_matches(g, p)) for g, p in pairs)
    return {
        **prf(exact, n_pred, n_gold),
        "overlap": prf(overlap, n_pred, n_gold),
        "strict": prf(strict, n_pred, n_gold),
    }


def _kind(unit: Unit, collapse_evidence: bool) -> str:
    return "premise" if collapse_evidence and unit.kind == "evidence" else unit.kind


def component_scores(pairs: Iterable[Pair], collapse_evidence: bool | None = None) -> dict:
    """Exact-match component P/R/F1 per kind, micro-F1 and macro-F1 over the kinds present in gold.

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
        for g, p in exact_matches(gold, pred):
            if _kind(g, collapse_evidence) == _kind(p, collapse_evidence):
                tp[_kind(g, collapse_evidence)] += 1
    labels = [k for k in KINDS if gold_n[k] or pred_n[k]]
    per_label = {k: label_scores(tp[k], pred_n[k], gold_n[k]) for k in labels}
    micro = prf(sum(tp.values()), sum(pred_n.values()), sum(gold_n.values()))
    gold_labels = [k for k in labels if gold_n[k]]
    return {
        "micro_f1": micro["f1"],
        "micro": micro,
        "macro_f1": ratio(sum(per_label[k]["f1"] for k in gold_labels), len(gold_labels)),
        "per_label": per_label,
        "collapse_evidence": collapse_evidence,
    }


class _RelationCounts:
    """Link/no-link/labelled counts for one scope of candidate pairs."""

    def __init__(self) -> None:
        self.tp = self.labeled_tp = self.predicted = self.gold = 0
        self.pairs = self.pair_gold = self.pair_pred = 0
        self.label_tp: Counter[str] = Counter()
        self.label_pred: Counter[str] = Counter()
        self.label_gold: Counter[str] = Counter()

    def link(self) -> dict:
        return prf(self.tp, self.predicted, self.gold)

    def labeled(self) -> dict:
        return prf(self.labeled_tp, self.predicted, self.gold)

    def no_link(self) -> dict:
        # True negatives: candidate pairs linked in neither map.
        both_or_either = self.pair_gold + self.pair_pred - self.tp
        return prf(self.pairs - both_or_either, self.pairs - self.pair_pred, self.pairs - self.pair_gold)

    def per_label(self) -> dict:
        return {
            label: label_scores(self.label_tp[label], self.label_pred[label], self.label_gold[label])
            for label in RELATIONS
        }


def relation_scores(pairs: Iterable[Pair], stance_sources: Iterable[str] = ()) -> dict:
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
        matches = exact_matches(gold, pred)
        to_gold = {p.id: g.id for g, p in matches}
        gpar = {u.id: u.paragraph for u in gold.units}
        ppar = {u.id: u.paragraph for u in pred.units}
        matched = {g.id for g, _ in matches}
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
    link, no_link = para.link(), para.no_link()
    return {
        "f1": link["f1"],
        "precision": link["precision"],
        "recall": link["recall"],
        "labeled_f1": para.labeled()["f1"],
        "link_macro_f1": (link["f1"] + no_link["f1"]) / 2,
        "all_pairs_f1": every.link()["f1"],
        "link": link,
        "no_link": no_link,
        "labeled": para.labeled(),
        "per_label": para.per_label(),
        "all_pairs": every.link(),
        "all_pairs_labeled": every.labeled(),
        "pairs": para.pairs,
        "all_pairs_count": every.pairs,
        "unmatched_gold": unmatched_gold,
        "unmatched_predicted": unmatched_pred,
    }


def central_claim(amap: ArgumentMap) -> Unit | None:
    """The map's root: the first major_claim with no outgoing relation, else the first unit with none."""
    roots = amap.roots()
    for unit in roots:
        if unit.kind == "major_claim":
            return unit
    return roots[0] if roots else None


def central_claim_scores(pairs: Iterable[Pair]) -> dict:
    """Share of documents (with a gold major claim) whose predicted root has the gold root's core."""
    correct = documents = 0
    for gold, pred in check_pairs(pairs):
        g = central_claim(gold)
        if g is None or g.kind != "major_claim":
            continue
        documents += 1
        p = central_claim(pred)
        correct += p is not None and core(gold.text, p) == core(gold.text, g)
    return {"accuracy": ratio(correct, documents), "correct": correct, "documents": documents}


def evidence_type_scores(pairs: Iterable[Pair]) -> dict:
    """Per-type P/R/F1 of evidence types over exactly matched units ("" is the negative class)."""
    types = [t for t in EVIDENCE_TYPES if t]
    tp: Counter[str] = Counter()
    pred_n: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    for gold, pred in check_pairs(pairs):
        for g, p in exact_matches(gold, pred):
            gold_n[g.evidence_type] += 1
            pred_n[p.evidence_type] += 1
            tp[g.evidence_type] += g.evidence_type == p.evidence_type
    per_label = {t: label_scores(tp[t], pred_n[t], gold_n[t]) for t in types}
    present = [t for t in types if gold_n[t]]
    return {
        "macro_f1": ratio(sum(per_label[t]["f1"] for t in present), len(present)),
        "per_label": per_label,
        "support": sum(gold_n[t] for t in types),
    }


def stance_scores(pairs: Iterable[Pair]) -> dict:
    """Stance accuracy over exactly matched gold claims that have a stance."""
    correct = support = 0
    for gold, pred in check_pairs(pairs):
        for g, p in exact_matches(gold, pred):
            if g.kind == "claim" and g.stance:
                support += 1
                correct += g.stance == p.stance
    return {"accuracy": ratio(correct, support), "correct": correct, "support": support}


def score_maps(
    pairs: Iterable[Pair], collapse_evidence: bool | None = None, stance_sources: Iterable[str] = ()
) -> dict:
    """All scores of this module for `pairs`, keyed by section (see `relation_scores` for `stance_sources`)."""
    pairs = check_pairs(pairs)
    return {
        "documents": len(pairs),
        "segmentation": segmentation_scores(pairs),
        "components": component_scores(pairs, collapse_evidence),
        "relations": relation_scores(pairs, stance_sources),
        "central_claim": central_claim_scores(pairs),
        "evidence_types": evidence_type_scores(pairs),
        "stance": stance_scores(pairs),
    }
