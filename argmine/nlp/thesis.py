"""`argmine_thesis_scorer`: which unit of a document is its thesis, decided once for the whole document.

Every unit in any paragraph is a candidate. A linear head scores each one from where it sits in the document
(its paragraph's rank from the start and from the end, its rank among the units, how many paragraphs there
are), the opinion and concession cues of the rule baseline, and a few of the shared unit features (role,
opening words, lexicon classes, digits and quotes, overlap with the headline); the candidates' scores are
normalised over the document into probabilities (`doc._.arg_thesis_probs`). It is trained on essays,
microtexts, web discourse and CMV threads, the project's op-eds and the annotated Webis editorials, so
position is learnt from op-eds as well as essays. The relation scorer takes the most probable candidate as
the thesis of a multi-paragraph text; the map lists the top three (`ArgumentMap.thesis_candidates`).
"""

from __future__ import annotations

import functools
import itertools


import numpy
from spacy.language import Language
from spacy.tokens import Doc

from argmine.nlp.doc import get_units
from argmine.nlp.features import DocUnits
from argmine.nlp.linear import Fit, OneHead
from argmine.nlp.rules import _CONCESSION, _OPINION, EVIDENCE_PATTERNS

LABELS = ("other", "thesis")
TOP = 3
# The shared unit features the head also reads (by name before `=`): the full set (every word and bigram)
# gives one positive per document thousands of features to overfit; on gold segments, 5-fold over the
# project's op-eds and the annotated editorials, it found 29 of 112 theses, this subset 35.
SHARED = frozenset("bias role first first2 lex lex|place has title len".split())
# Fitted listwise (`LinearClassifier.fit_listwise`, a batch is 8 documents): on gold segments, 5-fold over the
# op-eds and annotated editorials with every other corpus in training, it found 31 of 112 theses where the
# same features fitted row by row (3 epochs at 0.001) found 11.
# Fitted lightly: one positive per document and ~900 documents let the sparse word features (`first`,
# `first2`) memorise the training theses long before the position weights settle. On that CV (fit seeds 0-2)
# 20 epochs at 0.003 found 30.3 of 112 (corpus/ 17.7 of 32, editorials 12.7 of 80) and 10 epochs at 0.001
# 37 (20 and 17), with the microtexts' central claims 85 -> 91 of 112; held-out top probabilities went from
# overconfident (mean 0.49 for 0.27 right) to about right (0.32 for 0.33). The optimum is at about a sixth of
# the old amount of fitting (epochs x rate): 5 epochs at 0.002 and 20 at 0.0005 score 36.3 and 37, 5 or 20 at
# 0.001 32 and 31. Weight decay instead (L2 0.01 to 30 at 20 epochs) did no better than 33.7 (L2 1). Fitted on
# the op-eds and editorials alone it found 39 (one seed): the other genres cost little once the fit stops early.
SETTINGS = {
    "length": 2**16,
    "fit": {"@misc": "argmine.LinearFit.v1", "epochs": 10, "learn_rate": 0.001, "runs": 1, "batch_size": 8},
}

# Cached by feature: the units of a document repeat the same few hundred feature strings.
@functools.lru_cache(maxsize=2**16)
def _shared(feature) -> bool:
    return isinstance(feature, str) and feature.split(":", 1)[-1].split("=", 1)[0] in SHARED


def thesis_rows(units: DocUnits, feats: list) -> list[list]:
    """The head's features for every unit of `units` (`feats`: their shared unit features)."""
    paras = sorted(units.by_para)
    rank_of = {p: k for k, p in enumerate(paras)}
    text = units.layout.text
    n = len(units.spans)
    opinion = [bool(_OPINION.search(text[s.start_char : s.end_char])) for s in units.spans]
    seen_opinion = False
    rows = []
    for i, span in enumerate(units.spans):
        v = units.views[i]
        k = rank_of[v.paragraph]
        prank = ("p0" if k == 0 else "p1" if k == 1 else "plast" if k == len(paras) - 1
                 else "p2" if k == 2 else "penult" if k == len(paras) - 2 else "pmid")
        urank = f"u{i}" if i < 5 else "ulast" if i == n - 1 else "umid"
        role = units.layout.role_of(span.start)
        nparas = min(len(paras), 8)
        f = [f"T:{prank}", f"T:{urank}", f"T:{prank}|{min(v.index_in_paragraph, 2)}", f"T:np={nparas}",
             f"T:{prank}|role={role}", f"T:{prank}|np={nparas}"]
        unit_text = text[span.start_char : span.end_char]
        if opinion[i]:
            peers = units.by_para[v.paragraph]
            f += ["T:op", f"T:op|{prank}",
                  "T:op|lastop" if not any(opinion[j] for j in peers if j > i) else "T:op|notlast",
                  "T:op|firstop" if not any(opinion[j] for j in peers if j < i) else "T:op|notfirst"]
            if not seen_opinion:
                f.append("T:firstopdoc")
            seen_opinion = True
        if _CONCESSION.search(unit_text):
            f.append("T:conc")
        f.extend(f"T:ev={name}" for name, found in zip(EVIDENCE_PATTERNS, units.patterns(unit_text)) if found)
        rows.append(list(itertools.compress(feats[i], map(_shared, feats[i]))) + f)
    return rows


def document_probs(unit_probs: numpy.ndarray) -> numpy.ndarray:
    """Per-unit thesis probabilities normalised over the document: a softmax of the head's log-odds, so that
    the candidates of one document share one unit of probability."""
    p = numpy.clip(unit_probs, 1e-6, 1 - 1e-6)
    logits = numpy.log(p) - numpy.log1p(-p)
    logits -= logits.max()
    e = numpy.exp(logits)
    return e / e.sum()


class ThesisScorer(OneHead):
    """One linear head over every unit of a document."""

    LABELS = LABELS

    def __call__(self, doc: Doc) -> Doc:
        spans = list(get_units(doc))
        feats = doc._.arg_unit_features
        if not spans or feats is None or len(feats) != len(spans):
            doc._.arg_thesis_probs = None
            return doc
        units = DocUnits(doc, spans)
        doc._.arg_thesis_probs = document_probs(self.head.predict_proba(thesis_rows(units, feats))[:, 1])
        return doc


@Language.factory(
    "argmine_thesis_scorer",
    default_config=SETTINGS,
    requires=["doc.spans", "doc._.arg_unit_features"],
    assigns=["doc._.arg_thesis_probs"],
)
def make_thesis_scorer(nlp: Language, name: str, length: int, fit: Fit) -> ThesisScorer:
    """Build an (untrained) thesis scorer; its head comes from `from_disk` or argmine's trainer."""
    return ThesisScorer(nlp, name, length, fit)
