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
