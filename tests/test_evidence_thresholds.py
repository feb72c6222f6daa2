"""The unit classifier's evidence thresholds: learnt per genre in training, saved with the heads, and the
config's `evidence_threshold` for a model saved before they were learnt."""

from __future__ import annotations

import numpy
import spacy

import argmine.nlp  # noqa: F401  (registers the components)
from argmine.nlp.classify import EVIDENCE_FILE, EVIDENCE_LABELS, GENRES
from argmine.training.heads import EVIDENCE_GRID, best_evidence_threshold


def probs(rows):
    """Rows over EVIDENCE_LABELS ("none", statistics, testimony, anecdote) from (P(none), type) pairs."""
    out = numpy.zeros((len(rows), len(EVIDENCE_LABELS)))
    for r, (none, kind) in enumerate(rows):
        out[r, 0] = none
        out[r, EVIDENCE_LABELS.index(kind)] = 1.0 - none
    return out


def test_the_threshold_that_types_the_evidence_best_wins_and_ties_keep_the_highest():
    # the evidence is 0.35 sure of itself, the rest 0.2 at most: every threshold in (0.2, 0.35] is perfect
    rows = [(0.65, "statistics"), (0.65, "testimony"), (0.65, "anecdote"), (0.8, "anecdote"), (0.9, "testimony")]
    gold = ["statistics", "testimony", "anecdote", "none", "none"]
    assert best_evidence_threshold(probs(rows), gold) == 0.35
    # a wrongly typed unit counts against its type, whatever the threshold
    gold[2] = "testimony"
    assert best_evidence_threshold(probs(rows), gold) == 0.35
    # when nothing is evidence, the highest threshold calls the least
    assert best_evidence_threshold(probs(rows), ["none"] * 5) == max(EVIDENCE_GRID)


def test_thresholds_are_saved_per_genre_and_a_model_without_them_uses_the_config(tmp_path):
    nlp = spacy.blank("en")
    classifier = nlp.add_pipe("argmine_unit_classifier", config={"evidence_threshold": 0.45})
    assert classifier.evidence_thresholds == dict.fromkeys(GENRES, 0.45)
    classifier.evidence_thresholds = {"essay": 0.35, "short": 0.6}
    classifier.to_disk(tmp_path / "clf")
    again = spacy.blank("en").add_pipe("argmine_unit_classifier").from_disk(tmp_path / "clf")
    assert again.evidence_thresholds == {"essay": 0.35, "short": 0.6}
    (tmp_path / "clf" / EVIDENCE_FILE).unlink()
    older = spacy.blank("en").add_pipe("argmine_unit_classifier").from_disk(tmp_path / "clf")
    assert older.evidence_thresholds == dict.fromkeys(GENRES, 0.5)
    typed = probs([(0.6, "anecdote")])[0]
    assert older.evidence_type(typed, "essay") == ""  # 0.4 sure: not evidence at 0.5
    assert again.evidence_type(typed, "essay") == "anecdote"  # at 0.35 it is
    assert again.evidence_type(typed, "short") == ""
