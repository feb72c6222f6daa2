"""A multinomial logistic regression over hashed string features, built on thinc's `SparseLinear`.

The unit classifier and the relation scorer are linear models over a few hundred sparse features per example:
they train in seconds on CPU, are easy to inspect, and serialise as plain thinc msgpack (no pickle).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Self, cast

import numpy
import srsly
from spacy.strings import hash_string  # type: ignore[attr-defined]  # in strings.pyx, left out of strings.pyi
from spacy.util import registry
from thinc.api import Adam, Model, SparseLinear_v2, chain, fix_random_seed, softmax_activation
from thinc.types import FloatsXd

Features = Sequence[str | tuple[str, float]]


Hashed = tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]


def hash_features(rows: Sequence[Features]) -> Hashed:
    """Turn feature lists into SparseLinear input: (keys uint64, values float32, lengths int32)."""
    keys, values = hash_flat(list(itertools.chain.from_iterable(rows)))
    return keys, values, numpy.fromiter(map(len, rows), dtype="int32", count=len(rows))


def hash_flat(features: Sequence[str | tuple[str, float]]) -> tuple[numpy.ndarray, numpy.ndarray]:
    """The keys (uint64) and values (float32) of `features`, each a string (value 1) or a (string, value) pair.

    Hashed by `map`, with no Python code run per feature: a loop with a type test and two appends per feature
    took twice as long as the hashing itself, and the heads hash a million features per hundred op-eds."""
    values = numpy.ones(len(features), dtype="float32")
    try:
        keys = numpy.fromiter(map(hash_string, features), dtype="uint64", count=len(features))
    except TypeError:  # weighted features: a few per row at most, found by a second pass (in C as well)
        plain = numpy.fromiter(map(isinstance, features, itertools.repeat(str)), dtype=bool, count=len(features))
        names = list(features)
        for k in numpy.flatnonzero(~plain).tolist():
            name, value = cast(tuple[str, float], features[k])
            names[k], values[k] = name, value
        keys = numpy.fromiter(map(hash_string, names), dtype="uint64", count=len(names))
    return keys, values


def join_rows(first: Hashed, then: Hashed) -> Hashed:
    """The hashed rows `first[i] + then[i]` (features in that order, as `hash_features` of the joined lists
    gives them) without hashing `first` again: heads that read shared features plus their own hash the
    shared ones once."""
    keys, values, lengths = first
    more_keys, more_values, more_lengths = then
    if len(lengths) != len(more_lengths):
        raise ValueError(f"cannot join {len(lengths)} rows with {len(more_lengths)}")
    # Where each feature lands: after the features of the rows before it, both parts, and (for `then`'s)
    # after its own row's share of `first`.
    at_first = numpy.arange(len(keys)) + numpy.repeat(numpy.cumsum(more_lengths) - more_lengths, lengths)
    at_then = numpy.arange(len(more_keys)) + numpy.repeat(numpy.cumsum(lengths), more_lengths)
    joined_keys = numpy.empty(len(keys) + len(more_keys), dtype=keys.dtype)
    joined_values = numpy.empty(len(keys) + len(more_keys), dtype=values.dtype)
    joined_keys[at_first], joined_keys[at_then] = keys, more_keys
    joined_values[at_first], joined_values[at_then] = values, more_values
    return joined_keys, joined_values, (lengths + more_lengths).astype(lengths.dtype)


@dataclass(frozen=True)
class Fit:
    """How argmine's trainer fits a head: `epochs` passes of Adam at `learn_rate` (L2 weight decay `l2`) over
    shuffled batches of `batch_size`, averaging `runs` fits with different seeds (see `LinearClassifier.fit`)."""

    epochs: int
    learn_rate: float
    runs: int
    l2: float
    batch_size: int


@registry.misc("argmine.LinearFit.v1")
def linear_fit(epochs: int, learn_rate: float, runs: int = 1, l2: float = 1e-6, batch_size: int = 32) -> Fit:
    """A `Fit` as a config block: `@misc = "argmine.LinearFit.v1"`."""
    return Fit(epochs, learn_rate, runs, l2, batch_size)


class LinearClassifier:
    """Softmax over `labels` from hashed sparse features (`length` rows of weights, thinc's SparseLinear)."""

    def __init__(self, labels: Sequence[str], length: int) -> None:
        self.labels = list(labels)
        self.length = length
        self.model: Model = chain(SparseLinear_v2(nO=len(self.labels), length=length), softmax_activation())
        self.model.initialize()

    def predict_proba(self, rows: Sequence[Features] | Hashed) -> numpy.ndarray:
        """Class probabilities, shape (n rows, len(labels)); `rows` may be pre-hashed with `hash_features`,
        which saves hashing the same rows once per head."""
        hashed = rows if isinstance(rows, tuple) else hash_features(rows)
        if not len(hashed[2]):
            return numpy.zeros((0, len(self.labels)), dtype="float32")
        return self.model.predict(hashed)

    def fit(
        self,
        rows: Sequence[Features],
        labels: Sequence[str],
        *,
        epochs: int = 10,
        learn_rate: float = 0.01,
        l2: float = 1e-6,
        batch_size: int = 32,
        seed: int = 0,
        runs: int = 1,
    ) -> None:
        """Train from scratch with Adam on shuffled mini-batches (cross-entropy); `runs` > 1 averages the weights
        of that many fits whose seeds differ, which evens out what the order of the batches decided."""
        index = {label: i for i, label in enumerate(self.labels)}
        gold = numpy.asarray([index[y] for y in labels], dtype="int32")
        hashed = [hash_features([row]) for row in rows]  # hash once, batch by concatenation

        def step(batch: numpy.ndarray) -> None:
            probs, backprop = self.model.begin_update(_concat([hashed[i] for i in batch]))
            d_probs = probs.copy()
            d_probs[numpy.arange(len(batch)), gold[batch]] -= 1.0
            d_probs /= len(batch)
            backprop(d_probs)

        self._train(len(hashed), step, epochs, learn_rate, l2, batch_size, seed, runs)

    def fit_listwise(
        self,
        documents: Sequence[Sequence[Features]],
        gold: Sequence[int],
        *,
        epochs: int = 10,
        learn_rate: float = 0.01,
        l2: float = 1e-6,
        batch_size: int = 32,
        seed: int = 0,
        runs: int = 1,
    ) -> None:
        """Train from scratch to pick one row per document: `gold[d]` is the index of the right row of
        `documents[d]`. The loss is the cross-entropy of a softmax over each document's rows of the log-odds of
        the second label (a conditional logit), so a row competes with the rows of its own document only, not
        with every row of the corpus as `fit` would have it. `predict_proba(rows)[:, 1]` then ranks them, and
        `argmine.nlp.thesis.document_probs` is exactly that softmax. `batch_size` counts documents; `runs`
        averages fits as in `fit`."""
        hashed = [hash_features(rows) for rows in documents]

        def step(batch: numpy.ndarray) -> None:
            linear = self.model.layers[0]  # the log-odds, before the softmax over labels
            scores, backprop = linear.begin_update(_concat([hashed[d] for d in batch]))
            d_scores = numpy.zeros_like(scores)
            offset = 0
            for d in batch:
                n = len(hashed[d][2])
                z = scores[offset : offset + n, 1] - scores[offset : offset + n, 0]
                p = numpy.exp(z - z.max())
                p /= p.sum()
                p[gold[d]] -= 1.0
                d_scores[offset : offset + n, 1] = p / len(batch)
                d_scores[offset : offset + n, 0] = -p / len(batch)
                offset += n
            backprop(d_scores)

        self._train(len(hashed), step, epochs, learn_rate, l2, batch_size, seed, runs)

    def _train(self, n: int, step, epochs: int, learn_rate: float, l2: float, batch_size: int, seed: int,
               runs: int) -> None:
        """`runs` fits from scratch, each `epochs` passes of `step` over shuffled batches of the `n` examples
        with Adam, their weights averaged."""
        if runs < 1:
            raise ValueError(f"runs must be at least 1, not {runs}")
        summed: dict[str, FloatsXd] = {}
        for run in range(runs):
            fix_random_seed(seed * runs + run)
            self.model = chain(SparseLinear_v2(nO=len(self.labels), length=self.length), softmax_activation())
            self.model.initialize()
            optimizer = Adam(learn_rate, L2=l2, L2_is_weight_decay=True)
            rng = numpy.random.default_rng(seed * runs + run)
            for _ in range(epochs):
                order = rng.permutation(n)
                for start in range(0, n, batch_size):
                    step(order[start : start + batch_size])
                    self.model.finish_update(optimizer)
            linear = self.model.layers[0]
            if runs > 1:
                for name in linear.param_names:
                    summed[name] = summed.get(name, 0) + linear.get_param(name)
        for name, total in summed.items():
            linear.set_param(name, total / runs)

    def untrained_copy(self) -> LinearClassifier:
        """A fresh classifier with the same labels and size."""
        return LinearClassifier(self.labels, self.length)

    def to_bytes(self) -> bytes:
        """Serialise labels, size and weights (msgpack)."""
        return srsly.msgpack_dumps({"labels": self.labels, "length": self.length, "model": self.model.to_bytes()})

    @classmethod
    def from_bytes(cls, data: bytes) -> LinearClassifier:
        """Restore a classifier written by `to_bytes`."""
        msg = srsly.msgpack_loads(data)
        clf = cls(msg["labels"], msg["length"])
        clf.model.from_bytes(msg["model"])
        return clf


def save_heads(heads: dict[str, dict[str, LinearClassifier]], path: str | Path) -> None:
    """Write each genre's heads to `path` as `{genre}-{head}.bin`."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    for genre, by_name in heads.items():
        for head, clf in by_name.items():
            (path / f"{genre}-{head}.bin").write_bytes(clf.to_bytes())


def load_head(path: str | Path, length: int) -> LinearClassifier:
    """The head saved in `path`, which must have the `length` the config gives."""
    from argmine.errors import ModelError

    clf = LinearClassifier.from_bytes(Path(path).read_bytes())
    if clf.length != length:
        raise ModelError(f"{path} has {clf.length:,} rows of weights, but the config says length = {length}")
    return clf


class OneHead:
    """A pipeline component whose trained state is one `LinearClassifier` over `LABELS`, saved as `head.bin` in
    its folder; its head comes from `from_disk` or argmine's trainer, which fits it with `fit`."""

    LABELS: tuple[str, ...] = ()

    def __init__(self, nlp: object, name: str, length: int, fit: Fit) -> None:
        self.name = name
        self.length = length
        self.fit = fit
        self.head = LinearClassifier(self.LABELS, length)

    def to_disk(self, path: str | Path, exclude: tuple = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "head.bin").write_bytes(self.head.to_bytes())

    def from_disk(self, path: str | Path, exclude: tuple = ()) -> Self:
        self.head = load_head(Path(path) / "head.bin", self.length)
        return self


def load_heads(heads: dict[str, dict[str, LinearClassifier]], path: str | Path, length: int) -> None:
    """Replace each of `heads` by the one saved in `path`, which must have the `length` the config gives."""
    path = Path(path)
    for genre, by_name in heads.items():
        for head in by_name:
            by_name[head] = load_head(path / f"{genre}-{head}.bin", length)


def _concat(parts: list[tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]]):
    return (
        numpy.concatenate([p[0] for p in parts]),
        numpy.concatenate([p[1] for p in parts]),
        numpy.concatenate([p[2] for p in parts]),
    )
