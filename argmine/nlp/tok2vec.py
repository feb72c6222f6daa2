"""`argmine.LayoutEmbed.v1`: spaCy's MultiHashEmbed plus the token's place in the essay's layout.

The probe that shaped this model found that paragraph role (title / introduction / body / conclusion) and
sentence position (first / middle / last in its paragraph) on every token lift claim detection from 0.09 to
0.46 F1: a window CNN cannot see the paragraph it sits in. The sentence's opening word carries discourse
markers ("Therefore", "Firstly") to every token of the sentence for the same reason.

With `vectors = true` a third branch adds pretrained static word vectors (GloVe, keyed by the token's norm)
from `nlp.vocab.vectors`, projected to `width` and mixed with the rest: a model trained on a few thousand
essays otherwise knows only their words. The table travels with the model in its vocab folder
(`argmine.training.vectors` builds the pruned table for training).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

import numpy
from spacy.attrs import NORM
from spacy.ml.featureextractor import FeatureExtractor
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.initializers import glorot_uniform_init
from thinc.types import Floats2d, Ints1d, Ints2d, Ragged

from argmine.nlp.structure import PARAGRAPH_ROLES, SENTENCE_POSITIONS, get_layout

LAYOUT_COLUMNS = 4  # role, sentence position, role x position, sentence opener


def layout_features(doc: Doc) -> numpy.ndarray:
    """Per-token layout ids, shape (len(doc), LAYOUT_COLUMNS), uint64."""
    layout = get_layout(doc)
    norms = doc.to_array([NORM]).astype("uint64").reshape(-1)
    opener = norms[layout.sent_start] if len(doc) else norms
    role = layout.role.astype("uint64")
    pos = layout.sentence.astype("uint64")
    combined = role * len(SENTENCE_POSITIONS) + pos
    return numpy.stack([role, pos, combined, opener], axis=1) if len(doc) else numpy.zeros((0, 4), "uint64")


def LayoutFeatureExtractor() -> Model[list[Doc], list[Ints2d]]:
    """Thinc layer: docs → per-token layout id arrays."""

    def forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Ints2d], Callable]:
        # cast: thinc's array types are numpy arrays to thinc, but unrelated classes to a type checker.
        feats = [model.ops.asarray2i(cast(Ints2d, layout_features(doc)), dtype="uint64") for doc in docs]
        return feats, lambda d_feats: []

    return Model("layout_features", forward)


def _vector_rows(docs: list[Doc]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The vocab's vectors of each token's norm as float32 (zeros for words without one), and the rows
    (-1: no vector). The table may be stored as float16: only the rows a batch needs are widened."""
    vectors = docs[0].vocab.vectors
    keys = numpy.concatenate([doc.to_array(NORM).astype("uint64").reshape(-1) for doc in docs])
    rows = numpy.asarray(vectors.find(keys=keys), dtype="int64")
    V = numpy.asarray(vectors.data)[numpy.maximum(rows, 0)].astype("float32")
    V[rows < 0] = 0
    return V, rows


def NormVectors(nO: int) -> Model[list[Doc], Ragged]:
    """Thinc layer: the vocab's static vector of each token's norm, times a learned projection to `nO`.

    Like spaCy's StaticVectors, but keyed by NORM whatever the table says and reading a float16 table, so the
    shipped table can be half the size."""
    return Model("norm_vectors", _vectors_forward, init=_vectors_init, params={"W": None}, dims={"nO": nO, "nM": None})


def _vectors_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[Ragged, Callable]:
    lengths = model.ops.asarray1i([len(doc) for doc in docs])
    W = cast(Floats2d, model.get_param("W"))  # casts: see LayoutFeatureExtractor
    if not sum(len(doc) for doc in docs):
        return Ragged(model.ops.alloc2f(0, W.shape[0]), lengths), lambda d: []
    V = cast(Floats2d, _vector_rows(docs)[0])
    output = Ragged(model.ops.gemm(V, W, trans2=True), lengths)

    def backprop(d_output: Ragged) -> list[Doc]:
        model.inc_grad("W", model.ops.gemm(cast(Floats2d, d_output.data), V, trans1=True))
        return []

    return output, backprop


def _vectors_init(model: Model, X: list[Doc] | None = None, Y=None) -> Model:
    if X is not None and len(X):
        if X[0].vocab.vectors.shape[0] == 0:
            raise ValueError(
                "argmine.LayoutEmbed.v1 with vectors = true needs word vectors in nlp.vocab.vectors "
                "(training loads them with argmine.training.vectors; install the 'train' extra)"
            )
        model.set_dim("nM", X[0].vocab.vectors.shape[1])
    if not model.has_dim("nM"):
        raise ValueError("argmine.LayoutEmbed.v1: cannot size the vectors branch without sample docs")
    model.set_param("W", glorot_uniform_init(model.ops, (model.get_dim("nO"), model.get_dim("nM"))))
    return model


@registry.architectures("argmine.LayoutEmbed.v1")
def LayoutEmbed(
    width: int,
    attrs: list[str],
    rows: list[int],
    layout_rows: int,
    opener_rows: int,
    vectors: bool = False,
) -> Model[list[Doc], list[Floats2d]]:
    """Hash embeddings of lexical attributes and layout features (and, with `vectors`, the vocab's static
    vectors), mixed by one Maxout layer."""
    n_lex = len(attrs)
    seeds = iter(range(8, 8 + n_lex + LAYOUT_COLUMNS))
    lexical: list[Model[Ints2d, Floats2d]] = [
        HashEmbed(width, rows[i], column=i, seed=next(seeds), dropout=0.0) for i in range(n_lex)
    ]
    layout_rows_per_column = [len(PARAGRAPH_ROLES) * 2, len(SENTENCE_POSITIONS) * 2, layout_rows, opener_rows]
    structural: list[Model[Ints2d, Floats2d]] = [
        HashEmbed(width, layout_rows_per_column[i], column=i, seed=next(seeds), dropout=0.0)
        for i in range(LAYOUT_COLUMNS)
    ]
    lex_features = FeatureExtractor(attrs)
    lex_branch: Model[list[Doc], Ragged] = chain(lex_features, list2ragged(), with_array(concatenate(*lexical)))
    layout_branch: Model[list[Doc], Ragged] = chain(
        LayoutFeatureExtractor(), list2ragged(), with_array(concatenate(*structural))
    )
    # The vectors branch comes last, so the hashed branches keep their columns of the mixing layer.
    branches = [lex_branch, layout_branch] + ([NormVectors(width)] if vectors else [])
    n_in = width * (n_lex + LAYOUT_COLUMNS + int(vectors))
    mix: Model[Ragged, Ragged] = with_array(Maxout(width, n_in, nP=3, dropout=0.0, normalize=True))
    # The layers of chain(concatenate(lex, layout[, vectors]), mix, ragged2list()), so trained weights load
    # unchanged; only the forward pass at inference differs (see _fold), which reaches the layers it folds
    # through the model's references.
    refs: dict[str, Model | None] = {
        "lex_features": lex_features,
        "maxout": next(node for node in mix.walk() if node.name == "maxout"),
        "layernorm": next(node for node in mix.walk() if node.name == "layernorm"),
    }
    folded: dict = {}

    def forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
        if is_train:
            folded.clear()  # the weights are about to change
            return _layers_forward(model, docs, is_train)
        return _folded_forward(model, docs, folded), lambda d: []

    return Model(
        "layout_embed",
        forward,
        init=_layers_init,
        dims={"nO": None},
        layers=[concatenate(*branches), mix, ragged2list()],
        refs=refs,
    )


def _layers_forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
    """The layers one after the other, each on the previous one's output: the pass thinc's `chain` makes."""
    X: Any = docs  # each layer's output, of its own type, is the next one's input
    callbacks = []
    for layer in model.layers:
        X, callback = layer(X, is_train=is_train)
        callbacks.append(callback)

    def backprop(dY):
        for callback in reversed(callbacks):
            dY = callback(dY)
        return dY

    return X, backprop


def _layers_init(model: Model, X: list[Doc] | None = None, Y=None) -> Model:
    """Initialise the layers as `chain(*model.layers)` does (the same shape inference, in the same order, so
    a training run draws the same initial weights), and take its output width."""
    layers: Model = chain(*model.layers)
    layers.initialize(X=X, Y=Y)
    if model.has_dim("nO") is None and layers.has_dim("nO"):
        model.set_dim("nO", layers.get_dim("nO"))
    return model


def _fold(
    model: Model, cache: dict
) -> tuple[list[tuple[int, Floats2d]], numpy.ndarray, Floats2d | None]:
    """Each hash table multiplied through its slice of the mixing layer, with the layer's bias.

    The mixing layer's input is the concatenation of eight hashed embeddings (each the sum of four table rows),
    so its product with W is a sum of rows of E_c @ W_c.T: at inference those products are computed once, and a
    token costs 32 row lookups instead of a 768 x 288 matrix product, about a third of tok2vec's time.
    The vectors branch folds the same way into one matrix, W_v @ P (its slice of W times its projection): a
    token's vector goes through a 50 x 288 product instead of two. (A table of every vector times that matrix
    would save the product but cost 288 floats per word of the table in memory, six times the table itself.)
    Cached until a training pass or until any of the weights is replaced (a load, parameter averaging)."""
    maxout = model.get_ref("maxout")
    embeds = [node for node in model.walk() if node.name == "hashembed"]
    projections = [node for node in model.walk() if node.name == "norm_vectors"]
    # numpy arrays on the CPU this runs on (thinc's array types are unrelated classes to a type checker).
    params = [cast(numpy.ndarray, maxout.get_param(name)) for name in ("W", "b")]
    params += [cast(numpy.ndarray, node.get_param("E")) for node in embeds]
    params += [cast(numpy.ndarray, node.get_param("W")) for node in projections]
    if len(cache.get("params", ())) != len(params) or any(a is not b for a, b in zip(cache["params"], params)):
        n_out, n_pieces, n_in = (maxout.get_dim(d) for d in ("nO", "nP", "nI"))
        W = params[0].reshape(n_out * n_pieces, n_in)
        tables, offset = [], 0
        for node in embeds:  # walk() order is concatenation order: lexical columns, then layout columns
            E = cast(Floats2d, node.get_param("E"))
            W_c = cast(Floats2d, numpy.ascontiguousarray(W[:, offset : offset + E.shape[1]]))
            tables.append((node.attrs["seed"], model.ops.gemm(E, W_c, trans2=True)))
            offset += E.shape[1]
        vectors = None
        for node in projections:  # the last block of columns
            P = cast(Floats2d, node.get_param("W"))
            vectors = model.ops.gemm(cast(Floats2d, numpy.ascontiguousarray(W[:, offset : offset + P.shape[0]])), P)
            offset += P.shape[0]
        cache.update(params=params, tables=tables, bias=params[1].reshape(n_out * n_pieces), vectors=vectors)
    return cache["tables"], cache["bias"], cache["vectors"]


def _folded_forward(model: Model, docs: list[Doc], cache: dict) -> list[Floats2d]:
    """The embedding of `docs` from the folded tables (see `_fold`)."""
    maxout, layernorm = model.get_ref("maxout"), model.get_ref("layernorm")
    lengths = [len(doc) for doc in docs]
    if not sum(lengths):
        return [model.ops.alloc2f(0, model.get_dim("nO")) for _ in docs]
    lexical = numpy.concatenate(model.get_ref("lex_features").predict(docs))
    layout = numpy.concatenate([layout_features(doc) for doc in docs])
    ids = numpy.ascontiguousarray(numpy.hstack([lexical.astype("uint64"), layout]))
    tables, bias, vectors = _fold(model, cache)
    if vectors is None:
        Y = model.ops.alloc2f(len(ids), len(bias)) + bias
    else:
        Y = model.ops.gemm(cast(Floats2d, _vector_rows(docs)[0]), vectors, trans2=True) + bias
    for column, (seed, table) in enumerate(tables):
        # Each distinct id once: a token's sum of its four rows depends on its id alone, and a batch has a few
        # thousand distinct words and a few dozen layout ids for its tokens (the same sums, a third of the cost).
        distinct, inverse = numpy.unique(ids[:, column], return_inverse=True)
        keys = model.ops.hash(cast(Ints1d, distinct), seed) % len(table)
        Y += cast(numpy.ndarray, model.ops.gather_add(table, keys))[inverse]
    n_out, n_pieces = maxout.get_dim("nO"), maxout.get_dim("nP")
    best, _ = model.ops.maxout(Y.reshape(len(Y), n_out, n_pieces))
    return model.ops.unflatten(layernorm.predict(best), model.ops.asarray1i(lengths))
