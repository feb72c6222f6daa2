"""KIXLAB suggestbot evidence dataset (over Internet Argument Corpus 2.0 forum posts): web evidence that
crowd workers found for forum sentences needing it, `additionalinfo.tsv` (one row per snippet).

The file's quirks: rows end in a bare CR; its bytes are not UTF-8 (curly quotes became mojibake), so it is
decoded as latin-1, which keeps every byte as one character and guesses nothing; commas inside quoted
fields became tabs, so it is read with a CSV reader (tab-delimited, `"` quotes), after which every row has
the twelve columns of the header, and a tab inside a field is one of those commas and is turned back into
a comma (a tab cannot otherwise be inside a field of a tab-separated file).

Each snippet is a small map (`argmine.corpora.spans.evidence_pair_map`, as for IBM evidence): the text is
the forum sentence (`arg_text`, the claim `C`), a blank line and the snippet (`info_text`, evidence `E`),
with E -support-> C for `info_stance` 1 (supports) and E -attack-> C for 2 (refutes); a row without a
stance has no relation (counted in `skipped`). `with_claim=False` gives the snippet alone. Types:
`info_type` 1 testimonial -> testimony, 2 statistical -> statistics, 3 anecdotal -> anecdote; the 7 rows
without a type are untyped evidence.

A map's `group` is the forum post (`suggestbot:<post_id>`): snippets for one post's sentences stay in one
fold of the `fold<i>of5` / `train<i>of5` splits. Graph attribute `topic`: the post's discussion topic.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter

from argmine.argmap import ArgumentMap, MapError
from argmine.corpora.errors import CorpusError, CorpusFormatError, Malformed, existing_path
from argmine.corpora.folds import check_fold_split, fold_split, set_group
from argmine.corpora.spans import evidence_pair_map
from argmine.corpora.stats import set_original, set_skipped, set_unit_labels

COLUMNS = (
    "info_id", "info_text", "info_url", "info_query", "info_type", "info_stance", "info_status", "arg_id",
    "arg_text", "arg_guideline", "post_id", "post_topic",
)
TYPES = {"1": ("testimonial", "testimony"), "2": ("statistical", "statistics"), "3": ("anecdotal", "anecdote"),
         "": ("untyped", "")}
STANCES = {"1": ("supports", "support"), "2": ("refutes", "attack"), "": ("no stance", "")}
NO_STANCE = "relation without a stance"


def read_suggestbot(
    path: str | os.PathLike, split: str | None = None, *, with_claim: bool = True
) -> list[ArgumentMap]:
    """Read `additionalinfo.tsv` (the file or its folder), snippets in file order. `split` is None or a
    fold name (`fold<i>of5`/`train<i>of5`, by forum post)."""
    path = existing_path(path, "suggestbot")
    check_fold_split(split, "suggestbot")
    tsv = path / "additionalinfo.tsv" if path.is_dir() else path
    if not tsv.is_file():
        raise CorpusError(f"not a suggestbot folder: {tsv} is missing")
    # latin-1 maps every byte to one character: nothing is lost and nothing can fail to decode.
    text = tsv.read_bytes().decode("latin-1").replace("\r\n", "\n").replace("\r", "\n")
    rows = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"')
    try:
        header = next(rows, [])
        if tuple(h.strip() for h in header) != COLUMNS:
            raise CorpusFormatError(f"{tsv}: the header is not the twelve suggestbot columns ({', '.join(COLUMNS)})")
        maps = []
        for row in rows:
            if not any(cell.strip() for cell in row):
                continue
            where = f"{tsv}: row {rows.line_num}"
            if len(row) != len(COLUMNS):
                raise CorpusFormatError(f"{where}: {len(row)} fields, expected {len(COLUMNS)}")
            try:
                maps.append(_snippet_map({c: cell.replace("\t", ",") for c, cell in zip(COLUMNS, row)}, with_claim))
            except (Malformed, MapError) as err:
                raise CorpusFormatError(f"{where}: {err}") from None
    except csv.Error as err:
        raise CorpusFormatError(f"{tsv}: row {rows.line_num}: not readable as tab-separated values: {err}") from None
    return fold_split(maps, split)


def _snippet_map(row: dict[str, str], with_claim: bool) -> ArgumentMap:
    info_type, stance = row["info_type"].strip(), row["info_stance"].strip()
    if info_type not in TYPES:
        raise Malformed(f"info_type {info_type!r} is not 1, 2, 3 or empty")
    if stance not in STANCES:
        raise Malformed(f"info_stance {stance!r} is not 1, 2 or empty")
    type_label, evidence_type = TYPES[info_type]
    stance_label, relation = STANCES[stance]
    source = f"suggestbot:{row['info_id'].strip()}"
    amap = evidence_pair_map(row["arg_text"], row["info_text"], evidence_type, relation, source, with_claim=with_claim)
    set_group(amap, f"suggestbot:{row['post_id'].strip()}")
    amap.graph.graph["topic"] = row["post_topic"].strip()
    set_original(amap, {type_label: 1}, {stance_label: 1} if with_claim else {})
    set_unit_labels(amap, {"E": type_label, **({"C": "arg_text"} if with_claim else {})})
    set_skipped(amap, Counter({NO_STANCE: int(with_claim and not relation)}))
    return amap
