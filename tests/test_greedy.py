"""The unit finder's numpy decode takes spaCy's transitions: the same units on the same docs, spaCy's decode
where its rules do not cover a finder or a doc; it is the factory `argmine_unit_finder`, which spaCy builds
for the shipped model and the trainer, reads and writes spaCy's `ner` files, and also builds the finder of
models saved with spaCy's `ner` factory."""

from __future__ import annotations

import json
import shutil

import pytest
import spacy
from conftest import CORPUS, ROOT
from spacy.pipeline import EntityRecognizer
from spacy.tokens import Span
from spacy.util import load_model_from_config

from argmine.nlp import load
from argmine.nlp.greedy import FACTORY, GreedyFinder, _Units, decodable, load_overrides, moves_of
from argmine.nlp.manifest import verify_manifest, write_manifest
from argmine.nlp.models import DEFAULT_MODEL
from argmine.training.finder import CONFIG as FINDER_CONFIG
from argmine.training.train import assemble

SHIPPED = ROOT / "models" / DEFAULT_MODEL

pytestmark = pytest.mark.skipif(not SHIPPED.is_dir(), reason="no shipped model")

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
        # Decided when called: the same finder, once a class is unseen, gives spaCy's decode's states.
        docs = _through_tok2vec(miner.nlp, TEXTS[3:])
        assert not isinstance(finder.predict(docs), _Units)
        ours = list(finder.pipe(docs, batch_size=4))
        theirs = list(EntityRecognizer.pipe(finder, _through_tok2vec(miner.nlp, TEXTS[3:]), batch_size=4))
        assert _ents(ours) == _ents(theirs)
    finally:
        finder.model.attrs["unseen_classes"] = set()
    assert isinstance(finder.predict(_through_tok2vec(miner.nlp, TEXTS[3:])), _Units)


@pytest.fixture(scope="module")
def saved(miner, tmp_path_factory):
    """The shipped pipeline as argmine saves it (`nlp.to_disk`), in a folder of its own."""
    folder = tmp_path_factory.mktemp("saved") / "model"
    miner.nlp.to_disk(folder)
    return folder


def _edited(saved, folder, name, edit):
    """A copy of `saved` in `folder` with its file `name` edited by `edit` (text -> text), and a manifest."""
    shutil.copytree(saved, folder)
    path = folder / name
    text = path.read_text(encoding="utf-8")
    edited = edit(text)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    write_manifest(folder)
    return folder


def test_the_shipped_model_names_the_factory_spacy_load_builds():
    config = (SHIPPED / "config.cfg").read_text(encoding="utf-8")
    assert f'[components.unit_finder]\nfactory = "{FACTORY}"' in config
    assert load_overrides(SHIPPED) == {}
    nlp = spacy.load(SHIPPED)  # spaCy's own loader, no argmine step after it
    assert type(nlp.get_pipe("unit_finder")) is GreedyFinder


def test_the_factory_is_spacys_ner_factory_building_the_greedy_finder():
    nlp = spacy.blank("en")
    nlp.add_pipe("ner")
    nlp.add_pipe(FACTORY, name="ours")
    theirs, ours = nlp.get_pipe_meta("ner"), nlp.get_pipe_meta("ours")
    assert ours.factory == FACTORY and type(nlp.get_pipe("ours")) is GreedyFinder
    for field in ("default_config", "assigns", "requires", "retokenizes", "default_score_weights"):
        assert getattr(ours, field) == getattr(theirs, field), field
    config = nlp.config["components"]
    assert {**config["ours"], "factory": "ner"} == config["ner"]
    assert nlp.get_pipe("ours").cfg == nlp.get_pipe("ner").cfg


def test_the_trainer_builds_the_greedy_finder():
    config = spacy.util.load_config(FINDER_CONFIG)
    assert config["components"]["unit_finder"]["factory"] == FACTORY
    nlp = load_model_from_config(config, auto_fill=True)  # what spacy train's init_nlp builds
    assert type(nlp.get_pipe("unit_finder")) is GreedyFinder


def test_the_pipeline_writes_spacys_ner_files_under_the_factory(saved):
    config = (saved / "config.cfg").read_text(encoding="utf-8")
    assert f'[components.unit_finder]\nfactory = "{FACTORY}"' in config
    for name in ("model", "moves", "cfg"):
        assert (saved / "unit_finder" / name).read_bytes() == (SHIPPED / "unit_finder" / name).read_bytes(), name


def test_a_beam_config_on_disk_is_decoded_by_spacy(miner, saved, tmp_path):
    assert json.loads((saved / "unit_finder" / "cfg").read_text(encoding="utf-8"))["beam_width"] == 1
    # What `from_disk` reads decides: the factory builds a greedy finder (no beam setting, as `ner`), its saved
    # `cfg` makes it a beam after that.
    folder = _edited(saved, tmp_path / "beam", "unit_finder/cfg", lambda t: json.dumps({**json.loads(t), "beam_width": 4}))
    beam = load(folder)
    finder = beam.nlp.get_pipe("unit_finder")
    assert type(finder) is GreedyFinder and finder.cfg["beam_width"] == 4 and not decodable(finder)
    texts = TEXTS + [CORPUS.joinpath("four-day-week.txt").read_text(encoding="utf-8")]
    docs = _through_tok2vec(beam.nlp, texts)
    assert not isinstance(finder.predict(docs), _Units)  # spaCy's beams
    ours = list(finder.pipe(docs, batch_size=4))
    theirs = list(EntityRecognizer.pipe(finder, _through_tok2vec(beam.nlp, texts), batch_size=4))
    assert _ents(ours) == _ents(theirs)
    # ... and not the greedy decode's (a beam search on a greedily trained finder finds other units).
    greedy = list(miner.nlp.get_pipe("unit_finder").pipe(_through_tok2vec(miner.nlp, texts), batch_size=4))
    assert _ents(ours) != _ents(greedy)


def test_a_model_saved_with_spacys_ner_factory_loads_as_argmines_and_maps_the_same(miner, saved, tmp_path):
    folder = _edited(saved, tmp_path / "old", "config.cfg", lambda t: t.replace(f'factory = "{FACTORY}"', 'factory = "ner"'))
    assert load_overrides(folder) == {"components.unit_finder.factory": FACTORY}
    old = load(folder)
    finder = old.nlp.get_pipe("unit_finder")
    assert type(finder) is GreedyFinder and decodable(finder)
    assert old.nlp.config["components"]["unit_finder"]["factory"] == FACTORY
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[:3]]
    expected = [amap.to_dict() for amap in miner.map_many(texts)]
    assert [amap.to_dict() for amap in old.map_many(texts)] == expected
    assert sum(len(m["units"]) for m in expected) > 20
    # The folder is read as it is: still spaCy's `ner`, its manifest still matching.
    assert 'factory = "ner"' in (folder / "config.cfg").read_text(encoding="utf-8")
    verify_manifest(folder)
    # The trainer's assembly of a finder taken from such a model builds argmine's finder too.
    assert type(assemble(folder).get_pipe("unit_finder")) is GreedyFinder
