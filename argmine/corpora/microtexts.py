"""arg-microtexts part 1 (Peldszus & Stede 2016): short texts with a full argument graph, one XML each.

`<edu>` elements are text segments, `<joint>`s glue adjacent EDUs, `<adu type="pro|opp">` are the units and
`<edge>`s link them: `seg` (EDU or joint -> ADU, EDU -> joint), `sup`, `exa`, `reb` (ADU -> ADU), and `und`
and `add`, which point at an *edge*. The text is the `.txt` file next to the XML; without it the EDUs are
joined with single spaces.

Mapping: the ADU with no outgoing argumentative edge is the central claim (major_claim, stance ""); sources
of `exa` are evidence (evidence_type "anecdote"); other ADUs that are targets of a support relation (after
the mapping below) are claims; the rest are premises. Stance: pro -> for, opp -> against.
Relations: sup/exa/add -> support, reb/und -> attack.

Edges that target an edge: our graph has no edge-to-edge relations, so an undercut (`und`) attacks, and an
additional premise (`add`) supports, the SOURCE unit of the edge it targets. An undercut challenges the
inference from that source, and an additional premise completes the argument that source makes, so the
source is the unit the relation is about; the target of the inference keeps its own relations unchanged.
Chains (an `add` on an `und`) resolve the same way, to the source of the edge targeted.

Implicit EDUs (`<edu implicit="true">`, in part 2 of the corpus: a unit the annotators reconstructed, most
often an unstated central claim) are not in the text, so they are skipped: an ADU covered only by implicit
EDUs is not a unit, and relations from or to it are dropped. Kinds are still read off the whole annotated
graph (an implicit central claim means the map has no major_claim; a unit supported only by an implicit
premise is still a claim), so the explicit units keep the roles the annotators gave them.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError, Relation, Unit
from argmine.corpora.errors import CorpusError, CorpusFormatError, existing_path
from argmine.corpora.folds import FOLDS, check_fold_split, fold_split, kfold_split
from argmine.corpora.stats import set_original
from argmine.read.layout import ParagraphIndex

__all__ = ["FOLDS", "kfold_split", "read_microtexts"]  # kfold_split lives in folds; training imports it here

_SUPPORT = {"sup": "support", "exa": "support", "add": "support", "reb": "attack", "und": "attack"}


def read_microtexts(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read the microtexts (a folder of `micro_*.xml`, its `en/` subfolder, or one XML file).

    `split` is None for all texts, "fold<i>of5" for held-out fold i of a deterministic 5-fold split, or
    "train<i>of5" for the other four folds.
    """
    path = existing_path(path, "microtexts")
    check_fold_split(split, "microtexts")
    if path.is_dir():
        folder = path / "en" if not any(path.glob("*.xml")) and (path / "en").is_dir() else path
        files = sorted(folder.glob("*.xml"))
        if not files:
            raise CorpusError(f"no microtext XML files in {folder}")
    else:
        files = [path]
    return fold_split([_read_file(f) for f in files], split)


def _read_file(path: Path) -> ArgumentMap:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        raise CorpusFormatError(f"{path}: not well-formed XML: {err}") from None
    try:
        return _graph_map(root, path)
    except (KeyError, ValueError) as err:
        if isinstance(err, CorpusError):
            raise
        raise CorpusFormatError(f"{path}: {type(err).__name__}: {err}") from None


def _edu_spans(edus: dict[str, str], path: Path) -> tuple[str, dict[str, tuple[int, int]]]:
    """The text and each (explicit) EDU's (start, end) in it: searched in order in the .txt, or joined."""
    txt = path.with_suffix(".txt")
    spans = {}
    if txt.is_file():
        text = txt.read_text(encoding="utf-8")
        pos = 0
        for edu_id, edu in edus.items():
            stripped = edu.strip()
            start = text.find(stripped, pos)
            if start < 0:
                raise CorpusFormatError(f"{path}: EDU {edu_id} ({stripped[:40]!r}...) is not in {txt.name}")
            spans[edu_id] = (start, start + len(stripped))
            pos = start + len(stripped)
        return text, spans
    pieces = []
    pos = 0
    for edu_id, edu in edus.items():
        stripped = " ".join(edu.split())
        spans[edu_id] = (pos, pos + len(stripped))
        pieces.append(stripped)
        pos += len(stripped) + 1
    return " ".join(pieces), spans


def _graph_map(root: ET.Element, path: Path) -> ArgumentMap:
    if root.tag != "arggraph":
        raise CorpusFormatError(f"{path}: root element is <{root.tag}>, not <arggraph>")
    all_edus = list(root.iter("edu"))
    implicit_edus = {e.attrib["id"] for e in all_edus if e.attrib.get("implicit", "").lower() == "true"}
    edus = {e.attrib["id"]: e.text or "" for e in all_edus if e.attrib["id"] not in implicit_edus}
    adus = {a.attrib["id"]: a.attrib["type"] for a in root.iter("adu")}
    edges = {e.attrib["id"]: (e.attrib["src"], e.attrib["trg"], e.attrib["type"]) for e in root.iter("edge")}
    text, edu_spans = _edu_spans(edus, path)

    # An ADU covers the EDUs that reach it through seg edges, possibly via a joint.
    seg_sources: dict[str, list[str]] = {}
    for src, trg, kind in edges.values():
        if kind == "seg":
            seg_sources.setdefault(trg, []).append(src)

    def covered(node: str, seen: frozenset[str] = frozenset()) -> list[tuple[int, int]]:
        if node in edu_spans:
            return [edu_spans[node]]
        if node in implicit_edus:
            return []
        if node in seen:
            raise CorpusFormatError(f"{path}: seg edges loop through {node}")
        return [span for src in seg_sources.get(node, []) for span in covered(src, seen | {node})]

    def only_implicit(node: str, seen: frozenset[str] = frozenset()) -> bool:
        # Reached through seg edges by implicit EDUs and nothing else (an ADU with no EDU at all is an error).
        if node in implicit_edus:
            return True
        sources = seg_sources.get(node, [])
        return bool(sources) and node not in seen and all(only_implicit(s, seen | {node}) for s in sources)

    def resolve(target: str, seen: frozenset[str] = frozenset()) -> str:
        # A relation aimed at an edge lands on that edge's source unit (see the module docstring).
        if target in adus:
            return target
        if target not in edges or target in seen:
            raise CorpusFormatError(f"{path}: edge target {target!r} is neither an ADU nor an edge")
        return resolve(edges[target][0], seen | {target})

    relations = []
    originals: Counter[str] = Counter()
    for src, trg, kind in edges.values():
        if kind == "seg":
            continue
        if kind not in _SUPPORT or src not in adus:
            raise CorpusFormatError(f"{path}: bad edge {src} -{kind}-> {trg}")
        originals[kind] += 1
        relations.append((src, resolve(trg), _SUPPORT[kind], kind))

    has_outgoing = {src for src, *_ in relations}
    central = [a for a in adus if a not in has_outgoing]
    if len(central) != 1:
        raise CorpusFormatError(f"{path}: expected one central claim, found {len(central)}: {central}")
    supported = {trg for _, trg, label, _ in relations if label == "support"}
    examples = {src for src, _, _, kind in relations if kind == "exa"}

    implicit_adus = {a for a in adus if only_implicit(a)}
    paragraph_of = ParagraphIndex(text)
    units = []
    for adu, adu_type in adus.items():
        if adu in implicit_adus:
            continue
        spans = covered(adu)
        if not spans:
            raise CorpusFormatError(f"{path}: ADU {adu} has no EDU")
        start, end = min(s for s, _ in spans), max(e for _, e in spans)
        evidence_type = ""
        if adu == central[0]:
            kind = "major_claim"
        elif adu in examples:
            kind, evidence_type = "evidence", "anecdote"
        elif adu in supported:
            kind = "claim"
        else:
            kind = "premise"
        if adu_type not in ("pro", "opp"):
            raise CorpusFormatError(f"{path}: ADU {adu} has type {adu_type!r}, not pro or opp")
        stance = "" if kind == "major_claim" else ("for" if adu_type == "pro" else "against")
        units.append(Unit(adu, start, end, kind, evidence_type, stance, paragraph_of(start)))
    source = f"microtexts:{root.attrib.get('id', path.stem)}"
    try:
        kept = [
            Relation(s, t, label)
            for s, t, label, _ in relations
            if s not in implicit_adus and t not in implicit_adus
        ]
        amap = ArgumentMap(text, units, kept, source=source)
    except MapError as err:
        raise CorpusFormatError(f"{path}: {err}") from None
    if amap.graph.number_of_edges() != len(kept):
        raise CorpusFormatError(f"{path}: two relations between the same pair of units")
    set_original(amap, Counter(adus.values()), originals)
    return amap
