"""JSON Lines: one argument map per line, the `json` format compacted, for pipelines (`argmine batch -f jsonl`).

A file holds many maps, so `argmine.export.read` (one map per file) does not read it: `read_jsonl` does.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from typing import BinaryIO

from argmine.argmap import ArgumentMap, MapError
from argmine.export.atomic import write_atomic
from argmine.export.json import from_json, node_link
from argmine.export.readback import MAX_MAP_BYTES, check_size

SUFFIX = ".jsonl"


def to_jsonl(amap: ArgumentMap) -> str:
    """`amap` in the project JSON format on one line (compact separators), ending with a newline."""
    return json.dumps(node_link(amap), ensure_ascii=False, separators=(",", ":")) + "\n"


def write_jsonl(maps: Iterable[ArgumentMap], path: str | os.PathLike) -> None:
    """Write `maps` to `path`, one per line in order, atomically (streamed: the maps need not fit in memory)."""
    write_atomic(path, (to_jsonl(amap) for amap in maps))


def from_jsonl(data: str | bytes, *, max_bytes: int | None = MAX_MAP_BYTES) -> ArgumentMap:
    """Parse one line written by `to_jsonl` (exactly one map; use `read_jsonl` for a file of many)."""
    check_size(data, max_bytes, "the record")
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as err:
        raise MapError(f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    # Only "\n" ends a JSON Lines record; `splitlines` would also split at U+2028 or U+0085, which a JSON
    # string may hold unescaped.
    lines = [line for line in text.split("\n") if line.strip()]
    if len(lines) != 1:
        raise MapError(f"expected one JSON map on one line, found {len(lines)} lines; use read_jsonl")
    return from_json(lines[0], max_bytes=None)


def read_jsonl(path: str | os.PathLike, *, max_bytes: int | None = MAX_MAP_BYTES) -> Iterator[ArgumentMap]:
    """The maps of a JSON Lines file, in file order (blank lines ignored). A record over `max_bytes` is
    refused before it is read whole; every error names the file and line."""
    with open(path, "rb") as fh:
        for lineno, line in enumerate(_records(fh, max_bytes), start=1):
            if line is None:
                raise MapError(f"{path}:{lineno}: a record of more than {max_bytes:,} bytes; too large to read back")
            if line.strip():
                try:
                    yield from_json(line, max_bytes=None)
                except MapError as err:
                    raise MapError(f"{path}:{lineno}: {err}") from None


def _records(fh: BinaryIO, max_bytes: int | None) -> Iterator[bytes | None]:
    """The lines of `fh`, each read with at most `max_bytes` (+1 for the newline) in memory; None for a line
    that is longer."""
    limit = -1 if max_bytes is None else max_bytes + 1
    while True:
        line = fh.readline(limit)
        if not line:
            return
        if max_bytes is not None and len(line) > max_bytes and not line.endswith(b"\n"):
            yield None
            return
        yield line
