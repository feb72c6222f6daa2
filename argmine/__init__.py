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


def map_text(text: str, *, model: str | os.PathLike | None = None, source: str = "") -> ArgumentMap:
    """Map one text with `model` (None: the shipped default; "rules": the rule baseline)."""
    return _miner(None if model is None else str(model)).map(text, source)


def map_many(texts: Iterable[str], *, model: str | os.PathLike | None = None) -> Iterator[ArgumentMap]:
    """Map many texts in batches, yielding maps in input order."""
    return _miner(None if model is None else str(model)).map_many(texts)


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
