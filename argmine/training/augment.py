"""Re-flowed copies of gold maps: the same words and units under layouts their corpus never had.

The unit finder sees each token's paragraph role and sentence position (`argmine.nlp.structure`). Trained on
the corpora as they are, those features only ever take the values the corpora have: AAE has no paragraph with
the role `only`, the microtexts have nothing but; an op-ed prints one sentence per paragraph. A role the finder
never saw in training has an untrained embedding and can silence it. Re-flowed copies (paragraphs merged into
one, or split into one sentence each) teach it that units do not depend on the layout alone.

Only whitespace between words changes, so every unit keeps its words and `text[start:end]` stays true.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import replace

from argmine.argmap import ArgumentMap

# A paragraph break, and a sentence end followed by the next sentence's first character.
_BREAK = re.compile(r"[ \t]*\n\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?])([\"”’)]?)([ \t]+)(?=[\"“‘(]?[A-Z0-9])")

REFLOWS = ("one_paragraph", "sentence_paragraphs", "merged_pairs")


def rewrite_whitespace(amap: ArgumentMap, edits: Sequence[tuple[int, int, str]], tag: str) -> ArgumentMap:
    """`amap` with each whitespace run `text[a:b]` of `edits` (sorted, disjoint) replaced by its new string.

    A unit boundary inside a replaced run moves to the run's edge, so no unit gains or loses a word."""
    pieces, shifts, pos, delta = [], [], 0, 0
    for a, b, new in edits:
        pieces.append(amap.text[pos:a])
        pieces.append(new)
        shifts.append((a, b, delta, len(new)))
        delta += len(new) - (b - a)
        pos = b
    pieces.append(amap.text[pos:])
    text = "".join(pieces)

    def moved(offset: int, is_end: bool) -> int:
        shift = 0
        for a, b, before, size in shifts:
            if offset <= a:
                break
            if offset < b:  # inside a replaced run: to the run's start (an end) or its end (a start)
                return a + before if is_end else a + before + size
            shift = before + size - (b - a)
        return offset + shift

    units = [replace(u, start=moved(u.start, False), end=moved(u.end, True)) for u in amap.units]
    return ArgumentMap(text, units, list(amap.relations), source=f"{amap.source}#{tag}", model=amap.model)


def reflow(amap: ArgumentMap, how: str, rng: random.Random) -> ArgumentMap:
    """A copy of `amap` laid out `how` (one of `REFLOWS`)."""
    text = amap.text
    if how == "one_paragraph":
        edits = [(m.start(), m.end(), " ") for m in _BREAK.finditer(text) if 0 < m.start() and m.end() < len(text)]
    elif how == "sentence_paragraphs":
        starts = {u.start for u in amap.units}
        inside = _covered(amap)
        edits = [
            (m.start(2), m.end(2), "\n\n")
            for m in _SENTENCE_END.finditer(text)
            # never cut a unit in two; a cut between two units, or after one, is a sentence break
            if not inside(m.start(2)) or m.end(2) in starts
        ]
    elif how == "merged_pairs":
        edits = [(m.start(), m.end(), " ") for m in _BREAK.finditer(text)
                 if 0 < m.start() and m.end() < len(text) and rng.random() < 0.5]
    else:
        raise ValueError(f"unknown reflow {how!r}; choose from {', '.join(REFLOWS)}")
    return rewrite_whitespace(amap, edits, how)


def _covered(amap: ArgumentMap):
    spans = sorted((u.start, u.end) for u in amap.units)

    def inside(offset: int) -> bool:
        import bisect

        k = bisect.bisect_right(spans, (offset, len(amap.text) + 1)) - 1
        return k >= 0 and spans[k][0] < offset < spans[k][1]

    return inside


def reflowed(maps: Sequence[ArgumentMap], share: float, seed: int) -> list[ArgumentMap]:
    """Re-flowed copies of about `share` of `maps` per layout that changes them (deterministic in `seed`)."""
    rng = random.Random(seed)
    out = []
    for amap in maps:
        for how in REFLOWS:
            if rng.random() >= share:
                continue
            copy = reflow(amap, how, rng)
            if copy.text != amap.text:
                out.append(copy)
    return out
