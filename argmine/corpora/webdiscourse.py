"""Argumentation in user-generated web discourse (Habernal & Gurevych 2017), `gold.data.toulmin`: one UIMA
XMI file per comment, forum post, blog post or article, annotated with extended Toulmin components.

The text is the `sofaString` of `<cas:Sofa>`; components (`types:Claim`, `Premise`, `Backing`, `Rebuttal`,
`Refutation`) carry `begin`/`end` into it (UIMA counts UTF-16 code units; the reader checks that the text
has no character outside the BMP, where that would differ from Python's indexes) and `types:ArgumentRelation`
links them, `source` -> `target`, untyped, always to a Claim.

Mapping: the first explicit Claim that supports no other Claim is the major_claim, any further Claim a claim;
Premise and Rebuttal -> premise; Refutation -> premise; Backing -> evidence (untyped: the corpus gives no
evidence type). Relations follow the source's role: Premise, Backing and Claim support their target; a
Rebuttal attacks it; a Refutation, whose relation also points at the claim, attacks the nearest Rebuttal
before it that targets the same claim (it answers that rebuttal), as the Toulmin model has it.

Implicit claims (`begin = end = 0`, `implicit=true`: the writer never states the claim) have no span, so
they are not units, and relations to them are left out; both are counted in the map's `skipped` attribute
and the original counts still include them (303 claims, 693 relations). A document whose only claim is
implicit has no major claim. `types:ArgumentComponent` (pathos passages) is not a Toulmin component.

Each map is one document and its own cross-validation group (`group` is its source, so the `fold<i>of5`
splits deal documents); the graph attributes `doc_type` and `topic` hold the document's `WebArgumentMetadata`.
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError, Relation, Unit
from argmine.corpora.errors import CorpusError, CorpusFormatError, Malformed, existing_path
from argmine.corpora.folds import check_fold_split, fold_split, set_group
from argmine.corpora.spans import trim_span
from argmine.corpora.stats import set_original, set_skipped, set_unit_labels
from argmine.read.layout import ParagraphIndex

_TYPES = "{http:///de/tudarmstadt/ukp/dkpro/argumentation/types.ecore}"
_CAS = "{http:///uima/cas.ecore}"
_XMI_ID = "{http://www.omg.org/XMI}id"
COMPONENTS = ("Claim", "Premise", "Backing", "Rebuttal", "Refutation")
_KINDS = {"Premise": "premise", "Rebuttal": "premise", "Refutation": "premise", "Backing": "evidence"}
_RELATIONS = {"Claim": "support", "Premise": "support", "Backing": "support", "Rebuttal": "attack"}
IMPLICIT = "implicit claim"
IMPLICIT_RELATION = "relation to or from an implicit claim"


def read_webdiscourse(path: str | os.PathLike, split: str | None = None) -> list[ArgumentMap]:
    """Read the web-discourse corpus: the folder `gold.data.toulmin` (or the corpus folder holding it), or
    one XMI file; documents sorted by file name. `split` is None or a fold name (`fold<i>of5`/`train<i>of5`,
    by document)."""
    path = existing_path(path, "webdiscourse")
    check_fold_split(split, "webdiscourse")
    if path.is_dir():
        folder = path / "gold.data.toulmin" if (path / "gold.data.toulmin").is_dir() else path
        files = sorted(folder.glob("*.xmi"), key=_by_number)
        if not files:
            raise CorpusError(f"no webdiscourse XMI files in {folder}")
    else:
        files = [path]
    return fold_split([_read_file(f) for f in files], split)


def _by_number(path: Path) -> tuple[int, str]:
    # Documents are numbered (7.xmi, 12.xmi, ...): shorter numbers first, then by name, so 7 before 12.
    return len(path.stem), path.stem


def _read_file(path: Path) -> ArgumentMap:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as err:
        raise CorpusFormatError(f"{path}: not well-formed XML: {err}") from None
    try:
        return _document_map(root, f"webdiscourse:{path.stem}")
    except (KeyError, ValueError, TypeError) as err:
        if isinstance(err, CorpusError):
            raise
        detail = str(err) if isinstance(err, (MapError, Malformed)) else f"{type(err).__name__}: {err}"
        raise CorpusFormatError(f"{path}: {detail}") from None


def _document_map(root: ET.Element, source: str) -> ArgumentMap:
    sofa = root.find(f"{_CAS}Sofa")
    if sofa is None or sofa.get("sofaString") is None:
        raise Malformed("no <cas:Sofa> with a sofaString: not a UIMA XMI document")
    text = sofa.attrib["sofaString"]
    if any(ord(ch) > 0xFFFF for ch in text):
        raise Malformed("the text has characters outside the BMP, where UIMA offsets differ from Python's")
    components: dict[str, tuple[str, int, int]] = {}  # xmi:id -> (label, begin, end)
    links: list[tuple[str, str]] = []
    metadata: dict[str, str] = {}
    for element in root:
        if not element.tag.startswith(_TYPES):
            continue
        name = element.tag[len(_TYPES) :]
        if name in COMPONENTS:
            begin, end = int(element.attrib["begin"]), int(element.attrib["end"])
            implicit = "implicit=true" in (element.get("properties") or "")
            if begin == end and not (name == "Claim" and implicit):
                raise Malformed(f"{name} {element.attrib[_XMI_ID]} has an empty span and is not an implicit claim")
            components[element.attrib[_XMI_ID]] = (name, begin, end)
        elif name == "ArgumentRelation":
            links.append((element.attrib["source"], element.attrib["target"]))
        elif name == "WebArgumentMetadata":
            metadata = dict(element.attrib)

    for src, trg in links:
        for ref in (src, trg):
            if ref not in components:
                raise Malformed(f"relation {src} -> {trg} refers to {ref}, which is no argument component")
        if components[trg][0] != "Claim":
            raise Malformed(f"relation {src} -> {trg} targets a {components[trg][0]}, not a Claim")
    explicit = {c: v for c, v in components.items() if v[1] < v[2]}
    skipped = Counter({IMPLICIT: len(components) - len(explicit)})

    # The major claim: the first explicit Claim in reading order that supports no other claim.
    claim_sources = {src for src, trg in links if components[src][0] == "Claim"}
    claims = sorted((v[1], c) for c, v in explicit.items() if v[0] == "Claim")
    major = next((c for _, c in claims if c not in claim_sources), None)

    paragraph_of = ParagraphIndex(text)
    units, labels = [], {}
    for comp, (label, begin, end) in explicit.items():
        start, stop = trim_span(text, begin, end)
        kind = ("major_claim" if comp == major else "claim") if label == "Claim" else _KINDS[label]
        units.append(Unit(f"x{comp}", start, stop, kind, "", "", paragraph_of(start)))
        labels[f"x{comp}"] = label

    relations = []
    for src, trg in links:
        label = components[src][0]
        if label == "Refutation":
            trg = _rebutted(src, trg, components, links)
        if src not in explicit or trg not in explicit:
            skipped[IMPLICIT_RELATION] += 1
            continue
        relations.append(Relation(f"x{src}", f"x{trg}", "attack" if label == "Refutation" else _RELATIONS[label]))

    amap = ArgumentMap(text, units, relations, source=source)
    if amap.graph.number_of_edges() != len(relations):
        raise Malformed("two relations between the same pair of components")
    set_group(amap, source)  # cross-validation is by document
    amap.graph.graph["doc_type"] = metadata.get("docType", "")
    amap.graph.graph["topic"] = metadata.get("topic", "")
    set_original(amap, Counter(v[0] for v in components.values()), {"ArgumentRelation": len(links)})
    set_unit_labels(amap, labels)
    set_skipped(amap, skipped)
    return amap


def _rebutted(refutation: str, claim: str, components: dict, links: list[tuple[str, str]]) -> str:
    """The Rebuttal a Refutation answers: the nearest one before it that targets the same claim."""
    begin = components[refutation][1]
    before = [
        (components[src][1], src)
        for src, trg in links
        if trg == claim and components[src][0] == "Rebuttal" and components[src][1] < begin
    ]
    if not before:
        raise Malformed(f"Refutation {refutation} follows no Rebuttal of claim {claim}")
    return max(before)[1]
