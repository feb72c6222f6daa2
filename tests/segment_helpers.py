"""Texts with gold units and docs with proposed units, for the tests of the segmentation heads (splitter,
lead trimmer)."""

from __future__ import annotations

from collections.abc import Sequence

from argmine.argmap import ArgumentMap, Unit
from argmine.nlp.doc import set_units


def gold_map(text: str, units: Sequence[str]) -> ArgumentMap:
    """`text` with each of `units` (words found in it) a gold premise."""
    amap = ArgumentMap(text)
    for n, words in enumerate(units):
        start = text.index(words)
        amap.add_unit(Unit(f"u{n}", start, start + len(words), "premise", "", "", 0))
    return amap


def proposed(nlp, component: str, text: str, unit_words: Sequence[str], votes: Sequence[str]):
    """`text` through the pipes of `nlp` before `component`, with `unit_words` as the proposed units and `votes`
    as the finder's kinds for them."""
    doc = nlp.make_doc(text)
    for name, pipe in nlp.pipeline:
        if name == component:
            break
        doc = pipe(doc)
    set_units(doc, [doc.char_span(text.index(w), text.index(w) + len(w), label=v) for w, v in zip(unit_words, votes)])
    doc._.arg_finder_kinds = list(votes)
    return doc
