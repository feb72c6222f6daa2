"""The project's own corpus: argument maps in argmine JSON (`argmine.export.json`), one file per document."""

from __future__ import annotations

import os
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError
from argmine.corpora.errors import CorpusError, CorpusFormatError, check_split, existing_path
from argmine.export.json import read_json


def read_project(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read one argmine JSON file, or every `*.json` of a folder sorted by file name (only split None).

    A map without a `source` gets `json:<file name>`.
    """
    path = existing_path(path, "argmine JSON")
    check_split(split, (None,), "the argmine JSON corpus")
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise CorpusError(f"no *.json files in {path}")
    return [_read_one(f) for f in files]


def _read_one(path: Path) -> ArgumentMap:
    try:
        amap = read_json(path)
    except (MapError, UnicodeDecodeError) as err:
        raise CorpusFormatError(f"{path}: {err}") from None
    if not amap.source:
        # Every map should say where it came from, so that errors and scores can be traced to a file.
        amap.graph.graph["source"] = f"json:{path.name}"
    return amap
