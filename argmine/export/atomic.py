"""Atomic file writes: a reader (or a kill) never sees a half-written output."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable
from pathlib import Path


def _current_umask() -> int:
    umask = os.umask(0)  # the only portable way to read it is to set it
    os.umask(umask)
    return umask


# Read once, at import: setting the umask even for an instant would race with threads creating files.
_UMASK = _current_umask()


def open_temporary(path: Path) -> tuple[int, str]:
    """A temporary file next to `path` for an atomic write, with the permissions a plain `open` would give:
    mkstemp makes it private (0600), and the rename would carry that onto the output."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)  # an existing output keeps its permissions
    except OSError:
        mode = 0o666 & ~_UMASK
    os.fchmod(fd, mode)
    return fd, tmp


def write_atomic(path: str | os.PathLike, data: str | bytes | Iterable[str | bytes]) -> None:
    """Write `data` (or its chunks, in order) to `path` via a temporary file in the same folder and an atomic
    rename; a chunk that fails to come leaves `path` as it was."""
    path = Path(path)
    chunks = (data,) if isinstance(data, (str, bytes, bytearray, memoryview)) else data
    fd, tmp = open_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk.encode("utf-8") if isinstance(chunk, str) else chunk)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
