"""The argument graph: well-formedness decoding, stance propagation and analysis."""

from argmine.graph.analysis import Analysis, EvidenceLoad, UnitRef, analyse
from argmine.graph.confidence import UNCERTAIN, is_uncertain, prune
from argmine.graph.decode import decode, decode_map, propagate_stance, thesis_of
from argmine.graph.tree import Step, outline

__all__ = [
    "UNCERTAIN",
    "Analysis",
    "EvidenceLoad",
    "Step",
    "UnitRef",
    "analyse",
    "decode",
    "decode_map",
    "is_uncertain",
    "outline",
    "propagate_stance",
    "prune",
    "thesis_of",
]
