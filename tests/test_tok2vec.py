"""The layout embedding's folded inference pass computes what its training pass computes."""

import numpy
import pytest
import spacy
from thinc.api import chain

import argmine.nlp  # noqa: F401  (registers the components)
from argmine.nlp.tok2vec import LayoutEmbed

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


def _plain(model, docs):
    """The embedding as the unfolded layers compute it (what training computes), leaving the model alone."""
    return chain(*model.layers).predict(docs)


def _assert_folded_equals_plain(model, docs) -> None:
    folded = model.predict(docs)
    plain = _plain(model, docs)
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
    plain = _plain(model, docs)
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


def _params(model) -> list:
    return [node.get_param(name).copy() for node in model.walk() for name in node.param_names if node.has_param(name)]


def test_initialisation_and_training_pass_are_those_of_the_plain_chain(docs):
    from thinc.api import fix_random_seed

    args = (16, ["NORM", "PREFIX", "SUFFIX", "SHAPE"], [500, 100, 250, 250], 64, 100)
    fix_random_seed(7)
    model = LayoutEmbed(*args).initialize(X=docs)
    fix_random_seed(7)
    reference = LayoutEmbed(*args)
    plain = chain(*reference.layers).initialize(X=docs)
    # The same initial weights as thinc's chain draws, so a training run with the same seed is the same run.
    for a, b in zip(_params(model), _params(reference), strict=True):
        numpy.testing.assert_array_equal(a, b)
    assert model.get_dim("nO") == 16
    Y, backprop = model.begin_update(docs)
    Y_plain, backprop_plain = plain.begin_update(docs)
    for a, b in zip(Y, Y_plain, strict=True):
        numpy.testing.assert_array_equal(a, b)
    backprop([y * 0 + 1 for y in Y])
    backprop_plain([y * 0 + 1 for y in Y_plain])
    grads = [node.get_grad(name) for node in model.walk() for name in node.param_names if node.has_grad(name)]
    plain_grads = [node.get_grad(n) for node in reference.walk() for n in node.param_names if node.has_grad(n)]
    assert grads and len(grads) == len(plain_grads)
    for a, b in zip(grads, plain_grads):
        numpy.testing.assert_array_equal(a, b)


def test_a_saved_embedding_loads_with_its_references(docs):
    args = (16, ["NORM", "PREFIX", "SUFFIX", "SHAPE"], [500, 100, 250, 250], 64, 100)
    model = LayoutEmbed(*args).initialize(X=docs)
    _randomise(model, 2)
    loaded = LayoutEmbed(*args).from_bytes(model.to_bytes())
    assert {name: loaded.get_ref(name).name for name in loaded.ref_names} == {
        "lex_features": "extract_features", "maxout": "maxout", "layernorm": "layernorm"
    }
    for a, b in zip(loaded.predict(docs), model.predict(docs), strict=True):
        numpy.testing.assert_array_equal(a, b)
    _assert_folded_equals_plain(loaded, docs)
