"""Corpus statistics: what a list of argument maps holds, in our schema and in the corpus's own labels.

Readers keep the corpus's original annotation counts in the graph attribute `original` of each map
(`{"labels": {label: n}, "relations": {label: n}}`), counted the way the corpus's paper counts them, because
our schema merges labels (CDCP `value` becomes a claim or a premise) and cannot give them back. Readers
of the newer corpora also keep each unit's own label in `unit_labels` (`{unit id: label}`), and count in
`skipped` (`{reason: n}`) what the annotation holds but a map cannot: implicit claims without a span, the
relations that touch them, relations of a unit to itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from argmine.argmap import EVIDENCE_TYPES, KINDS, RELATIONS, STANCES, ArgumentMap
from argmine.corpora.folds import GROUP
from argmine.read.layout import paragraph_spans

ORIGINAL = "original"
UNIT_LABELS = "unit_labels"
SKIPPED = "skipped"


def set_original(amap: ArgumentMap, labels: Mapping[str, int], relations: Mapping[str, int]) -> None:
    """Record the corpus's own label and relation counts for `amap` (see the module docstring)."""
    amap.graph.graph[ORIGINAL] = {"labels": dict(labels), "relations": dict(relations)}


def set_unit_labels(amap: ArgumentMap, labels: Mapping[str, str]) -> None:
    """Record the corpus's own label of each unit of `amap` (`{unit id: label}`)."""
    amap.graph.graph[UNIT_LABELS] = dict(labels)


def set_skipped(amap: ArgumentMap, skipped: Mapping[str, int]) -> None:
    """Record what the reader left out of `amap`, counted per reason (zero counts are dropped)."""
    amap.graph.graph[SKIPPED] = {reason: n for reason, n in skipped.items() if n}


def corpus_stats(maps: Iterable[ArgumentMap], kind: str) -> dict:
    """Counts over `maps`: documents, units per kind, evidence types, stances, relations, paragraphs, words.

    `words` counts whitespace-separated words; `paragraphs` counts the text's non-empty paragraphs;
    evidence without a type counts as `untyped`.
    `original` sums the corpus's own label counts when the reader recorded them, `skipped` what the readers
    left out, and `groups` counts the cross-validation groups when the maps name them (`folds.GROUP`).
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
    skipped: Counter[str] = Counter()
    groups: set[str] = set()
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
        skipped.update(amap.graph.graph.get(SKIPPED, {}))
        if amap.graph.graph.get(GROUP):
            groups.add(amap.graph.graph[GROUP])
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
    if groups:
        stats["groups"] = len(groups)
    if skipped:
        stats["skipped"] = dict(sorted(skipped.items()))
    if has_original:
        stats["original"] = {
            "labels": dict(sorted(original_labels.items())),
            "relations": dict(sorted(original_relations.items())),
        }
    return stats
