"""The unit finder's numpy decode takes spaCy's transitions: the same units on the same docs, spaCy's decode
where its rules do not cover a finder or a doc, and spaCy's `ner` in what a pipeline writes."""

from __future__ import annotations

import pytest
from conftest import CORPUS, ROOT
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Span

from argmine.nlp import load
from argmine.nlp.greedy import GreedyFinder, decodable, moves_of
from argmine.nlp.models import DEFAULT_MODEL

pytestmark = pytest.mark.skipif(not (ROOT / "models" / DEFAULT_MODEL).is_dir(), reason="no shipped model")

# Texts written for these tests: whitespace runs, one-line paragraphs, a one-word text, sentence ends
# without space, quotes and dashes, so that units meet every rule (sentence starts, whitespace, the last token).
TEXTS = [
    "",
    "Yes",
    "   \n\n  ",
    "Cities should ban cars.Because cars pollute,the air in the centre is bad.",
    "Point 1. The fund should pay for buses.\nPoint 2. It should not pay for roads.\n\n\nPoint 3. Why?",
    (
        "The council must act now — \"every year of delay costs lives,\" the mayor said.   Critics disagree.\n"
        "  But the data are clear: 61 percent of crashes happen on the widened roads."
    ),
]


@pytest.fixture(scope="module")
def miner():
    return load(DEFAULT_MODEL)


def _through_tok2vec(nlp, texts):
    names = nlp.pipe_names
    return list(nlp.pipe(texts, disable=names[names.index("unit_finder"):]))


def _ents(docs):
    return [[(e.start, e.end, e.label_) for e in doc.ents] for doc in docs]


def test_the_shipped_finder_is_decoded_by_numpy(miner):
    finder = miner.nlp.get_pipe("unit_finder")
    assert isinstance(finder, GreedyFinder) and decodable(finder)
    moves, labels = moves_of(finder)
    assert len(moves) == finder.moves.n_moves and "Unit" in labels


@pytest.mark.parametrize("batch_size", [1, 4, 16])
def test_it_finds_the_units_spacys_decode_finds(miner, batch_size):
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[:6]]
    finder = miner.nlp.get_pipe("unit_finder")
    ours = list(finder.pipe(_through_tok2vec(miner.nlp, texts), batch_size=batch_size))
    theirs = list(EntityRecognizer.pipe(finder, _through_tok2vec(miner.nlp, texts), batch_size=batch_size))
    assert _ents(ours) == _ents(theirs)
    assert sum(len(e) for e in _ents(ours)) > 20  # the texts hold units: the comparison compares something
    # Every token outside a unit is "O", as spaCy's decode leaves them.
    assert [[t.ent_iob_ for t in d] for d in ours] == [[t.ent_iob_ for t in d] for d in theirs]
    # One doc at a time (nlp(text)) too.
    for text, expected in zip(texts, _ents(theirs)):
        assert _ents([finder(_through_tok2vec(miner.nlp, [text])[0])]) == [expected]


def test_docs_with_entities_already_go_through_spacys_decode(miner):
    finder = miner.nlp.get_pipe("unit_finder")
    text = CORPUS.joinpath("four-day-week.txt").read_text(encoding="utf-8")
    docs = _through_tok2vec(miner.nlp, [text, text])
    for doc in docs:
        doc.set_ents([Span(doc, 5, 9, label="Claim")], default="missing")
    ours = list(finder.pipe(docs, batch_size=4))
    theirs = _through_tok2vec(miner.nlp, [text, text])
    for doc in theirs:
        doc.set_ents([Span(doc, 5, 9, label="Claim")], default="missing")
    theirs = list(EntityRecognizer.pipe(finder, theirs, batch_size=4))
    assert _ents(ours) == _ents(theirs)
    assert (5, 9, "Claim") in _ents(ours)[0]


def test_a_beam_finder_or_one_with_unseen_classes_is_left_to_spacy(miner):
    finder = miner.nlp.get_pipe("unit_finder")
    cfg = dict(finder.cfg)
    try:
        finder.cfg["beam_width"] = 4
        assert not decodable(finder)
    finally:
        finder.cfg = cfg
    assert decodable(finder)
    finder.model.attrs["unseen_classes"] = {3}
    try:
        assert not decodable(finder)
    finally:
        finder.model.attrs["unseen_classes"] = set()


def test_the_pipeline_still_writes_spacys_ner(miner, tmp_path):
    miner.nlp.to_disk(tmp_path / "model")
    config = (tmp_path / "model" / "config.cfg").read_text(encoding="utf-8")
    assert '[components.unit_finder]\nfactory = "ner"' in config
    assert (tmp_path / "model" / "unit_finder" / "model").read_bytes() == (
        ROOT / "models" / DEFAULT_MODEL / "unit_finder" / "model"
    ).read_bytes()
