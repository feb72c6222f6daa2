"""Training the linear heads (unit kind, stance, evidence type; link and relation type) on gold segments."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TypeVar

from spacy.language import Language
from spacy.tokens import Span

from argmine.argmap import ArgumentMap
from argmine.nlp.classify import GENRES, UnitClassifier, evidence_rows, predict_heads
from argmine.nlp.doc import get_units, set_gold_segments
from argmine.nlp.features import DocUnits
from argmine.nlp.gapfill import GapFiller, gap_examples
from argmine.nlp.linear import Fit
from argmine.nlp.relate import RelationScorer, candidate_pairs
from argmine.nlp.thesis import ThesisScorer, thesis_rows

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


def train_thesis_head(scorer: ThesisScorer, examples: list[Featurized], seed: int = 0) -> int:
    """Fit the thesis scorer's head on every unit of `examples` whose gold map has a thesis (its root major
    claim, as `argmine.evaluation.scores` reads it): the thesis against every other unit of its document.
    Returns the number of documents."""
    rows, labels, documents = [], [], 0
    for ex in examples:
        root = gold_thesis(ex.amap)
        if root is None:  # no thesis annotated (implicit, or a scheme without one): missing, not a negative
            continue
        documents += 1
        units, feats = ex.units, ex.feats
        headline = unmarked_headline(units)
        if headline is not None:
            # The op-eds and editorials leave the headline unmarked, their thesis is in the body; CMV marks its
            # title as the thesis. Without the headline as a candidate that loses, only CMV would teach what a
            # title is, and every op-ed's headline (which the finder does propose) would win.
            units = DocUnits(units.doc, [headline, *units.spans])
            feats = [units.unit_features(i) for i in range(len(units.spans))]
            root += 1
        for i, row in enumerate(thesis_rows(units, feats)):
            rows.append(row)
            labels.append("thesis" if i == root else "other")
    scorer.head.fit(rows, labels, **_fit(scorer.fit, seed))
    return documents


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
    ev_rows, ev_labels = [], []
    for ex in evidence:
        for u, f in zip(ex.amap.units, evidence_rows(ex.units, ex.feats)):
            ev_rows.append(f)
            ev_labels.append(u.evidence_type if u.kind == "evidence" and u.evidence_type else "none")
    for genre in genres:
        heads, fit = classifier.heads[genre], _fit(classifier.fit[genre], seed)
        heads["kind"].fit(rows, labels, **fit)
        heads["stance"].fit(stance_rows, stance_labels, **fit)
        heads["evidence"].fit(ev_rows, ev_labels, **fit)
    return {"kind": len(rows), "stance": len(stance_rows), "evidence": len(ev_rows)}


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
            for i, j in candidate_pairs(ex.units, scorer.window, thesis)
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
    rows, links, type_rows, types = relation_examples(scorer, examples, probs)
    for genre in GENRES:
        fit = _fit(scorer.fit[genre], seed)
        scorer.heads[genre]["link"].fit(rows, links, **fit)
        scorer.heads[genre]["type"].fit(type_rows, types, **fit)
    return {"link": len(rows), "type": len(type_rows)}
