"""The Dask engine: the same chunks and the same worker code on a `dask.distributed` cluster.

The client (the `argmine batch` process) reads the inputs and writes the outputs, so workers need argmine
and the model but no shared file system. A worker plugin loads the model once in every worker process,
including workers that join later; the scheduler re-runs the tasks of a worker that dies, and what it
gives up on (`KilledWorker`) or what raises goes to the same retry and split policy as the local pool's
(`argmine.batch.engine.Recovery`).
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import uuid
from collections import deque
from collections.abc import Hashable, Iterator, Sequence
from typing import TYPE_CHECKING

from argmine.batch.engine import Chunk, Recovery
from argmine.batch.errors import BatchUsageError, ModelLoadError
from argmine.batch.report import Report
from argmine.batch.work import Outcome, Task, one_line, process

if TYPE_CHECKING:  # a Dask worker loads the pipeline on first use, not on import
    from argmine.nlp.miner import Miner

try:
    from distributed import WorkerPlugin
except ImportError:  # the dask extra is optional; run_on_dask says how to install it
    WorkerPlugin = object  # type: ignore[misc,assignment]

PLUGIN_NAME = "argmine-miner"
CONNECT_TIMEOUT = 10.0  # seconds to wait for the scheduler (and for a first worker) before giving up

# One model per worker process; a lock because a Dask worker may run tasks on several threads and a spaCy
# pipeline is not meant to be shared between threads (run workers with --nthreads 1 for speed).
_miners: dict[str, Miner | ModelLoadError] = {}
_lock = threading.Lock()


def _key(model: str | None) -> str:
    return "" if model is None else str(model)


def _load(model: str | None, max_chars: int | None = None) -> Miner | ModelLoadError:
    """The cached miner for `model` in this worker process (loaded on first use), taking texts of up to
    `max_chars` characters (a worker serves many jobs: its limit only grows)."""
    from argmine.nlp.miner import allow, load

    key = _key(model)
    with _lock:
        if key not in _miners:
            try:
                _miners[key] = load(model, max_chars=max_chars)
            except Exception as err:
                _miners[key] = ModelLoadError(f"cannot load model {model or 'default'!r} on a Dask worker: "
                                              f"{one_line(err)}")
        miner = _miners[key]
        if max_chars is not None and not isinstance(miner, ModelLoadError):
            allow(miner, max_chars)
        return miner


class MinerPlugin(WorkerPlugin):
    """Loads the argmine model once when a worker starts (or when the plugin is registered)."""

    name = PLUGIN_NAME

    def __init__(self, model: str | None, max_chars: int | None = None) -> None:
        self.model = model
        self.max_chars = max_chars

    async def setup(self, worker) -> None:
        """Load the model on a thread, so the worker keeps answering the scheduler while it loads."""
        await asyncio.get_running_loop().run_in_executor(None, _load, self.model, self.max_chars)


def map_chunk_on_worker(tasks: Sequence[Task], fmt: str, model: str | None, max_chars: int | None = None,
                        min_score: float | None = None) -> list[Outcome]:
    """The Dask task: map `tasks` with this worker's cached model (pruned under `min_score`, see `process`)."""
    miner = _load(model, max_chars)
    if isinstance(miner, ModelLoadError):
        raise miner
    with _lock:
        return process(miner, tasks, fmt, min_score=min_score)


def run_on_dask(
    chunks: Sequence[Chunk],
    fmt: str,
    model,
    scheduler: str | None,
    *,
    retries: int = 2,
    report: Report | None = None,
    read: dict | None = None,
    max_chars: int | None = None,
    min_score: float | None = None,
) -> Iterator[tuple[Chunk, list[Outcome]]]:
    """Run `chunks` on the cluster at `scheduler`, yielding results as they finish.

    `read` holds the decoder options; inputs are read here, on the client. The workers load the model for
    texts of up to `max_chars` characters, and prune each map under `min_score` (None: keep every unit).
    """
    try:
        from distributed import Client, as_completed
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise BatchUsageError("--engine dask needs Dask: pip install 'argmine[dask]'") from None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as err:
        raise BatchUsageError(f"cannot reach the Dask scheduler at {scheduler}: {one_line(err)}") from None
    from argmine.nlp.models import model_spec

    model = model_spec(model)  # a Path stays a path on the workers
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as err:
            raise BatchUsageError(f"no Dask workers joined {scheduler} ({one_line(err)})") from None
        info = client.scheduler_info()
        threads = sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()) or 1
        if report is not None:
            report.workers = len(info.get("workers", {}))
        client.register_plugin(MinerPlugin(model, max_chars), name=f"{PLUGIN_NAME}-{_key(model)}")
        keys = (f"argmine-{uuid.uuid4().hex[:12]}-{n}" for n in itertools.count())
        todo = iter(chunks)
        recovery = Recovery(retries)
        retry: deque[Chunk] = deque()  # chunks to run again (their texts already read), from `recovery`
        # key -> (the chunk, what was sent of it: the texts read here, the outcomes of inputs that failed here)
        waiting: dict[Hashable, tuple[Chunk, Chunk, list[Outcome]]] = {}
        ready: list[tuple[Chunk, list[Outcome]]] = []  # chunks whose every input failed on the client
        futures = as_completed(loop=client.loop)
        # Enough tasks to keep every worker thread busy without holding the whole archive in memory.
        window = max(8, 4 * threads)

        def fill() -> None:
            while len(waiting) < window:
                if retry:
                    chunk = sent = retry.popleft()
                    failed: list[Outcome] = []
                else:
                    following = next(todo, None)
                    if following is None:
                        return
                    chunk = following
                    remote, failed = _read_on_client(chunk, read)
                    if not remote:
                        ready.append((chunk, failed))
                        continue
                    sent = Chunk(chunk.id, tuple(remote))
                future = client.submit(map_chunk_on_worker, list(sent.tasks), fmt, model, max_chars, min_score,
                                       key=next(keys), retries=retries, pure=False)
                waiting[future.key] = (chunk, sent, failed)
                futures.add(future)

        fill()
        yield from _drain(ready)
        for future in futures:
            chunk, sent, failed = waiting.pop(future.key)
            outcomes: list[Outcome] = []
            try:
                outcomes = future.result()
            except KilledWorker as err:
                # The scheduler has tried it on `allowed-failures` workers already: it blames the chunk.
                again, outcomes = recovery.worker_died(
                    sent, blamed=True, final=True, why=f"Dask workers died while mapping it ({one_line(err)})"
                )
                retry.extend(again)
            except Exception as err:  # noqa: BLE001  (a model that does not load is re-raised by the policy)
                outcomes = recovery.task_failed(sent, err)
            finally:
                future.release()
            if failed or outcomes:
                yield chunk, failed + outcomes
            fill()
            yield from _drain(ready)


def _drain(ready: list[tuple[Chunk, list[Outcome]]]) -> Iterator[tuple[Chunk, list[Outcome]]]:
    while ready:
        yield ready.pop(0)


def _read_on_client(chunk: Chunk, read: dict | None) -> tuple[list[Task], list[Outcome]]:
    """Read the chunk's inputs here (workers need no access to them); unreadable ones fail here."""
    remote: list[Task] = []
    failed: list[Outcome] = []
    for task in chunk.tasks:
        try:
            decoded = task.load(read)
        except Exception as err:
            failed.append(Outcome(task.index, ok=False, reason=one_line(err)))
            continue
        remote.append(Task(task.index, task.source, text=decoded.text, warnings=tuple(decoded.warnings),
                           size=task.size))
    return remote, failed
