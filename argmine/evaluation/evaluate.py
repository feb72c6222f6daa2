"""Run a pipeline over a gold corpus and score it: the numbers `argmine evaluate` prints.

End to end (default) the miner sees only the texts. With `gold_segments` it sees the gold units *blinded*:
same ids, offsets and paragraphs, but every kind set to `premise`, no evidence type, stance or relation, so a
miner that echoes its input scores like a premise-only baseline, never 1.0.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

from argmine.argmap import ArgumentMap, Unit
from argmine.evaluation.scores import EvaluationError, Scores, compute_scores

# AAE links claims to the thesis by stance, not by an annotated relation (see scores.relation_scores).
STANCE_SOURCES = {"aae": ("claim",)}

BLIND_KIND = "premise"


class MinerLike(Protocol):
    """What `evaluate` needs of a pipeline (`argmine.nlp.Miner` is one)."""

    name: str

    def map_many(
        self, texts: Iterable[str], sources: Iterable[str] | None = None
    ) -> Iterator[ArgumentMap]: ...

    def classify_many(self, gold: Iterable[ArgumentMap]) -> Iterator[ArgumentMap]: ...


def load_miner(model: str | os.PathLike | None) -> MinerLike:
    """The pipeline for `model` (None: shipped default, "rules" / "sentences": the baselines)."""
    from argmine.nlp import load

    return load(model)


def blind(gold: ArgumentMap) -> ArgumentMap:
    """`gold` with its segments only: labels, stances, evidence types and relations removed."""
    units = [Unit(u.id, u.start, u.end, BLIND_KIND, paragraph=u.paragraph) for u in gold.units]
    return gold.with_units(units, model="")


def predict(miner: MinerLike, gold: list[ArgumentMap], gold_segments: bool) -> list[ArgumentMap]:
    """The miner's maps for the gold texts, in gold order, checked to line up with them."""
    if gold_segments:
        predicted = list(miner.classify_many([blind(g) for g in gold]))
    else:
        predicted = list(miner.map_many([g.text for g in gold], sources=[g.source for g in gold]))
    if len(predicted) != len(gold):
        raise EvaluationError(f"the model returned {len(predicted)} maps for {len(gold)} documents")
    for i, (g, p) in enumerate(zip(gold, predicted)):
        name = g.source or f"document {i}"
        if p.text != g.text:
            raise EvaluationError(f"{name}: the model returned a map over a different text")
        if gold_segments and _spans(p) != _spans(g):
            raise EvaluationError(f"{name}: the model changed the gold segments it was given")
    return predicted


@dataclass(frozen=True)
class Evaluation:
    """One `evaluate` run: what was scored, with what, the scores, and the prediction's speed."""

    corpus: str
    path: str
    split: str | None
    model: str
    gold_segments: bool
    scores: Scores
    words: int
    seconds: float  # prediction only: not reading the corpus or loading the model

    @property
    def words_per_second(self) -> float:
        return round(self.words / self.seconds, 1) if self.seconds > 0 else 0.0

    def to_dict(self) -> dict:
        """JSON form (`argmine evaluate --json`): the run's fields around `Scores.to_dict()`."""
        return {
            "corpus": self.corpus,
            "path": self.path,
            "split": self.split,
            "model": self.model,
            "gold_segments": self.gold_segments,
            **self.scores.to_dict(),
            "words": self.words,
            "seconds": round(self.seconds, 3),
            "words_per_second": self.words_per_second,
        }


def _spans(amap: ArgumentMap) -> list[tuple[int, int]]:
    return sorted((u.start, u.end) for u in amap.units)


def evaluate(
    kind: str,
    path: str | os.PathLike,
    split: str | None = None,
    model: str | os.PathLike | None = None,
    gold_segments: bool = False,
    *,
    miner: MinerLike | None = None,
) -> Evaluation:
    """Read a gold corpus, predict with `miner` (or the pipeline `model`) and score the predictions."""
    from argmine.corpora import read_corpus

    gold = list(read_corpus(kind, path, split))
    if not gold:
        where = f"{os.fspath(path)}" + (f", split {split}" if split else "")
        raise EvaluationError(f"no documents in the {kind} corpus at {where}")
    if miner is None:
        miner = load_miner(model)
    started = time.perf_counter()
    predicted = predict(miner, gold, gold_segments)
    seconds = time.perf_counter() - started
    words = sum(len(g.text.split()) for g in gold)
    scores = compute_scores(zip(gold, predicted), stance_sources=STANCE_SOURCES.get(kind, ()))
    return Evaluation(kind, os.fspath(path), split, miner.name, gold_segments, scores, words, seconds)
