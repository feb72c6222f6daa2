"""Training the unit finder with spaCy's trainer from `finder.cfg`."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import spacy
from spacy.tokens import DocBin, Span
from thinc.api import Config

from argmine.argmap import ArgumentMap

CONFIG = Path(__file__).with_name("finder.cfg")
# The finder's labels: the kind as the AAE annotation draws it; evidence is a premise at this stage. Corpora
# that segment but do not say which unit is the thesis (see argmine.training.data) label every unit `Unit`.
FINDER_LABELS = {"major_claim": "MajorClaim", "claim": "Claim", "premise": "Premise", "evidence": "Premise"}
UNKNOWN_KIND = "Unit"
VECTORS_SETTING = "components.tok2vec.model.embed.vectors"

log = logging.getLogger(__name__)


def to_docbin(maps: Sequence[ArgumentMap], segments: Sequence[ArgumentMap] = ()) -> tuple[DocBin, int]:
    """Docs with gold units as entities (`segments`: labelled `Unit`); returns the DocBin and how many units
    did not align with tokens."""
    nlp = spacy.blank("en")
    db = DocBin(store_user_data=False)
    skipped = 0
    for n, amap in enumerate([*maps, *segments]):
        kinds = n < len(maps)
        doc = nlp.make_doc(amap.text)
        ents: list[Span] = []
        for u in amap.units:
            label = FINDER_LABELS[u.kind] if kinds else UNKNOWN_KIND
            span = doc.char_span(u.start, u.end, label=label, alignment_mode="contract")
            if span is None or len(span) == 0 or (ents and span.start < ents[-1].end):
                skipped += 1
                continue
            ents.append(span)
        doc.ents = ents
        db.add(doc)
    return db, skipped


def train_finder(
    train: Sequence[ArgumentMap],
    dev: Sequence[ArgumentMap],
    output: Path,
    *,
    segments: Sequence[ArgumentMap] = (),
    seed: int = 0,
    max_steps: int = 6000,
    overrides: dict | None = None,
) -> Path:
    """Train the finder on `train` for `max_steps` steps; returns the final model's folder.

    `dev` is only scored along the way (in the log): the shipped recipe trains on AAE dev too, so picking the
    "best" checkpoint on it would pick the most overfitted one. The step count was chosen on a run that
    held dev out.
    """
    from spacy.cli.train import train as spacy_train

    import argmine.nlp  # noqa: F401  (registers argmine.LayoutEmbed.v1)

    output.mkdir(parents=True, exist_ok=True)
    for name, maps, unlabelled in (("train", train, segments), ("dev", dev, ())):
        db, skipped = to_docbin(maps, unlabelled)
        db.to_disk(output / f"{name}.spacy")
        if skipped:
            log.warning("%s: %d units do not fall on token boundaries and were skipped", name, skipped)
    settings = {
        "paths.train": str(output / "train.spacy"),
        "paths.dev": str(output / "dev.spacy"),
        "system.seed": seed,
        "training.max_steps": max_steps,
        **(overrides or {}),
    }
    if uses_vectors(settings):
        from argmine.training.vectors import write_vectors_pipeline

        # Read (and hash-checked) before the first step, so a missing extra fails at once, not after the data.
        settings["initialize.vectors"] = str(write_vectors_pipeline(output / "vectors"))
    spacy_train(CONFIG, output / "finder", overrides=settings, use_gpu=-1)
    return output / "finder" / "model-last"


def vectors_override(vectors: bool | None) -> dict:
    """The config override that turns the finder's vectors branch on or off (None: none, as the config says)."""
    return {} if vectors is None else {VECTORS_SETTING: bool(vectors)}


def uses_vectors(overrides: dict | None = None) -> bool:
    """Whether the finder's config (with `overrides`) asks for static vectors in its tok2vec."""
    if overrides is not None and VECTORS_SETTING in overrides:
        return bool(overrides[VECTORS_SETTING])
    node = Config().from_disk(CONFIG, interpolate=False)
    for key in VECTORS_SETTING.split("."):
        node = node.get(key, {})
    return node is True
