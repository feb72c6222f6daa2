"""Calibrated scores: monotone curves from the pipeline's raw scores to probabilities that mean what they say.

A map's unit `score` is meant as the probability that the unit's kind is right, a relation's `score` as the
probability that the link is right (`argmine.evaluation.calibration` measures both). The raw scores are not
that: a unit the finder gave a kind scores 1.0 whatever the heads thought, and a paragraph root hung on the
thesis carries its kind or stance probability, not a link probability. A `Calibration` maps each raw score
through a monotone curve (isotonic breakpoints or a sigmoid), one curve per group of scores that behave alike.
It is fitted post hoc on out-of-fold predictions by `argmine.evaluation.calibrate` and stored as JSON,
`calibration.json` in the relation scorer's folder; the relation scorer, which sets both scores, applies it
last (`argmine.nlp.relate`). A model without the file keeps its raw scores. Calibrating changes no kind, no
relation and no stance, only the scores.

What a score is calibrated from (`unit_inputs`, `link_inputs`): a unit's raw inputs are `score`, the unit
score the relation scorer set, and `heads`, the unit classifier heads' own probability of the kind the unit
was given (before the finder's vote is mixed in); its group features are `genre` (`essay` / `short`,
`argmine.nlp.classify.genre_of`), `finder` (`finder` when the finder voted the kind the unit has, else
`heads`) and `kind`. A relation's raw input is its `score`; its group features are `genre`, `origin` (`link`,
a link head's probability of a pair, or `root`, a paragraph root attached to the thesis) and `source` (the
source unit's kind). The JSON says which input and which features each score kind uses; a group the fit
never saw falls back to the curve of all groups, `*`.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy
from spacy.tokens import Doc

from argmine.errors import ModelError
from argmine.export.atomic import write_atomic
from argmine.nlp.classify import KIND_LABELS
from argmine.nlp.doc import get_units

FILENAME = "calibration.json"
FORMAT = "argmine-calibration/1"
# Written into every file the fitter makes: the fitter overwrites only a file that carries it (else --force).
CREATED_BY = "argmine.evaluation.calibrate"
ALL = "*"
METHODS = ("isotonic", "platt", "temperature")
UNIT_INPUTS = ("score", "heads")
UNIT_FEATURES = ("genre", "finder", "kind")
LINK_INPUTS = ("score",)
LINK_FEATURES = ("genre", "origin", "source")
# Raw scores are clipped this far from 0 and 1 before a sigmoid curve takes their logit.
_CLIP = 1e-4

# The origin of each relation the relation scorer proposed (`link` or `root`), aligned with
# `doc._.arg_relations`; written by `argmine.nlp.relate`, read here.
if not Doc.has_extension("arg_relation_origins"):
    Doc.set_extension("arg_relation_origins", default=None)


class CalibrationError(ModelError):
    """A calibration file that cannot be read (the message says what is wrong with it)."""


def logit(p: numpy.ndarray) -> numpy.ndarray:
    p = numpy.clip(p, _CLIP, 1.0 - _CLIP)
    return numpy.log(p) - numpy.log1p(-p)


def sigmoid(t: numpy.ndarray) -> numpy.ndarray:
    return 0.5 * (1.0 + numpy.tanh(0.5 * t))  # 1 / (1 + e^-t), without overflow


@dataclass(frozen=True)
class Curve:
    """A monotone non-decreasing map from a raw score in [0, 1] to a probability.

    `isotonic`: the piecewise-linear curve through breakpoints (`x`, `y`), flat beyond its ends (the blocks of
    pool-adjacent-violators, each block's lowest and highest raw score at the block's share right).
    `platt` and `temperature`: sigmoid(a * logit(raw) + b), with b = 0 for temperature (a = 1 / T)."""

    method: str
    x: tuple[float, ...] = ()
    y: tuple[float, ...] = ()
    a: float = 1.0
    b: float = 0.0

    def __call__(self, raw: float | Sequence[float] | numpy.ndarray) -> numpy.ndarray:
        values = numpy.asarray(raw, dtype="float64")
        if self.method == "isotonic":
            return numpy.interp(values, self.x, self.y)
        return sigmoid(self.a * logit(values) + self.b)

    def to_dict(self) -> dict:
        if self.method == "isotonic":
            return {"method": self.method, "x": list(self.x), "y": list(self.y)}
        return {"method": self.method, "a": self.a, "b": self.b}

    @classmethod
    def from_dict(cls, data: object) -> Curve:
        if not isinstance(data, dict) or data.get("method") not in METHODS:
            raise ValueError(f"a curve needs a method among {', '.join(METHODS)}")
        if data["method"] == "isotonic":
            x, y = data.get("x"), data.get("y")
            if not (isinstance(x, list) and isinstance(y, list) and x and len(x) == len(y)):
                raise ValueError("an isotonic curve needs lists x and y of the same, non-zero length")
            xs, ys = tuple(_number(v) for v in x), tuple(_number(v) for v in y)
            if any(b < a for a, b in itertools.pairwise(xs)) or any(b < a for a, b in itertools.pairwise(ys)):
                raise ValueError("an isotonic curve's x and y must both be non-decreasing")
            if not all(0.0 <= v <= 1.0 for v in xs + ys):
                raise ValueError("an isotonic curve's x and y must lie in [0, 1]")
            return cls("isotonic", xs, ys)
        a, b = _number(data.get("a")), _number(data.get("b", 0.0))
        if a < 0:
            raise ValueError("a sigmoid curve's slope a must not be negative (the curve must not decrease)")
        return cls(data["method"], a=a, b=b)


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return float(value)


@dataclass(frozen=True)
class ScoreCalibration:
    """The curves of one score kind: which raw input they read, which features group the scores, and one
    curve per group key (the group's feature values joined by `/`; `*` for all groups)."""

    input: str
    by: tuple[str, ...]
    curves: dict[str, Curve]

    def key(self, features: dict[str, str]) -> str:
        return "/".join(features[f] for f in self.by) if self.by else ALL

    def curve_for(self, features: dict[str, str]) -> Curve:
        """The curve of the group `features` name, or the curve of all groups when the fit had none for it."""
        return self.curves.get(self.key(features)) or self.curves[ALL]

    def __call__(self, raws: dict[str, float], features: dict[str, str]) -> float:
        return float(self.curve_for(features)(raws[self.input]))

    def to_dict(self) -> dict:
        return {"input": self.input, "by": list(self.by),
                "curves": {k: c.to_dict() for k, c in sorted(self.curves.items())}}

    @classmethod
    def from_dict(cls, data: object, inputs: tuple[str, ...], features: tuple[str, ...]) -> ScoreCalibration:
        if not isinstance(data, dict):
            raise TypeError("each score kind needs an object with input, by and curves")
        if data.get("input") not in inputs:
            raise ValueError(f"input must be one of {', '.join(inputs)}, not {data.get('input')!r}")
        by = data.get("by", [])
        if not isinstance(by, list) or any(f not in features for f in by):
            raise ValueError(f"by must list features among {', '.join(features)}")
        curves = data.get("curves")
        if not isinstance(curves, dict) or ALL not in curves:
            raise ValueError(f"curves must be an object with at least the curve of all groups, {ALL!r}")
        return cls(data["input"], tuple(by), {str(k): Curve.from_dict(v) for k, v in curves.items()})


@dataclass(frozen=True)
class Calibration:
    """The curves for unit scores and relation scores (either may be absent: that score stays raw), and
    `info`, what the fitter recorded about the fit (data, choices, nested cross-validation), kept verbatim."""

    unit: ScoreCalibration | None = None
    link: ScoreCalibration | None = None
    info: dict = field(default_factory=dict)
    created_by: str = CREATED_BY

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "created_by": self.created_by,
            "unit": self.unit.to_dict() if self.unit else None,
            "link": self.link.to_dict() if self.link else None,
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: object) -> Calibration:
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ValueError(f"not an {FORMAT} file")
        unit, link = data.get("unit"), data.get("link")
        info = data.get("info", {})
        return cls(
            None if unit is None else ScoreCalibration.from_dict(unit, UNIT_INPUTS, UNIT_FEATURES),
            None if link is None else ScoreCalibration.from_dict(link, LINK_INPUTS, LINK_FEATURES),
            info if isinstance(info, dict) else {},
            str(data.get("created_by", "")),
        )

    @classmethod
    def read(cls, path: str | Path) -> Calibration:
        """The calibration in `path`; `CalibrationError` in one line when it is not a valid one."""
        try:
            return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, ValueError, TypeError) as err:
            raise CalibrationError(f"cannot read the calibration {path}: {err}") from None

    def write(self, path: str | Path) -> None:
        """Write to `path` atomically (a temporary file renamed over it)."""
        write_atomic(path, json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n")

    def apply(self, doc: Doc, genre: str) -> None:
        """Replace the unit and relation scores on `doc` (as the relation scorer left them) by calibrated ones."""
        if self.unit is not None:
            for span, (raws, features) in zip(get_units(doc), unit_inputs(doc, genre)):
                span._.unit_score = self.unit(raws, features)
        if self.link is not None and doc._.arg_relations:
            doc._.arg_relations = [
                (s, t, rel, self.link(raws, features))
                for (s, t, rel, _), (raws, features) in zip(doc._.arg_relations, link_inputs(doc, genre))
            ]


def unit_inputs(doc: Doc, genre: str) -> list[tuple[dict[str, float], dict[str, str]]]:
    """Per unit of `doc` (as the relation scorer left it): its raw inputs and its group features."""
    probs = doc._.arg_unit_probs or {}
    heads = probs.get("kind_heads", probs.get("kind"))
    finder_kinds = doc._.arg_finder_kinds if "kind_heads" in probs else None  # None: the finder did not vote
    out = []
    for i, span in enumerate(get_units(doc)):
        kind = span.label_
        head = float(heads[i][KIND_LABELS.index(kind)]) if heads is not None and kind in KIND_LABELS else 0.0
        finder = "finder" if finder_kinds is not None and finder_kinds[i] == kind else "heads"
        out.append(({"score": float(span._.unit_score), "heads": head},
                    {"genre": genre, "finder": finder, "kind": kind}))
    return out


def link_inputs(doc: Doc, genre: str) -> list[tuple[dict[str, float], dict[str, str]]]:
    """Per relation of `doc` (`doc._.arg_relations`): its raw inputs and its group features."""
    spans = list(get_units(doc))
    relations = doc._.arg_relations or []
    origins = doc._.arg_relation_origins
    if origins is None or len(origins) != len(relations):
        origins = ["unknown"] * len(relations)  # no group of the fit: the curve of all groups
    return [
        ({"score": float(score)}, {"genre": genre, "origin": origin, "source": spans[s].label_})
        for (s, _, _, score), origin in zip(relations, origins)
    ]


def read_calibration(folder: str | Path) -> Calibration | None:
    """The calibration in a component's folder, or None when it has none."""
    path = Path(folder) / FILENAME
    return Calibration.read(path) if path.is_file() else None


def write_calibration(calibration: Calibration, folder: str | Path) -> Path:
    """Write `calibration` into a component's folder (atomically); its path."""
    path = Path(folder) / FILENAME
    calibration.write(path)
    return path
