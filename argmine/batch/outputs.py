"""Where results go: one file per input (atomic writes on a few threads) or one JSON Lines stream."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import BinaryIO

from argmine.batch.plan import Target
from argmine.batch.record import OutputRecord, file_sha256
from argmine.batch.report import Entry
from argmine.batch.work import one_line
from argmine.errors import OutputError
from argmine.export.atomic import open_temporary

# tempfile.mkstemp's names, as export/atomic.py makes them: `.<output name>.` + 8 random characters + `.tmp`.
_TEMP = re.compile(r"\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp\Z")


def remove_stale_temps(targets: Iterable[Path]) -> None:
    """Delete the temporary files an interrupted run left for these outputs (and nothing else)."""
    by_folder: dict[Path, set[str]] = {}
    for path in targets:
        by_folder.setdefault(path.parent, set()).add(path.name)
    for folder, names in by_folder.items():
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for item in entries:
            match = _TEMP.match(item.name)
            if match and match.group("name") in names and item.is_file(follow_symlinks=False):
                try:
                    os.unlink(item.path)
                except OSError:
                    pass


class OutputChanged(OSError, OutputError):
    """The file at an output path changed while the batch ran: argmine did not write it, so it is kept."""


def _state(path: Path) -> str | None:
    """The sha256 of the file at `path`, None when there is none ("" for something that is not a file)."""
    if not os.path.lexists(path):
        return None
    if path.is_symlink() or not path.is_file():
        return ""
    return file_sha256(path) or ""


def place(tmp: str, target: Path, expect: str | None) -> None:
    """Move the finished temporary file `tmp` to `target`, never over a file argmine did not write.

    `expect` is the hash of argmine's own file being replaced, or None when there must be none. A new
    output is hard-linked into place, which fails if a file appeared meanwhile (no check-then-write race);
    file systems without hard links get a check just before the rename.
    """
    if expect is None:
        try:
            os.link(tmp, target)
        except FileExistsError:
            raise OutputChanged(errno.EEXIST, "a file appeared there while the batch ran; argmine did not "
                                              "write it, so it is kept") from None
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV,
                                 errno.ENOSYS):
                raise
        else:
            os.unlink(tmp)
            return
    if _state(target) != expect:
        raise OutputChanged(errno.EEXIST, "the file there changed while the batch ran; argmine did not write "
                                          "it, so it is kept")
    os.replace(tmp, target)


def write_output(target: Path, payload: bytes, expect: str | None, record: Callable[[str], None]) -> None:
    """Write `payload` to `target` atomically; `record(sha256)` runs just before it is moved into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = open_temporary(target)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        record(hashlib.sha256(payload).hexdigest())
        place(tmp, target, expect)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def write_error(entry: Entry, target: Path, err: BaseException) -> str:
    """The one-line reason for an output that could not be written: the input, the file, the cause."""
    reason = err.strerror if isinstance(err, OSError) and err.strerror else one_line(err)
    return f"{entry.input}: cannot write {target}: {reason}"


class FileWriter:
    """Writes outputs atomically on a few threads: each write waits for an fsync, and they overlap well.

    Every output is entered in `record` before it is moved into place. `done(entry)` is called from the
    caller's thread (in `collect` and `close`) once an entry's output is on disk (status `ok`) or could not
    be written (status `failed`).
    """

    def __init__(self, done: Callable[[Entry], None], record: OutputRecord, threads: int = 4,
                 backlog: int = 64) -> None:
        self.done = done
        self.record = record
        self.backlog = backlog
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="argmine-write")
        self.pending: dict[Future, tuple[Entry, Target]] = {}

    def submit(self, entry: Entry, target: Target, payload: bytes) -> None:
        """Write `payload` to `target` in the background."""
        meta = {**target.meta, "words": entry.words}

        def record(sha: str) -> None:
            self.record.add(target.rel, {**meta, "sha256": sha, "replaces": target.expect})

        future = self.pool.submit(write_output, target.path, payload, target.expect, record)
        self.pending[future] = (entry, target)
        if len(self.pending) > self.backlog:
            self.collect(wait_for_one=True)

    def collect(self, wait_for_one: bool = False) -> None:
        """Record the writes that are done (waiting for at least one if asked)."""
        if wait_for_one and self.pending:
            wait(list(self.pending), return_when=FIRST_COMPLETED)
        for future in [f for f in self.pending if f.done()]:
            entry, target = self.pending.pop(future)
            err = future.exception()
            if err is None:
                self.record.written(target.rel)
                entry.status, entry.reason = "ok", ""
            else:
                entry.status, entry.reason = "failed", write_error(entry, target.path, err)
            self.done(entry)

    def close(self, cancel: bool = False) -> None:
        """Finish the writes and record them (with `cancel`: drop the queued ones, record nothing)."""
        self.pool.shutdown(wait=True, cancel_futures=cancel)
        if not cancel:
            self.collect()


class LineSink:
    """JSON Lines in input order: to stdout as results come, or to a file moved into place at the end.

    For a file, `expect` is the hash of argmine's own earlier file being replaced (None: there is none),
    and `record(sha256)` enters the new file in the folder's record just before it is moved into place.
    """

    def __init__(self, target: Path | None, order: Iterable[int], expect: str | None = None,
                 record: Callable[[str], None] | None = None) -> None:
        self.target = target
        self.expect = expect
        self.record = record
        self.digest = hashlib.sha256()
        self.pending: dict[int, bytes | None] = {}
        self.order: Iterator[int] = iter(order)
        self.next: int | None = next(self.order, None)
        self._tmp: str | None = None
        self.stream: BinaryIO
        if target is None:
            self.stream = sys.stdout.buffer
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temps([target])  # the folder's lock is held: no other run's temporary file
            fd, self._tmp = open_temporary(target)
            self.stream = os.fdopen(fd, "wb")

    def put(self, index: int, line: bytes | None) -> None:
        """Hold `line` (None: the input failed) until every earlier input's line is out."""
        self.pending[index] = line
        while self.next is not None and self.next in self.pending:
            out = self.pending.pop(self.next)
            if out is not None:
                self.stream.write(out)
                self.digest.update(out)
            self.next = next(self.order, None)
        self.stream.flush()

    def close(self) -> None:
        """For a file: make it durable, record it and move it into place."""
        self.stream.flush()
        if self._tmp is not None:
            assert self.target is not None
            os.fsync(self.stream.fileno())
            self.stream.close()
            if self.record is not None:
                self.record(self.digest.hexdigest())
            place(self._tmp, self.target, self.expect)
            self._tmp = None

    def abort(self) -> None:
        """Remove the unfinished file (stdout keeps what was already written)."""
        if self._tmp is not None:
            try:
                self.stream.close()
            except OSError:
                pass
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None
