"""`train_pipeline`: the one command that rebuilds a shipped model from the corpora.

The finder (tok2vec + transition-based span detector) trains with spaCy's trainer; the linear heads train in
seconds on gold segments; the pieces are assembled into one spaCy pipeline, saved with a manifest.
"""

from __future__ import annotations

import json
import logging
import shutil
import time
from pathlib import Path

import spacy
from spacy.language import Language

import argmine
from argmine.nlp.classify import UnitClassifier
from argmine.nlp.greedy import load_overrides
from argmine.nlp.manifest import write_manifest
from argmine.nlp.relate import RelationScorer
from argmine.nlp.thesis import ThesisScorer
from argmine.training.data import TrainingData, load_recipe
from argmine.training.finder import train_finder, uses_vectors, vectors_override
from argmine.training.heads import (
    choose_evidence_thresholds,
    component,
    featurize,
    train_gap_head,
    train_relation_heads,
    train_split_head,
    train_trim_head,
    train_thesis_head,
    train_unit_heads,
)
from argmine.training.vectors import glove_root

log = logging.getLogger(__name__)

FINDER_STEPS = 3000  # on AAE alone the dev score stopped improving after 2,000-2,500 steps; the recipe now has
# almost four times the words (see the model card)


FINDER_PIPES = ("tok2vec", "unit_finder")


def assemble(finder: Path) -> Language:
    """An argmine pipeline with untrained heads around the finder of `finder` (a finder or a full model)."""
    import argmine.nlp  # noqa: F401  (registers the components)

    # A finder from a model saved with spaCy's `ner` factory is assembled as argmine's finder (greedy.py).
    nlp = spacy.load(finder, config=load_overrides(finder))
    for name in list(nlp.pipe_names):
        if name not in FINDER_PIPES:
            nlp.remove_pipe(name)
    nlp.add_pipe("argmine_sentences", first=True)
    nlp.add_pipe("argmine_structure", after="argmine_sentences")
    nlp.add_pipe("argmine_units_from_finder", after="unit_finder")
    nlp.add_pipe("argmine_gap_filler", after="argmine_units_from_finder")
    nlp.add_pipe("argmine_unit_splitter", after="argmine_gap_filler")
    nlp.add_pipe("argmine_unit_filter", after="argmine_unit_splitter")
    nlp.add_pipe("argmine_lead_trimmer", after="argmine_unit_filter")
    nlp.add_pipe("argmine_unit_classifier")
    nlp.add_pipe("argmine_thesis_scorer")
    nlp.add_pipe("argmine_relation_scorer")
    return nlp


def clear_training_paths(nlp: Language) -> None:
    """Forget where the finder's training data was: a work folder next to the model, deleted once it is saved.

    The saved config would otherwise name files that no longer exist (`[paths]`, and the vectors pipeline in
    `[initialize]`); nothing reads them to load or run the model, and `spacy train` with the model's config
    asks for its own paths, as it does for any spaCy config."""
    config = nlp.config
    paths, initialize = config.get("paths", {}), config.get("initialize", {})
    for key, value in paths.items():
        if isinstance(value, str):
            paths[key] = None
    for key in ("vectors", "init_tok2vec"):  # set to a path directly, not through ${paths...}
        value = initialize.get(key)
        if isinstance(value, str) and not value.startswith("${"):
            initialize[key] = None


def keep_only_labels(nlp: Language, folder: Path) -> None:
    """Replace the saved string store, which holds every token of the training corpora, by the pipes' labels.

    Every feature is hashed, so nothing looks a string up (the maps are identical without them), and the
    model folder then carries no vocabulary of corpora that may not be redistributed."""
    labels = sorted({label for _, pipe in nlp.pipeline for label in getattr(pipe, "labels", ())})
    (folder / "vocab" / "strings.json").write_text(json.dumps(labels) + "\n", encoding="utf-8")


def train_pipeline(corpora: Path, output: Path, *, holdout: str | None = None, **options) -> dict:
    """Train every component on the recipe's data (`holdout` left out) and save the pipeline to `output`;
    returns a training report. `options` are those of `train_from_data` (seed, finder, finder_steps, name,
    vectors)."""
    if options.get("finder") is None and uses_vectors(vectors_override(options.get("vectors"))):
        glove_root()  # a missing training extra fails now, not after the corpora are read
    return train_from_data(load_recipe(corpora, holdout, seed=options.get("seed", 0)), output, holdout=holdout,
                           **options)


def train_from_data(
    data: TrainingData,
    output: Path,
    *,
    seed: int = 0,
    holdout: str | None = None,
    finder: Path | None = None,
    finder_steps: int = FINDER_STEPS,
    name: str | None = None,
    vectors: bool | None = None,
) -> dict:
    """Train every component on `data` (any gold maps, e.g. a test's small corpus) and save to `output`.

    `finder` reuses the finder of an already trained model (cross-validation folds of the heads need no new
    one: the finder never sees microtexts or editorials). `vectors` turns the finder's GloVe branch on or off
    (None: as `finder.cfg` says)."""
    started = time.perf_counter()
    output = Path(output)
    work = output.parent / f".{output.name}.work"
    report: dict = {"seed": seed, "holdout": holdout, "sources": data.sources}
    if finder is None:
        report["vectors"] = uses_vectors(vectors_override(vectors))
    if finder is None:
        t = time.perf_counter()
        finder = train_finder(data.finder_train, data.finder_dev, work, seed=seed, max_steps=finder_steps,
                              segments=data.finder_segments, overrides=vectors_override(vectors))
        report["finder_seconds"] = round(time.perf_counter() - t, 1)
    else:
        report["finder_from"] = str(finder)
    nlp = assemble(finder)
    t = time.perf_counter()
    kinds = featurize(nlp, data.kinds)
    links = featurize(nlp, data.links)
    evidence = featurize(nlp, data.evidence)
    classifier = component(nlp, "argmine_unit_classifier", UnitClassifier)
    scorer = component(nlp, "argmine_relation_scorer", RelationScorer)
    report["examples"] = {
        "gap": train_gap_head(nlp, data.finder_train + data.finder_segments, seed=seed),
        "split": train_split_head(nlp, data.segments or data.finder_train + data.finder_segments, seed=seed),
        "trim": train_trim_head(nlp, data.segments or data.finder_train + data.finder_segments, seed=seed),
        **train_unit_heads(classifier, kinds, evidence, seed=seed),
        **train_relation_heads(scorer, links, kinds, evidence, seed=seed, classifier=classifier),
        "thesis": train_thesis_head(component(nlp, "argmine_thesis_scorer", ThesisScorer), kinds, seed=seed),
    }
    texts = None if data.evidence_texts is None else {id(m) for m in data.evidence_texts}
    report["evidence_thresholds"] = choose_evidence_thresholds(
        classifier, evidence, seed=seed, scored=None if texts is None else [id(ex.amap) in texts for ex in evidence])
    report["heads_seconds"] = round(time.perf_counter() - t, 1)
    nlp.meta.update(
        {
            "name": name or output.name,
            "version": argmine.__version__,
            "description": "argmine argument-mining pipeline: units, kinds, evidence types, relations",
            "author": "argmine",
            "license": "research use only (trained on corpora under research licences; see README.md)",
            "argmine": {"seed": seed, "holdout": holdout, "sources": data.sources},
        }
    )
    # The new model is complete beside the old one before it replaces it, so a failed save loses nothing; the
    # model card is written by people, not by training, and a rebuild in place keeps it.
    staging = output.parent / f".{output.name}.new"
    if staging.exists():
        shutil.rmtree(staging)
    clear_training_paths(nlp)
    nlp.to_disk(staging)
    if (output / "README.md").is_file():
        shutil.copyfile(output / "README.md", staging / "README.md")
    keep_only_labels(nlp, staging)
    report["seconds"] = round(time.perf_counter() - started, 1)
    (staging / "training.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    write_manifest(staging)
    if output.exists():
        shutil.rmtree(output)
    staging.rename(output)
    if work.exists():
        shutil.rmtree(work)
    return report
