"""`map_many` over worker processes: lazy over its input, results in input order."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from argmine.argmap import ArgumentMap
from argmine.batch.pool import WorkerPool, chunked, ordered
from argmine.batch.work import Task, map_chunk

# Documents per chunk: enough for one efficient nlp.pipe batch, few enough to keep workers balanced.
CHUNK_DOCS = 8


def map_parallel(
    texts: Iterable[str], *, model: str | None = None, workers: int = 2, retries: int = 2
) -> Iterator[ArgumentMap]:
    """Map `texts` on `workers` processes (each loads `model` once), yielding maps in input order.

    A text that cannot be mapped raises its error at its position, as the one-process `map_many` does.
    """
    tasks = (Task(i, "", text=t, size=len(t) if isinstance(t, str) else 0) for i, t in enumerate(texts))
    chunks = chunked(tasks, target_size=1 << 62, max_tasks=CHUNK_DOCS)
    with WorkerPool(workers, (model,), retries=retries) as pool:
        for out in ordered(pool.run(chunks, map_chunk, None, False)):
            if out.error is not None:
                raise out.error
            assert isinstance(out.payload, ArgumentMap)
            yield out.payload
