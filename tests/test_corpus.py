"""The project's own gold corpus (`corpus/*.txt` + `corpus/*.json`) obeys the annotation guidelines.

Every check runs on every annotated text present, so a new text is covered as soon as it is added.
"""

from __future__ import annotations

import functools
import itertools
import json
import re
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

from argmine.argmap import EVIDENCE_TYPES, KINDS, ArgumentMap, Relation
from argmine.export.json import read_json
from argmine.nlp.structure import paragraph_roles
from argmine.read.layout import ParagraphIndex, metadata_spans

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
SLUGS = sorted(path.stem for path in CORPUS.glob("*.json"))

# Issue 16 asks for at least 30 op-eds; fewer means texts were lost.
MIN_TEXTS = 30
MIN_WORDS, MAX_WORDS = 400, 900
MIN_UNITS, MAX_UNITS = 12, 30
# Guidelines: relations "mostly stay within a paragraph"; rebuttal paragraphs answering the previous
# paragraph's concession are the usual exception, so allow some but not a majority.
MAX_CROSS_PARAGRAPH_SHARE = 1 / 3
# Two op-eds on different topics share little vocabulary (the current corpus peaks near 0.12); a copied
# or lightly reworded text lands far above this.
MAX_VOCABULARY_OVERLAP = 0.3

# A unit never starts with a pure discourse connective: the guidelines cut those off.
_LEADING_CONNECTIVE = re.compile(
    r"^(?:(?:However|Moreover|Furthermore|Therefore|Thus|Hence|Indeed|Admittedly|Still|Meanwhile|Besides"
    r"|Nevertheless|Nonetheless|Finally|First|Second|Third|Also|In short|In sum|In other words|In fact"
    r"|For example|For instance|Of course|After all|As a result|That said),"
    r"|(?:But|And|Yet|Because)\b)"
)
_STOPWORDS = frozenset(
    "that this with from have they their there which about would should could been were will into than more"
    " most what when where while those these them then also only other some such many much over just like"
    " does because after before being every very even your ours".split()
)


@functools.cache
def _load(slug: str) -> ArgumentMap:
    return read_json(CORPUS / f"{slug}.json")


def _raw_text(slug: str) -> str:
    return (CORPUS / f"{slug}.txt").read_bytes().decode("utf-8")


def _vocabulary(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if len(w) >= 4 and w not in _STOPWORDS}


def _outgoing(amap: ArgumentMap) -> dict[str, list[Relation]]:
    out: dict[str, list[Relation]] = {u.id: [] for u in amap.units}
    for rel in amap.relations:
        out[rel.source].append(rel)
    return out


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def test_corpus_has_enough_texts_and_every_text_is_annotated():
    texts = {path.stem for path in CORPUS.glob("*.txt")}
    assert len(SLUGS) >= MIN_TEXTS, f"only {len(SLUGS)} annotated texts, need {MIN_TEXTS}"
    assert texts == set(SLUGS), f"unpaired files: {sorted(texts ^ set(SLUGS))}"


@pytest.mark.parametrize("slug", SLUGS)
def test_annotation_text_is_the_file_exactly(slug):
    raw = _raw_text(slug)
    amap = _load(slug)
    assert amap.text == raw
    assert raw.endswith("\n") and not raw.endswith("\n\n"), "text must end with exactly one newline"
    assert amap.source == f"corpus/{slug}.txt"
    assert amap.model == "gold"
    assert MIN_WORDS <= len(raw.split()) <= MAX_WORDS, f"{len(raw.split())} words"


@pytest.mark.parametrize("slug", SLUGS)
def test_json_unit_texts_match_offsets(slug):
    # read_json already checks this; parse the file independently so a lenient reader cannot hide it.
    data = json.loads((CORPUS / f"{slug}.json").read_text(encoding="utf-8"))
    text = data["graph"]["text"]
    for node in data["nodes"]:
        assert text[node["start"] : node["end"]] == node["text"], node["id"]
        assert node["score"] == 1.0, node["id"]
    assert all(edge["score"] == 1.0 for edge in data["edges"])


@pytest.mark.parametrize("slug", SLUGS)
def test_metadata_sits_where_news_sites_put_it(slug):
    """The texts come in the shapes news sites print: a headline (sometimes with a dek), then a date, dateline,
    section label or byline before the argument starts, and sometimes a bio, share or "Read more" line at the
    end or an `Advertisement` line between paragraphs. The layout reader must find every such line: one it
    missed would be a paragraph that is neither the title nor metadata and holds no unit."""
    text = _raw_text(slug)
    amap = _load(slug)
    spans = metadata_spans(text)
    assert spans, "no date, dateline, label or byline found"
    assert spans[0][1] <= amap.units[0].start, f"no metadata before the first unit: {spans}"
    paragraphs, roles = paragraph_roles(text)
    annotated = {u.paragraph for u in amap.units}
    for i, ((start, end), role) in enumerate(zip(paragraphs, roles)):
        if role not in ("meta", "title"):
            where = f"paragraph {i} ({role}) {text[start:end][:60]!r}"
            assert i in annotated, f"{where} is neither title nor metadata and holds no unit"


@pytest.mark.parametrize("slug", SLUGS)
def test_unit_boundaries(slug):
    amap = _load(slug)
    text = amap.text
    para = ParagraphIndex(text)
    metadata = metadata_spans(text)
    units = amap.units
    for unit in units:
        span = amap.unit_text(unit)
        where = f"{unit.id} {span!r}"
        assert span == span.strip(), f"{where}: leading/trailing whitespace"
        assert span[-1] not in ".!?", f"{where}: ends with sentence punctuation"
        assert not _LEADING_CONNECTIVE.match(span), f"{where}: starts with a discourse connective"
        assert unit.paragraph == para(unit.start), f"{where}: paragraph {unit.paragraph} != {para(unit.start)}"
        assert para(unit.end - 1) == unit.paragraph, f"{where}: crosses a paragraph break"
        assert span.count('"') % 2 == 0 and span.count("“") == span.count("”"), f"{where}: unbalanced quotes"
        for meta in metadata:
            assert not _overlaps((unit.start, unit.end), meta), f"{where}: overlaps metadata {text[slice(*meta)]!r}"
    for left, right in itertools.pairwise(units):
        assert left.end <= right.start, f"{left.id} overlaps {right.id}"


def _title_paragraph(text: str) -> int | None:
    """The paragraph the pipeline reads as the title (headline, with any dek or byline lines beside it)."""
    _, roles = paragraph_roles(text)
    return roles.index("title") if "title" in roles else None


TITLED = [slug for slug in SLUGS if _title_paragraph(_raw_text(slug)) is not None]


@pytest.mark.parametrize("slug", TITLED)
def test_title_is_not_annotated(slug):
    amap = _load(slug)
    title = _title_paragraph(amap.text)
    assert not [u.id for u in amap.units if u.paragraph == title], f"units in the title paragraph {title}"


@pytest.mark.parametrize("slug", SLUGS)
def test_relations_form_a_tree_rooted_at_the_thesis(slug):
    amap = _load(slug)
    roots = amap.roots()
    assert [u.kind for u in roots] == ["major_claim"], f"roots: {[(u.id, u.kind) for u in roots]}"
    assert nx.is_directed_acyclic_graph(amap.graph)
    for unit_id, out in _outgoing(amap).items():
        if unit_id != roots[0].id:
            assert len(out) == 1, f"{unit_id} has {len(out)} outgoing relations"
    # One sink, no cycles and one outgoing edge per other node make a tree; check it independently.
    assert nx.is_arborescence(amap.graph.reverse(copy=False))


@pytest.mark.parametrize("slug", SLUGS)
def test_labels_follow_the_scheme(slug):
    amap = _load(slug)
    root = amap.roots()[0].id
    outgoing = _outgoing(amap)
    for unit in amap.units:
        if unit.kind == "evidence":
            assert unit.evidence_type, f"{unit.id}: evidence without evidence_type"
        else:
            assert not unit.evidence_type, f"{unit.id}: {unit.kind} with evidence_type {unit.evidence_type!r}"
        if unit.kind == "major_claim" and unit.id != root:
            assert outgoing[unit.id] == [Relation(unit.id, root, "support")], f"{unit.id}: restatement must support the root"
        if unit.kind == "claim":
            (rel,) = outgoing[unit.id]
            assert amap.unit(rel.target).kind == "major_claim", f"claim {unit.id} must target the thesis"
            expected = {"for": "support", "against": "attack"}.get(unit.stance)
            assert expected, f"claim {unit.id} needs stance for/against, has {unit.stance!r}"
            assert rel.relation == expected, f"claim {unit.id} has stance {unit.stance} but {rel.relation}s"


@pytest.mark.parametrize("slug", SLUGS)
def test_stance_is_against_exactly_when_an_odd_number_of_attacks_leads_to_the_thesis(slug):
    # An opposing view attacks the thesis (against); the rebuttal attacking it is for the thesis again, and
    # whatever supports a unit shares its stance. Premises and evidence may leave the stance empty.
    amap = _load(slug)
    outgoing = _outgoing(amap)
    root = amap.roots()[0].id
    assert amap.unit(root).stance == ""
    for unit in amap.units:
        attacks, node = 0, unit.id
        while node != root:
            (rel,) = outgoing[node]
            attacks += rel.relation == "attack"
            node = rel.target
        if unit.stance:
            expected = "against" if attacks % 2 else "for"
            assert unit.stance == expected, f"{unit.id}: stance {unit.stance} after {attacks} attacks"


@pytest.mark.parametrize("slug", SLUGS)
def test_each_text_has_a_full_argument(slug):
    amap = _load(slug)
    kinds = Counter(u.kind for u in amap.units)
    evidence_types = {u.evidence_type for u in amap.units if u.kind == "evidence"}
    assert MIN_UNITS <= len(amap) <= MAX_UNITS, f"{len(amap)} units"
    assert kinds["claim"] >= 1 and kinds["premise"] >= 1, dict(kinds)
    assert kinds["evidence"] >= 2 and len(evidence_types) >= 2, f"evidence types: {evidence_types}"
    assert any(r.relation == "attack" for r in amap.relations), "no attack relation"


@pytest.mark.parametrize("slug", SLUGS)
def test_premise_and_evidence_relations_mostly_stay_in_their_paragraph(slug):
    amap = _load(slug)
    local = [
        amap.unit(r.source).paragraph == amap.unit(r.target).paragraph
        for r in amap.relations
        if amap.unit(r.source).kind in ("premise", "evidence")
    ]
    assert local, "no premise or evidence relations"
    assert local.count(False) / len(local) <= MAX_CROSS_PARAGRAPH_SHARE


def test_corpus_covers_every_label():
    maps = [_load(slug) for slug in SLUGS]
    units = [u for amap in maps for u in amap.units]
    assert {u.kind for u in units} == set(KINDS)
    assert {u.evidence_type for u in units if u.kind == "evidence"} == set(EVIDENCE_TYPES) - {""}
    assert {r.relation for amap in maps for r in amap.relations} == {"support", "attack"}


def test_texts_are_on_different_topics():
    vocab = {slug: _vocabulary(_raw_text(slug)) for slug in SLUGS}
    theses = [_load(slug).unit_text(_load(slug).roots()[0]) for slug in SLUGS]
    assert len(set(theses)) == len(theses), "two texts share a thesis"
    for a, b in itertools.combinations(SLUGS, 2):
        overlap = len(vocab[a] & vocab[b]) / len(vocab[a] | vocab[b])
        assert overlap <= MAX_VOCABULARY_OVERLAP, f"{a} and {b} share {overlap:.0%} of their vocabulary"
