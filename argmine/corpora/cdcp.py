"""Reader for CDCP (Park & Cardie 2018), the Cornell eRulemaking comments annotated with propositions.

`{train,test}/NNNNN.txt` holds a comment and `NNNNN.ann.json` its propositions (`prop_offsets`,
`prop_labels`) and links: `reasons` and `evidences`, each `[[first, last], target]` — propositions `first`
to `last` together support `target`.

Mapping: policy -> claim; value -> claim when something supports it and it supports nothing, premise
otherwise; fact -> premise; testimony -> evidence (testimony); reference -> evidence (untyped). Every
proposition of a source range supports the target. The published count of 1,221 links counts each
`[range, target]` entry once; our relations expand ranges and merge repeats, so they number more.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError, Relation, Unit
from argmine.corpora.errors import CorpusError, CorpusFormatError, check_split, existing_path
from argmine.corpora.stats import set_original
from argmine.read.layout import ParagraphIndex

SPLITS = ("train", "test")
_LABELS = ("fact", "testimony", "value", "policy", "reference")


def read_cdcp(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read the CDCP folder: comments of `split` ("train" or "test"), or both for None, sorted by id."""
    root = existing_path(path, "CDCP")
    check_split(split, (None, *SPLITS), "CDCP")
    maps = []
    for name in SPLITS if split is None else (split,):
        folder = root / name
        if not folder.is_dir():
            raise CorpusError(f"not a CDCP folder: {folder} is missing")
        for ann in sorted(folder.glob("*.ann.json")):
            maps.append(_read_comment(ann, name))
    return maps


def _read_comment(ann: Path, split: str) -> ArgumentMap:
    comment_id = ann.name.removesuffix(".ann.json")
    txt = ann.with_name(f"{comment_id}.txt")
    try:
        text = txt.read_text(encoding="utf-8")
        data = json.loads(ann.read_text(encoding="utf-8"))
        return _comment_map(text, data, f"cdcp:{split}:{comment_id}")
    except FileNotFoundError:
        raise CorpusFormatError(f"{ann}: its text {txt.name} is missing") from None
    except json.JSONDecodeError as err:
        raise CorpusFormatError(f"{ann}: not valid JSON: {err}") from None
    except (KeyError, TypeError, ValueError, IndexError) as err:
        if isinstance(err, CorpusError):
            raise
        detail = str(err) if isinstance(err, MapError) else f"{type(err).__name__}: {err}"
        raise CorpusFormatError(f"{ann}: {detail}") from None


def _comment_map(text: str, data: dict, source: str) -> ArgumentMap:
    offsets = data["prop_offsets"]
    labels = data["prop_labels"]
    if len(offsets) != len(labels):
        raise ValueError(f"{len(offsets)} prop_offsets but {len(labels)} prop_labels")
    links: list[tuple[int, int]] = []
    original_links: Counter[str] = Counter()
    for key, name in (("reasons", "reason"), ("evidences", "evidence")):
        for (first, last), target in data.get(key, []):
            original_links[name] += 1
            for src in range(first, last + 1):
                links.append((src, target))
    for src, target in links:
        if not (0 <= src < len(labels) and 0 <= target < len(labels)):
            raise ValueError(f"link {src} -> {target} refers to a proposition that does not exist")
    sources = {src for src, _ in links}
    targets = {target for _, target in links}

    paragraph_of = ParagraphIndex(text)
    units = []
    for i, ((start, end), label) in enumerate(zip(offsets, labels)):
        span = text[start:end]
        if not 0 <= start < end <= len(text) or not span.strip():
            raise ValueError(f"proposition {i} has offsets {start}:{end} outside the text or over blank text")
        start += len(span) - len(span.lstrip())
        end -= len(span) - len(span.rstrip())
        evidence_type = ""
        if label == "policy":
            kind = "claim"
        elif label == "value":
            kind = "claim" if i in targets and i not in sources else "premise"
        elif label == "fact":
            kind = "premise"
        elif label == "testimony":
            kind, evidence_type = "evidence", "testimony"
        elif label == "reference":
            kind = "evidence"
        else:
            expected = ", ".join(_LABELS)
            raise ValueError(f"proposition {i} has unknown label {label!r} (expected one of {expected})")
        units.append(Unit(f"P{i}", start, end, kind, evidence_type, "", paragraph_of(start)))
    relations = [Relation(f"P{s}", f"P{t}", "support") for s, t in dict.fromkeys(links)]
    amap = ArgumentMap(text, units, relations, source=source)
    set_original(amap, Counter(labels), original_links)
    return amap
