"""The unit splitter: a proposed unit holding two argumentative units is cut where a trained head says."""

from __future__ import annotations

import spacy
from segment_helpers import gold_map, proposed

import argmine.nlp  # noqa: F401  (registers the components)
from argmine.argmap import ArgumentMap
from argmine.nlp.doc import get_units
from argmine.nlp.miner import SEGMENTERS
from argmine.nlp.split import MIN_WORDS, candidates, split_examples

# A short argument annotated clause by clause: ", but" and ", because" start units, ", and" inside the
# third sentence does not.
TEXT = (
    "The city should build the new tram line, but it must not raise fares to pay for it. "
    "Fares already keep poor riders off the buses, because a monthly pass costs a day's wages. "
    "Trams are quiet and clean, and they carry more people than buses do."
)
UNITS = (
    "The city should build the new tram line",
    "but it must not raise fares to pay for it",
    "Fares already keep poor riders off the buses",
    "because a monthly pass costs a day's wages",
    "Trams are quiet and clean, and they carry more people than buses do",
)


def pipeline():
    nlp = spacy.blank("en")
    for name in ("argmine_sentences", "argmine_structure", "argmine_unit_splitter"):
        nlp.add_pipe(name)
    return nlp


def gold() -> ArgumentMap:
    return gold_map(TEXT, UNITS)


def prepared(nlp, text: str, unit_words: tuple[str, ...], votes: tuple[str, ...]):
    """`text` through the pipes before the splitter, with `unit_words` as the proposed units."""
    return proposed(nlp, "argmine_unit_splitter", text, unit_words, votes)


def test_examples_cut_between_units_and_keep_inside_them():
    nlp = pipeline()
    rows, labels = split_examples(nlp, [gold()])
    cuts = {row[1].split(":", 1)[1] for row, label in zip(rows, labels) if label == "split"}
    keeps = {row[1].split(":", 1)[1] for row, label in zip(rows, labels) if label == "keep"}
    assert {"w=but", "w=because"} <= cuts
    assert "w=and" in keeps and "w=and" not in cuts  # the third sentence's ", and" stays inside its unit


def test_a_trained_splitter_cuts_at_the_learnt_cues_and_keeps_offsets_and_votes_aligned():
    nlp = pipeline()
    rows, labels = split_examples(nlp, [gold()] * 20)
    nlp.get_pipe("argmine_unit_splitter").head.fit(rows, labels, epochs=20, learn_rate=0.05)
    whole = tuple(s.strip() for s in TEXT.split(". ") if s)
    whole = tuple(w.rstrip(".") for w in whole)
    doc = nlp.get_pipe("argmine_unit_splitter")(prepared(nlp, TEXT, whole, ("Claim", "Premise", "Premise")))
    units = list(get_units(doc))
    assert [u.text for u in units] == list(UNITS)
    for u in units:
        assert TEXT[u.start_char : u.end_char] == u.text  # the comma before a cut belongs to neither piece
    # a cut unit's pieces carry no finder vote; an uncut one keeps its own
    assert doc._.arg_finder_kinds == ["", "", "", "", "Premise"]


def test_an_untrained_splitter_changes_nothing_and_short_units_have_no_candidates():
    nlp = pipeline()
    whole = ("The city should build the new tram line, but it must not raise fares to pay for it",)
    doc = nlp.get_pipe("argmine_unit_splitter")(prepared(nlp, TEXT, whole, ("Claim",)))
    assert [u.text for u in get_units(doc)] == list(whole)
    doc = prepared(nlp, "Yes, but no, and so.", ("Yes, but no, and so",), ("",))
    assert list(candidates(doc, 0, len(doc) - 1)) == []  # fewer than MIN_WORDS words on a side
    assert MIN_WORDS == 3


def test_gold_segments_switch_the_splitter_off():
    assert "argmine_unit_splitter" in SEGMENTERS
