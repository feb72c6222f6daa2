"""argmine's record of what it wrote in a folder, and the lock that gives one run a folder at a time.

`OUTDIR/.argmine-outputs.jsonl` holds, for every output argmine wrote there, the sha256 of the bytes it
wrote, the input (path, or `file:line` of a JSONL record) and the sha256 of its content, the model and the
hash of its manifest (for the rule baseline, of its code), argmine's version, and the options that change
a map (format, html, max_chars, and min_score when one was given). It is what makes two promises checkable:

- argmine never writes over a file it did not create: an existing file is replaced only when the record
  says argmine wrote exactly these bytes there (a gold `.json` beside a `.txt`, or a map the user edited,
  is not argmine's, whatever its age);
- resume skips an output only when everything that made it still matches (same input bytes, model,
  version and options), never because a file is newer.

The file is one JSON object per line: a header, then records, the last one for an output winning. A run
appends a record *before* it renames an output into place, so a kill at any moment leaves every output
on disk recorded; at the start and the end of a run the file is rewritten (atomically) with one line per
output. A torn last line (a kill mid-append) is ignored.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sys
import threading
from pathlib import Path

from argmine.batch.errors import BatchUsageError
from argmine.export.atomic import write_atomic

RECORD_NAME = ".argmine-outputs.jsonl"
RECORD_FORMAT = "argmine-outputs/1"
LOCK_NAME = ".argmine.lock"
_CHUNK = 1 << 20


def dumps(data: object) -> bytes:
    """JSON as UTF-8 for argmine's own files; lone surrogates (a JSONL id `"\\ud800"`, a file name with
    undecodable bytes) become `\\udXXX` escapes, which is what JSON writes for them, never an error."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")


def file_sha256(path: str | os.PathLike, limit: int | None = None) -> str | None:
    """The sha256 of a regular file's bytes; None when it cannot be read or is over `limit` bytes."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            if limit is not None and os.fstat(fh.fileno()).st_size > limit:
                return None
            while chunk := fh.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def model_identity(where: Path | str) -> dict:
    """What identifies the model a map came from: its name, the hash of its manifest, argmine's version.

    A model folder's `manifest.json` lists the sha256 of every file and is checked when the model loads,
    so its hash stands for the whole model. The rule baseline is code: the hash of its modules.
    """
    import argmine
    from argmine.batch.plan import model_name
    from argmine.nlp.models import RULES

    digest = hashlib.sha256()
    if where == RULES:
        import argmine.nlp

        for path in sorted(Path(argmine.nlp.__file__).parent.glob("*.py")):
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    else:
        try:
            digest.update((Path(where) / "manifest.json").read_bytes())
        except OSError:
            pass  # loading refuses a model without a manifest; nothing will be recorded for it
    return {"model": model_name(where), "model_sha256": digest.hexdigest(), "argmine": argmine.__version__}


class OutputRecord:
    """The record of one folder (see the module's docstring); `add` is safe from several threads."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / RECORD_NAME
        self.entries: dict[str, dict] = {}
        self._fd: int | None = None
        self._lock = threading.Lock()

    def load(self) -> OutputRecord:
        """Read the record (none yet: empty); a file of that name that is not one is a usage error."""
        try:
            fh = open(self.path, "rb")
        except FileNotFoundError:
            return self
        except OSError as err:
            raise BatchUsageError(f"{self.path}: cannot read argmine's record of outputs ({err.strerror})") from None
        with fh:
            lines = iter(fh)
            try:
                header = json.loads(next(lines, b"{}"))
            except ValueError:
                header = None
            if not isinstance(header, dict) or header.get("format") != RECORD_FORMAT:
                raise BatchUsageError(f"{self.path}: exists and is not argmine's record of outputs "
                                      f"({RECORD_FORMAT}); move it away")
            for raw in lines:
                try:
                    data = json.loads(raw)
                except ValueError:
                    continue  # a line torn by a kill: that write was not finished
                if isinstance(data, dict) and isinstance(data.get("output"), str):
                    self.entries[data["output"]] = data
        return self

    def get(self, rel: str) -> dict | None:
        return self.entries.get(rel)

    def owns(self, rel: str, sha: str | None) -> bool:
        """Whether argmine wrote the bytes with hash `sha` at `rel` (or was replacing them when killed)."""
        data = self.entries.get(rel)
        return sha is not None and data is not None and sha in (data.get("sha256"), data.get("replaces"))

    def begin(self) -> None:
        """Compact the record and open it for appending (call with the folder's lock held)."""
        self._compact()
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)

    def add(self, rel: str, data: dict) -> None:
        """Record an output about to be moved into place; raises OSError when that cannot be recorded."""
        data = {"output": rel, **data}
        line = dumps(data) + b"\n"
        with self._lock:
            if self._fd is None:
                raise OSError(errno.EBADF, "the record of outputs is not open")
            written = os.write(self._fd, line)
            if written != len(line):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            self.entries[rel] = data

    def written(self, rel: str) -> None:
        """The output at `rel` is now in place: only its new bytes are argmine's."""
        with self._lock:
            data = self.entries.get(rel)
            if data is not None:
                data.pop("replaces", None)

    def finish(self) -> None:
        """Close the journal and rewrite the record with one line per output (atomically)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._compact()

    def _compact(self) -> None:
        lines = [dumps({"format": RECORD_FORMAT})]
        lines += [dumps(self.entries[rel]) for rel in sorted(self.entries)]
        write_atomic(self.path, b"\n".join(lines) + b"\n")


class FolderLock:
    """One argmine run per output folder: `OUTDIR/.argmine.lock`, held with `flock` while the run lasts.

    The kernel releases a `flock` when its process dies, so the lock of a killed run never blocks the next
    one. Where `flock` does not exist (Windows) the file holds the owner's pid, and a lock whose process is
    gone is taken over.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> FolderLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def _busy(self, pid: str) -> BatchUsageError:
        who = f"pid {pid}" if pid else "another process"
        return BatchUsageError(f"{self.folder}: another argmine batch ({who}) is writing here (lock {self.path}); "
                               "wait for it to finish, or write elsewhere")

    def acquire(self) -> None:
        try:
            import fcntl
        except ImportError:
            return self._acquire_pidfile()
        for _ in range(20):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as err:
                raise BatchUsageError(f"{self.path}: cannot create the lock ({err.strerror})") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                pid = os.read(fd, 32).decode("ascii", "replace").strip()
                os.close(fd)
                raise self._busy(pid) from None
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if not same:  # the run we waited for removed the file as we opened it: take the new one
                os.close(fd)
                continue
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
            self._fd = fd
            return
        raise self._busy("")

    def _acquire_pidfile(self) -> None:
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                try:
                    pid = self.path.read_text(encoding="ascii").strip()
                except (OSError, ValueError):
                    pid = ""
                if pid.isdigit() and not _alive(int(pid)):
                    self.path.unlink(missing_ok=True)  # its run was killed
                    continue
                raise self._busy(pid) from None
            os.write(fd, f"{os.getpid()}\n".encode())
            self._fd = fd
            return
        raise self._busy("")

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.unlink(self.path)  # while still holding it: a run that opened it meanwhile retries
        except OSError:
            pass
        os.close(self._fd)
        self._fd = None


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True  # cannot tell cheaply; never steal a lock that may be live
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
