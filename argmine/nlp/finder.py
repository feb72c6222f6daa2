"""`argmine_units_from_finder`: turn the unit finder's entity spans into argmine's unit span group.

The finder is spaCy's transition-based `ner` (named `unit_finder`; its factory `argmine_unit_finder` is
`ner` with argmine's decode, `argmine.nlp.greedy`), trained with argmine's layout-aware tok2vec; this bridge
gives its spans argmine kinds and moves them out of `doc.ents`, where they would be mistaken for named
entities.

The finder's kind for each unit (`""` for `Unit`) is also its vote on the unit's kind, which the unit
classifier weighs against its own heads: it travels in `doc._.arg_finder_kinds`, aligned with the units. Gold
segments carry no such vote (the extension stays None) and the heads decide alone.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.nlp.doc import get_units, set_units

# `Unit`: a unit whose kind the finder leaves to the unit classifier (it learnt it from corpora that segment
# but do not say which unit is the thesis; see argmine.training.data).
FINDER_KINDS = {"MajorClaim": "major_claim", "Claim": "claim", "Premise": "premise", "Unit": ""}

if not Doc.has_extension("arg_finder_kinds"):
    Doc.set_extension("arg_finder_kinds", default=None)


@Language.component(
    "argmine_units_from_finder",
    requires=["doc.ents"],
    assigns=["doc.ents", "doc.spans", "doc._.arg_relations", "doc._.arg_finder_kinds"],
)
def units_from_finder(doc: Doc) -> Doc:
    """Copy the finder's spans into `doc.spans["units"]` with argmine kinds, and clear `doc.ents`."""
    spans = [Span(doc, e.start, e.end, label=FINDER_KINDS.get(e.label_, "")) for e in doc.ents]
    doc.ents = []
    set_units(doc, spans)
    doc._.arg_finder_kinds = [s.label_ for s in get_units(doc)]
    return doc
