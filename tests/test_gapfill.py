"""The gap filler: sentences the finder left without a unit get a second look from a trained head."""

from __future__ import annotations

import pytest
import spacy

import argmine.nlp  # noqa: F401  (registers the components)
from argmine.argmap import ArgumentMap, Unit
from argmine.nlp.doc import get_units, set_units
from argmine.nlp.gapfill import gap_examples, gaps

TEXT = (
    "Cities should price congestion.\n\n"
    "Drivers pay nothing for the delay they cause. The weather was pleasant that week. "
    "Tolls in Stockholm cut traffic by a fifth. I had a sandwich for lunch."
)
ARGUMENT = ("Cities should price congestion", "Drivers pay nothing for the delay they cause",
            "Tolls in Stockholm cut traffic by a fifth")


def pipeline():
    nlp = spacy.blank("en")
    for name in ("argmine_sentences", "argmine_structure", "argmine_gap_filler"):
        nlp.add_pipe(name)
    return nlp


def gold(text: str = TEXT) -> ArgumentMap:
    amap = ArgumentMap(text)
    for n, words in enumerate(ARGUMENT):
        start = text.index(words)
        amap.add_unit(Unit(f"u{n}", start, start + len(words), "premise", "", "", 0))
    return amap


def trained():
    nlp = pipeline()
    rows, labels = gap_examples(nlp, [gold()] * 20)
    assert labels[:5] == ["unit", "unit", "none", "unit", "none"]
    nlp.get_pipe("argmine_gap_filler").head.fit(rows, labels, epochs=20, learn_rate=0.05)
    return nlp


def run_before_filler(nlp, text: str, unit_words: tuple[str, ...]):
    doc = nlp.make_doc(text)
    for name, pipe in nlp.pipeline:
        if name == "argmine_gap_filler":
            break
        doc = pipe(doc)
    spans = [doc.char_span(text.index(w), text.index(w) + len(w), label="claim") for w in unit_words]
    set_units(doc, spans)
    doc._.arg_finder_kinds = [s.label_ for s in spans]
    return doc


def test_gaps_are_the_sentences_no_unit_touches():
    nlp = pipeline()
    doc = run_before_filler(nlp, TEXT, ("Drivers pay nothing",))
    assert [s.text for s in gaps(doc, list(get_units(doc)))] == [
        "Cities should price congestion.",
        "The weather was pleasant that week.",
        "Tolls in Stockholm cut traffic by a fifth.",
        "I had a sandwich for lunch.",
    ]


def test_the_filler_adds_argumentative_sentences_without_a_kind_and_keeps_the_votes_aligned():
    nlp = trained()
    filler = nlp.get_pipe("argmine_gap_filler")
    doc = filler(run_before_filler(nlp, TEXT, ("Cities should price congestion",)))
    units = list(get_units(doc))
    texts = [u.text for u in units]
    assert "Tolls in Stockholm cut traffic by a fifth." in texts
    assert "Drivers pay nothing for the delay they cause." in texts
    assert not any("sandwich" in t or "weather" in t for t in texts)
    assert doc._.arg_finder_kinds == [u.label_ for u in units] == ["claim", "", ""]
    assert all(a.end <= b.start for a, b in zip(units, units[1:]))  # reading order, no overlap
    for u in units:
        assert TEXT[u.start_char : u.end_char] == u.text


def test_a_saved_filler_decides_the_same(tmp_path):
    nlp = trained()
    nlp.get_pipe("argmine_gap_filler").to_disk(tmp_path / "gap")
    again = pipeline()
    again.get_pipe("argmine_gap_filler").from_disk(tmp_path / "gap")
    first = nlp.get_pipe("argmine_gap_filler")(run_before_filler(nlp, TEXT, ()))
    second = again.get_pipe("argmine_gap_filler")(run_before_filler(again, TEXT, ()))
    before, after = ([u.text for u in get_units(doc)] for doc in (first, second))
    assert before == after and len(before) == 3


def test_a_doc_with_every_sentence_covered_is_left_alone():
    nlp = trained()
    sentences = [s.text for s in gaps(run_before_filler(nlp, TEXT, ()), [])]
    doc = run_before_filler(nlp, TEXT, tuple(sentences))
    before = [(u.start, u.end, u.label_) for u in get_units(doc)]
    doc = nlp.get_pipe("argmine_gap_filler")(doc)
    assert [(u.start, u.end, u.label_) for u in get_units(doc)] == before


def test_gold_segments_are_never_filled():
    # On gold segments the gap filler is a segmenter like the finder: it must not add units to the gold ones
    # (it did, and the relations then pointed past the gold ids).
    from argmine.nlp import load

    miner = load()
    if "argmine_gap_filler" not in miner.nlp.pipe_names:
        pytest.skip("the shipped model predates the gap filler")
    amap = gold(TEXT)
    only_two = amap.with_units(amap.units[:2])
    (predicted,) = miner.classify_many([only_two])
    assert [(u.id, u.start, u.end) for u in predicted.units] == [(u.id, u.start, u.end) for u in only_two.units]
