"""Span helpers the readers share: trimming a unit to its text, and the two-paragraph maps of evidence pairs."""

from __future__ import annotations

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.corpora.errors import Malformed
from argmine.read.layout import ParagraphIndex


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """(start, end) with the whitespace at both edges of `text[start:end]` left out; `Malformed` when the
    span is blank or outside `text`."""
    if not 0 <= start < end <= len(text):
        raise Malformed(f"offsets {start}:{end} lie outside the text ({len(text)} characters)")
    span = text[start:end]
    if not span.strip():
        raise Malformed(f"offsets {start}:{end} cover only whitespace")
    return start + len(span) - len(span.lstrip()), end - (len(span) - len(span.rstrip()))


def evidence_pair_map(
    claim: str, evidence: str, evidence_type: str, relation: str, source: str, *, with_claim: bool = True
) -> ArgumentMap:
    """A small map for an evidence snippet that has no offsets in any document (IBM evidence, suggestbot).

    With the claim, the text is the claim, a blank line and the snippet: unit `C` (claim) and unit `E` (evidence of
    `evidence_type`), with `E -relation-> C` unless `relation` is "".
    Without it, the text is the snippet alone and `E` its only unit. Both are stripped of edge whitespace.
    """
    claim, evidence = claim.strip(), evidence.strip()
    if not evidence:
        raise Malformed("the evidence text is empty")
    if not with_claim:
        return ArgumentMap(evidence, [Unit("E", 0, len(evidence), "evidence", evidence_type)], source=source)
    if not claim:
        raise Malformed("the claim text is empty")
    text = f"{claim}\n\n{evidence}"
    start = len(claim) + 2
    paragraph = ParagraphIndex(text)(start)  # 1, unless the claim itself holds a blank line
    units = [
        Unit("C", 0, len(claim), "claim"),
        Unit("E", start, len(text), "evidence", evidence_type, "", paragraph),
    ]
    relations = [Relation("E", "C", relation)] if relation else []
    return ArgumentMap(text, units, relations, source=source)
