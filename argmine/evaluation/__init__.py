"""Scoring predicted argument maps against gold ones."""

from argmine.evaluation.evaluate import Evaluation, evaluate
from argmine.evaluation.scores import EvaluationError, Scores, compute_scores, score_maps

__all__ = ["Evaluation", "EvaluationError", "Scores", "compute_scores", "evaluate", "score_maps"]
