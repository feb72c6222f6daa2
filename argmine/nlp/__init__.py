"""The spaCy pipeline that turns text into units and relations.

Importing this package registers every argmine component with spaCy.
"""

from argmine.nlp import (  # noqa: F401
    classify,
    finder,
    gapfill,
    greedy,
    relate,
    rules,
    sentences,
    split,
    structure,
    thesis,
    tok2vec,
    trim,
    unitfilter,
)
from argmine.nlp.miner import Miner, load
from argmine.nlp.models import ModelNotFound, available_models

__all__ = ["Miner", "ModelNotFound", "available_models", "load"]
