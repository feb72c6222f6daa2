"""The project's own corpus: argument maps in argmine JSON (`argmine.export.json`), one file per document."""

from __future__ import annotations

import os
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError
from argmine.corpora.errors import CorpusError, CorpusFormatError, existing_path
from argmine.corpora.folds import check_fold_split, fold_split
from argmine.export.json import read_json


def read_project(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read one argmine JSON file, or every `*.json` of a folder sorted by file name; `split` None for all, or
    a cross-validation fold (`fold<i>of5`, `train<i>of5`: `argmine.corpora.folds`).

    A map without a `source` gets `json:<file name>`.
    """
    path = existing_path(path, "argmine JSON")
    check_fold_split(split, "the argmine JSON corpus")
    files = sorted(path.glob("*.json")) if path.is_dir() else [path]
    if not files:
        raise CorpusError(f"no *.json files in {path}")
    return fold_split([_read_one(f) for f in files], split)


def _read_one(path: Path) -> ArgumentMap:
    try:
        amap = read_json(path)
    except (MapError, UnicodeDecodeError) as err:
        raise CorpusFormatError(f"{path}: {err}") from None
    if not amap.source:
        # Every map should say where it came from, so that errors and scores can be traced to a file.
        amap.graph.graph["source"] = f"json:{path.name}"
    return amap
