"""JSON Lines: one argument map per line, the `json` format compacted, for pipelines."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator

from argmine.argmap import ArgumentMap, MapError
from argmine.export.json import from_json, to_json

SUFFIX = ".jsonl"


def to_jsonl(amap: ArgumentMap) -> str:
    """`amap` in the project JSON format on one line (compact separators), ending with a newline."""
    data = json.loads(to_json(amap))
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def from_jsonl(data: str | bytes) -> ArgumentMap:
    """Parse one line written by `to_jsonl` (exactly one map; use `read_jsonl` for a file of many)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) != 1:
        raise MapError(f"expected one JSON map on one line, found {len(lines)} lines; use read_jsonl")
    return from_json(lines[0])


def read_jsonl(path: str | os.PathLike) -> Iterator[ArgumentMap]:
    """The maps of a JSON Lines file, in file order (blank lines ignored)."""
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield from_json(line)
                except MapError as err:
                    raise MapError(f"{path}:{lineno}: {err}") from None
