"""`argmine_units_from_finder`: turn the unit finder's entity spans into argmine's unit span group.

The finder is spaCy's transition-based `ner` (named `unit_finder`), trained with argmine's layout-aware
tok2vec; this bridge gives its spans argmine kinds and moves them out of `doc.ents`, where they would be
mistaken for named entities.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.nlp.doc import get_units, set_units

# `Unit`: a unit whose kind the finder leaves to the unit classifier (it learnt it from corpora that segment
# but do not say which unit is the thesis; see argmine.training.data).
FINDER_KINDS = {"MajorClaim": "major_claim", "Claim": "claim", "Premise": "premise", "Unit": ""}


@Language.component("argmine_units_from_finder")
def units_from_finder(doc: Doc) -> Doc:
    """Copy the finder's spans into `doc.spans["units"]` with argmine kinds, and clear `doc.ents`."""
    spans = [Span(doc, e.start, e.end, label=FINDER_KINDS.get(e.label_, "")) for e in doc.ents]
    doc.ents = []
    set_units(doc, spans)
    doc.user_data["argmine_finder_kinds"] = [s.label_ for s in get_units(doc)]
    return doc
