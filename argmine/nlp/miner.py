"""`Miner`: a loaded pipeline with the two ways argmine uses it, end to end and over gold segments."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

import spacy
from spacy.language import Language

from argmine.argmap import ArgumentMap
from argmine.graph.decode import decode_map, propagate_stance
from argmine.nlp.doc import set_gold_segments, to_map
from argmine.nlp.manifest import verify_manifest
from argmine.nlp.models import RULES, ModelLoadError, resolve_model
from argmine.nlp.rules import rules_pipeline

# Components that find unit boundaries; they are switched off when gold segments are given.
SEGMENTERS = ("argmine_rule_segmenter", "tok2vec", "unit_finder", "argmine_units_from_finder")


def well_formed(amap: ArgumentMap) -> ArgumentMap:
    """Whatever the pipeline proposed, the map users get is well formed (no cycles, one target per unit,
    restatements linked to the thesis) with stances relative to the thesis: see `argmine.graph.decode`."""
    return propagate_stance(decode_map(amap))


class Miner:
    """Text in, `ArgumentMap` out; batches through `nlp.pipe`."""

    def __init__(self, nlp: Language, name: str, batch_size: int = 16) -> None:
        self.nlp = nlp
        self.name = name
        self.batch_size = batch_size

    def map(self, text: str, source: str = "") -> ArgumentMap:
        """Map one text."""
        return next(self.map_many([text], [source]))

    def map_many(self, texts: Iterable[str], sources: Iterable[str] | None = None) -> Iterator[ArgumentMap]:
        """Map texts end to end (segments, kinds, relations), in input order."""
        sources = iter(sources) if sources is not None else None
        for doc in self.nlp.pipe(texts, batch_size=self.batch_size):
            yield well_formed(to_map(doc, source=next(sources, "") if sources else "", model=self.name))

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


def load(model: str | os.PathLike | None = None) -> Miner:
    """Load a pipeline: None for the shipped default, `"rules"` for the rule baseline, or a model folder."""
    where = resolve_model(model)
    if where == RULES:
        return Miner(rules_pipeline(), RULES)
    path = Path(where)
    verify_manifest(path)  # before spaCy reads anything: a changed model folder is changed code
    try:
        nlp = spacy.load(path)
    except Exception as err:  # noqa: BLE001  (any failure inside spaCy's loader means the same to the user)
        # The files match their manifest, so they are what was shipped or trained, and still spaCy cannot
        # build a pipeline from them (a broken config, an unknown component): one line, not a traceback.
        reason = " ".join(str(err).split()) or type(err).__name__
        reason = reason if len(reason) <= 300 else reason[:299] + "…"  # spaCy's messages run to paragraphs
        raise ModelLoadError(f"cannot load model at {path}: {type(err).__name__}: {reason}") from err
    return Miner(nlp, nlp.meta.get("name") or path.name)
