"""argmine: turn an essay or op-ed into an argument map (thesis, claims, premises, evidence, relations)."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator

from argmine.argmap import EVIDENCE_TYPES, KINDS, RELATIONS, STANCES, ArgumentMap, MapError, Relation, Unit

__version__ = "0.1.0"


@functools.lru_cache(maxsize=4)
def _miner(model: str | None):
    from argmine.nlp import load

    return load(model)


def map_text(
    text: str, *, model: str | os.PathLike | None = None, source: str = "", min_score: float | None = None
) -> ArgumentMap:
    """Map one text with `model` (None: the shipped default; "rules": the rule baseline).

    `min_score` drops the units scored under it, never the thesis (`argmine.graph.prune`), as
    `argmine map --min-score` does.
    """
    from argmine.graph.confidence import check_min_score, prune_option
    from argmine.nlp.models import model_spec

    if min_score is not None:
        check_min_score(min_score)  # before the model loads
    return prune_option(_miner(model_spec(model)).map(text, source), min_score)


def map_many(
    texts: Iterable[str],
    *,
    model: str | os.PathLike | None = None,
    workers: int | None = 1,
    min_score: float | None = None,
) -> Iterator[ArgumentMap]:
    """Map many texts in batches, yielding maps in input order (lazily: `texts` may be a generator).

    `workers` > 1 maps on that many processes, each loading the model once; None uses every core.
    `min_score` prunes every map as `map_text` does.
    """
    from argmine.graph.confidence import check_min_score, prune_option
    from argmine.nlp.models import model_spec

    if min_score is not None:
        check_min_score(min_score)
        return (prune_option(amap, min_score) for amap in map_many(texts, model=model, workers=workers))

    name = model_spec(model)  # a Path stays a path in the workers too
    if workers is None:
        from argmine.batch.pool import default_workers

        workers = default_workers()
    if workers < 1:
        from argmine.errors import UsageError

        raise UsageError(f"workers must be at least 1, not {workers}")
    if workers == 1:
        return _miner(name).map_many(texts)
    from argmine.batch.parallel import map_parallel
    from argmine.nlp.models import resolve_model

    resolve_model(name)  # an unknown model fails here, not inside every worker
    return map_parallel(texts, model=name, workers=workers)


__all__ = [
    "EVIDENCE_TYPES",
    "KINDS",
    "RELATIONS",
    "STANCES",
    "ArgumentMap",
    "MapError",
    "Relation",
    "Unit",
    "map_many",
    "map_text",
]
