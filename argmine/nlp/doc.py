"""How argmine's components talk through a spaCy `Doc`, and how a `Doc` becomes an `ArgumentMap`.

Units live in the span group `doc.spans["units"]`, each span labelled with its kind and carrying
`span._.evidence_type`, `span._.stance` and `span._.unit_score`. A unit is evidence when its span is labelled
`evidence` (the rule baseline) or is any unit but the thesis with an evidence type: the trained pipeline's unit
classifier decides the evidence type, and a claim the relation scorer hangs on the thesis may be evidence too
(a casualty figure offered for the thesis itself). Relations live in `doc._.arg_relations` as
`(source_index, target_index, relation, score)` tuples indexing that span group. `doc._.arg_offsets` may hold
exact character offsets per unit when they do not fall on token boundaries (gold segments).

Everything else one component leaves for another is a registered extension too, declared by the module of the
component that writes it and named in its factory's `assigns` (and the reader's `requires`), so that
`nlp.analyze_pipes()` shows who needs what: `doc._.arg_sentence_starts` and `doc._.arg_layout` (caches, computed
again when missing), `doc._.arg_finder_kinds` (`argmine.nlp.finder`), `doc._.arg_unit_probs` and
`doc._.arg_unit_features` (`argmine.nlp.classify`). Their values are plain data (lists, strings, arrays), so a
mapped doc goes through `Doc.to_bytes` and `DocBin(store_user_data=True)`, and `to_map` reads the same map back.
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from typing import NamedTuple

from spacy.attrs import IS_PUNCT, IS_SPACE, LOWER, ORTH, SENT_START
from spacy.tokens import Doc, Span, SpanGroup

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.nlp.structure import get_layout
from argmine.read.layout import ParagraphIndex

UNITS = "units"

for _name, _default in (("evidence_type", ""), ("stance", ""), ("unit_score", 1.0)):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=_default)
# arg_thesis_probs: the thesis scorer's per-unit probabilities (argmine.nlp.thesis), read by to_map.
for _name in ("arg_relations", "arg_offsets", "arg_thesis_probs"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class Tokens(NamedTuple):
    """A doc's token strings and flags as plain lists, for the heads that look at a few tokens around many
    places (the splitter's cuts, the trimmer's leads): indexing lists instead of creating a `Token` per look.
    `argmine.nlp.features.DocTokens` builds the heads' richer table, which needs the layout, on this one."""

    lower: list[str]
    text: list[str]
    word: list[bool]  # neither punctuation nor space
    space: list[bool]
    sent_start: list[bool]


# The last doc's tokens, held by a weak reference: the components read the same doc in turn.
_last_tokens: tuple[weakref.ref, int, Tokens] | None = None


def tokens_of(doc: Doc) -> Tokens:
    """The `Tokens` of `doc`, computed once for the last doc asked about."""
    global _last_tokens
    last = _last_tokens
    if last is not None and last[0]() is doc and last[1] == len(doc):
        return last[2]
    attrs = doc.to_array([LOWER, ORTH, IS_PUNCT, IS_SPACE, SENT_START])
    strings = doc.vocab.strings
    tokens = Tokens(
        [strings[k] for k in attrs[:, 0].tolist()],
        [strings[k] for k in attrs[:, 1].tolist()],
        ((attrs[:, 2] == 0) & (attrs[:, 3] == 0)).tolist(),
        (attrs[:, 3] != 0).tolist(),
        (attrs[:, 4].astype("int64") == 1).tolist(),  # SENT_START is 1, -1 or 0 (unknown); uint64 in the array
    )
    _last_tokens = (weakref.ref(doc), len(doc), tokens)
    return tokens


def get_units(doc: Doc) -> SpanGroup:
    """The unit span group of `doc` (created empty if missing)."""
    if UNITS not in doc.spans:
        doc.spans[UNITS] = []
    return doc.spans[UNITS]


def set_units(doc: Doc, spans: Sequence[Span]) -> None:
    """Replace the units of `doc` with `spans` (kept in reading order) and drop stale relations."""
    doc.spans[UNITS] = sorted(spans, key=lambda s: (s.start, s.end))
    doc._.arg_relations = []


def set_gold_segments(doc: Doc, units: Sequence[Unit]) -> None:
    """Use gold units as the segmentation: spans snap outwards to tokens, exact offsets are kept aside."""
    spans = []
    for u in units:
        span = doc.char_span(u.start, u.end, label=u.kind, alignment_mode="expand")
        if span is None or len(span) == 0:  # a unit inside a single whitespace token; keep it addressable
            token = doc[min(len(doc) - 1, max(0, _token_at(doc, u.start)))]
            span = doc[token.i : token.i + 1]
            span = Span(doc, span.start, span.end, label=u.kind)
        spans.append(span)
    doc.spans[UNITS] = spans  # gold order is reading order already; keep it aligned with `units`
    doc._.arg_offsets = [(u.start, u.end) for u in units]
    doc._.arg_relations = []


def _token_at(doc: Doc, char: int) -> int:
    for tok in doc:
        if tok.idx + len(tok.text) > char:
            return tok.i
    return len(doc) - 1


def to_map(doc: Doc, *, source: str = "", model: str = "", ids: Sequence[str] | None = None) -> ArgumentMap:
    """Read the units and relations the pipeline left on `doc` into an `ArgumentMap` over `doc.text`."""
    text = get_layout(doc).text
    para = ParagraphIndex(text)
    spans = list(get_units(doc))
    offsets = doc._.arg_offsets or [(s.start_char, s.end_char) for s in spans]
    ids = list(ids) if ids is not None else [f"u{i + 1}" for i in range(len(spans))]
    units = [
        Unit(
            id=uid,
            start=start,
            end=end,
            kind=_kind(span),
            evidence_type=span._.evidence_type if _kind(span) == "evidence" else "",
            stance=span._.stance,
            paragraph=para(start),
            score=round(float(span._.unit_score), 4),
        )
        for uid, span, (start, end) in zip(ids, spans, offsets)
    ]
    relations = [
        Relation(ids[s], ids[t], rel, round(float(score), 4)) for s, t, rel, score in (doc._.arg_relations or [])
    ]
    amap = ArgumentMap(text, units, relations, source=source, model=model)
    probs = doc._.arg_thesis_probs
    if probs is not None and len(probs) == len(ids):
        top = sorted(range(len(ids)), key=lambda i: -probs[i])[:THESIS_CANDIDATES]
        amap.thesis_candidates = [(ids[i], round(float(probs[i]), 4)) for i in top]
    return amap


THESIS_CANDIDATES = 3  # how many of the thesis scorer's candidates a map lists
EVIDENCE_CAN_BE = ("claim", "premise")


def _kind(span: Span) -> str:
    """The unit kind of `span`: its label, but a claim or premise with an evidence type is evidence."""
    return "evidence" if span.label_ in EVIDENCE_CAN_BE and span._.evidence_type else span.label_
