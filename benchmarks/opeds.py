"""Generated op-eds for batch tests and benchmarks: the project's `corpus/*.txt` op-eds, paragraphs shuffled.

Each generated text keeps a source text's head (its first paragraph, with a byline paragraph under the
headline if there is one) and its tail (the bio, share or "Read more" lines at the end, or the last paragraph
when there are none), and fills the body with body paragraphs drawn from every corpus text, so texts differ
but read like the corpus.
Without a corpus it falls back to the short paragraphs below (written for this project).
"""

from __future__ import annotations

import random
from pathlib import Path

from argmine.read.layout import metadata_spans, paragraph_spans

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

# Fallback body paragraphs, written for this file.
_FALLBACK = [
    "The county should stop widening Route 9. Because every new lane fills within two years, the money buys "
    "nothing but a longer traffic jam.",
    "Critics say the bypass will save commuters time. However, a 2023 survey of 1,200 drivers found that 61 "
    "percent already avoid the road at rush hour.",
    "Consider Marisol Vega, who drives a school bus through Elm Crossing. "
    "\"The new lane lasted one winter,\" she said, \"and then it was just as slow as before.\"",
    "It is true that some businesses want more parking. But the chamber's own figures show that most "
    "customers arrive on foot or by bus.",
    "Therefore the council must put the $40 million into buses and safe crossings instead. That money would "
    "reach far more people than one more lane.",
    "In conclusion, widening is a habit, not a plan. The county should break the habit this year.",
]
_FALLBACK_HEAD = "date 2025-03-02\nLanes are not a plan"
_FALLBACK_BYLINE = "Dana Whitfield is a transport researcher at the Northgate Policy Lab."


def _parts(text: str) -> list[str]:
    """`[head, body paragraphs..., tail]` of a corpus text, by argmine's own layout reader: metadata
    paragraphs stay at the edge they came from, so that no byline or bio lands in the middle of a text."""
    spans = paragraph_spans(text)
    meta = metadata_spans(text)
    is_meta = [any(a <= start and end <= b for a, b in meta) for start, end in spans]
    paragraphs = [text[start:end] for start, end in spans]
    head = 1
    while head < len(spans) and is_meta[head]:
        head += 1
    tail = len(spans)
    while tail > head and is_meta[tail - 1]:
        tail -= 1
    if tail == len(spans) > head:
        tail -= 1  # no metadata at the end: the last paragraph closes the text, as a byline would
    return ["\n\n".join(paragraphs[:head]), *paragraphs[head:tail], "\n\n".join(paragraphs[tail:])]


def load_sources(corpus: Path = CORPUS) -> list[list[str]]:
    """The parts of every corpus text (head, body..., tail), or the fallback op-ed."""
    texts = [_parts(p.read_text(encoding="utf-8")) for p in sorted(corpus.glob("*.txt"))]
    texts = [t for t in texts if len(t) >= 3]
    return texts or [[_FALLBACK_HEAD, *_FALLBACK, _FALLBACK_BYLINE]]


def generate(n: int, *, seed: int = 0, paragraphs: tuple[int, int] = (4, 8), scale: int = 1,
             corpus: Path = CORPUS) -> list[str]:
    """`n` op-eds of `paragraphs` body paragraphs each (the body repeated `scale` times), deterministic."""
    rng = random.Random(seed)
    sources = load_sources(corpus)
    body_pool = [p for t in sources for p in t[1:-1]]
    out = []
    for _ in range(n):
        head, byline = (t := rng.choice(sources))[0], t[-1]
        body = rng.sample(body_pool, min(len(body_pool), rng.randint(*paragraphs)))
        out.append("\n\n".join([head, *(body * scale), byline]) + "\n")
    return out


def write_folder(folder: Path, n: int, *, seed: int = 0, paragraphs: tuple[int, int] = (4, 8)) -> list[Path]:
    """Write `n` generated op-eds as `folder/NNN/oped-NNNN.txt` (a hundred per subfolder)."""
    paths = []
    for i, text in enumerate(generate(n, seed=seed, paragraphs=paragraphs)):
        path = folder / f"{i // 100:03d}" / f"oped-{i:04d}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths
