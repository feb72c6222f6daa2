"""CMV elementary units (Egawa et al. 2019; Morio et al. 2019): r/ChangeMyView discussions in brat,
`dataset/brat_fromat/NNN/{op,positive,negative}.{txt,ann}` (T lines only: this copy has no relations).

Each folder is one discussion: `op` the original post, `positive` / `negative` the reply thread that did /
did not win a delta. Every file is one map (`cmv-units:NNN:op`, ...), its text exactly as read, header
lines (`op_id: N`, `op_title: ...`) included; offsets are characters (read by `argmine.corpora.brat`).

Mapping: Major_Claim (the op_title) -> major_claim; Policy, Value -> claim (a course of action, a value
judgement: what a writer argues for; without relations there is no structure to tell a value that is argued
for from one that argues, as the CDCP reader does); Fact, Rhetorical_Statement -> premise (a verifiable
statement fits none of the evidence types, as CDCP's fact); Testimony -> evidence of type anecdote (Egawa
et al. define it as the writer's own experience, which is what the project's `anecdote` means; `testimony`
is the word of an expert or witness. The CDCP reader maps CDCP's testimony, defined the same way, to
`testimony`: one of the two should follow the other). The unit labels stay in `unit_labels`.

Groups: the three files of a folder share the original post, so a map's `group` is its folder
(`cmv-units:NNN`); the `fold<i>of5` / `train<i>of5` splits keep a folder in one fold. Graph attributes:
`part` (op, positive, negative) and `op_id` (from the `op_id:` line).
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError, Unit
from argmine.corpora.brat import BratDocument, read_brat
from argmine.corpora.errors import CorpusError, CorpusFormatError, Malformed, existing_path
from argmine.corpora.folds import check_fold_split, fold_split, set_group
from argmine.corpora.stats import set_original, set_unit_labels
from argmine.read.layout import ParagraphIndex

PARTS = ("op", "positive", "negative")
LABELS = {
    "Major_Claim": ("major_claim", ""),
    "Policy": ("claim", ""),
    "Value": ("claim", ""),
    "Fact": ("premise", ""),
    "Rhetorical_Statement": ("premise", ""),
    "Testimony": ("evidence", "anecdote"),
}
_OP_ID = re.compile(r"\Aop_id:[ \t]*(\S+)")


def read_cmv_units(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read the CMV-units corpus (its folder, `dataset/` or `dataset/brat_fromat/`): folders by number, in
    each op, positive, negative. `split` is None or a fold name (`fold<i>of5`/`train<i>of5`, by folder)."""
    root = existing_path(path, "CMV units")
    check_fold_split(split, "CMV units")
    for candidate in (root / "dataset" / "brat_fromat", root / "brat_fromat", root):
        if candidate.is_dir():
            folders = sorted(d for d in candidate.iterdir() if d.is_dir() and d.name.isdigit())
            if folders:
                break
    else:
        raise CorpusError(f"not a CMV units folder: no numbered discussion folders in {root}")
    maps = [_read_part(folder, part) for folder in folders for part in PARTS]
    return fold_split(maps, split)


def _read_part(folder: Path, part: str) -> ArgumentMap:
    ann = folder / f"{part}.ann"
    try:
        text = (folder / f"{part}.txt").read_text(encoding="utf-8")
        amap = _part_map(read_brat(ann, text), text, f"cmv-units:{folder.name}:{part}")
    except FileNotFoundError as err:
        raise CorpusFormatError(f"{folder}: {Path(err.filename).name} is missing") from None
    except UnicodeDecodeError as err:
        raise CorpusFormatError(f"{folder / f'{part}.txt'}: not UTF-8 text: {err}") from None
    except (Malformed, MapError) as err:
        raise CorpusFormatError(f"{ann}: {err}") from None
    set_group(amap, f"cmv-units:{folder.name}")
    amap.graph.graph["part"] = part
    op_id = _OP_ID.match(text)
    amap.graph.graph["op_id"] = op_id.group(1) if op_id else ""
    return amap


def _part_map(doc: BratDocument, text: str, source: str) -> ArgumentMap:
    if doc.relations:
        raise Malformed("has relation (R) lines; this reader knows the corpus without relations")
    paragraph_of = ParagraphIndex(text)
    units = []
    for tid, span in doc.spans.items():
        if span.label not in LABELS:
            raise Malformed(f"{tid} has label {span.label!r}, not one of {', '.join(LABELS)}")
        kind, evidence_type = LABELS[span.label]
        units.append(Unit(tid, span.start, span.end, kind, evidence_type, "", paragraph_of(span.start)))
    amap = ArgumentMap(text, units, source=source)
    set_original(amap, Counter(s.label for s in doc.spans.values()), {})
    set_unit_labels(amap, {tid: s.label for tid, s in doc.spans.items()})
    return amap
