"""The layout embedding's folded inference pass computes what its training pass computes."""

import importlib

import numpy
import pytest
import spacy

import argmine.nlp  # noqa: F401  (registers the components)
from argmine.nlp.tok2vec import LayoutEmbed

_chain = importlib.import_module("thinc.layers.chain")

TEXT = """Cities should ban cars from their centres

Traffic is the first thing a visitor notices. Therefore, I believe the centre must be closed to cars.

First, the air is bad. In 2024, 40 percent of children had asthma, a doctor told us.

In conclusion, the ban is fair, although shops may lose some trade."""


@pytest.fixture(scope="module")
def docs():
    nlp = spacy.blank("en")
    nlp.add_pipe("argmine_sentences")
    nlp.add_pipe("argmine_structure")
    return [nlp(TEXT), nlp("One short text. It argues, therefore it is."), nlp("")]


def _randomise(model, seed: int) -> None:
    rng = numpy.random.default_rng(seed)
    for node in model.walk():
        for name in node.param_names:
            node.set_param(name, rng.normal(size=node.get_param(name).shape).astype("float32"))


def _assert_folded_equals_plain(model, docs) -> None:
    folded = model.predict(docs)
    plain, _ = _chain.forward(model, docs, is_train=False)
    assert [len(x) for x in folded] == [len(doc) for doc in docs]
    for a, b in zip(folded, plain):
        numpy.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)
    assert numpy.abs(folded[0]).sum() > 0


def test_inference_equals_the_training_pass(docs):
    model = LayoutEmbed(16, ["NORM", "PREFIX", "SUFFIX", "SHAPE"], [500, 100, 250, 250], 64, 100)
    model.initialize(X=docs)
    # Random weights everywhere, so every table and every column of the mixing layer counts.
    _randomise(model, 0)
    _assert_folded_equals_plain(model, docs)
    # New weights (a load) and weights changed in place after a training pass (an optimizer step) are both seen.
    _randomise(model, 1)
    _assert_folded_equals_plain(model, docs)
    model.begin_update(docs)
    for node in model.walk():
        for name in node.param_names:
            node.get_param(name)[...] *= 0.5
    _assert_folded_equals_plain(model, docs)


WORDS = "cities should ban cars from their centres traffic the first thing a visitor notices".split()


@pytest.fixture(scope="module")
def docs_with_vectors():
    """The same texts over a vocab with a small float16 vector table (some words have none)."""
    from spacy.strings import hash_string
    from spacy.vectors import Vectors

    nlp = spacy.blank("en")
    nlp.add_pipe("argmine_sentences")
    nlp.add_pipe("argmine_structure")
    rng = numpy.random.default_rng(3)
    data = rng.normal(size=(len(WORDS), 8)).astype("float16")
    nlp.vocab.vectors = Vectors(data=data, keys=[hash_string(w) for w in WORDS], attr="NORM")
    return [nlp(TEXT), nlp("One short text. It argues, therefore it is."), nlp("")]


def test_inference_equals_the_training_pass_with_a_vectors_branch(docs_with_vectors):
    docs = docs_with_vectors
    model = LayoutEmbed(16, ["NORM", "PREFIX", "SUFFIX", "SHAPE"], [500, 100, 250, 250], 64, 100, vectors=True)
    model.initialize(X=docs)
    _randomise(model, 0)
    _assert_folded_equals_plain(model, docs)
    # The vectors count: the same weights without the table give other embeddings ("Cities" has a vector).
    plain, _ = _chain.forward(model, docs, is_train=False)
    projection = next(node for node in model.walk() if node.name == "norm_vectors")
    projection.set_param("W", projection.get_param("W") * 0)
    without = model.predict(docs)
    assert not numpy.allclose(without[0][0], plain[0][0], atol=1e-3)
    numpy.testing.assert_allclose(without[1], plain[1], rtol=1e-4, atol=1e-4)  # no word of it has a vector
    _randomise(model, 1)
    _assert_folded_equals_plain(model, docs)


def test_a_vectors_branch_needs_vectors(docs):
    model = LayoutEmbed(16, ["NORM", "PREFIX", "SUFFIX", "SHAPE"], [500, 100, 250, 250], 64, 100, vectors=True)
    with pytest.raises(ValueError, match="needs word vectors"):
        model.initialize(X=docs)
