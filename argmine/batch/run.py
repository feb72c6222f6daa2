"""Running a batch: find the inputs, name their outputs, skip what is done, map the rest, report.

The main process plans and writes; workers only read inputs and map. Every output is written atomically
(temporary file + rename) by the main process, so an output either exists whole or not at all, and the
report says `ok` only for outputs that are on disk.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence, Set
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from argmine.batch.errors import BatchUsageError, ModelLoadError
from argmine.batch.inputs import STDIN, Document, Missing, discover, spool_stdin
from argmine.batch.index import INDEX_NAMES, Row, to_csv, to_html
from argmine.batch.outputs import FileWriter, LineSink, remove_stale_temps, write_output
from argmine.batch.plan import (InputSet, Target, existing, not_ours, plan_outputs, plan_rows, reserved_names)
from argmine.batch.pool import Chunk, WorkerPool, chunked, default_workers, prestart
from argmine.batch.record import FolderLock, OutputRecord, model_identity
from argmine.batch.report import REPORT_NAME, Entry, Report, earlier_runs, is_report
from argmine.read.decode import DEFAULT_MAX_CHARS
from argmine.batch.work import Outcome, Task, load_failure, map_chunk, one_line, process
from argmine.export.sqlite import Database, NotArgmineDatabase
from argmine.graph.confidence import check_min_score

ENGINES = ("local", "dask")
SQLITE = "sqlite"  # one database for the whole batch, written by the main process (`argmine.export.sqlite`)
# For a database the workers send each map as a JSON line, which the one writer reads back (checked, as every
# reader checks a map) and turns into rows.
WIRE = "jsonl"


class Observer:
    """Follows a batch as it runs (progress bars, logs, tests); every method is optional."""

    def start(self, total: int, skipped: int) -> None:
        """`total` inputs, `skipped` of them already up to date."""

    def done(self, entry: Entry) -> None:
        """An input was mapped or failed."""

    def finish(self, report: Report) -> None:
        """The batch is over (not called when it is interrupted)."""


@dataclass
class _Destination:
    """Where a batch writes."""

    outdir: Path | None  # per-document formats
    stream: Path | None  # jsonl into a file (None with outdir None: stdout)
    report: Path | None
    database: Path | None = None  # -f sqlite

    @property
    def folder(self) -> Path | None:
        """The folder whose lock and record this run takes: the output folder, or the JSONL file's."""
        if self.outdir is not None:
            return self.outdir
        one_file = self.stream if self.stream is not None else self.database
        return one_file.parent if one_file is not None else None


def run_batch(
    inputs: Sequence[str],
    output: str | os.PathLike | None = None,
    *,
    fmt: str = "json",
    model: str | os.PathLike | None = None,
    workers: int | None = None,
    force: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    report: str | os.PathLike | None = None,
    retries: int = 2,
    html: bool | None = None,
    max_chars: int | None = None,
    follow_links: bool = False,
    index: bool = False,
    min_score: float | None = None,
    observer: Observer | None = None,
    stdin_stream: BinaryIO | None = None,
) -> Report:
    """Map every document `inputs` name into `output` (a folder; for `jsonl` a file, or None/`-` for stdout;
    for `sqlite` one database file, its own record of what made each document). An input `-` is JSON Lines
    records of `{id, text}` read from standard input (or `stdin_stream`), named in the report `-:LINE`.

    `html` and `max_chars` go to the decoder (None: its defaults, HTML detected and its size limit).
    `follow_links` follows symbolic links met in folder walks and globs (named inputs are always followed).
    An output is written only where there is no file, or where argmine's record says it wrote the file
    there; it is skipped when its record matches the input, model and options, unless `force`.
    Returns the report (also written to `report`, by default `output/argmine-report.json`). Raises
    `BatchUsageError`, `UnknownFormat` or `ModelNotFound` before any work for arguments that cannot work
    (an output that is an input, another run writing the same folder), and `ModelLoadError` when the model
    does not load. `index` also writes `index.html` and `theses.csv` (`argmine.batch.index`) into the output
    folder (for `jsonl` and `sqlite`, the file's folder). `min_score` prunes every map before it is written
    (`argmine.graph.prune`: the units scored under it go, never the thesis), in every output; it is one of
    the options recorded with each output, so a rerun with another `min_score` (or without one) maps again
    what it would otherwise skip. A `min_score` that is not a number from 0 to 1 is a `UsageError`, raised
    before any work.
    """
    started = time.perf_counter()
    observer = observer or Observer()
    if engine not in ENGINES:
        raise BatchUsageError(f"unknown engine {engine!r}; choose from {', '.join(ENGINES)}")
    if engine == "dask" and not scheduler:
        raise BatchUsageError("--engine dask needs --scheduler tcp://HOST:PORT")
    if workers is not None and workers < 1:
        raise BatchUsageError(f"--workers must be at least 1, not {workers}")
    if min_score is not None:
        min_score = check_min_score(min_score)  # the one check `map_text` and `argmine map` make
    suffix = _suffix(fmt)
    if engine == "local" and (workers or default_workers()) > 1:
        # The workers' fork server imports spaCy and loads the model (a second or more) while this process
        # resolves the model and plans the batch. A batch that ends up mapped here (one chunk) or an error
        # below started it for nothing: a second of the other core, the price of not waiting for it later.
        prestart(model, DEFAULT_MAX_CHARS if max_chars is None else max_chars)
    from argmine.nlp.models import resolve_model  # imports spaCy: after the fork server has started

    where = resolve_model(model)
    dest = _destination(fmt, output, report)
    if index and dest.folder is None:
        raise BatchUsageError("--index writes index.html and theses.csv into the output folder: give -o")
    lock = FolderLock(dest.folder) if dest.folder is not None else None
    if lock is not None:
        lock.acquire()
    try:
        with contextlib.ExitStack() as stack:
            stdin = stack.enter_context(spool_stdin(stdin_stream)) if STDIN in inputs else None
            return _run(inputs, dest, fmt=fmt, suffix=suffix, model=model, where=where, workers=workers,
                        force=force, engine=engine, scheduler=scheduler, retries=retries, html=html,
                        max_chars=max_chars, follow_links=follow_links, index=index, min_score=min_score,
                        observer=observer, started=started, stdin=stdin)
    finally:
        if lock is not None:
            lock.release()


def _run(inputs: Sequence[str], dest: _Destination, *, fmt: str, suffix: str, model, where, workers, force: bool,
         engine: str, scheduler, retries: int, html, max_chars, follow_links: bool, index: bool,
         min_score: float | None, observer: Observer, started: float, stdin: Path | None) -> Report:
    """`run_batch` once the destination folder is locked (`stdin`: standard input's records, spooled)."""
    limit = DEFAULT_MAX_CHARS if max_chars is None else max_chars
    identity = model_identity(where)
    options: dict = {"format": fmt, "html": html, "max_chars": limit}
    if min_score is not None:
        # An option that changes the maps, so resume compares it like the others: outputs pruned under
        # another minimum (or not pruned) are mapped again, never reused. Left out when not given, so the
        # outputs of runs made before the option existed still match an unpruned rerun.
        options["min_score"] = min_score
    run = {**identity, "options": options}
    result = Report(model=identity["model"], model_sha256=identity["model_sha256"], output_format=fmt,
                    engine=engine, options=options)
    record = OutputRecord(dest.folder).load() if dest.folder is not None else None
    # A folder of outputs is never searched for inputs; a database's or JSONL file's folder may be, and the
    # index argmine wrote there must not come back as a document of the next run.
    own: Set[str] = set()
    if dest.outdir is None and dest.folder is not None and record is not None:  # a record is read from a folder
        own = _own_index_files(dest.folder, record)
    docs = _collect(inputs, dest.outdir, result, follow_links, limit, skip=own, stdin=stdin)
    sources = InputSet(doc.path for _, doc in docs)
    _check_report(dest.report, sources)
    index_files = _check_index(dest.folder, sources, record) if index and dest.folder is not None else None
    db = _open_database(dest.database, sources) if dest.database is not None else None
    try:
        return _run_open(dest, db, docs, sources, result, record, index_files,
                         fmt=fmt, suffix=suffix, model=model, run=run, workers=workers, force=force, engine=engine,
                         scheduler=scheduler, retries=retries, html=html, max_chars=max_chars, limit=limit,
                         min_score=min_score, observer=observer, started=started)
    finally:
        if db is not None:
            db.close()


def _run_open(dest: _Destination, db: Database | None, docs: list[tuple[int, Document]], sources: InputSet,
              result: Report, record: OutputRecord | None, index_files: dict[str, str | None] | None, *, fmt: str,
              suffix: str, model, run: dict, workers, force: bool, engine: str, scheduler, retries: int, html,
              max_chars, limit, min_score: float | None, observer: Observer, started: float) -> Report:
    """`_run` once the inputs are found and the database (for -f sqlite) is open."""
    targets: dict[int, Target] = {}
    names: dict[int, str] = {}  # -f sqlite: each document's name in the database
    rows: dict[int, dict] = {}  # -f sqlite: what to record with each document to map
    if db is not None:
        names, rows = plan_rows(result.entries, docs, db.records(), run=run, force=force, max_chars=limit)
        remove_stale_temps([Path(db.path)])  # a database being created when a run was killed
    if dest.outdir is not None:
        assert record is not None
        reserved = reserved_names(dest.outdir, dest.report)
        if index_files is not None:  # no document's output may take the index's names
            reserved += [PurePosixPath(name) for name in INDEX_NAMES]
        targets = plan_outputs(result.entries, docs, dest.outdir, suffix, record=record, run=run, inputs=sources,
                               reserved=reserved, force=force, max_chars=limit)
        # Temporary files of a killed run, for every output of this batch (skipped ones too); the lock
        # is held, so none belongs to a live run.
        remove_stale_temps([dest.outdir / e.output for e in result.entries if e.output is not None])
    expect = _check_stream(dest.stream, sources, record, force)
    if dest.report is not None:
        result.runs = earlier_runs(dest.report)
    todo = [
        Task(index, doc.source, doc=doc, size=doc.size)
        for index, doc in docs
        if result.entries[index].status != "skipped"
        and (index in targets if dest.outdir is not None else index in rows if db is not None else True)
    ]
    if record is not None:
        remove_stale_temps([record.path])
        try:
            record.begin()
        except OSError as err:
            # Without the record no output can be written (argmine must know what it wrote): every input
            # to map fails with the reason, and the report is still attempted.
            why = f"cannot write argmine's record of outputs {record.path}: {err.strerror or one_line(err)}"
            result.errors.append(why)
            for task in todo:
                result.entries[task.index].reason = f"{result.entries[task.index].input}: {why}"
            todo, record = [], None
    queued = {task.index for task in todo}
    observer.start(len(result.entries), result.count("skipped"))
    for index, entry in enumerate(result.entries):
        if entry.status == "failed" and index not in queued:  # no such input, unsafe name, not argmine's
            observer.done(entry)

    result.workers = workers or default_workers()
    read = {key: value for key, value in (("html", html), ("max_chars", max_chars)) if value is not None}
    chunks = list(chunked(todo, _chunk_bytes(todo)))
    wire = WIRE if db is not None else fmt
    results = _execute(chunks, wire, model, engine, result.workers, scheduler, retries, read, limit, min_score,
                       result)
    summaries: dict[int, dict] = {}  # entry index -> summary, for the documents mapped in this run
    try:
        if dest.folder is not None and record is None:
            pass  # the record could not be begun: every input already failed, nothing may be written
        elif dest.outdir is not None:
            assert record is not None
            _write_files(results, result, targets, record, observer, summaries)
        elif db is not None:
            _write_rows(results, result, names, rows, db, observer, summaries)
        else:
            line_record = None
            if dest.stream is not None:
                assert record is not None
                meta = {**run, "documents": len(todo)}

                def line_record(sha: str, rel: str = dest.stream.name) -> None:
                    record.add(rel, {**meta, "sha256": sha, "replaces": expect})

            _write_lines(results, result, [t.index for t in todo], dest.stream, expect, line_record, observer,
                         summaries)
            if dest.stream is not None and record is not None and not result.errors:
                record.written(dest.stream.name)
        if index_files is not None and record is not None:
            _write_index(dest, db, result, names, record, index_files, summaries, fmt)
    finally:
        if record is not None:
            try:
                record.finish()
            except OSError as err:
                result.errors.append(f"cannot write argmine's record of outputs {record.path}: "
                                     f"{err.strerror or one_line(err)}")

    for index in queued:
        entry = result.entries[index]
        if entry.status == "failed" and not entry.reason:  # cannot happen; never report a silent failure
            entry.reason = f"{entry.input}: no result came back for this input"
    result.seconds = time.perf_counter() - started
    if dest.report is not None:
        try:
            dest.report.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temps([dest.report])
            result.write(dest.report)
        except OSError as err:
            result.errors.append(f"cannot write the report {dest.report}: {err.strerror or one_line(err)}")
    observer.finish(result)
    return result


def _suffix(fmt: str) -> str:
    from argmine.export import get_format

    return get_format(fmt).suffix


def _destination(fmt: str, output, report) -> _Destination:
    """Check where outputs and the report go, creating the output folder."""
    to_stdout = output is None or str(output) == "-"
    if fmt == SQLITE:
        if to_stdout:
            raise BatchUsageError("-f sqlite writes one database: give its path with -o (e.g. -o maps.db)")
        target = Path(output)
        if target.is_dir():
            raise BatchUsageError(f"{target}: -f sqlite writes one database file; this is a folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        return _Destination(None, None, Path(report) if report else target.with_suffix(".report.json"), target)
    from argmine.export import get_format

    if not get_format(fmt).stream:
        if to_stdout:
            raise BatchUsageError(f"-f {fmt} writes one file per input: give the output folder with -o")
        outdir = Path(output)
        if outdir.exists() and not outdir.is_dir():
            raise BatchUsageError(f"{outdir}: exists and is not a folder")
        outdir.mkdir(parents=True, exist_ok=True)
        return _Destination(outdir, None, Path(report) if report else outdir / REPORT_NAME)
    if to_stdout:
        return _Destination(None, None, Path(report) if report else None)
    target = Path(output)
    if target.is_dir():
        raise BatchUsageError(f"{target}: -f {fmt} writes one file; this is a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    return _Destination(None, target, Path(report) if report else target.with_suffix(".report.json"))


def _check_report(path: Path | None, sources: InputSet) -> None:
    """The report never replaces an input, nor a file that is not an argmine report."""
    if path is None:
        return
    if path in sources:
        raise BatchUsageError(f"{path}: the report would replace an input of this batch; choose another --report")
    if os.path.lexists(path) and (path.is_symlink() or not path.is_file() or not is_report(path)):
        raise BatchUsageError(f"{path}: exists and is not an argmine report; argmine did not write it, so it "
                              "is kept (choose another --report)")


def _check_stream(target: Path | None, sources: InputSet, record: OutputRecord | None, force: bool
                  ) -> str | None:
    """For `-f jsonl -o FILE`: refuse an input or a file argmine did not write; the hash of its own file."""
    if target is None:
        return None
    if target in sources:
        raise BatchUsageError(f"{target}: is an input of this batch; argmine never writes over an input, "
                              "--force or not")
    found, sha, why = existing(target)
    if not found:
        return None
    assert record is not None
    if why or not record.owns(target.name, sha):
        raise BatchUsageError(not_ours(target, why, record, target.name))
    if not force:
        raise BatchUsageError(f"{target}: exists; pass --force to replace it")
    return sha


def _open_database(target: Path, sources: InputSet) -> Database:
    """For `-f sqlite`: the database, never an input nor a file argmine did not create (usage errors)."""
    if target in sources:
        raise BatchUsageError(f"{target}: is an input of this batch; argmine never writes over an input, "
                              "--force or not")
    try:
        return Database.open(target)
    except NotArgmineDatabase as err:
        raise BatchUsageError(str(err)) from None
    except (OSError, sqlite3.Error) as err:
        why = err.strerror if isinstance(err, OSError) and err.strerror else one_line(err)
        raise BatchUsageError(f"{target}: cannot open the database ({why})") from None


def _check_index(folder: Path, sources: InputSet, record: OutputRecord | None) -> dict[str, str | None]:
    """For `--index`: the index's files are never inputs nor files argmine did not write (usage errors).

    Returns the sha256 of argmine's own earlier file for each name (None: there is none).
    """
    assert record is not None
    found_files: dict[str, str | None] = {}
    for name in INDEX_NAMES:
        path = folder / name
        if path in sources:
            raise BatchUsageError(f"{path}: --index would replace an input of this batch; argmine never writes "
                                  "over an input (choose another -o)")
        found, sha, why = existing(path)
        if found and (why or not record.owns(name, sha)):
            raise BatchUsageError(not_ours(path, why, record, name))
        found_files[name] = sha if found else None
    return found_files


def _own_index_files(folder: Path, record: OutputRecord) -> set[str]:
    """The real paths of the index files in `folder` that argmine's record says it wrote (these bytes)."""
    own = set()
    for name in INDEX_NAMES:
        found, sha, why = existing(folder / name)
        if found and not why and record.owns(name, sha):
            own.add(os.path.realpath(folder / name))
    return own


def _collect(inputs: Sequence[str], outdir: Path | None, result: Report, follow_links: bool,
             max_chars: int | None, skip: Set[str] = frozenset(), stdin: Path | None = None
             ) -> list[tuple[int, Document]]:
    """An entry per input found (a failed one per input that names nothing); (entry index, document)s.

    Files whose real path is in `skip` (argmine's own index) are left out."""
    docs = []
    for item in discover(inputs, exclude=outdir, follow_links=follow_links, max_chars=max_chars, stdin=stdin):
        if skip and not isinstance(item, Missing) and not item.is_record and os.path.realpath(item.path) in skip:
            continue
        if isinstance(item, Missing):
            result.entries.append(Entry(input=item.input, reason=item.reason))
        else:
            docs.append((len(result.entries), item))
            result.entries.append(Entry(input=item.input, id=item.id))
    return docs


def _chunk_bytes(tasks: Sequence[Task]) -> int:
    # Depends on the job only, never on the engine or worker count, so every engine forms the same
    # nlp.pipe batches; small jobs get small chunks so that every worker gets some.
    total = sum(t.size for t in tasks)
    return max(4_000, min(32_000, total // 32))


def _record(entry: Entry, out: Outcome) -> None:
    entry.words, entry.seconds, entry.warnings = out.words, out.seconds, out.warnings
    if not out.ok:
        entry.status, entry.reason = "failed", out.reason


def _write_files(results: Iterator[tuple[Chunk, list[Outcome]]], report: Report, targets: dict[int, Target],
                 record: OutputRecord, observer: Observer, summaries: dict[int, dict]) -> None:
    writer = FileWriter(observer.done, record)
    try:
        for _, outcomes in results:
            for out in outcomes:
                entry = report.entries[out.index]
                _record(entry, out)
                if out.ok:
                    assert isinstance(out.payload, bytes)
                    if out.summary is not None:
                        # Recorded with the output, so that a later `--index` run that skips it still has it.
                        targets[out.index].meta["summary"] = summaries[out.index] = out.summary
                    writer.submit(entry, targets[out.index], out.payload)
                else:
                    observer.done(entry)
            writer.collect()
    except BaseException:
        writer.close(cancel=True)
        raise
    writer.close()


def _write_lines(results: Iterator[tuple[Chunk, list[Outcome]]], report: Report, order: list[int],
                 target: Path | None, expect: str | None, record: Callable[[str], None] | None,
                 observer: Observer, summaries: dict[int, dict]) -> None:
    try:
        sink = LineSink(target, order, expect, record)
    except OSError as err:
        _lost_stream(report, order, target, err, results)
        return
    try:
        for _, outcomes in results:
            for out in outcomes:
                entry = report.entries[out.index]
                _record(entry, out)
                line = None
                if out.ok:
                    assert isinstance(out.payload, bytes)
                    line = out.payload
                    entry.status, entry.reason = "ok", ""
                    if out.summary is not None:
                        summaries[out.index] = out.summary
                sink.put(out.index, line)
                observer.done(entry)
        sink.close()
    except OSError as err:
        if target is None:
            raise  # stdout went away (a closed pipe): as `argmine map`
        sink.abort()
        _lost_stream(report, order, target, err, results)
    except BaseException:
        sink.abort()
        raise


def _write_rows(results: Iterator[tuple[Chunk, list[Outcome]]], report: Report, names: dict[int, str],
                rows: dict[int, dict], db: Database, observer: Observer, summaries: dict[int, dict]) -> None:
    """For `-f sqlite`: each chunk's maps in one transaction; an entry is `ok` once its rows are committed.

    Each document is stored under a savepoint, so one that cannot be stored fails alone; a chunk whose commit
    fails (a full disk) fails whole, and the database keeps what it had.
    """
    from argmine.export.jsonl import from_jsonl

    for _, outcomes in results:
        stored: list[tuple[Entry, Outcome]] = []
        try:
            with db.transaction():
                for out in outcomes:
                    entry = report.entries[out.index]
                    _record(entry, out)
                    if not out.ok:
                        observer.done(entry)
                        continue
                    assert isinstance(out.payload, bytes)
                    db.conn.execute("SAVEPOINT document")
                    try:
                        amap = from_jsonl(out.payload, max_bytes=None)
                        db.put(names[out.index], amap, {**rows[out.index], "words": entry.words}, out.summary)
                    except (sqlite3.Error, ValueError) as err:
                        db.conn.execute("ROLLBACK TO document")
                        db.conn.execute("RELEASE document")
                        entry.status, entry.reason = "failed", f"{entry.input}: cannot write {db.path}: {one_line(err)}"
                        observer.done(entry)
                        continue
                    db.conn.execute("RELEASE document")
                    stored.append((entry, out))
        except (sqlite3.Error, OSError) as err:
            why = err.strerror if isinstance(err, OSError) and err.strerror else one_line(err)
            for entry, _ in stored:
                entry.status, entry.reason = "failed", f"{entry.input}: cannot write {db.path}: {why}"
                observer.done(entry)
            continue
        for entry, out in stored:
            entry.status, entry.reason = "ok", ""
            if out.summary is not None:
                summaries[out.index] = out.summary
            observer.done(entry)


def _write_index(dest: _Destination, db: Database | None, report: Report, names: dict[int, str],
                 record: OutputRecord, index_files: dict[str, str | None], summaries: dict[int, dict],
                 fmt: str) -> None:
    """`index.html` and `theses.csv` for every document mapped or skipped, recorded like any output."""
    folder = dest.folder
    assert folder is not None
    from_db = db.summaries() if db is not None else {}
    rows = []
    for index, entry in enumerate(report.entries):
        if entry.status not in ("ok", "skipped"):
            continue
        summary = summaries.get(index)
        if summary is None and db is not None:
            summary = from_db.get(names.get(index, ""))
        if summary is None and entry.output is not None:
            summary = _summary_of_output(folder, entry.output, record, fmt)
        link = entry.output if dest.outdir is not None else None
        rows.append(Row(entry.input, summary or {}, link))
    title = f"argmine batch: {folder.name or folder.resolve().name}"
    for name, payload in ((INDEX_NAMES[0], to_html(rows, title)), (INDEX_NAMES[1], to_csv(rows))):
        expect = index_files.get(name)

        def add(sha: str, name: str = name, expect: str | None = expect) -> None:
            record.add(name, {"index": True, "sha256": sha, "replaces": expect})

        try:
            write_output(folder / name, payload, expect, add)
        except OSError as err:
            report.errors.append(f"cannot write {folder / name}: {err.strerror or one_line(err)}")
            continue
        record.written(name)


def _summary_of_output(folder: Path, rel: str, record: OutputRecord, fmt: str) -> dict | None:
    """The summary argmine's record kept for an output it skipped, or one read back from a map format."""
    from argmine import export
    from argmine.export.summary import summary

    kept = (record.get(rel) or {}).get("summary")
    if isinstance(kept, dict):
        return kept
    if fmt not in export.map_formats():
        return None
    try:
        return summary(export.read(folder / rel, fmt))
    except (OSError, ValueError):
        return None


def _lost_stream(report: Report, order: list[int], target: Path | None, err: OSError, results: Iterator
                 ) -> None:
    """The JSON Lines file could not be written: no input of it is `ok`, and each says why."""
    why = err.strerror or one_line(err)
    for index in order:
        entry = report.entries[index]
        if entry.status != "failed" or not entry.reason:
            entry.status, entry.reason = "failed", f"{entry.input}: cannot write {target}: {why}"
    close = getattr(results, "close", None)
    if close is not None:
        close()  # stop the workers: nothing more can be written
    report.errors.append(f"cannot write {target}: {why}")


def _execute(
    chunks: list[Chunk], fmt: str, model, engine: str, workers: int, scheduler: str | None, retries: int,
    read: dict, limit: int, min_score: float | None, report: Report,
) -> Iterator[tuple[Chunk, list[Outcome]]]:
    """Run `chunks` on the chosen engine, yielding results as they finish; every engine loads the model for
    texts of up to `limit` characters (`--max-chars`), and prunes each map under `min_score` where it maps
    it (`argmine.batch.work.process`)."""
    if not chunks:
        return
    if engine == "dask":
        from argmine.batch.dask_engine import run_on_dask

        yield from run_on_dask(chunks, fmt, model, scheduler, retries=retries, report=report, read=read,
                               max_chars=limit, min_score=min_score)
    elif workers == 1 or len(chunks) == 1:  # starting a worker would only add its start-up
        yield from _in_process(chunks, fmt, model, read, limit, min_score)
    else:
        # No more processes than chunks: an idle worker would still be forked and initialised.
        from argmine.nlp.models import model_spec

        name = model_spec(model)  # a Path stays a path in the workers, never a shipped model's name
        pool = WorkerPool(min(workers, len(chunks)), (name, limit), retries=retries)
        try:
            with pool:
                yield from pool.run(chunks, map_chunk, fmt, True, read, min_score)
        finally:
            report.restarts = pool.restarts


def _in_process(chunks: list[Chunk], fmt: str, model, read: dict, limit: int, min_score: float | None
                ) -> Iterator[tuple[Chunk, list[Outcome]]]:
    from argmine.nlp import load

    try:
        miner = load(model, max_chars=limit)
    except Exception as err:
        from argmine.nlp.models import model_spec

        raise ModelLoadError(load_failure(model_spec(model), err)) from None
    for chunk in chunks:
        yield chunk, process(miner, chunk.tasks, fmt, True, read, min_score)
