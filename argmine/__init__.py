"""argmine: turn an essay or op-ed into an argument map (thesis, claims, premises, evidence, relations)."""

from argmine.argmap import EVIDENCE_TYPES, KINDS, RELATIONS, STANCES, ArgumentMap, MapError, Relation, Unit

__version__ = "0.1.0"

__all__ = [
    "EVIDENCE_TYPES",
    "KINDS",
    "RELATIONS",
    "STANCES",
    "ArgumentMap",
    "MapError",
    "Relation",
    "Unit",
]
