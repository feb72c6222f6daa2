"""The sentence-per-unit baseline (`--model sentences`): the trivial yardstick reported beside every score.

Segments: every sentence of argmine's own splitter (`argmine_sentences`) is one unit, except the title
paragraph, metadata paragraphs and metadata inside a sentence (a dateline before the lead's first words, see
`argmine.read.layout.metadata_spans`), and sentences with no letter or digit left.
Kinds and relations: the first unit is the major claim, every other unit a premise supporting it. No evidence
types, no stances. Nothing is learned and nothing is guessed from cue words — a trained model or the rule
baseline that does not beat this has learned nothing about segments or structure.
"""

from __future__ import annotations

import bisect

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.nlp.doc import get_units, set_units
from argmine.nlp.structure import PARAGRAPH_ROLES, get_layout

SKIPPED_ROLES = ("title", "meta")


@Language.component(
    "argmine_sentence_units", requires=["token.is_sent_start"], assigns=["doc.spans", "doc._.arg_relations"]
)
def sentence_units(doc: Doc) -> Doc:
    """One unit per sentence outside titles and metadata, trimmed of whitespace and metadata at its ends."""
    set_units(doc, [Span(doc, s.start, s.end, label="premise") for s in content_sentences(doc)])
    return doc


def content_sentences(doc: Doc) -> list[Span]:
    """The sentences outside titles and metadata, trimmed of whitespace and metadata at their ends, that hold a
    letter or digit: what the sentence baseline maps and what the gap filler may add."""
    if not len(doc) or not doc.has_annotation("SENT_START"):
        return [sent for sent in doc.sents]  # none, or spaCy's error for a doc without sentence boundaries
    layout = get_layout(doc)
    meta_starts = [a for a, _ in layout.metadata]
    # The doc's sentences (`doc.sents`), token flags and offsets from arrays: no Span or Token per token.
    attrs = doc.to_array([SENT_START, IS_SPACE, IDX, LENGTH])
    bounds = [0, *(numpy.flatnonzero(attrs[1:, 0] == 1) + 1).tolist(), len(doc)]
    space, idx, length = (attrs[:, k].tolist() for k in (1, 2, 3))
    role = layout.role.tolist()
    text = layout.text

    def skip(i: int) -> bool:
        if space[i]:
            return True
        char = idx[i]
        k = bisect.bisect_right(meta_starts, char) - 1
        return k >= 0 and char < layout.metadata[k][1]

    out = []
    for start, end in zip(bounds, bounds[1:]):
        if PARAGRAPH_ROLES[role[start]] in SKIPPED_ROLES:
            continue
        while start < end and skip(start):
            start += 1
        while end > start and skip(end - 1):
            end -= 1
        if start < end and any(map(str.isalnum, text[idx[start] : idx[end - 1] + length[end - 1]])):
            out.append(doc[start:end])
    return out


@Language.component(
    "argmine_sentence_roles",
    requires=["doc.spans"],
    assigns=["doc.spans", "span._.evidence_type", "span._.stance", "span._.unit_score", "doc._.arg_relations"],
)
def sentence_roles(doc: Doc) -> Doc:
    """The first unit is the major claim; every other unit is a premise that supports it."""
    labelled = []
    for i, span in enumerate(get_units(doc)):
        new = Span(doc, span.start, span.end, label="major_claim" if i == 0 else "premise")
        new._.evidence_type = ""
        new._.stance = ""
        new._.unit_score = 0.5
        labelled.append(new)
    doc.spans["units"] = labelled
    doc._.arg_relations = [(i, 0, "support", 0.5) for i in range(1, len(labelled))]
    return doc


SENTENCE_PIPES = ("argmine_sentences", "argmine_structure", "argmine_sentence_units", "argmine_sentence_roles")


def sentences_pipeline() -> Language:
    """A blank English pipeline with the sentence-baseline components."""
    import spacy

    import argmine.nlp.sentences  # noqa: F401  (registers argmine_sentences)
    import argmine.nlp.structure  # noqa: F401  (registers argmine_structure)

    nlp = spacy.blank("en")
    for name in SENTENCE_PIPES:
        nlp.add_pipe(name)
    nlp.meta["name"] = "sentences"
    return nlp
