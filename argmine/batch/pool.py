"""Local worker processes that share one loaded model and survive the death of any of them.

`concurrent.futures.ProcessPoolExecutor` over a "forkserver" (Linux) or "spawn" (elsewhere) context:
never a plain fork of a process in which spaCy and BLAS may already run threads. The fork server is a
fresh process that imports spaCy once, single-threaded, loads the batch's model once
(`argmine.batch.preload`), and forks every worker from that clean state, so starting (and restarting) a
worker costs a fork, not a spaCy import and a model load, and the workers share the model's memory
copy-on-write. The fork server is started by the first pool of a process (or by `prestart`, while the
batch is planned) and serves every later one; a later pool with another model loads it in each worker, as
spawned workers (elsewhere than Linux) always do.

When a worker dies (killed, out of memory, a crash in native code) the executor breaks and every chunk in
flight is lost; `WorkerPool` starts a new executor and hands the lost chunks to the batch engines' one
retry and split policy (`argmine.batch.engine.Recovery`). The pool runs the chunks that policy sends back
one at a time and alone, so a death while one document runs alone is that document's doing: a document
that kills its worker every time is found, tried `retries` more times and reported failed, while every
other document is mapped.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.context
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from argmine.batch.engine import Chunk, Recovery, WorkerDied  # noqa: F401  (WorkerDied: argmine.batch exports it)
from argmine.batch.work import THREAD_VARS, Outcome, Task, init_worker
from argmine.errors import ArgmineError, UsageError

# What the fork server imports before it forks workers; the last one loads the model named in its environment.
PRELOAD = ["argmine.batch.work", "argmine.nlp", "argmine.batch.preload"]
PRELOAD_ENV = "ARGMINE_POOL_PRELOAD"


def preload_spec(model: str | os.PathLike | None, max_chars: int | None) -> str:
    """The value of `PRELOAD_ENV` for `model` (a name, a path, None for the default), not resolved here: the
    process that starts the server need not import spaCy first (the server resolves it)."""
    path = isinstance(model, os.PathLike)
    name = os.fspath(model) if isinstance(model, os.PathLike) else model
    return json.dumps({"model": name, "path": path, "max_chars": max_chars})


def mp_context(model: tuple | None = None) -> multiprocessing.context.BaseContext:
    """The start method for workers: on Linux a fork server with spaCy imported and `model` (the
    `init_worker` arguments: model, max_chars) loaded; spawn elsewhere."""
    if sys.platform != "linux" or "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    from multiprocessing import forkserver

    # The server reads the environment once, when it starts: numpy must see one thread there, and
    # `argmine.batch.preload` the model to load. Neither has any effect once a server runs.
    # (A user's own thread settings win; the model is always this pool's, or none.)
    server_env: dict[str, str | None] = {var: "1" for var in THREAD_VARS if var not in os.environ}
    server_env[PRELOAD_ENV] = None if model is None else preload_spec(*(tuple(model) + (None,))[:2])
    saved = {var: os.environ.get(var) for var in server_env}
    try:
        _set_environ(server_env)
        ctx.set_forkserver_preload(PRELOAD)
        forkserver.ensure_running()
    finally:
        _set_environ(saved)
    return ctx


def _set_environ(values: dict[str, str | None]) -> None:
    for var, value in values.items():
        if value is None:
            os.environ.pop(var, None)
        else:
            os.environ[var] = value


def prestart(model: str | os.PathLike | None, max_chars: int | None) -> None:
    """Start the fork server now, loading `model` in it, so that it loads while this process does other work
    (plans the batch); the pool that follows forks its workers at once. No effect if a server runs already,
    or where there is none (spawn)."""
    mp_context((model, max_chars))


def chunked(tasks: Iterable[Task], target_size: int, max_tasks: int = 16) -> Iterator[Chunk]:
    """Group tasks, in order, into chunks of about `target_size` bytes and at most `max_tasks` documents."""
    chunk: list[Task] = []
    size = 0
    n = 0
    for task in tasks:
        chunk.append(task)
        size += task.size
        if size >= target_size or len(chunk) >= max_tasks:
            yield Chunk(n, tuple(chunk))
            n += 1
            chunk, size = [], 0
    if chunk:
        yield Chunk(n, tuple(chunk))


class WorkerPool:
    """`workers` processes, each running `initializer(*initargs)` once; `run` maps chunks over them.

    With argmine's own initializer (`init_worker`, `initargs` = model, max_chars) the fork server loads the
    model before it forks the workers (see the module), and each worker starts with it.
    """

    def __init__(
        self,
        workers: int,
        initargs: tuple = (None,),
        *,
        initializer: Callable[..., None] = init_worker,
        retries: int = 2,
    ) -> None:
        if workers < 1:
            raise UsageError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self.initializer = initializer
        self.initargs = initargs
        self.retries = retries
        self.restarts = 0  # how many times a dead worker broke the pool
        self._executor: ProcessPoolExecutor | None = None

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close(kill=exc[0] is not None)

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=mp_context(self.initargs if self.initializer is init_worker else None),
                initializer=self.initializer,
                initargs=self.initargs,
            )
        return self._executor

    def close(self, kill: bool = False) -> None:
        """Stop the workers: let running chunks finish, or (`kill`) terminate them at once."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if kill:
            for proc in list(getattr(executor, "_processes", {}).values()):
                proc.terminate()
        executor.shutdown(wait=True, cancel_futures=True)

    def pids(self) -> list[int]:
        """Process ids of the live workers (for tests and monitoring)."""
        procs = getattr(self._executor, "_processes", None) or {}
        return [p.pid for p in procs.values() if p.is_alive()]

    def run(self, chunks: Iterable[Chunk], fn: Callable[..., list[Outcome]], *args: object
            ) -> Iterator[tuple[Chunk, list[Outcome]]]:
        """Yield `(chunk, fn(chunk.tasks, *args))` as chunks finish (not in order); nothing is lost.

        A document whose worker dies `retries + 1` times while it runs alone yields a failed outcome.
        """
        source = iter(chunks)
        recovery = Recovery(self.retries)
        # Workers that die before a single chunk ever comes back are not killed by documents: they cannot
        # start (typically a script that starts workers without an `if __name__ == "__main__":` guard).
        give_up = 3 * (self.retries + 2)
        worked = False
        suspects: deque[Chunk] = deque()  # chunks to run again after a death, one task each, alone
        inflight: dict[Future, Chunk] = {}
        exhausted = False
        while True:
            # Normal running keeps every worker busy plus one chunk queued; suspects run alone so that a
            # death is the suspect's doing.
            limit = 1 if suspects else self.workers + 1
            while len(inflight) < limit:
                if suspects:
                    if inflight:
                        break
                    chunk = suspects.popleft()
                elif not exhausted:
                    following = next(source, None)
                    if following is None:
                        exhausted = True
                        break
                    chunk = following
                else:
                    break
                try:
                    future = self._start().submit(fn, chunk.tasks, *args)
                except BrokenProcessPool:
                    # A worker died since the last wait: the chunk never started, and goes back with the
                    # in-flight ones when the broken pool is handled below.
                    future = Future()
                    future.set_exception(BrokenProcessPool("a worker died before the chunk was submitted"))
                inflight[future] = chunk
            if not inflight:
                return
            done, _ = wait(list(inflight), return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                chunk = inflight.pop(future)
                try:
                    outcomes = future.result()
                except BrokenProcessPool:
                    broken = True
                    inflight[future] = chunk  # handled with the rest of the lost chunks below
                    continue
                except Exception as err:  # the task raised: its documents fail (a model that does not load stops all)
                    outcomes = recovery.task_failed(chunk, err)
                worked = True
                yield chunk, outcomes
            if broken:
                lost = []
                for future, chunk in inflight.items():
                    # A chunk may have finished between `wait` and now: keep it, never map it twice.
                    if future.done() and not future.cancelled() and future.exception() is None:
                        worked = True
                        yield chunk, future.result()
                    else:
                        lost.append(chunk)
                inflight.clear()
                self.close()
                self.restarts += 1
                if not worked and self.restarts >= give_up:
                    raise WorkerStartError(
                        f"worker processes died {self.restarts} times before mapping anything; a script that "
                        "maps with workers must guard its code with `if __name__ == \"__main__\":`"
                    )
                # The death is a document's doing only when that document ran alone.
                alone = len(lost) == 1 and len(lost[0].tasks) == 1
                for chunk in lost:
                    again, given_up = recovery.worker_died(chunk, blamed=alone)
                    if given_up:
                        yield chunk, given_up
                    if alone:
                        suspects.extendleft(again)  # the same document, next
                    else:
                        suspects.extend(again)


class WorkerStartError(ArgmineError):
    """Worker processes that die before they map anything: no document is to blame."""


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def ordered(results: Iterable[tuple[Chunk, Sequence[Outcome]]]) -> Iterator[Outcome]:
    """Outcomes in task-index order from chunk results that arrive in any order (indices 0, 1, 2, ...)."""
    waiting: dict[int, Outcome] = {}
    expected = 0
    for _, outcomes in results:
        for out in outcomes:
            waiting[out.index] = out
        while expected in waiting:
            yield waiting.pop(expected)
            expected += 1
    # Whatever is left (indices with gaps) in order: callers that skip indices still get everything.
    for index in sorted(waiting):
        yield waiting[index]
