"""What a worker does: load the model once, then map chunks of documents through `nlp.pipe`.

The same functions run in local worker processes, in the main process (`--workers 1`) and on Dask workers,
so every engine produces the same bytes.
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.util
import os
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from argmine.argmap import ArgumentMap
from argmine.batch.errors import ModelLoadError
from argmine.batch.inputs import LONE_SURROGATES, Document, read_line, record_byte_limit
from argmine.errors import ArgmineError
from argmine.graph.confidence import prune_option
from argmine.read.decode import DEFAULT_MAX_CHARS, Decoded, InputError, decode_bytes, read_input

if TYPE_CHECKING:  # the worker imports the pipeline (numpy, spaCy) only once its thread settings are made
    from argmine.nlp.miner import Miner

# One BLAS/OpenMP thread per process: N worker processes already use the N cores, more threads only fight.
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


@dataclass(frozen=True)
class Task:
    """One document for a worker: a `Document` to read there, or text already read (API, Dask)."""

    index: int
    source: str
    doc: Document | None = None
    text: str | None = None
    warnings: tuple[str, ...] = ()
    size: int = 0

    def load(self, read: dict | None = None) -> Decoded:
        """The decoded text (raises `InputError` for unreadable input); `read` holds decoder options."""
        if self.doc is None:
            return Decoded(self.text, "utf-8", list(self.warnings))  # type: ignore[arg-type]
        if self.doc.is_record:
            return read_record(self.doc, read)
        return read_input(self.doc.path, **(read or {}))


@dataclass
class Outcome:
    """What became of one task: a payload (serialised output, or the map itself) or a one-line reason."""

    index: int
    ok: bool
    reason: str = ""
    words: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    payload: bytes | ArgumentMap | None = None
    error: Exception | None = None  # for `map_many`, which re-raises it at the document's position
    summary: dict | None = None  # title, thesis, counts (`argmine.export.summary`), for the record and the index


def read_record(doc: Document, read: dict | None = None) -> Decoded:
    """Read and decode the `text` of one JSONL record (`doc.path`, line `doc.line`) like a file's bytes.

    A line longer than any text of `max_chars` characters can take (`record_byte_limit`) is refused
    without being read into memory.
    """
    where = f"{doc.path}:{doc.line}"
    options = dict(read or {})
    max_chars = options.get("max_chars", DEFAULT_MAX_CHARS)
    limit = record_byte_limit(max_chars)
    too_large = InputError(
        f"{where}: record too large to map (over {limit or 0:,} bytes, more than a text of {max_chars or 0:,} "
        "characters can take); raise --max-chars or split the text"
    )
    if limit is not None and doc.size > limit:
        raise too_large
    try:
        with open(doc.path, "rb") as fh:
            fh.seek(doc.offset)
            raw, _ = read_line(fh, limit)
    except OSError as err:
        raise InputError(f"{doc.path}: cannot read ({err.strerror})") from None
    if raw is None:  # the file grew since it was listed
        raise too_large
    try:
        record = json.loads(raw)
    except ValueError as err:
        raise InputError(f"{where}: not a valid JSON record ({str(err).splitlines()[0]})") from None
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        raise InputError(f'{where}: a JSONL record must be an object with a string "text"')
    text = record["text"]
    lone = len(LONE_SURROGATES.findall(text))
    # JSON can spell a lone surrogate (`"\\ud800"`), which is no character: it becomes U+FFFD, as a broken
    # byte of a file does, so the text can be encoded and mapped.
    text = LONE_SURROGATES.sub("\ufffd", text) if lone else text
    # Through the same decoder as files, so records get the same checks (binary, limits, HTML...).
    decoded = decode_bytes(text.encode("utf-8"), where, **options)
    if lone:
        plural = "s" if lone > 1 else ""
        decoded.warnings.insert(0, f"{where}: {lone} lone surrogate{plural} (\\udXXX) replaced with U+FFFD")
    return decoded


# ---- per-process state: one model per worker process -------------------------------------------------

class _WorkerState(TypedDict, total=False):
    preloaded: tuple[list[str], Miner]  # loaded by the fork server: (its `model_key`, the miner)
    shared: bool  # the miner is the fork server's
    miner: Miner
    error: str  # why the model did not load


_state: _WorkerState = {}


def model_key(model: str | None) -> list[str]:
    """What a loaded model must match to stand for `model`: the folder it resolves to (absolute, so another
    working folder is another model) and its identity (the hash of its manifest, or of the rule baseline's
    code), so a model rewritten in place is never mistaken for the one loaded before."""
    from argmine.batch.record import model_identity
    from argmine.nlp.models import RULES, SENTENCES, resolve_model

    where = resolve_model(model)
    place = str(where) if where in (RULES, SENTENCES) else os.path.abspath(where)
    return [place, model_identity(where)["model_sha256"]]


def preload(model: str | None, max_chars: int | None) -> None:
    """Load `model` in the local pool's fork server, before it forks any worker (`argmine.batch.preload`).

    Every worker forked afterwards starts with the model loaded (copy-on-write), instead of paying seconds
    of CPU to load its own. A failure here is not reported: each worker then loads the model itself and
    reports why it cannot.
    """
    import gc

    try:
        from argmine.nlp import load

        key = model_key(model)  # before loading: the files `load` then checks are the ones named here
        _state["preloaded"] = (key, load(model, max_chars=max_chars))
    except Exception:  # noqa: BLE001  (the workers load it again and say what is wrong)
        return
    # The model's objects are never freed: kept out of every collection (a worker's collections then do not
    # touch, and so copy, the pages they share with the server).
    gc.collect()
    gc.freeze()


def init_worker(model: str | None, max_chars: int | None = None, *, pool_child: bool = True) -> None:
    """Pool initializer: the model for this process, for texts of up to `max_chars` characters: the one the
    fork server preloaded when it is `model` (its files still intact), else loaded here (a failure is
    reported by the first task)."""
    if pool_child:
        _exit_with_parent()
        _exit_quickly()
    # This runs before numpy is imported here, so the libraries still read it (a user's setting wins).
    for var in THREAD_VARS:
        os.environ.setdefault(var, "1")
    try:
        from argmine.nlp.miner import allow, load

        miner = _preloaded(model)
        _state["shared"] = miner is not None  # loaded once in the fork server, not here
        _state["miner"] = load(model, max_chars=max_chars) if miner is None else miner
        if max_chars is not None:
            allow(_state["miner"], max_chars)
        _state.pop("error", None)
    except Exception as err:  # reported through ModelLoadError by every task of this worker
        _state["error"] = load_failure(model, err)


def _preloaded(model: str | None) -> Miner | None:
    """The miner the fork server loaded before forking this process, if it is `model`, else None."""
    held = _state.pop("preloaded", None)
    if held is None:
        return None
    key, miner = held
    if key != model_key(model):
        return None  # a server started for another model (an earlier pool of this process): load our own
    from argmine.nlp.models import RULES, SENTENCES

    if key[0] not in (RULES, SENTENCES):
        from argmine.nlp.manifest import verify_manifest

        verify_manifest(key[0])  # as `load` does: files changed since the server loaded them are refused
    return miner


def _exit_with_parent() -> None:
    # A worker whose parent was killed must not live on as an orphan mapping a job nobody collects.
    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        parent.join()
        os._exit(1)

    threading.Thread(target=watch, name="argmine-parent-watch", daemon=True).start()


def _exit_quickly() -> None:
    # A spawned worker ends with a full interpreter shutdown, and tearing down spaCy, numpy and a model
    # takes seconds that the pool's shutdown (and so every batch) would wait for. Results are already
    # written when the worker loop returns, so the last multiprocessing finalizer can skip the teardown.
    def leave() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (AttributeError, OSError, ValueError):
                pass
        os._exit(0)

    multiprocessing.util.Finalize(None, leave, exitpriority=-100)


def current_miner() -> Miner:
    """The `Miner` this process loaded in `init_worker`."""
    if "error" in _state:
        raise ModelLoadError(_state["error"])
    if "miner" not in _state:
        raise ModelLoadError("worker was not initialised with a model")
    return _state["miner"]


def worker_info(tasks: Sequence[Task] = ()) -> list[dict]:
    """This worker process: its pid, model name, `nlp.max_length` and whether the fork server loaded its
    model (a chunk function, for tests and benchmarks)."""
    miner = current_miner()
    return [{"pid": os.getpid(), "model": miner.name, "max_length": miner.nlp.max_length,
             "shared": bool(_state.get("shared"))}]


def map_chunk(tasks: Sequence[Task], fmt: str | None, batch: bool = True, read: dict | None = None,
              min_score: float | None = None) -> list[Outcome]:
    """Map `tasks` with this process's model (see `process`)."""
    return process(current_miner(), tasks, fmt, batch, read, min_score)


# ---- the work itself ------------------------------------------------------------------------------

def process(miner, tasks: Sequence[Task], fmt: str | None, batch: bool = True, read: dict | None = None,
            min_score: float | None = None) -> list[Outcome]:
    """Read, map (one `nlp.pipe` pass) and serialise `tasks`; every failure stays with its document.

    `fmt` names the output format (`argmine.export.FORMATS`); None keeps the `ArgumentMap` as the payload.
    `batch` applies the batch rules (empty text fails); the `map_many` API maps empty text like `map`.
    `read` holds options for the decoder (`html`, `max_chars`). `min_score` prunes every map
    (`argmine.graph.confidence.prune`) before it is serialised and summarised; None keeps every unit.
    """
    outcomes = {t.index: Outcome(t.index, ok=False) for t in tasks}
    texts: list[tuple[Task, str]] = []
    for task in tasks:
        out = outcomes[task.index]
        try:
            decoded = task.load(read)
        except Exception as err:
            _fail(out, err)
            continue
        out.warnings = list(decoded.warnings)
        # The API hands texts over unchecked so that a non-text fails inside the model exactly as it
        # does in one process; batch input is always text.
        out.words = len(decoded.text.split()) if isinstance(decoded.text, str) else 0
        if batch and not decoded.text.strip():
            _fail(out, InputError(f"{task.source}: empty text, nothing to map"))
            continue
        texts.append((task, decoded.text))

    start = time.perf_counter()
    maps = _map_all(miner, texts)
    elapsed = time.perf_counter() - start
    total_words = sum(outcomes[t.index].words for t, _ in texts) or 1
    dumps = None if fmt is None else serialiser(fmt)
    for (task, _), result in zip(texts, maps):
        out = outcomes[task.index]
        # nlp.pipe works in batches, so a document's time is its share of the batch, by words.
        out.seconds = elapsed * out.words / total_words
        if isinstance(result, Exception):
            _fail(out, result)
            continue
        t0 = time.perf_counter()
        try:
            # Here, in the worker, so that every output (each format, a JSON line, a database's rows, the
            # summary the index and the record keep) is made from the pruned map, on every engine.
            result = prune_option(result, min_score)
            if dumps is None:
                out.payload = result
            else:
                data = dumps(result)
                out.payload = data.encode("utf-8") if isinstance(data, str) else data
        except Exception as err:
            _fail(out, err)
            continue
        if batch:
            out.summary = _summary(result)
        out.seconds = round(out.seconds + time.perf_counter() - t0, 6)
        out.ok = True
    for out in outcomes.values():
        out.error = None if batch else _portable(out.error)
    return [outcomes[t.index] for t in tasks]


def _summary(amap: ArgumentMap) -> dict | None:
    # Worked out here, where the pipeline's layout code is loaded anyway, so the main process never imports
    # spaCy to write a database row or an index line. A summary is a courtesy: it never fails a document.
    from argmine.export.summary import summary

    try:
        return summary(amap)
    except Exception:
        return None


def _portable(err: Exception | None) -> Exception | None:
    # The error travels back to the caller's process; exception types of unknown libraries may not
    # survive the trip, so they come back as a RuntimeError carrying the same one-line message.
    if err is None or type(err).__module__ == "builtins" or isinstance(err, ArgmineError):
        return err
    return RuntimeError(one_line(err))


def _map_all(miner, texts: list[tuple[Task, str]]) -> list[ArgumentMap | Exception]:
    try:
        return list(miner.map_many([text for _, text in texts], [task.source for task, _ in texts]))
    except Exception:
        pass
    # One document broke the batch: map them one by one so only that one fails.
    results: list[ArgumentMap | Exception] = []
    for task, text in texts:
        try:
            results.append(miner.map(text, task.source))
        except Exception as err:
            results.append(err)
    return results


def _fail(out: Outcome, err: Exception) -> None:
    out.ok = False
    out.error = err
    out.reason = one_line(err)


def one_line(err: BaseException) -> str:
    """A one-line reason for `err`: argmine's own messages as they are, anything else with its type."""
    text = " ".join(str(err).split())
    if isinstance(err, ArgmineError):
        return text or type(err).__name__
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def load_failure(model, err: BaseException) -> str:
    """The one line that says `model` did not load (the loader's own line when it has one)."""
    from argmine.nlp.models import ModelLoadError as Unloadable

    if isinstance(err, Unloadable):  # already "cannot load model at FOLDER: ..."
        return one_line(err)
    return f"cannot load model {model or 'default'!r}: {one_line(err)}"


def serialiser(fmt: str) -> Callable[[ArgumentMap], str | bytes]:
    """The function that writes one map in `fmt` (an export format name)."""
    from argmine import export

    return export.get_format(fmt).dumps
