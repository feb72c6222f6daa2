"""`argmine.LayoutEmbed.v1`: spaCy's MultiHashEmbed plus the token's place in the essay's layout.

The probe that shaped this model found that paragraph role (title / introduction / body / conclusion) and
sentence position (first / middle / last in its paragraph) on every token lift claim detection from 0.09 to
0.46 F1: a window CNN cannot see the paragraph it sits in. The sentence's opening word carries discourse
markers ("Therefore", "Firstly") to every token of the sentence for the same reason.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy
from spacy.attrs import NORM
from spacy.ml.featureextractor import FeatureExtractor
from spacy.tokens import Doc
from spacy.util import registry
from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array
from thinc.types import Floats2d, Ints2d

from argmine.nlp.structure import PARAGRAPH_ROLES, SENTENCE_POSITIONS, get_layout

LAYOUT_COLUMNS = 4  # role, sentence position, role x position, sentence opener
_chain = importlib.import_module("thinc.layers.chain")  # the module; `thinc.layers.chain` is the function


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
        feats = [model.ops.asarray2i(layout_features(doc), dtype="uint64") for doc in docs]
        return feats, lambda d_feats: []

    return Model("layout_features", forward)


@registry.architectures("argmine.LayoutEmbed.v1")
def LayoutEmbed(
    width: int, attrs: list[str], rows: list[int], layout_rows: int, opener_rows: int
) -> Model[list[Doc], list[Floats2d]]:
    """Hash embeddings of lexical attributes and layout features, mixed by one Maxout layer."""
    n_lex = len(attrs)
    seeds = iter(range(8, 8 + n_lex + LAYOUT_COLUMNS))
    lexical = [HashEmbed(width, rows[i], column=i, seed=next(seeds), dropout=0.0) for i in range(n_lex)]
    layout_rows_per_column = [len(PARAGRAPH_ROLES) * 2, len(SENTENCE_POSITIONS) * 2, layout_rows, opener_rows]
    structural = [
        HashEmbed(width, layout_rows_per_column[i], column=i, seed=next(seeds), dropout=0.0)
        for i in range(LAYOUT_COLUMNS)
    ]
    lex_branch = chain(FeatureExtractor(attrs), list2ragged(), with_array(concatenate(*lexical)))
    layout_branch = chain(LayoutFeatureExtractor(), list2ragged(), with_array(concatenate(*structural)))
    mix = with_array(Maxout(width, width * (n_lex + LAYOUT_COLUMNS), nP=3, dropout=0.0, normalize=True))
    # The layers of chain(concatenate(lex, layout), mix, ragged2list()), so trained weights load unchanged;
    # only the forward pass at inference differs (see _fold).
    folded: dict = {}

    def forward(model: Model, docs: list[Doc], is_train: bool) -> tuple[list[Floats2d], Callable]:
        if is_train:
            folded.clear()  # the weights are about to change
            return _chain.forward(model, docs, is_train)
        return _folded_forward(model, docs, folded), lambda d: []

    return Model(
        "layout_embed",
        forward,
        init=_chain.init,
        dims={"nO": None},
        layers=[concatenate(lex_branch, layout_branch), mix, ragged2list()],
    )


def _fold(model: Model, cache: dict) -> tuple[list[tuple[int, numpy.ndarray]], numpy.ndarray]:
    """Each hash table multiplied through its slice of the mixing layer, with the layer's bias.

    The mixing layer's input is the concatenation of eight hashed embeddings (each the sum of four table rows),
    so its product with W is a sum of rows of E_c @ W_c.T: at inference those products are computed once, and a
    token costs 32 row lookups instead of a 768 x 288 matrix product, about a third of tok2vec's time.
    Cached until a training pass or until any of the weights is replaced (a load, parameter averaging)."""
    maxout = model.layers[1].layers[0].layers[0].layers[0]
    embeds = [node for node in model.walk() if node.name == "hashembed"]
    params = [maxout.get_param("W"), maxout.get_param("b")] + [node.get_param("E") for node in embeds]
    if len(cache.get("params", ())) != len(params) or any(a is not b for a, b in zip(cache["params"], params)):
        n_out, n_pieces, n_in = (maxout.get_dim(d) for d in ("nO", "nP", "nI"))
        W = params[0].reshape(n_out * n_pieces, n_in)
        tables, offset = [], 0
        for node in embeds:  # walk() order is concatenation order: lexical columns, then layout columns
            E = node.get_param("E")
            W_c = numpy.ascontiguousarray(W[:, offset : offset + E.shape[1]])
            tables.append((node.attrs["seed"], model.ops.gemm(E, W_c, trans2=True)))
            offset += E.shape[1]
        cache.update(params=params, tables=tables, bias=params[1].reshape(n_out * n_pieces))
    return cache["tables"], cache["bias"]


def _folded_forward(model: Model, docs: list[Doc], cache: dict) -> list[Floats2d]:
    """The embedding of `docs` from the folded tables (see `_fold`)."""
    lex_branch = model.layers[0].layers[0]
    maxout, layernorm = model.layers[1].layers[0].layers[0].layers
    lengths = [len(doc) for doc in docs]
    if not sum(lengths):
        return [model.ops.alloc2f(0, model.get_dim("nO")) for _ in docs]
    lexical = numpy.concatenate(lex_branch.layers[0].predict(docs))
    layout = numpy.concatenate([layout_features(doc) for doc in docs])
    ids = numpy.ascontiguousarray(numpy.hstack([lexical.astype("uint64"), layout]))
    tables, bias = _fold(model, cache)
    Y = model.ops.alloc2f(len(ids), len(bias)) + bias
    for column, (seed, table) in enumerate(tables):
        keys = model.ops.hash(numpy.ascontiguousarray(ids[:, column]), seed) % len(table)
        Y += model.ops.gather_add(table, keys)
    n_out, n_pieces = maxout.get_dim("nO"), maxout.get_dim("nP")
    best, _ = model.ops.maxout(Y.reshape(len(Y), n_out, n_pieces))
    return model.ops.unflatten(layernorm.predict(best), model.ops.asarray1i(lengths))
