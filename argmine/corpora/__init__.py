"""Corpus readers: every public corpus and the project JSON format into `ArgumentMap`s.

`read_corpus(kind, path, split)` dispatches to the reader registered for `kind` in `CORPORA`; every reader
returns maps whose `source` names the corpus, split and document (e.g. "aae:train:12"), and raises a
`CorpusError` (usage: unknown kind, missing path, bad split) or `CorpusFormatError` (a malformed file,
named in the message). `corpus_stats` counts what the maps hold.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from argmine.argmap import ArgumentMap
from argmine.corpora.aae import read_aae
from argmine.corpora.cdcp import read_cdcp
from argmine.corpora.editorials import read_editorials
from argmine.corpora.errors import CorpusError, CorpusFormatError, existing_path
from argmine.corpora.microtexts import kfold_split, read_microtexts
from argmine.corpora.project import read_project
from argmine.corpora.stats import corpus_stats

Reader = Callable[..., list[ArgumentMap]]

CORPORA: dict[str, Reader] = {
    "aae": read_aae,
    "microtexts": read_microtexts,
    "cdcp": read_cdcp,
    "editorials": read_editorials,
    "json": read_project,
}


def read_corpus(kind: str, path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read the corpus of `kind` (a key of `CORPORA`) at `path`, restricted to `split` if given."""
    reader = CORPORA.get(kind)
    if reader is None:
        raise CorpusError(f"unknown corpus kind {kind!r}; choose one of {', '.join(CORPORA)}")
    existing_path(path, kind)
    return reader(path, split)


__all__ = [
    "CORPORA",
    "CorpusError",
    "CorpusFormatError",
    "corpus_stats",
    "kfold_split",
    "read_aae",
    "read_cdcp",
    "read_corpus",
    "read_editorials",
    "read_microtexts",
    "read_project",
]
