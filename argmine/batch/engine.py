"""What every batch engine shares: chunks of tasks, and one policy for chunks whose worker died or failed.

An engine (the local `WorkerPool`, the Dask engine) runs chunks and yields `(chunk, outcomes)` as chunks
finish, in any order, every task's outcome exactly once. When a worker dies, the engine hands the chunks it
lost to its `Recovery`, which decides alone what runs again and what is given up:

- a chunk of several documents is split into one-document chunks, which run again: whichever document kills
  workers, the others must not go down with it;
- a one-document chunk the engine does not blame for the death (it ran beside others) runs again;
- a one-document chunk the engine blames (the local pool: it ran alone; Dask: the scheduler gave up on it,
  `KilledWorker`) takes a strike, and its document is reported failed past `retries` strikes, or at once when
  the engine has already retried it itself (Dask's scheduler tries a task on `allowed-failures` workers);
- a chunk whose task raised (rather than killed its worker) fails each of its documents with the reason,
  except a model that does not load, which fails every document alike and so stops the batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from argmine.batch.errors import ModelLoadError
from argmine.batch.work import Outcome, Task, one_line
from argmine.errors import InputError


@dataclass
class Chunk:
    """Tasks that go to one worker together (one `nlp.pipe` pass); `strikes` counts the deaths blamed on it."""

    id: int
    tasks: tuple[Task, ...]
    strikes: int = 0


class WorkerDied(InputError):
    """A document whose worker process died every time it was mapped."""


class Recovery:
    """The one retry and split policy of every engine (see the module)."""

    def __init__(self, retries: int) -> None:
        self.retries = retries
        self._next_id = -1  # ids of split chunks, below the source's

    def worker_died(self, chunk: Chunk, *, blamed: bool, final: bool = False, why: str | None = None
                    ) -> tuple[list[Chunk], list[Outcome]]:
        """`chunk` was in flight when a worker died: the chunks to run again, and the outcomes of documents
        given up (`why` says how they died; by default, how many times their worker process did)."""
        if len(chunk.tasks) > 1 or not blamed:
            return [self._alone(task) for task in chunk.tasks], []
        chunk.strikes += 1
        if not final and chunk.strikes <= self.retries:
            return [chunk], []
        task = chunk.tasks[0]
        why = why or f"the worker process died {chunk.strikes} times mapping this document (killed, crashed)"
        reason = f"{task.source}: {why}"
        return [], [Outcome(task.index, ok=False, reason=reason, error=WorkerDied(reason))]

    def task_failed(self, chunk: Chunk, err: Exception) -> list[Outcome]:
        """`chunk`'s task raised `err` instead of returning outcomes: each document fails with the reason (a
        model that does not load is re-raised: no document could be mapped)."""
        if isinstance(err, ModelLoadError):
            raise err
        return [Outcome(t.index, ok=False, reason=f"{t.source}: {one_line(err)}", error=err) for t in chunk.tasks]

    def _alone(self, task: Task) -> Chunk:
        chunk = Chunk(self._next_id, (task,))
        self._next_id -= 1
        return chunk
