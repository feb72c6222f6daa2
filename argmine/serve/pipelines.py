"""Loaded pipelines for `argmine serve`: each model loaded `count` times at start, one pipeline per request.

A spaCy pipeline is not shared between threads (its Vocab and StringStore grow as it reads, without locks),
so each mapping thread takes one loaded pipeline for itself and gives it back when the map is made. `count`
pipelines per model map `count` texts at a time (the work releases the GIL in numpy, and one pipeline per
core is what the machine can use); further requests wait for a free one, up to the server's queue bound.
"""

from __future__ import annotations

import os
import queue
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from argmine.errors import UsageError
from argmine.nlp import Miner, load
from argmine.nlp.models import model_spec


class UnknownModel(UsageError):
    """A request named a model the server did not load."""


class Pipelines:
    """`count` loaded pipelines for each of `models` (the first is the default), handed out one per thread."""

    def __init__(self, models: Sequence[str | os.PathLike | None], count: int = 1, *, max_chars: int) -> None:
        if count < 1:
            raise UsageError(f"pipelines must be at least 1, not {count}")
        self.count = count
        self._free: dict[str, queue.SimpleQueue[Miner]] = {}
        self._names: dict[str | None, str] = {}  # what a request may say -> the loaded model's key
        for spec in models or [None]:
            given = model_spec(spec)
            # Every load before the server listens; the server's --max-chars is the limit that holds.
            miners = [load(given, max_chars=max_chars) for _ in range(count)]
            key = miners[0].name
            free: queue.SimpleQueue[Miner] = queue.SimpleQueue()
            for miner in miners:
                free.put(miner)
            self._free.setdefault(key, free)
            self._names.setdefault(None, key)
            self._names[key] = key
            if given is not None:
                self._names[given] = key
        self.default = self._names[None]

    @property
    def models(self) -> list[str]:
        """The loaded models' names, the default first."""
        return list(self._free)

    def resolve(self, model: str | None) -> str:
        """The loaded model a request's `model` names (None: the default)."""
        try:
            return self._names[model or None]
        except KeyError:
            raise UnknownModel(
                f"model {model!r} is not loaded by this server; loaded: {', '.join(self.models)}"
            ) from None

    @contextmanager
    def take(self, model: str) -> Iterator[Miner]:
        """A free pipeline of `model` for this thread alone (waits for one), given back afterwards."""
        free = self._free[model]
        miner = free.get()
        try:
            yield miner
        finally:
            free.put(miner)
