"""`argmine_unit_classifier`: kind, evidence type and stance of each unit, from linear models over
layout, context and lexical features (see `argmine.nlp.features`).

It labels every unit with its most likely kind and leaves the full kind distribution on the doc: the relation
component decides claim versus premise jointly with the links, since a claim is what premises point to. The
evidence decision is the classifier's alone: `span._.evidence_type` is the type its evidence head gives a unit
when that head is at least its genre's evidence threshold sure it is evidence at all (else ""; the thresholds
are learnt in training, `evidence_thresholds.json`, and default to `evidence_threshold`), and whichever unit the
relation component then decides is a premise is an evidence unit of that type (`argmine.nlp.doc.to_map`). The
stance head's distribution goes to the relation component, which sets the stances (`argmine.nlp.relate`).

What it leaves for the relation scorer: `doc._.arg_unit_probs`, each head's probabilities per unit (a dict of
arrays, rows aligned with `doc.spans["units"]`; "kind" mixes in the finder's vote, "kind_heads" is the heads'
own when there was one), and `doc._.arg_unit_features`, the unit features the pair features copy from.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.nlp import finder  # noqa: F401  (registers doc._.arg_finder_kinds, the finder's kind votes)
from argmine.nlp.doc import get_units
from argmine.nlp.features import DocUnits
from argmine.nlp.linear import Fit, LinearClassifier, hash_features, join_rows, load_heads, save_heads

KIND_LABELS = ("major_claim", "claim", "premise")
EVIDENCE_LABELS = ("none", "statistics", "testimony", "anecdote")
STANCE_LABELS = ("for", "against")
EVIDENCE_FILE = "evidence_thresholds.json"
HEADS = {"kind": KIND_LABELS, "evidence": EVIDENCE_LABELS, "stance": STANCE_LABELS}
# Essays and short single-paragraph texts get their own set of heads: the same features and data, but each
# genre's cross-validation asks for a different amount of fitting (`fit` in HEAD_SETTINGS).
GENRES = ("essay", "short")
# The settings of every linear head, the unit classifier's and the relation scorer's (each component's config
# holds its own copy): `length`, the rows of its hashed weights, and `fit`, how argmine's trainer fits each
# genre's heads. Chosen by 5-fold cross-validation on each genre's training data (AAE train + dev for essays,
# the microtexts for short texts; see the model card): essays want strong early stopping, short texts far
# more fitting. Short texts' heads average five fits with different seeds: at that learning rate one fit's
# microtexts CV moved with the seed alone from 0.79 to 0.86 central-claim accuracy and from 0.57 to 0.62
# attachment F1.
HEAD_SETTINGS = {
    "length": 2**17,
    "fit": {
        "essay": {"@misc": "argmine.LinearFit.v1", "epochs": 5, "learn_rate": 0.0003, "runs": 1},
        "short": {"@misc": "argmine.LinearFit.v1", "epochs": 5, "learn_rate": 0.005, "runs": 5},
    },
}

for _name in ("arg_unit_probs", "arg_unit_features"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def genre_of(units: DocUnits) -> str:
    """The head set that reads `units`."""
    return "short" if units.short else "essay"


def evidence_rows(units: DocUnits, feats: list) -> list:
    """The evidence head's input: the shared unit features plus the evidence patterns."""
    return [f + units.evidence_features(i) for i, f in enumerate(feats)]


def predict_heads(heads: dict, units: DocUnits, feats: list) -> dict[str, numpy.ndarray]:
    """Each head's probabilities for `units`, whose shared features `feats` are hashed once (the evidence
    head's rows are `evidence_rows`, joined from the hashed shared features and the hashed patterns)."""
    hashed = hash_features(feats)
    out = {}
    for head, clf in heads.items():
        if head == "evidence":
            patterns = hash_features([units.evidence_features(i) for i in range(len(feats))])
            out[head] = clf.predict_proba(join_rows(hashed, patterns))
        else:
            out[head] = clf.predict_proba(hashed)
    return out


class UnitClassifier:
    """Three linear heads over shared unit features, one set per genre."""

    def __init__(
        self,
        nlp: Language | None,
        name: str,
        finder_weight: float,
        evidence_threshold: float,
        length: int,
        fit: dict[str, Fit],
    ) -> None:
        self.name = name
        self.finder_weight = finder_weight
        self.evidence_threshold = evidence_threshold
        # Per genre, how sure the evidence head must be that a unit is evidence: learnt by argmine's trainer
        # (`argmine.training.heads.choose_evidence_thresholds`), `evidence_threshold` until then.
        self.evidence_thresholds = {g: evidence_threshold for g in GENRES}
        self.length = length
        self.fit = fit
        self.heads = {g: {head: LinearClassifier(labels, length) for head, labels in HEADS.items()} for g in GENRES}

    def untrained_copy(self, name: str) -> UnitClassifier:
        """A classifier with these settings and untrained heads."""
        return UnitClassifier(None, name, self.finder_weight, self.evidence_threshold, self.length, self.fit)

    def predict(self, doc: Doc) -> tuple[str, dict[str, numpy.ndarray]]:
        """The genre of `doc` and the probabilities per head for its units; the unit features go to
        `doc._.arg_unit_features`."""
        units = DocUnits(doc, list(get_units(doc)))
        feats = [units.unit_features(i) for i in range(len(units.spans))]
        doc._.arg_unit_features = feats
        genre = genre_of(units)
        return genre, predict_heads(self.heads[genre], units, feats)

    def __call__(self, doc: Doc) -> Doc:
        genre, probs = self.predict(doc)
        finder_kinds = doc._.arg_finder_kinds
        if finder_kinds is not None and self.finder_weight > 0:
            # End to end, the finder has already judged each span's kind from the full token context, and on
            # AAE dev its kinds beat the heads' on its own spans (micro-F1 0.58 vs 0.57; the joint decode over
            # its spans 0.52): by default its vote decides. On gold segments the heads decide alone.
            vote = numpy.asarray([[k == label for label in KIND_LABELS] for k in finder_kinds], dtype="float32")
            vote = vote.reshape(len(finder_kinds), len(KIND_LABELS))  # no units: (0,), not (0, 3)
            voted = numpy.asarray([k in KIND_LABELS for k in finder_kinds], dtype=bool).reshape(-1, 1)
            probs["kind_heads"] = probs["kind"]
            # A span the finder found without a kind (`argmine.nlp.finder`) is the heads' alone.
            mixed = (1.0 - self.finder_weight) * probs["kind"] + self.finder_weight * vote
            probs["kind"] = numpy.where(voted, mixed, probs["kind"])
        doc._.arg_unit_probs = probs
        spans = []
        for i, span in enumerate(get_units(doc)):
            kind = KIND_LABELS[int(probs["kind"][i].argmax())]
            new = Span(doc, span.start, span.end, label=kind)
            new._.unit_score = float(probs["kind"][i].max())
            new._.evidence_type = self.evidence_type(probs["evidence"][i], genre)
            spans.append(new)
        doc.spans["units"] = spans
        return doc

    def evidence_type(self, evidence: numpy.ndarray, genre: str) -> str:
        """The evidence type of a unit of `genre` whose evidence head gives `evidence`, or "" when it is not
        evidence."""
        if 1.0 - evidence[0] >= self.evidence_thresholds[genre]:
            return EVIDENCE_LABELS[1 + int(evidence[1:].argmax())]
        return ""

    def to_disk(self, path: str | Path, exclude: tuple = ()) -> None:
        save_heads(self.heads, path)
        thresholds = json.dumps(self.evidence_thresholds, indent=1) + "\n"
        (Path(path) / EVIDENCE_FILE).write_text(thresholds, encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: tuple = ()) -> UnitClassifier:
        load_heads(self.heads, path, self.length)
        saved = Path(path) / EVIDENCE_FILE
        if saved.exists():  # a model trained before the thresholds were learnt uses `evidence_threshold`
            learnt = json.loads(saved.read_text(encoding="utf-8"))
            self.evidence_thresholds.update({g: float(v) for g, v in learnt.items()})
        return self


@Language.factory(
    "argmine_unit_classifier",
    default_config={"finder_weight": 1.0, "evidence_threshold": 0.5, **copy.deepcopy(HEAD_SETTINGS)},
    requires=["doc.spans"],
    assigns=[
        "doc.spans", "span._.unit_score", "span._.evidence_type", "doc._.arg_unit_probs", "doc._.arg_unit_features"
    ],
)
def make_unit_classifier(
    nlp: Language, name: str, finder_weight: float, evidence_threshold: float, length: int, fit: dict[str, Fit]
) -> UnitClassifier:
    """Build an (untrained) unit classifier; weights come from `from_disk` or argmine's trainer."""
    return UnitClassifier(nlp, name, finder_weight, evidence_threshold, length, fit)
