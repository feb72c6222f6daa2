"""`argmine_gap_filler`: the sentences the unit finder left without any unit, given a second look.

The transition-based finder is precise but misses whole sentences: held out, it found no unit overlapping
about a third of the gold units of AAE and two thirds of an editorial outlet's once comments joined its
training data. Every content sentence (`argmine.nlp.baselines.content_sentences`) that no proposed unit
touches is scored by a linear head over the shared unit features (`argmine.nlp.features`), trained on every
segment-annotated corpus to tell a sentence holding a unit from one that holds none; the sentences it keeps
join the units with no kind (`""`), so the unit classifier's heads decide what they are.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.argmap import ArgumentMap
from argmine.nlp import finder  # noqa: F401  (registers doc._.arg_finder_kinds, kept aligned here)
from argmine.nlp.baselines import content_sentences
from argmine.nlp.doc import get_units, set_units
from argmine.nlp.features import DocUnits
from argmine.nlp.linear import Fit, OneHead
from argmine.nlp.structure import laid_out

LABELS = ("none", "unit")
# A sentence counts as holding a unit in training when gold units cover at least this share of its characters.
COVERED = 0.5
# The head's settings (config.cfg holds them): 30,000 sentences, three epochs. Held out (microtexts, web
# discourse and CMV fold 1, Al Jazeera), a threshold of 0.3 instead of 0.5 moved segment F1 by at most 0.005.
SETTINGS = {
    "threshold": 0.5,
    "length": 2**17,
    "fit": {"@misc": "argmine.LinearFit.v1", "epochs": 3, "learn_rate": 0.001, "runs": 1},
}


def gaps(doc: Doc, units: Sequence[Span]) -> list[Span]:
    """The content sentences of `doc` that overlap none of `units`."""
    out = []
    spans = sorted((u.start, u.end) for u in units)
    k = 0
    for sent in content_sentences(doc):
        while k < len(spans) and spans[k][1] <= sent.start:
            k += 1
        if k == len(spans) or spans[k][0] >= sent.end:
            out.append(sent)
    return out


def sentence_rows(doc: Doc, sentences: Sequence[Span]) -> list:
    """The head's features of each sentence: the unit features of the sentence taken as a unit."""
    units = DocUnits(doc, list(sentences))
    return [units.unit_features(i) for i in range(len(sentences))]


class GapFiller(OneHead):
    """One linear head: does a sentence with no unit hold one?"""

    LABELS = LABELS

    def __init__(self, nlp: Language | None, name: str, threshold: float, length: int, fit: Fit) -> None:
        super().__init__(nlp, name, length, fit)
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        units = list(get_units(doc))
        candidates = gaps(doc, units)
        if not candidates:
            return doc
        probs = self.head.predict_proba(sentence_rows(doc, candidates))[:, 1]
        added = [Span(doc, s.start, s.end, label="") for s, p in zip(candidates, probs) if p >= self.threshold]
        if added:
            spans = sorted(units + added, key=lambda s: s.start)
            set_units(doc, spans)
            if doc._.arg_finder_kinds is not None:  # kind votes stay aligned: an added sentence has none
                doc._.arg_finder_kinds = [s.label_ for s in spans]
        return doc


@Language.factory(
    "argmine_gap_filler",
    default_config=SETTINGS,
    requires=["doc.spans", "token.is_sent_start"],
    assigns=["doc.spans", "doc._.arg_finder_kinds"],
)
def make_gap_filler(nlp: Language, name: str, threshold: float, length: int, fit: Fit) -> GapFiller:
    """Build an (untrained) gap filler; its head comes from `from_disk` or argmine's trainer."""
    return GapFiller(nlp, name, threshold, length, fit)


def gap_examples(nlp: Language, maps: Sequence[ArgumentMap]) -> tuple[list, list[str]]:
    """Every content sentence of `maps` with its label: `unit` when gold units cover COVERED of it."""
    rows, labels = [], []
    for amap, doc in zip(maps, laid_out(nlp, (m.text for m in maps))):
        sentences = content_sentences(doc)
        gold = sorted((u.start, u.end) for u in amap.units)
        for sent, row in zip(sentences, sentence_rows(doc, sentences)):
            a, b = sent.start_char, sent.end_char
            covered = sum(max(0, min(b, e) - max(a, s)) for s, e in gold)
            rows.append(row)
            labels.append("unit" if covered >= COVERED * (b - a) else "none")
    return rows, labels
