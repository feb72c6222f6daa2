"""Training the linear heads (unit kind, stance, evidence type; link and relation type) on gold segments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TypeVar

import numpy
from spacy.language import Language
from spacy.tokens import Span

from argmine.argmap import ArgumentMap
from argmine.nlp.classify import EVIDENCE_LABELS, GENRES, UnitClassifier, evidence_rows, genre_of, predict_heads
from argmine.nlp.doc import get_units, set_gold_segments
from argmine.nlp.features import DocUnits
from argmine.nlp.gapfill import GapFiller, gap_examples
from argmine.nlp.linear import Fit
from argmine.nlp.relate import RelationScorer, candidate_pairs
from argmine.nlp.split import UnitSplitter, split_examples
from argmine.nlp.thesis import ThesisScorer, thesis_rows
from argmine.nlp.trim import LeadTrimmer, choose_thresholds, lead_examples

# How each genre's heads are fitted is a setting of the component that holds them (`fit` in its config, see
# `argmine.nlp.classify.HEAD_SETTINGS`): Adam on shuffled mini-batches, per genre's head set.


C = TypeVar("C")


def component(nlp: Language, name: str, kind: type[C]) -> C:
    """The pipeline's component `name`, which must be a `kind` (the heads are trained on its attributes)."""
    pipe = nlp.get_pipe(name)
    if not isinstance(pipe, kind):
        raise TypeError(f"the pipeline's {name} is a {type(pipe).__name__}, not a {kind.__name__}")
    return pipe


@dataclass
class Featurized:
    """One gold map with its unit features, ready for any head."""

    amap: ArgumentMap
    units: DocUnits
    feats: list


def featurize(nlp: Language, maps: Sequence[ArgumentMap]) -> list[Featurized]:
    """Gold-segment docs and unit features for `maps`."""
    out = []
    for amap in maps:
        doc = nlp.make_doc(amap.text)
        set_gold_segments(doc, amap.units)
        units = DocUnits(doc, list(get_units(doc)))
        out.append(Featurized(amap, units, [units.unit_features(i) for i in range(len(units.spans))]))
    return out


def train_gap_head(nlp: Language, maps: Sequence[ArgumentMap], seed: int = 0) -> int:
    """Fit the gap filler's head on every content sentence of `maps`; returns the number of sentences."""
    rows, labels = gap_examples(nlp, maps)
    filler = component(nlp, "argmine_gap_filler", GapFiller)
    filler.head.fit(rows, labels, **_fit(filler.fit, seed))
    return len(rows)


def train_split_head(nlp: Language, maps: Sequence[ArgumentMap], seed: int = 0) -> int:
    """Fit the unit splitter's head on every candidate cut of `maps`' gold units; returns their number."""
    rows, labels = split_examples(nlp, maps)
    splitter = component(nlp, "argmine_unit_splitter", UnitSplitter)
    splitter.head.fit(rows, labels, **_fit(splitter.fit, seed))
    return len(rows)


def train_trim_head(nlp: Language, maps: Sequence[ArgumentMap], seed: int = 0) -> int:
    """Fit the lead trimmer's head on every proposed unit of `maps` (`argmine.nlp.trim.lead_examples`) and
    choose its thresholds per shape on cross-fitted predictions; returns the number of proposals."""
    examples = lead_examples(nlp, maps)
    trimmer = component(nlp, "argmine_lead_trimmer", LeadTrimmer)
    fit = _fit(trimmer.fit, seed)
    rows = [(x, y) for _, _, cands, _ in examples for x, y in cands]
    trimmer.head.fit([x for x, _ in rows], ["start" if y else "inside" for _, y in rows], **fit)
    trimmer.thresholds = choose_thresholds(trimmer.head, examples, fit)
    return len(examples)


def train_thesis_head(scorer: ThesisScorer, examples: list[Featurized], seed: int = 0) -> int:
    """Fit the thesis scorer's head on every document of `examples` whose gold map has a thesis (its root major
    claim, as `argmine.evaluation.scores` reads it), listwise: the thesis against the other units of its
    document (`LinearClassifier.fit_listwise`). Returns the number of documents."""
    documents, gold = [], []
    for ex in examples:
        root = gold_thesis(ex.amap)
        if root is None:  # no thesis annotated (implicit, or a scheme without one): missing, not a negative
            continue
        units, feats = ex.units, ex.feats
        headline = unmarked_headline(units)
        if headline is not None:
            # The op-eds and editorials leave the headline unmarked, their thesis is in the body; CMV marks its
            # title as the thesis. Without the headline as a candidate that loses, only CMV would teach what a
            # title is, and every op-ed's headline (which the finder does propose) would win.
            units = DocUnits(units.doc, [headline, *units.spans])
            feats = [units.unit_features(i) for i in range(len(units.spans))]
            root += 1
        documents.append(thesis_rows(units, feats))
        gold.append(root)
    scorer.head.fit_listwise(documents, gold, **_fit(scorer.fit, seed))
    return len(documents)


HEADLINE_TOKENS = 40  # a longer first paragraph is a lede, not a headline


def unmarked_headline(units: DocUnits) -> Span | None:
    """The first paragraph of `units`' doc that is not metadata, as a span, when it is short (a headline) and
    comes before every gold unit: the headline the annotators of op-eds and editorials leave unmarked."""
    doc, layout = units.doc, units.layout
    first = next((t for t in range(len(doc)) if not doc[t].is_space and layout.role_of(t) != "meta"), None)
    if first is None:
        return None
    para = layout.paragraph[first]
    tokens = [t for t in range(first, len(doc)) if layout.paragraph[t] == para]
    tokens = [t for t in tokens if not doc[t].is_space and layout.role_of(t) != "meta"]
    if len(tokens) > HEADLINE_TOKENS or any(s.start <= tokens[-1] for s in units.spans):
        return None
    return doc[tokens[0] : tokens[-1] + 1]


def gold_thesis(amap: ArgumentMap) -> int | None:
    """The index of `amap`'s thesis: its first major claim with no outgoing relation."""
    return next((i for i, u in enumerate(amap.units) if u.kind == "major_claim" and not amap.targets(u.id)), None)


def _kind(kind: str) -> str:
    return "premise" if kind == "evidence" else kind


def _fit(settings: Fit, seed: int) -> dict:
    return {**asdict(settings), "seed": seed}


def train_unit_heads(
    classifier: UnitClassifier,
    kinds: list[Featurized],
    evidence: list[Featurized],
    seed: int = 0,
    genres: Sequence[str] = GENRES,
) -> dict[str, int]:
    """Fit the kind, stance and evidence heads of `genres`; returns the number of training examples per head."""
    rows, labels = [], []
    stance_rows, stance_labels = [], []
    for ex in kinds:
        for u, f in zip(ex.amap.units, ex.feats):
            rows.append(f)
            labels.append(_kind(u.kind))
            if u.kind != "major_claim" and u.stance:
                stance_rows.append(f)
                stance_labels.append(u.stance)
    typed = [_evidence_examples(ex) for ex in evidence]
    ev_rows, ev_labels = [x for r, _ in typed for x in r], [y for _, ys in typed for y in ys]
    for genre in genres:
        heads, fit = classifier.heads[genre], _fit(classifier.fit[genre], seed)
        heads["kind"].fit(rows, labels, **fit)
        heads["stance"].fit(stance_rows, stance_labels, **fit)
        heads["evidence"].fit(ev_rows, ev_labels, **fit)
    return {"kind": len(rows), "stance": len(stance_rows), "evidence": len(ev_rows)}


def _evidence_examples(ex: Featurized) -> tuple[list, list[str]]:
    """The evidence head's rows and labels (a type, or "none") for the units of `ex`."""
    rows, labels = [], []
    for u, f in zip(ex.amap.units, evidence_rows(ex.units, ex.feats)):
        if u.kind == "evidence" and not u.evidence_type:
            continue  # evidence of no one type (IBM's mixed ones): neither a type nor "not evidence"
        rows.append(f)
        labels.append(u.evidence_type if u.kind == "evidence" and u.evidence_type else "none")
    return rows, labels


def cross_fitted_probs(
    classifier: UnitClassifier,
    kinds: list[Featurized],
    evidence: list[Featurized],
    examples: list[Featurized],
    folds: int = 5,
    seed: int = 0,
) -> list[dict | None]:
    """Unit-classifier distributions for `examples` (None for all when none is a short text, the only ones
    whose pair features read them), each predicted by heads that never saw its document
    (heads with the settings of `classifier`).

    The relation heads read these distributions as features; taken from heads trained on the same documents
    they would be overconfident, and the relation heads would learn to trust them more than they should.
    """
    out: list[dict | None] = [None] * len(examples)
    if not any(ex.units.short for ex in examples):  # only short texts' pair features read them
        return out
    for fold in range(folds):
        held = {id(ex.amap) for n, ex in enumerate(examples) if n % folds == fold}
        fold_classifier = classifier.untrained_copy("fold")
        train_unit_heads(fold_classifier, [ex for ex in kinds if id(ex.amap) not in held], evidence, seed, ["short"])
        for n, ex in enumerate(examples):
            if n % folds == fold:
                out[n] = predict_heads(fold_classifier.heads["short"], ex.units, ex.feats)
    return out


def relation_examples(scorer: RelationScorer, examples: list[Featurized], probs_per_doc: list[dict | None]):
    """Candidate pairs with link and type labels; `probs_per_doc` are the unit distributions the pair features
    see (cross-fitted, see `cross_fitted_probs`)."""
    rows, links, type_rows, types = [], [], [], []
    for ex, probs in zip(examples, probs_per_doc):
        units = ex.amap.units
        gold = {(r.source, r.target): r.relation for r in ex.amap.relations}
        thesis = next((i for i, u in enumerate(units) if u.kind == "major_claim" and not ex.amap.targets(u.id)), None)
        # Essays: premises attach inside their paragraph (claims go to the thesis by stance). Short texts: every
        # unit but the thesis attaches somewhere, so every one of them teaches the link head.
        sources = ("premise", "evidence", "claim") if ex.units.short else ("premise", "evidence")
        pairs = [
            (i, j)
            for i, j in candidate_pairs(ex.units, scorer.window, thesis, scorer.cross_window)
            if units[i].kind in sources and i != thesis
        ]
        feats = scorer.pair_features(ex.units, ex.feats, pairs, thesis, probs)
        for (i, j), f in zip(pairs, feats):
            label = gold.get((units[i].id, units[j].id))
            rows.append(f)
            links.append("link" if label else "no")
            if label:
                type_rows.append(f)
                types.append(label)
    return rows, links, type_rows, types


def train_relation_heads(
    scorer: RelationScorer,
    examples: list[Featurized],
    kinds: list[Featurized],
    evidence: list[Featurized],
    seed: int = 0,
    *,
    classifier: UnitClassifier,
) -> dict[str, int]:
    """Fit the link and relation-type heads; `kinds`/`evidence` train the cross-fitted unit heads (with the
    settings of the pipeline's `classifier`) whose predictions the pair features read. Returns the examples
    per head."""
    probs = cross_fitted_probs(classifier, kinds, evidence, examples, seed=seed)
    per_doc = [relation_examples(scorer, [ex], [pr]) for ex, pr in zip(examples, probs)]
    rows, links, type_rows, types = ([x for doc in per_doc for x in doc[k]] for k in range(4))
    for genre in GENRES:
        fit = _fit(scorer.fit[genre], seed)
        scorer.heads[genre]["link"].fit(rows, links, **fit)
        scorer.heads[genre]["type"].fit(type_rows, types, **fit)
    choose_cutoffs(scorer, classifier, examples, kinds, [(doc[2], doc[3]) for doc in per_doc], seed)
    return {"link": len(rows), "type": len(type_rows)}


CUTOFF_FOLDS = 5
CUTOFF_GRID = tuple(round(0.05 * k, 2) for k in range(1, 11))  # 0.05 ... 0.5: the rare class is never favoured less


def best_cutoff(p: Sequence[float], positive: Sequence[bool]) -> float:
    """The cutoff of `CUTOFF_GRID` with the best F1 of the positive class (ties: the highest cutoff)."""
    p_arr, y = numpy.asarray(p, dtype="float64"), numpy.asarray(positive, dtype=bool)
    best, best_f1 = 0.5, -1.0
    for cutoff in sorted(CUTOFF_GRID, reverse=True):
        pred = p_arr >= cutoff
        tp = float((pred & y).sum())
        f1 = 2 * tp / max(1.0, float(pred.sum() + y.sum()))
        if f1 > best_f1:
            best, best_f1 = cutoff, f1
    return best


def choose_cutoffs(
    scorer: RelationScorer,
    classifier: UnitClassifier,
    examples: list[Featurized],
    kinds: list[Featurized],
    typed: list[tuple[list, list[str]]],
    seed: int = 0,
) -> dict[str, dict[str, float]]:
    """Set `scorer.cutoffs`: per genre, the probability from which a relation is an attack (type head) and a
    claim is against the thesis (stance head), each the best F1 of that minority class on predictions
    cross-fitted by document (`CUTOFF_FOLDS` folds: heads with the genre's fit settings, trained without the
    fold, predict it). `typed` holds each example's type-head rows and labels (`relation_examples`). Never
    tuned on anything held out from training."""
    for genre in GENRES:
        fit = _fit(scorer.fit[genre], seed)
        p_attack, is_attack, p_against, is_against = [], [], [], []
        for fold in range(CUTOFF_FOLDS):
            head = scorer.heads[genre]["type"].untrained_copy()
            head.fit([r for n, (rows, _) in enumerate(typed) if n % CUTOFF_FOLDS != fold for r in rows],
                     [y for n, (_, ys) in enumerate(typed) if n % CUTOFF_FOLDS != fold for y in ys], **fit)
            held = [n for n, ex in enumerate(examples) if n % CUTOFF_FOLDS == fold and genre_of(ex.units) == genre]
            rows = [r for n in held for r in typed[n][0]]
            if rows:
                p_attack += head.predict_proba(rows)[:, 1].tolist()
                is_attack += [y == "attack" for n in held for y in typed[n][1]]
            # The stance head as the classifier trains it (every unit with a stance), scored on the held-out
            # claims of the genre: the relation scorer decides the stance of claims only.
            s_rows, s_labels, h_rows, h_labels = [], [], [], []
            for n, ex in enumerate(kinds):
                out = n % CUTOFF_FOLDS == fold
                for u, f in zip(ex.amap.units, ex.feats):
                    if u.kind == "major_claim" or not u.stance:
                        continue
                    if not out:
                        s_rows.append(f)
                        s_labels.append(u.stance)
                    elif u.kind == "claim" and genre_of(ex.units) == genre:
                        h_rows.append(f)
                        h_labels.append(u.stance)
            stance = classifier.heads[genre]["stance"].untrained_copy()
            stance.fit(s_rows, s_labels, **_fit(classifier.fit[genre], seed))
            if h_rows:
                p_against += stance.predict_proba(h_rows)[:, 1].tolist()
                is_against += [y == "against" for y in h_labels]
        scorer.cutoffs[genre] = {
            "attack": best_cutoff(p_attack, is_attack) if any(is_attack) else 0.5,
            "against": best_cutoff(p_against, is_against) if any(is_against) else 0.5,
        }
    return scorer.cutoffs


EVIDENCE_GRID = tuple(round(0.05 * k, 2) for k in range(2, 17))  # 0.10 ... 0.80
# A genre's threshold is learnt from at least this many evidence units of its whole texts, else it stays the
# config's: the short texts' only ones are the microtexts' 9 examples, and on them the choice swung from 0.1
# to 0.6 between cross-validation folds. Essays and op-eds have some 1,400 (the editorials, `corpus/`).
MIN_EVIDENCE = 100


def choose_evidence_thresholds(classifier: UnitClassifier, evidence: list[Featurized], seed: int = 0,
                               folds: int = CUTOFF_FOLDS, scored: Sequence[bool] | None = None) -> dict[str, float]:
    """Set `classifier.evidence_thresholds`: per genre, the threshold of EVIDENCE_GRID with the best macro-F1
    over the evidence types of the genre's documents (those `scored` marks: the whole texts, since a corpus of
    claim-and-evidence pairs is half evidence and would teach that rate), on predictions cross-fitted by
    document (`folds` heads with the genre's fit settings, each trained on the other documents of every genre,
    as `train_unit_heads` trains them); a genre with fewer than MIN_EVIDENCE such units keeps its threshold.
    At 0.5 the head called too little evidence: on the Webis editorials of one outlet (the other held out)
    0.3-0.4 gave macro-F1 0.61 where 0.5 gave 0.57 (gold segments)."""
    examples = [_evidence_examples(ex) for ex in evidence]
    genres = [genre_of(ex.units) for ex in evidence]
    scored = [True] * len(evidence) if scored is None else scored
    for genre in GENRES:
        probs, gold = [], []
        for fold in range(folds):
            held = [n for n in range(len(evidence))
                    if n % folds == fold and genres[n] == genre and scored[n] and examples[n][0]]
            if not held:
                continue
            head = classifier.heads[genre]["evidence"].untrained_copy()
            train = [n for n in range(len(evidence)) if n % folds != fold]
            head.fit([r for n in train for r in examples[n][0]], [y for n in train for y in examples[n][1]],
                     **_fit(classifier.fit[genre], seed))
            probs.append(head.predict_proba([r for n in held for r in examples[n][0]]))
            gold += [y for n in held for y in examples[n][1]]
        if sum(y != "none" for y in gold) >= MIN_EVIDENCE:
            classifier.evidence_thresholds[genre] = best_evidence_threshold(numpy.concatenate(probs), gold)
    return classifier.evidence_thresholds


def best_evidence_threshold(probs: numpy.ndarray, gold: Sequence[str]) -> float:
    """The threshold of EVIDENCE_GRID under which `probs` (rows over EVIDENCE_LABELS) type `gold` best: the
    macro-F1 over the types (ties: the highest threshold)."""
    y = numpy.asarray(gold)
    typed = numpy.asarray(EVIDENCE_LABELS[1:])[probs[:, 1:].argmax(axis=1)]
    best, best_f1 = 0.5, -1.0
    for threshold in sorted(EVIDENCE_GRID, reverse=True):
        pred = numpy.where(1.0 - probs[:, 0] >= threshold, typed, "none")
        f1 = sum(2 * float(((pred == t) & (y == t)).sum()) / max(1.0, float((pred == t).sum() + (y == t).sum()))
                 for t in EVIDENCE_LABELS[1:]) / (len(EVIDENCE_LABELS) - 1)
        if f1 > best_f1:
            best, best_f1 = threshold, f1
    return best
