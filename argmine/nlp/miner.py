"""`Miner`: a loaded pipeline with the two ways argmine uses it, end to end and over gold segments.

Memory stays bounded on any input. The pipeline's activations cost about 9 KB per token, so a
1,000,000-character text mapped as one `Doc` peaked at 2 GB (and 100,000 one-line paragraphs, 400,000 tokens
with their line breaks, at 3.9 GB). A text longer than `WINDOW_CHARS` is therefore mapped in windows of at
most that many characters, cut at paragraph breaks (else at line breaks, sentence ends, spaces), one window
at a time; the windows' units and relations are joined into one map over the whole text, offsets shifted so
that `text[start:end]` holds, and the graph decoder then runs once over that map, so there is one thesis and
the later windows' theses become restatements of it. Every `nlp.pipe` batch holds at most `WINDOW_CHARS`
characters too (and at most `batch_size` texts). A text shorter than one window is mapped exactly as before.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
from collections.abc import Callable, Iterable, Iterator
from typing import NamedTuple
from dataclasses import dataclass, replace
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.util import load_config, registry

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.graph.decode import decode, stances_from_thesis
from argmine.nlp.doc import set_gold_segments, to_map
from argmine.nlp.baselines import sentences_pipeline
from argmine.nlp.blas import use_numpy_blas
from argmine.nlp.greedy import load_overrides
from argmine.nlp.manifest import verify_manifest
from argmine.nlp.models import RULES, SENTENCES, ModelLoadError, resolve_model
from argmine.nlp.rules import rules_pipeline
from argmine.read.layout import ParagraphIndex

# Components that find unit boundaries; they are switched off when gold segments are given.
SEGMENTERS = ("argmine_rule_segmenter", "argmine_sentence_units", "tok2vec", "unit_finder",
              "argmine_units_from_finder", "argmine_gap_filler", "argmine_unit_splitter",
              "argmine_unit_filter", "argmine_lead_trimmer")

# The most characters one `Doc` (and one `nlp.pipe` batch) holds. Prose has ~0.2 tokens per character and
# one-line paragraphs 0.4; the densest text the decoder lets through (punctuation runs of up to 1,000 marks,
# each a token) nears 1, so 40,000 characters are at most ~40,000 tokens, ~350 MB of activations at ~9 KB a
# token: with the ~150 MB of the loaded model, under 600 MB on any input. An op-ed is a tenth of a window.
WINDOW_CHARS = 40_000
# ... and the most sentences (or lines): the heads and the decoder cost memory per unit, and a window of
# 4,000 one-line paragraphs held 230 MB more than one of 1,000. An op-ed has a few dozen sentences.
WINDOW_SENTENCES = 400
_BREAK = re.compile(r"\n\s*|[.!?…][\"'”’)\]»]*\s+")
# Where a window may end, best first: after a blank line, a line break, a sentence, a space. A window is cut
# at the last such place in its second half, so there are at most 2 * len(text) / window + 1 windows.
_CUTS = (
    re.compile(r"\n[ \t\r\f\v]*\n\s*"),
    re.compile(r"\n\s*"),
    re.compile(r"[.!?…][\"'”’)\]»]*\s+"),
    re.compile(r"\s+"),
)


@contextlib.contextmanager
def _collecting() -> Iterator[None]:
    """Free what a pipeline batch leaves in reference cycles as soon as the batch is done.

    A processed `Doc` and the parser's per-batch step model (its token vectors and precomputed features,
    tens of MB per window) refer to themselves, so only the cycle collector frees them, and they are old
    enough by then that a full collection may not come for hundreds of batches: mapping grew by a window's
    worth of memory with every window. A full collection of the whole process costs ~150 ms (the model
    alone is 100,000 objects), so what existed before the batch is frozen (`gc.freeze`) for the collection,
    which then sees only the batch's own objects, and thawed after (older garbage waits for the next full
    collection, as it would anyway). A caller who froze objects or disabled the collector keeps that choice.
    """
    own = gc.isenabled() and gc.get_freeze_count() == 0
    if own:
        gc.freeze()
    try:
        yield
    finally:
        if gc.isenabled():
            gc.collect()
        if own:
            gc.unfreeze()


def windows(text: str, size: int | None = WINDOW_CHARS, sentences: int = WINDOW_SENTENCES) -> list[tuple[int, int]]:
    """Consecutive `(start, end)` spans covering `text`, each at most `size` characters and about `sentences`
    sentences or lines, cut at paragraph breaks where there are any (see `_CUTS`); one span when `text` fits
    (or `size` is None)."""
    if size is None:
        return [(0, len(text))]
    ends = [m.end() for m in _BREAK.finditer(text)]
    if len(text) <= size and len(ends) <= sentences:
        return [(0, len(text))]
    if size < 2:
        raise ValueError(f"window size must be at least 2 characters, not {size}")
    spans = []
    start = k = 0
    while True:
        while k < len(ends) and ends[k] <= start:
            k += 1
        many = len(ends) - k > sentences
        if len(text) - start <= size and not many:
            break
        high = min(start + size, ends[k + sentences - 1]) if many else start + size
        low = start + (high - start) // 2
        cut = high  # no break at all in the second half (one giant word): cut anyway, the map stays sound
        for pattern in _CUTS:
            last = None
            for last in pattern.finditer(text, low, high):  # noqa: B007  (only the last match matters)
                pass
            if last is not None:
                cut = last.end()
                break
        spans.append((start, cut))
        start = cut
    spans.append((start, len(text)))
    return spans


@dataclass
class _Piece:
    """One window of one input text on its way through `nlp.pipe`."""

    # The window's text; typed str as `map_many` takes, but an untyped caller's non-text input is passed
    # through as it is, for spaCy to refuse.
    text: str
    source: str
    offset: int
    last: bool  # the text's final window
    whole: str | None = None  # the whole text, for the map of a windowed text


def well_formed(amap: ArgumentMap) -> ArgumentMap:
    """Whatever the pipeline proposed, the map users get is well formed (no cycles, one target per unit,
    restatements linked to the thesis) with stances relative to the thesis: see `argmine.graph.decode`."""
    # decode_map, then propagate_stance, with the one map built at the end (building each was a third of this).
    units, relations = amap.units_and_relations()
    relations = decode(units, relations, text=amap.text)
    return amap.with_units(stances_from_thesis(units, relations), relations)


class Miner:
    """Text in, `ArgumentMap` out; batches through `nlp.pipe`."""

    def __init__(self, nlp: Language, name: str, batch_size: int = 16, window: int | None = WINDOW_CHARS) -> None:
        self.nlp = nlp
        self.name = name
        self.batch_size = batch_size
        self.window = window  # None: every text in one Doc, whatever its length (unbounded memory)

    def map(self, text: str, source: str = "") -> ArgumentMap:
        """Map one text."""
        return next(self.map_many([text], [source]))

    def map_many(self, texts: Iterable[str], sources: Iterable[str] | None = None) -> Iterator[ArgumentMap]:
        """Map texts end to end (segments, kinds, relations), in input order; lazily, `batch_size` texts
        and at most `window` characters per `nlp.pipe` batch, long texts in windows (see the module)."""
        sources = iter(sources) if sources is not None else None
        pieces = self._pieces(texts, sources)
        parts: list[tuple[int, _Window]] = []
        for batch in self._batches(pieces):
            with _collecting():
                pipe = self.nlp.pipe([p.text for p in batch], batch_size=len(batch))
                maps = [(p, to_map(doc, source=p.source, model=self.name)) for p, doc in zip(batch, pipe)]
                del pipe
            for piece, amap in maps:
                if piece.whole is None:  # the text fit in one window: mapped exactly as it always was
                    yield well_formed(amap)
                    continue
                # Keep the window's units and relations, not its graph: a long text's windows hold
                # hundreds of thousands of units, and the joined map is built from these alone.
                parts.append((piece.offset, _Window(amap.units, amap.relations)))
                if piece.last:
                    joined = [join_windows(piece.whole, parts, source=piece.source, model=self.name)]
                    parts = []  # the windows' maps are in the joined one; free them before decoding it
                    yield well_formed(joined.pop())  # no reference left here: decoding frees the joined map

    def _pieces(self, texts: Iterable[str], sources: Iterator[str] | None) -> Iterator[_Piece]:
        for text in texts:
            source = next(sources, "") if sources else ""
            spans = windows(text, self.window) if isinstance(text, str) else [(0, 0)]
            if len(spans) == 1:
                yield _Piece(text, source, 0, True)
                continue
            for n, (start, end) in enumerate(spans):
                yield _Piece(text[start:end], source, start, n == len(spans) - 1, whole=text)

    def _batches(self, pieces: Iterator[_Piece]) -> Iterator[list[_Piece]]:
        """Consecutive pieces, at most `batch_size` of them and `window` characters (at least one piece); a
        window of a long text goes alone (it may hold `WINDOW_SENTENCES` units)."""
        batch: list[_Piece] = []
        chars = 0
        for piece in pieces:
            if piece.whole is not None:
                if batch:
                    yield batch
                    batch, chars = [], 0
                yield [piece]
                continue
            size = len(piece.text) if isinstance(piece.text, str) else 0
            full = len(batch) >= self.batch_size or (self.window is not None and chars + size > self.window)
            if batch and full:
                yield batch
                batch, chars = [], 0
            batch.append(piece)
            chars += size
        if batch:
            yield batch

    def classify_many(self, gold: Iterable[ArgumentMap]) -> Iterator[ArgumentMap]:
        """Predict kinds and relations for the units of gold maps (same ids and offsets), in input order."""
        gold = list(gold)
        docs = []
        for amap in gold:
            doc = self.nlp.make_doc(amap.text)
            set_gold_segments(doc, amap.units)
            docs.append(doc)
        disable = [name for name in self.nlp.pipe_names if name in SEGMENTERS]
        for amap, doc in zip(gold, self.nlp.pipe(docs, batch_size=self.batch_size, disable=disable)):
            yield well_formed(to_map(doc, source=amap.source, model=self.name, ids=[u.id for u in amap.units]))


class _Window(NamedTuple):
    """What `join_windows` reads of a window's map."""

    units: list[Unit]
    relations: list[Relation]


def join_windows(
    text: str, parts: Iterable[tuple[int, ArgumentMap | _Window]], *, source: str = "", model: str = ""
) -> ArgumentMap:
    """One map over `text` from the maps of its windows, each given with the offset where it starts.

    Units are renumbered `u1`, `u2`, ... in reading order across windows, their offsets shifted into `text`
    and their paragraphs counted in `text`; each window's relations follow its units. The result is what the
    pipeline proposed for the whole text; `well_formed` then decodes it as one map.
    """
    para = ParagraphIndex(text)
    units: list[Unit] = []
    relations: list[Relation] = []
    for offset, part in parts:
        ids: dict[str, str] = {}
        for unit in part.units:
            ids[unit.id] = f"u{len(units) + 1}"
            start, end = unit.start + offset, unit.end + offset
            units.append(replace(unit, id=ids[unit.id], start=start, end=end, paragraph=para(start)))
        relations += [Relation(ids[r.source], ids[r.target], r.relation, r.score) for r in part.relations]
    return ArgumentMap(text, units, relations, source=source, model=model)


def load(model: str | os.PathLike | None = None, *, max_chars: int | None = None) -> Miner:
    """Load a pipeline: None for the shipped default, `"rules"` or `"sentences"` for a baseline, or a model
    folder. The one way argmine loads a pipeline: the CLI, batch workers (local and Dask), `argmine serve`
    and `argmine.map_text` all come here.

    `max_chars` is the longest text the caller accepts (`--max-chars`): spaCy refuses a `Doc` longer than
    `nlp.max_length` (error E088), so the limit is raised to it, and a text the reader let through is never
    refused by spaCy. None keeps spaCy's own limit. (A `Miner` maps a long text in windows anyway, so with
    the default window no `Doc` is longer than `WINDOW_CHARS`; the limit matters for `window=None` and for
    callers of `miner.nlp` itself.)
    """
    where = resolve_model(model)
    if where == RULES:
        miner = Miner(rules_pipeline(), RULES)
    elif where == SENTENCES:
        miner = Miner(sentences_pipeline(), SENTENCES)
    else:
        miner = _load_folder(Path(where))
    if max_chars is not None:
        allow(miner, max_chars)
    return miner


def allow(miner: Miner, max_chars: int) -> Miner:
    """Let `miner` take texts of up to `max_chars` characters (spaCy's `nlp.max_length`, never lowered)."""
    miner.nlp.max_length = max(miner.nlp.max_length, max_chars)
    return miner


# spaCy's tokenizer of a saved pipeline, built empty for `from_disk` to fill (see `tokenizer_overrides`).
SAVED_TOKENIZER = "argmine.SavedTokenizer.v1"
_SPACY_TOKENIZER = "spacy.Tokenizer.v1"


@registry.tokenizers(SAVED_TOKENIZER)
def saved_tokenizer() -> Callable[[Language], Tokenizer]:
    """spaCy's `Tokenizer` with no settings, for a pipeline loaded from a folder: `Tokenizer.from_disk` sets
    every setting from the folder's `tokenizer` file (prefixes, suffixes, infixes, token_match, url_match,
    faster_heuristics and the special cases, after resetting each of them), so what the language's defaults
    would have built first is thrown away. Building it was the third of a model's load time: the English
    tokenizer's 1,347 special cases, added once by `spacy.Tokenizer.v1` and again by `from_disk`."""

    def empty_tokenizer(nlp: Language) -> Tokenizer:
        return Tokenizer(nlp.vocab)

    return empty_tokenizer


def tokenizer_overrides(path: Path) -> dict[str, str]:
    """The `config` for `spacy.load(path, config=...)` that builds a folder's tokenizer empty (`saved_tokenizer`)
    when `from_disk` will fill it: the folder has its `tokenizer` file and its config names spaCy's own
    tokenizer with no settings; empty otherwise. A loaded pipeline, and what it saves, then name
    `SAVED_TOKENIZER` (spaCy's `to_disk` writes the `tokenizer` file with it). The folder is read as it is,
    never rewritten (like `argmine.nlp.greedy.load_overrides`)."""
    block = load_config(path / "config.cfg", interpolate=False).get("nlp", {}).get("tokenizer", {})
    if (path / "tokenizer").is_file() and dict(block) == {"@tokenizers": _SPACY_TOKENIZER}:
        return {"nlp.tokenizer.@tokenizers": SAVED_TOKENIZER}
    return {}


def _load_folder(path: Path) -> Miner:
    verify_manifest(path)  # before spaCy reads anything: a changed model folder is changed code
    try:
        # A model saved before argmine's finder factory builds its finder from that factory too (greedy.py).
        nlp = spacy.load(path, config={**load_overrides(path), **tokenizer_overrides(path)})
    except Exception as err:  # noqa: BLE001  (any failure inside spaCy's loader means the same to the user)
        # The files match their manifest, so they are what was shipped or trained, and still spaCy cannot
        # build a pipeline from them (a broken config, an unknown component): one line, not a traceback.
        reason = " ".join(str(err).split()) or type(err).__name__
        reason = reason if len(reason) <= 300 else reason[:299] + "…"  # spaCy's messages run to paragraphs
        raise ModelLoadError(f"cannot load model at {path}: {type(err).__name__}: {reason}") from err
    return Miner(use_numpy_blas(nlp), nlp.meta.get("name") or path.name)
