"""Corpus statistics: what a list of argument maps holds, in our schema and in the corpus's own labels.

Readers keep the corpus's original annotation counts in the graph attribute `original` of each map
(`{"labels": {label: n}, "relations": {label: n}}`), counted the way the corpus's paper counts them, because
our schema merges labels (CDCP `value` becomes a claim or a premise) and cannot give them back.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from argmine.argmap import EVIDENCE_TYPES, KINDS, RELATIONS, STANCES, ArgumentMap
from argmine.read.layout import paragraph_spans

ORIGINAL = "original"


def set_original(amap: ArgumentMap, labels: Mapping[str, int], relations: Mapping[str, int]) -> None:
    """Record the corpus's own label and relation counts for `amap` (see the module docstring)."""
    amap.graph.graph[ORIGINAL] = {"labels": dict(labels), "relations": dict(relations)}


def corpus_stats(maps: Iterable[ArgumentMap], kind: str) -> dict:
    """Counts over `maps`: documents, units per kind, evidence types, stances, relations, paragraphs, words.

    `words` counts whitespace-separated words; `paragraphs` counts the text's non-empty paragraphs;
    evidence without a type counts as `untyped`.
    `original` sums the corpus's own label counts when the reader recorded them.
    """
    maps = list(maps)
    kinds: Counter[str] = Counter({k: 0 for k in KINDS})
    evidence: Counter[str] = Counter({e: 0 for e in EVIDENCE_TYPES if e})
    stances: Counter[str] = Counter({s: 0 for s in STANCES if s})
    relations: Counter[str] = Counter({r: 0 for r in RELATIONS})
    by_source: dict[str, Counter[str]] = {}
    original_labels: Counter[str] = Counter()
    original_relations: Counter[str] = Counter()
    has_original = False
    paragraphs = words = 0
    for amap in maps:
        paragraphs += len(paragraph_spans(amap.text))
        words += len(amap.text.split())
        for unit in amap.units:
            kinds[unit.kind] += 1
            if unit.kind == "evidence":
                evidence[unit.evidence_type or "untyped"] += 1
            if unit.stance:
                stances[unit.stance] += 1
        for rel in amap.relations:
            relations[rel.relation] += 1
            source_kind = amap.graph.nodes[rel.source]["kind"]
            by_source.setdefault(source_kind, Counter({r: 0 for r in RELATIONS}))[rel.relation] += 1
        original = amap.graph.graph.get(ORIGINAL)
        if original:
            has_original = True
            original_labels.update(original.get("labels", {}))
            original_relations.update(original.get("relations", {}))
    stats = {
        "kind": kind,
        "documents": len(maps),
        "units": sum(kinds.values()),
        "units_per_kind": dict(kinds),
        "evidence_types": dict(evidence),
        "stances": dict(stances),
        "relations": sum(relations.values()),
        "relations_per_label": dict(relations),
        "relations_per_source_kind": {k: dict(by_source[k]) for k in KINDS if k in by_source},
        "paragraphs": paragraphs,
        "words": words,
    }
    if has_original:
        stats["original"] = {
            "labels": dict(sorted(original_labels.items())),
            "relations": dict(sorted(original_relations.items())),
        }
    return stats
