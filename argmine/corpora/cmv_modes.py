"""CMV Modes v2.0 (Hidey et al. 2017; relations as in Chakrabarty et al. 2019): Reddit r/ChangeMyView
threads in brat, `v2.0/{positive,negative}/N.{txt,ann,metadata}` (positive: the reply thread won a delta).

Each `N.txt` is one thread: the title line (`CMV: ...`), the original post and one reply chain. Offsets are
read as `argmine.corpora.brat` explains (eleven files count UTF-8 bytes; four main claims are shifted onto
the line break before the title).

Mapping: main_claim (the title) -> major_claim, claim -> claim, premise -> premise; relations Arg1 -> Arg2:
support, agreement, partial_agreement, understand -> support; rebuttal, rebuttal_attack, undercutter,
undercutter_attack, partial_attack, disagreement, partial_disagreement, attack -> attack. A relation of a
unit to itself (three in the corpus) cannot be an edge: it is counted in `skipped`. The semantic types
(`A` lines: interpretation, evaluation_rational, ..., logos, pathos, ethos) are kept in the graph attribute
`semantic_types` ({unit id: type}); they are modes of persuasion, not evidence types.

Groups: the threads of one original post (2-7 of them) repeat its title and text, so a map's `group` is its
original post (`cmv-modes:<submission id>`, the first `Content` line of `N.metadata`), and the
`fold<i>of5` / `train<i>of5` splits keep each original post in one fold. Graph attributes `op_id` and
`delta` (True for positive threads) describe the thread.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError, Relation, Unit
from argmine.corpora.brat import read_brat
from argmine.corpora.errors import CorpusError, CorpusFormatError, Malformed, existing_path
from argmine.corpora.folds import check_fold_split, fold_split, set_group
from argmine.corpora.stats import set_original, set_skipped, set_unit_labels
from argmine.read.layout import ParagraphIndex

PARTS = ("positive", "negative")
_KINDS = {"main_claim": "major_claim", "claim": "claim", "premise": "premise"}
SUPPORT_TYPES = ("support", "agreement", "partial_agreement", "understand")
ATTACK_TYPES = (
    "rebuttal", "rebuttal_attack", "undercutter", "undercutter_attack", "partial_attack", "disagreement",
    "partial_disagreement", "attack",
)
_RELATIONS = {**{t: "support" for t in SUPPORT_TYPES}, **{t: "attack" for t in ATTACK_TYPES}}
SELF_RELATION = "relation of a unit to itself"
_SUBMISSION = re.compile(r"^Source \S*/comments/([0-9a-z]+)/", re.MULTILINE)


def read_cmv_modes(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read CMV Modes v2.0 (the corpus folder or its `v2.0/`): positive threads, then negative, each by
    number. `split` is None or a fold name (`fold<i>of5`/`train<i>of5`, by original post)."""
    root = existing_path(path, "CMV modes")
    check_fold_split(split, "CMV modes")
    if (root / "v2.0").is_dir():
        root = root / "v2.0"
    for part in PARTS:
        if not (root / part).is_dir():
            raise CorpusError(f"not a CMV modes folder: {root / part} is missing")
    maps: list[ArgumentMap] = []
    for part in PARTS:
        anns = sorted((root / part).glob("*.ann"), key=_by_number)
        maps.extend(_read_thread(ann, part) for ann in anns)
    return fold_split(maps, split)


def _by_number(path: Path) -> tuple[bool, int, str]:
    # Threads are numbered 0, 1, ..., 251 (with gaps): 2 sorts before 10.
    return not path.stem.isdigit(), int(path.stem) if path.stem.isdigit() else 0, path.stem


def _read_thread(ann: Path, part: str) -> ArgumentMap:
    txt, metadata = ann.with_suffix(".txt"), ann.with_suffix(".metadata")
    try:
        text = txt.read_text(encoding="utf-8")
        op_id = _original_post(metadata.read_text(encoding="utf-8"))
        amap = _thread_map(ann, text, f"cmv-modes:{part}:{ann.stem}")
    except FileNotFoundError as err:
        raise CorpusFormatError(f"{ann}: {Path(err.filename).name} is missing") from None
    except UnicodeDecodeError as err:
        raise CorpusFormatError(f"{ann}: the thread's files are not UTF-8 text: {err}") from None
    except (Malformed, MapError) as err:
        raise CorpusFormatError(f"{ann}: {err}") from None
    set_group(amap, f"cmv-modes:{op_id}")
    amap.graph.graph["op_id"] = op_id
    amap.graph.graph["delta"] = part == "positive"
    return amap


def _original_post(metadata: str) -> str:
    """The Reddit submission id: the id of the first `Content <id> <author> <start> <end>` line, which must
    be the one in the `Source` URL (`.../comments/<id>/...`) when that names one."""
    contents = [line.split() for line in metadata.splitlines() if line.startswith("Content ")]
    if not contents or len(contents[0]) < 2:
        raise Malformed("its .metadata has no `Content` line naming the original post")
    op_id = contents[0][1]
    url = _SUBMISSION.search(metadata)
    if url and url.group(1) != op_id:
        raise Malformed(f"its .metadata names post {op_id} first, but its Source is submission {url.group(1)}")
    return op_id


def _thread_map(ann: Path, text: str, source: str) -> ArgumentMap:
    doc = read_brat(ann, text)
    paragraph_of = ParagraphIndex(text)
    units = []
    for tid, span in doc.spans.items():
        if span.label not in _KINDS:
            raise Malformed(f"{tid} has label {span.label!r}, not one of {', '.join(_KINDS)}")
        units.append(Unit(tid, span.start, span.end, _KINDS[span.label], "", "", paragraph_of(span.start)))
    relations: list[Relation] = []
    skipped: Counter[str] = Counter()
    for rel_type, arg1, arg2 in doc.relations:
        if rel_type not in _RELATIONS:
            raise Malformed(f"relation {arg1} -> {arg2} has unknown type {rel_type!r}")
        if arg1 == arg2:
            skipped[SELF_RELATION] += 1
            continue
        relations.append(Relation(arg1, arg2, _RELATIONS[rel_type]))
    amap = ArgumentMap(text, units, relations, source=source)
    if amap.graph.number_of_edges() != len(relations):
        raise Malformed("two relations with the same source and target")
    set_original(amap, Counter(s.label for s in doc.spans.values()), Counter(r for r, _, _ in doc.relations))
    set_unit_labels(amap, {tid: s.label for tid, s in doc.spans.items()})
    set_skipped(amap, skipped)
    amap.graph.graph["semantic_types"] = {
        tid: value for tid, attrs in doc.attributes.items() for value in attrs.values()
    }
    amap.graph.graph["byte_offsets"] = sum(s.as_bytes for s in doc.spans.values())
    return amap
