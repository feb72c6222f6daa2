"""Reader for the Webis editorials corpus (Al-Khatib et al. 2016): one unit type per text segment.

Each `{aljazeera,foxnews}/*.json` is `{"paragraphs": [[{"number", "text", "label"}, ...], ...]}`. Segments
join with one space, except that punctuation-only segments ("." "," ";") attach to what precedes them and
segments that already carry their own edge whitespace get no extra space; dash and bracket segments ("-",
"--", "[...]") keep their spaces, as in running text. Paragraphs join with a blank line; the title paragraph
is text but not a unit.

Mapping: assumption -> claim; common-ground -> premise; statistics / testimony / anecdote -> evidence of
that type; other, no-unit and title are not units. The corpus annotates no relations.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError, Unit
from argmine.corpora.errors import CorpusError, CorpusFormatError, check_split, existing_path
from argmine.corpora.stats import set_original
from argmine.read.layout import ParagraphIndex

SPLITS = ("aljazeera", "foxnews")
LABELS = ("assumption", "anecdote", "testimony", "statistics", "common-ground", "other", "no-unit", "title")
_KINDS = {
    "assumption": ("claim", ""),
    "common-ground": ("premise", ""),
    "statistics": ("evidence", "statistics"),
    "testimony": ("evidence", "testimony"),
    "anecdote": ("evidence", "anecdote"),
}
_SPACED_PUNCT = frozenset("-–—([{*")


def read_editorials(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read the editorials of `split` ("aljazeera" or "foxnews"), or both for None, sorted by file name."""
    root = existing_path(path, "editorials")
    check_split(split, (None, *SPLITS), "editorials")
    maps: list[ArgumentMap] = []
    for name in SPLITS if split is None else (split,):
        folder = root / name
        if not folder.is_dir():
            raise CorpusError(f"not a Webis editorials folder: {folder} is missing")
        maps.extend(read_editorial(f, name) for f in sorted(folder.glob("*.json")))
    return maps


def join_segments(paragraphs: list[list[str]]) -> tuple[str, list[list[tuple[int, int]]]]:
    """The editorial text and each segment's (start, end) in it, paragraph by paragraph."""
    pieces: list[str] = []
    spans: list[list[tuple[int, int]]] = []
    pos = 0
    for p, segments in enumerate(paragraphs):
        if p:
            pieces.append("\n\n")
            pos += 2
        spans.append([])
        prev = ""
        for s, segment in enumerate(segments):
            if s and _needs_space(prev, segment):
                pieces.append(" ")
                pos += 1
            pieces.append(segment)
            spans[-1].append((pos, pos + len(segment)))
            pos += len(segment)
            prev = segment or prev
    return "".join(pieces), spans


def _needs_space(prev: str, segment: str) -> bool:
    if not prev or not segment or prev[-1].isspace() or segment[0].isspace():
        return False
    punct_only = not any(ch.isalnum() for ch in segment)
    return not punct_only or segment[0] in _SPACED_PUNCT


def read_editorial(path: Path, split: str) -> ArgumentMap:
    """The map of one editorial file of `split` (the stand-off annotations read their texts through it)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return _editorial_map(data, f"editorials:{split}:{path.stem}")
    except json.JSONDecodeError as err:
        raise CorpusFormatError(f"{path}: not valid JSON: {err}") from None
    except (KeyError, TypeError, ValueError, AttributeError) as err:
        if isinstance(err, CorpusError):
            raise
        detail = str(err) if isinstance(err, MapError) else f"{type(err).__name__}: {err}"
        raise CorpusFormatError(f"{path}: not a Webis editorial: {detail}") from None


def _editorial_map(data: dict, source: str) -> ArgumentMap:
    paragraphs = data["paragraphs"]
    if not isinstance(paragraphs, list):
        raise ValueError("`paragraphs` is not a list")
    text, spans = join_segments([[str(seg["text"]) for seg in par] for par in paragraphs])
    paragraph_of = ParagraphIndex(text)
    units = []
    labels: Counter[str] = Counter()
    for par, par_spans in zip(paragraphs, spans):
        for seg, (start, end) in zip(par, par_spans):
            label = seg["label"]
            if label not in LABELS:
                raise ValueError(f"segment {seg.get('number')} has unknown label {label!r}")
            labels[label] += 1
            if label not in _KINDS:
                continue
            segment = text[start:end]
            if not segment.strip():
                raise ValueError(f"segment {seg.get('number')} ({label}) is blank")
            start += len(segment) - len(segment.lstrip())
            end -= len(segment) - len(segment.rstrip())
            kind, evidence_type = _KINDS[label]
            units.append(Unit(f"S{seg['number']}", start, end, kind, evidence_type, "", paragraph_of(start)))
    amap = ArgumentMap(text, units, source=source)
    set_original(amap, labels, {})
    return amap
