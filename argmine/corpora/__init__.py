"""Corpus readers: every public corpus and the project JSON format into `ArgumentMap`s.

`read_corpus(kind, path, split)` dispatches to the reader registered for `kind` in `CORPORA`; every reader
returns maps whose `source` names the corpus, split and document (e.g. "aae:train:12"), and raises a
`CorpusError` (usage: unknown kind, missing path, bad split) or `CorpusFormatError` (a malformed file,
named in the message). `corpus_stats` counts what the maps hold.

Graph attributes a reader may set on each map (`amap.graph.graph`): `original` (the corpus's own label and
relation counts), `unit_labels` (`{unit id: the corpus's label}`), `skipped` (`{reason: n}`: annotation a
map cannot hold, such as implicit claims) and `group`, the cross-validation group: documents of one group
(threads of one Reddit original post, the files of one CMV-units folder, the evidence of one IBM motion)
must never be split across folds. `map_group(amap)` reads it (a map without one is its own group),
`document_groups(maps)` gives (group, map) pairs, and `kfold_split` and the readers' `fold<i>of5` /
`train<i>of5` splits deal whole groups.
"""

from __future__ import annotations

import os
from collections.abc import Callable

from argmine.argmap import ArgumentMap
from argmine.corpora.aae import read_aae
from argmine.corpora.cdcp import read_cdcp
from argmine.corpora.cmv_modes import read_cmv_modes
from argmine.corpora.cmv_units import read_cmv_units
from argmine.corpora.editorials import read_editorials
from argmine.corpora.errors import CorpusError, CorpusFormatError, existing_path
from argmine.corpora.folds import document_groups, kfold_split, map_group
from argmine.corpora.ibm_evidence import read_ibm_evidence
from argmine.corpora.microtexts import read_microtexts
from argmine.corpora.project import read_project
from argmine.corpora.stats import corpus_stats
from argmine.corpora.suggestbot import read_suggestbot
from argmine.corpora.webdiscourse import read_webdiscourse

Reader = Callable[..., list[ArgumentMap]]


def read_editorials_standoff(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """The stand-off annotations of the Webis editorials (`argmine.corpora.standoff.read_editorials_standoff`)."""
    # Imported here, not at the top: `python -m argmine.corpora.standoff` must not find its module already
    # imported by this package (runpy would warn and run a second copy).
    from argmine.corpora.standoff import read_editorials_standoff as read

    return read(path, split)


CORPORA: dict[str, Reader] = {
    "aae": read_aae,
    "microtexts": read_microtexts,
    "cdcp": read_cdcp,
    "editorials": read_editorials,
    "editorials-standoff": read_editorials_standoff,
    "webdiscourse": read_webdiscourse,
    "cmv-modes": read_cmv_modes,
    "cmv-units": read_cmv_units,
    "ibm-evidence": read_ibm_evidence,
    "suggestbot": read_suggestbot,
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
    "document_groups",
    "kfold_split",
    "map_group",
    "read_aae",
    "read_cdcp",
    "read_cmv_modes",
    "read_cmv_units",
    "read_corpus",
    "read_editorials",
    "read_editorials_standoff",
    "read_ibm_evidence",
    "read_microtexts",
    "read_project",
    "read_suggestbot",
    "read_webdiscourse",
]
