"""The spaCy pipeline that turns text into units and relations.

Importing this package registers every argmine component with spaCy.
"""

from argmine.nlp import rules, sentences, structure  # noqa: F401  (registers components)
from argmine.nlp.miner import Miner, load
from argmine.nlp.models import ModelNotFound, available_models

__all__ = ["Miner", "ModelNotFound", "available_models", "load"]
