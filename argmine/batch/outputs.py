"""Where results go: one file per input (atomic writes on a few threads) or one JSON Lines stream."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import BinaryIO

from argmine.batch.report import Entry
from argmine.batch.work import one_line
from argmine.export.atomic import open_temporary, write_atomic

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


class FileWriter:
    """Writes outputs atomically on a few threads: each write waits for an fsync, and they overlap well.

    `done(entry)` is called from the caller's thread (in `collect` and `close`) once an entry's output is on
    disk (status `ok`) or could not be written (status `failed`).
    """

    def __init__(self, done: Callable[[Entry], None], threads: int = 4, backlog: int = 64) -> None:
        self.done = done
        self.backlog = backlog
        self.pool = ThreadPoolExecutor(threads, thread_name_prefix="argmine-write")
        self.pending: dict[Future, Entry] = {}

    def submit(self, entry: Entry, target: Path, payload: bytes) -> None:
        """Write `payload` to `target` in the background."""
        self.pending[self.pool.submit(_write, target, payload)] = entry
        if len(self.pending) > self.backlog:
            self.collect(wait_for_one=True)

    def collect(self, wait_for_one: bool = False) -> None:
        """Record the writes that are done (waiting for at least one if asked)."""
        if wait_for_one and self.pending:
            wait(list(self.pending), return_when=FIRST_COMPLETED)
        for future in [f for f in self.pending if f.done()]:
            entry = self.pending.pop(future)
            err = future.exception()
            if err is None:
                entry.status, entry.reason = "ok", ""
            else:
                reason = err.strerror if isinstance(err, OSError) and err.strerror else one_line(err)
                entry.status, entry.reason = "failed", f"cannot write {entry.output}: {reason}"
            self.done(entry)

    def close(self, cancel: bool = False) -> None:
        """Finish the writes and record them (with `cancel`: drop the queued ones, record nothing)."""
        self.pool.shutdown(wait=True, cancel_futures=cancel)
        if not cancel:
            self.collect()


def _write(target: Path, payload: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, payload)


class LineSink:
    """JSON Lines in input order: to stdout as results come, or to a file moved into place at the end."""

    def __init__(self, target: Path | None, order: Iterable[int]) -> None:
        self.target = target
        self.pending: dict[int, bytes | None] = {}
        self.order: Iterator[int] = iter(order)
        self.next: int | None = next(self.order, None)
        self._tmp: str | None = None
        self.stream: BinaryIO
        if target is None:
            self.stream = sys.stdout.buffer
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            remove_stale_temps([target])
            fd, self._tmp = open_temporary(target)
            self.stream = os.fdopen(fd, "wb")

    def put(self, index: int, line: bytes | None) -> None:
        """Hold `line` (None: the input failed) until every earlier input's line is out."""
        self.pending[index] = line
        while self.next is not None and self.next in self.pending:
            out = self.pending.pop(self.next)
            if out is not None:
                self.stream.write(out)
            self.next = next(self.order, None)
        self.stream.flush()

    def close(self) -> None:
        """For a file: make it durable and move it into place."""
        self.stream.flush()
        if self._tmp is not None:
            assert self.target is not None
            os.fsync(self.stream.fileno())
            self.stream.close()
            os.replace(self._tmp, self.target)
            self._tmp = None

    def abort(self) -> None:
        """Remove the unfinished file (stdout keeps what was already written)."""
        if self._tmp is not None:
            self.stream.close()
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
            self._tmp = None
