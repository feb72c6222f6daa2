"""How much of the text a map covers, and what it leaves out.

A map that leaves half the text unmapped reads as if that half held no argument; users must see what was left
out. Coverage is counted in sentences (a unit is usually a sentence or a clause of one): a sentence counts
as mapped when some unit overlaps it. Metadata (bylines, datelines, bios) is not text to map and not counted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from argmine.argmap import ArgumentMap
from argmine.read.layout import metadata_spans, paragraph_spans

# A sentence ends at final punctuation (and closing quotes) followed by space and a non-lowercase character.
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’')\]]*\s+(?=[^\sa-z])")
_WORD = re.compile(r"\w")


@dataclass(frozen=True)
class Coverage:
    """Sentences of the text (metadata left out), how many some unit overlaps, and those none does."""

    sentences: int
    mapped: int
    unmapped: list[tuple[int, int]] = field(default_factory=list)

    @property
    def share(self) -> float:
        """Mapped sentences over sentences (1.0 for a text with none)."""
        return round(self.mapped / self.sentences, 4) if self.sentences else 1.0

    def to_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            "mapped": self.mapped,
            "share": self.share,
            "unmapped": [{"start": a, "end": b} for a, b in self.unmapped],
        }


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of `text` outside metadata, as `(start, end)` without surrounding whitespace, in order."""
    meta = metadata_spans(text)
    out = []
    for pa, pb in paragraph_spans(text):
        start = pa
        ends = [m.end() for m in _SENTENCE_END.finditer(text, pa, pb)] + [pb]
        for end in ends:
            a, b = start, end
            start = end
            while a < b and text[a].isspace():
                a += 1
            while b > a and text[b - 1].isspace():
                b -= 1
            # metadata lines are whole lines or prefixes: cut them off the sentence they share a line with
            for ma, mb in meta:
                if ma <= a < mb:
                    a = mb
                if ma < b <= mb:
                    b = ma
            while a < b and text[a].isspace():
                a += 1
            if a < b and _WORD.search(text, a, b):
                out.append((a, b))
    return out


def coverage(amap: ArgumentMap) -> Coverage:
    """The coverage of `amap` over its text (linear in text and units)."""
    spans = sorted((u.start, u.end) for u in amap.units)
    mapped, unmapped, k = 0, [], 0
    for a, b in sentence_spans(amap.text):
        while k < len(spans) and spans[k][1] <= a:  # units ending before this sentence never matter again
            k += 1
        j = k
        hit = False
        while j < len(spans) and spans[j][0] < b:
            if spans[j][1] > a:
                hit = True
                break
            j += 1
        if hit:
            mapped += 1
        else:
            unmapped.append((a, b))
    return Coverage(mapped + len(unmapped), mapped, unmapped)
