"""The pipeline's components say what they read and write, and pass it on the doc as plain data."""

from __future__ import annotations

import pytest
from conftest import CORPUS, ROOT
from spacy.tokens import Doc, DocBin, Span

from argmine.errors import ModelError
from argmine.export.json import to_json
from argmine.nlp import load
from argmine.nlp.doc import to_map
from argmine.nlp.models import DEFAULT_MODEL

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
    try:
        classifier.evidence_threshold = 1.01  # never sure enough: no evidence at all
        none = shipped.map(TEXT)
        classifier.evidence_threshold = 0.0  # always sure: every premise is evidence
        every = shipped.map(TEXT)
    finally:
        classifier.evidence_threshold = 0.5
    # The threshold moves units between premise and evidence, nothing else: the relation scorer's kinds stay.
    plain = [("premise" if u.kind == "evidence" else u.kind, u.start, u.end) for u in default.units]
    for amap in (none, every):
        assert [("premise" if u.kind == "evidence" else u.kind, u.start, u.end) for u in amap.units] == plain
    assert not any(u.kind == "evidence" for u in none.units)
    assert not any(u.kind == "premise" for u in every.units)
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
