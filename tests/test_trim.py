"""The lead trimmer: a unit proposed with its connective or framing lead starts after it, where a trained head
says, with thresholds per text shape chosen on cross-fitted training predictions."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import spacy
from segment_helpers import gold_map, proposed

import argmine.nlp  # noqa: F401  (registers the components)
from argmine.argmap import ArgumentMap
from argmine.nlp.doc import get_units
from argmine.nlp.miner import SEGMENTERS
from argmine.nlp.trim import NEVER, SHAPES, candidates, lead_examples
from argmine.training.heads import train_trim_head

# Clause-level units that leave their leads ("However,", "In fact,", "I believe that") outside, and two whose
# first words are the claim's own ("Cities", "Most").
TEXT = (
    "However, cities should price congestion at peak hours. "
    "In fact, drivers already pay for parking downtown. "
    "I believe that the charge would cut traffic quickly. "
    "Cities that tried it saw buses run faster. "
    "Most residents supported the scheme within a year."
)
UNITS = (
    "cities should price congestion at peak hours",
    "drivers already pay for parking downtown",
    "the charge would cut traffic quickly",
    "Cities that tried it saw buses run faster",
    "Most residents supported the scheme within a year",
)


def pipeline():
    nlp = spacy.blank("en")
    for name in ("argmine_sentences", "argmine_structure", "argmine_lead_trimmer"):
        nlp.add_pipe(name)
    return nlp


def gold() -> ArgumentMap:
    return gold_map(TEXT, UNITS)


def before_trim(nlp, text: str, unit_words: tuple[str, ...], votes: tuple[str, ...]):
    """`text` through the pipes before the trimmer, with `unit_words` as the proposed units."""
    return proposed(nlp, "argmine_lead_trimmer", text, unit_words, votes)




def whole_sentences(text: str = TEXT) -> tuple[str, ...]:
    return tuple(s.rstrip(".") for s in text.split(". ") if s)


def test_examples_start_each_proposal_at_its_gold_unit():
    nlp = pipeline()
    examples = lead_examples(nlp, [gold()])
    assert len(examples) == len(UNITS)
    leads = []
    for text, shape, rows, untouched in examples:
        assert text == 0 and shape in SHAPES
        starts = [feats[1].split("=", 1)[1] for feats, is_start in rows if is_start]
        leads.append((starts, untouched))
    # the three leads are learnt as leads; the two units that open their sentences are their own proposals
    assert leads[:3] == [(["however ,"], False), (["in fact ,"], False), (["i believe that"], False)]
    assert leads[3:] == [([], True), ([], True)]


def test_a_trained_trimmer_drops_leads_keeps_offsets_votes_and_the_units_it_should_not_touch(tmp_path):
    nlp = pipeline()
    # twenty copies of the text: one text per fold would leave each cross-fitting head nothing to learn from
    maps = [gold() for _ in range(20)]
    assert train_trim_head(nlp, maps) == 20 * len(UNITS)
    trimmer = nlp.get_pipe("argmine_lead_trimmer")
    shape = next(s for s, t in trimmer.thresholds.items() if t < NEVER)  # the shape of TEXT gained, others never
    assert [t for s, t in trimmer.thresholds.items() if s != shape] == [NEVER] * (len(SHAPES) - 1)
    votes = ("Claim", "Premise", "Premise", "Premise", "Premise")
    doc = trimmer(before_trim(nlp, TEXT, whole_sentences(), votes))
    units = list(get_units(doc))
    assert [u.text for u in units] == list(UNITS)
    for u in units:
        assert TEXT[u.start_char : u.end_char] == u.text
    assert doc._.arg_finder_kinds == list(votes)  # a trimmed unit is still the finder's unit
    # saved and loaded: the head and its thresholds
    trimmer.to_disk(tmp_path / "trim")
    again = pipeline().get_pipe("argmine_lead_trimmer").from_disk(tmp_path / "trim")
    assert again.thresholds == trimmer.thresholds
    doc = again(before_trim(nlp, TEXT, whole_sentences(), votes))
    assert [u.text for u in get_units(doc)] == list(UNITS)


def test_an_untrained_trimmer_changes_nothing_and_never_leaves_a_fragment():
    nlp = pipeline()
    doc = nlp.get_pipe("argmine_lead_trimmer")(before_trim(nlp, TEXT, whole_sentences(), ("",) * 5))
    assert [u.text for u in get_units(doc)] == list(whole_sentences())
    doc = before_trim(nlp, "But it works well.", ("But it works well",), ("",))
    assert list(candidates(doc, 0, 4)) == [1]  # "it works well": three words are left
    doc = before_trim(nlp, "It works well.", ("It works well",), ("",))
    assert list(candidates(doc, 0, 3)) == []  # trimmed, it would be a fragment


def test_gold_segments_switch_the_trimmer_off():
    assert "argmine_lead_trimmer" in SEGMENTERS


@pytest.mark.parametrize("learnt", ["argmine_lead_trimmer/thresholds.json",
                                    "argmine_unit_classifier/evidence_thresholds.json"])
@pytest.mark.parametrize("content", ['{"essay": "high"', '{"essay": "high"}'])
def test_a_broken_thresholds_file_is_one_line_model_load_error(tmp_path, learnt, content):
    from argmine.nlp import load
    from argmine.nlp.manifest import write_manifest
    from argmine.nlp.models import ModelLoadError

    shipped = Path(__file__).resolve().parent.parent / "models" / "argmine-en"
    model = tmp_path / "argmine-en"
    shutil.copytree(shipped, model)
    (model / learnt).write_text(content, encoding="utf-8")
    write_manifest(model)  # the files match their manifest: only loading can find what is wrong
    with pytest.raises(ModelLoadError, match=r"^cannot load model at ") as info:
        load(model)
    assert "\n" not in str(info.value)
