"""IBM Debater Claims and Evidence, CE-EMNLP-2015 v3 (Rinott et al. 2015): context-dependent evidence
sentences from Wikipedia for claims on 58 debate motions, with their evidence types (TSV, UTF-8).

`evidence.txt` has one row per claim-evidence pair: `Topic` (the motion), the claim (its *original* text,
although the header says "corrected version"), `Evidence Text`, `Type`; the header has three cells where
every row has four. `motions.txt` gives each motion's id and IBM's split (`train and test`, `held-out`).
The Wikipedia articles are not included, so nothing has offsets into a document.

Each pair is a small map (`argmine.corpora.spans.evidence_pair_map`): the text is the claim, a blank line
and the evidence, with a claim unit `C`, an evidence unit `E` and the relation E -support-> C. The claim is
kept because the evidence is evidence *for that claim* (the corpus's point: context-dependent evidence), it
gives the relation, and the claim is the evidence head's natural negative; `with_claim=False` gives the
snippet alone (one unit, no relation). Types: STUDY -> statistics, EXPERT -> testimony, ANECDOTAL ->
anecdote; a row with several types (350) is untyped evidence (`evidence_type` ""), since one label would be
a guess: its types are in `unit_labels` (e.g. "STUDY, EXPERT"). A trainer of the evidence head should skip
untyped evidence rather than count it as "no evidence type".

Splits: "train" (IBM's 39 `train and test` motions), "held-out" (19), and `fold<i>of5` / `train<i>of5`,
by motion: a map's `group` is its motion (`ibm-evidence:<topic id>`), as one motion's claims and evidence
share one debate.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError
from argmine.corpora.errors import CorpusError, CorpusFormatError, Malformed, existing_path
from argmine.corpora.folds import check_fold_split, fold_split, set_group
from argmine.corpora.spans import evidence_pair_map
from argmine.corpora.stats import set_original, set_unit_labels

SPLITS = {"train": "train and test", "held-out": "held-out"}
EVIDENCE_TYPES = {"STUDY": "statistics", "EXPERT": "testimony", "ANECDOTAL": "anecdote"}
_DATASET = "IBM_Debater_(R)_CE-EMNLP-2015.v3"


def read_ibm_evidence(
    path: str | os.PathLike, split: str | None = None, *, with_claim: bool = True
) -> list[ArgumentMap]:
    """Read the claim-evidence pairs (the corpus folder, the `.v3` folder or `current_working_dataset`),
    in file order. `split`: None, "train", "held-out" or a fold name (by motion)."""
    root = existing_path(path, "IBM evidence")
    check_fold_split(split, "IBM evidence", SPLITS)
    folder = next(
        (f for f in (root / _DATASET / "current_working_dataset", root / "current_working_dataset", root)
         if (f / "evidence.txt").is_file()),
        None,
    )
    if folder is None:
        raise CorpusError(f"not an IBM evidence folder: no evidence.txt in {root} or its current_working_dataset")
    motions = _read_motions(folder / "motions.txt")
    maps = []
    evidence = folder / "evidence.txt"
    for lineno, row in _rows(evidence, 4, "Topic"):
        topic, claim, text, types = row
        if topic not in motions:
            raise CorpusFormatError(f"{evidence}:{lineno}: motion {topic[:60]!r} is not in motions.txt")
        topic_id, dataset = motions[topic]
        if split in SPLITS and SPLITS[split] != dataset:
            continue
        try:
            amap = _pair_map(claim, text, types, f"ibm-evidence:{topic_id}:{lineno}", with_claim)
        except (Malformed, MapError) as err:
            raise CorpusFormatError(f"{evidence}:{lineno}: {err}") from None
        set_group(amap, f"ibm-evidence:{topic_id}")
        amap.graph.graph["motion"] = topic
        maps.append(amap)
    return fold_split(maps, split)


def _pair_map(claim: str, evidence: str, types: str, source: str, with_claim: bool) -> ArgumentMap:
    inner = types.strip()
    if not (inner.startswith("[") and inner.endswith("]")):
        raise Malformed(f"evidence type {types!r} is not a bracketed list such as [STUDY, EXPERT]")
    labels = [t.strip() for t in inner[1:-1].split(",")]
    unknown = [t for t in labels if t not in EVIDENCE_TYPES]
    if unknown or not labels:
        raise Malformed(f"evidence type {types!r} holds {unknown or 'nothing'}; expected {', '.join(EVIDENCE_TYPES)}")
    evidence_type = EVIDENCE_TYPES[labels[0]] if len(labels) == 1 else ""
    amap = evidence_pair_map(claim, evidence, evidence_type, "support", source, with_claim=with_claim)
    label = ", ".join(labels)
    set_original(amap, {label: 1}, {"evidence": 1} if with_claim else {})
    set_unit_labels(amap, {"E": label, **({"C": "claim"} if with_claim else {})})
    return amap


def _read_motions(path: Path) -> dict[str, tuple[str, str]]:
    """Motion text -> (topic id, IBM data-set)."""
    if not path.is_file():
        raise CorpusError(f"not an IBM evidence folder: {path} is missing")
    motions = {}
    for lineno, (topic_id, topic, dataset) in _rows(path, 3, "Topic id"):
        if dataset not in SPLITS.values():
            raise CorpusFormatError(f"{path}:{lineno}: data-set {dataset!r} is neither 'train and test' nor 'held-out'")
        motions[topic] = (topic_id, dataset)
    return motions


def _rows(path: Path, cells: int, first_heading: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, cells) of the data rows of a tab-separated file whose header opens with `first_heading`
    (only its first cell is checked: evidence.txt's header has fewer cells than its rows)."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as err:
        raise CorpusFormatError(f"{path}: not UTF-8 text: {err}") from None
    if lines[0].split("\t")[0].strip() != first_heading:
        raise CorpusFormatError(f"{path}:1: the header does not open with {first_heading!r}")
    for lineno, line in enumerate(lines[1:], 2):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        row = line.split("\t")
        if len(row) != cells:
            raise CorpusFormatError(f"{path}:{lineno}: {len(row)} tab-separated cells, expected {cells}")
        yield lineno, row
