"""The pipeline's components say what they read and write, pass it on the doc as plain data, decide each thing
in one place, and take their settings from the config."""

from __future__ import annotations

import pytest
import spacy
from conftest import CORPUS, ROOT
from spacy.tokens import Doc, DocBin, Span
from thinc.api import Config

from argmine.argmap import ArgumentMap, Unit
from argmine.errors import ModelError
from argmine.export.json import to_json
from argmine.nlp import load
from argmine.nlp.classify import KIND_LABELS
from argmine.nlp.doc import to_map
from argmine.nlp.linear import LinearClassifier
from argmine.nlp.models import DEFAULT_MODEL
from argmine.training.heads import featurize, train_unit_heads
from argmine.training.train import clear_training_paths

needs_model = pytest.mark.skipif(not (ROOT / "models" / DEFAULT_MODEL).is_dir(), reason="no shipped model")
TEXT = (CORPUS / "four-day-week.txt").read_text(encoding="utf-8")
PIPELINES = [pytest.param(DEFAULT_MODEL, marks=needs_model), "rules", "sentences"]


@pytest.fixture(scope="module")
def shipped():
    return load(DEFAULT_MODEL)


@pytest.mark.parametrize("model", PIPELINES)
def test_every_argmine_component_declares_what_it_reads_and_writes(model):
    nlp = load(model).nlp
    analysis = nlp.analyze_pipes(pretty=False)
    assert not any(analysis["problems"].values())
    for name in nlp.pipe_names:
        if name.startswith("argmine_"):
            meta = nlp.get_pipe_meta(name)
            assert meta.assigns, name
            # Every extension a component reads or writes is registered when its module is imported.
            for attr in meta.assigns + meta.requires:
                obj, _, ext = attr.partition("._.")
                if ext:
                    assert (Doc if obj == "doc" else Span).has_extension(ext), attr


@needs_model
def test_the_relation_scorer_without_the_classifier_says_what_is_missing(shipped):
    nlp = shipped.nlp
    with nlp.select_pipes(disable=["argmine_unit_classifier"]):
        problems = nlp.analyze_pipes(pretty=False)["problems"]
        assert "doc._.arg_unit_probs" in problems["argmine_relation_scorer"]
        with pytest.raises(ModelError, match="needs the unit classifier's distributions.*argmine_unit_classifier"):
            shipped.map(TEXT)
    assert shipped.map(TEXT).units  # enabled again, it maps


@pytest.mark.parametrize("model", PIPELINES)
def test_a_mapped_doc_survives_serialisation_with_its_map(model):
    miner = load(model)
    doc = miner.nlp(TEXT)
    expected = to_json(to_map(doc, model=model))
    assert not any(isinstance(value, Doc) for value in doc.user_data.values())
    again = Doc(miner.nlp.vocab).from_bytes(doc.to_bytes())
    assert to_json(to_map(again, model=model)) == expected
    docs = DocBin(store_user_data=True)
    docs.add(doc)
    (restored,) = DocBin().from_bytes(docs.to_bytes()).get_docs(miner.nlp.vocab)
    assert to_json(to_map(restored, model=model)) == expected


@needs_model
def test_the_classifier_alone_decides_which_units_are_evidence(shipped):
    classifier = shipped.nlp.get_pipe("argmine_unit_classifier")
    assert "evidence_threshold" not in shipped.nlp.config["components"]["argmine_relation_scorer"]
    default = shipped.map(TEXT)
    assert {u.kind for u in default.units} >= {"evidence", "premise"}
    learnt = dict(classifier.evidence_thresholds)
    try:
        classifier.evidence_thresholds = dict.fromkeys(learnt, 1.01)  # never sure enough: no evidence at all
        none = shipped.map(TEXT)
        classifier.evidence_thresholds = dict.fromkeys(learnt, 0.0)  # always sure: every claim and premise is evidence
        every = shipped.map(TEXT)
    finally:
        classifier.evidence_thresholds = learnt
    # The threshold moves units between evidence and the claim or premise the relation scorer made them,
    # nothing else: the thesis is never evidence, and no unit moves or changes otherwise.
    assert not any(u.kind == "evidence" for u in none.units)
    for amap in (default, every):
        assert [(u.start, u.end) for u in amap.units] == [(u.start, u.end) for u in none.units]
        for u, plain in zip(amap.units, none.units):
            assert u.kind == plain.kind or (u.kind == "evidence" and plain.kind in ("claim", "premise"))
    assert not any(u.kind in ("claim", "premise") for u in every.units)
    assert all(u.evidence_type for u in every.units if u.kind == "evidence")


@needs_model
def test_stances_are_set_by_the_relation_scorer_not_by_the_classifier(shipped):
    nlp = shipped.nlp
    upto = nlp.pipe_names[: nlp.pipe_names.index("argmine_unit_classifier") + 1]
    with nlp.select_pipes(enable=upto):
        doc = nlp(TEXT)
    units = list(doc.spans["units"])
    assert any(span.label_ == "claim" for span in units)
    assert all(span._.stance == "" for span in units)
    mapped = nlp(TEXT)
    assert {span._.stance for span in mapped.spans["units"]} >= {"for"}


def _fit_block(epochs: int, learn_rate: float) -> dict:
    return {"@misc": "argmine.LinearFit.v1", "epochs": epochs, "learn_rate": learn_rate}


@needs_model
def test_the_shipped_config_holds_the_heads_settings_and_no_training_paths(shipped):
    config = Config().from_disk(ROOT / "models" / DEFAULT_MODEL / "config.cfg", interpolate=False)
    assert config["paths"]["train"] is None and config["paths"]["dev"] is None
    for name in ("argmine_unit_classifier", "argmine_relation_scorer"):
        settings = config["components"][name]
        assert settings["length"] == 2**17
        assert settings["fit"]["essay"]["learn_rate"] == 0.0003 and settings["fit"]["short"]["runs"] == 5
        component = shipped.nlp.get_pipe(name)
        assert {clf.length for heads in component.heads.values() for clf in heads.values()} == {settings["length"]}


def test_the_config_sizes_the_heads_and_says_how_the_trainer_fits_them():
    nlp = spacy.blank("en")
    fit = {"essay": _fit_block(2, 0.1), "short": _fit_block(3, 0.05)}
    classifier = nlp.add_pipe("argmine_unit_classifier", config={"length": 64, "fit": fit})
    assert {clf.length for heads in classifier.heads.values() for clf in heads.values()} == {64}
    text = "Cars should go.\n\nThey are loud. They kill people.\n\nBikes are fine.\n\nSo cars should go."
    units = [Unit(f"u{k}", text.index(s), text.index(s) + len(s), kind) for k, (s, kind) in enumerate(
        [("Cars should go.", "major_claim"), ("They are loud.", "premise"), ("They kill people.", "claim"),
         ("Bikes are fine.", "premise"), ("So cars should go.", "major_claim")])]
    examples = featurize(nlp, [ArgumentMap(text, units)])
    train_unit_heads(classifier, examples, examples, seed=4)
    # The essay kind head, fitted by hand with the config's settings for essays.
    expected = LinearClassifier(KIND_LABELS, 64)
    rows = examples[0].feats
    expected.fit(rows, [u.kind for u in units], epochs=2, learn_rate=0.1, seed=4, runs=1)
    assert classifier.heads["essay"]["kind"].to_bytes() == expected.to_bytes()


def test_heads_saved_with_another_length_than_the_config_says_are_refused(tmp_path):
    small = spacy.blank("en").add_pipe("argmine_unit_classifier", config={"length": 64})
    small.to_disk(tmp_path)
    large = spacy.blank("en").add_pipe("argmine_unit_classifier", config={"length": 128})
    with pytest.raises(ModelError, match="has 64 rows of weights, but the config says length = 128"):
        large.from_disk(tmp_path)


def test_a_trained_model_is_saved_without_the_paths_of_its_training_data():
    nlp = spacy.blank("en")
    nlp.config["paths"].update(train="models/.m.work/train.spacy", dev="models/.m.work/dev.spacy")
    nlp.config["initialize"]["vectors"] = "models/.m.work/vectors"
    nlp.config["initialize"]["init_tok2vec"] = "${paths.init_tok2vec}"
    clear_training_paths(nlp)
    assert nlp.config["paths"]["train"] is None and nlp.config["paths"]["dev"] is None
    assert nlp.config["initialize"]["vectors"] is None
    assert nlp.config["initialize"]["init_tok2vec"] == "${paths.init_tok2vec}"  # a reference, to a path now None
    assert ".work" not in nlp.config.to_str()
