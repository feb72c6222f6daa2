"""Scoring predicted argument maps against gold ones."""

from argmine.evaluation.evaluate import evaluate
from argmine.evaluation.scores import EvaluationError, score_maps

__all__ = ["EvaluationError", "evaluate", "score_maps"]
