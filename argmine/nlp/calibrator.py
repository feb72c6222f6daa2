"""Calibrated scores: the pipeline's raw scores mapped to probabilities that mean what they say.

A map's unit `score` is meant as the probability that the unit's kind is right, a relation's `score` as the
probability that the link is right (`argmine.evaluation.calibration` measures both). The raw scores are not
that: a unit the finder gave a kind scores 1.0 whatever the heads thought, and a paragraph root hung on the
thesis carries its kind or stance probability, not a link probability. A `Calibration` maps each raw score
either through a monotone curve (isotonic breakpoints or a sigmoid), one curve per group of scores that behave
alike, or through a context model (`Logistic`): a small logistic regression over the raw score's logit and
what the map knows about the score's context — the same raw score means one thing for a link inside a
paragraph of a short text and another for one across the paragraphs of a long op-ed. It is fitted post hoc
on out-of-fold predictions by `argmine.evaluation.calibrate` and stored as JSON, `calibration.json` in the
relation scorer's folder; the relation scorer, which sets both scores, applies it last (`argmine.nlp.relate`).
A model without the file keeps its raw scores. Calibrating changes no kind, no relation and no stance, only
the scores.

What a score is calibrated from (`unit_inputs`, `link_inputs`), all of it known when the text is mapped,
never the corpus it comes from. A unit's raw inputs are `score`, the unit score the relation scorer set, and
`heads`, the unit classifier heads' own probability of the kind the unit was given (before the finder's vote
is mixed in); its features are `genre` (`essay` / `short`, `argmine.nlp.classify.genre_of`), `finder`
(`finder` when the finder voted the kind the unit has, else `heads`), `kind`, its paragraph's `role`, whether
it has an `evidence` type and is the map's `thesis`; its numbers, the heads' top probability, its thesis
probability, its paragraph's size, its rank there, its position and length. A relation's raw input is its
`score`; its features are `genre`, `origin` (`link`, a link head's probability of a pair, or `root`, a
paragraph root attached to the thesis), the kinds of its `source` and `target`, whether it goes `to_thesis`,
`cross`es paragraphs, points back or forward (`direction`) and its `relation`; its numbers, the units
between its ends, how many targets its source could take and the likeliest one it did not take
(`doc._.arg_relation_context`, from the relation scorer), the size of its link group, the content words its
ends share, their kind probabilities and ranks. Both also get the doc's: its `layout` (`layout_of`), whether
it has a headline, its units and paragraphs, the share of units the finder gave a kind, the heads' mean top
probability, the thesis scorer's top probability and where the thesis sits. The JSON says which input and
which features each score kind uses; a group the fit never saw falls back to the curve of all groups, `*`,
and a feature value a context model never saw takes no term of its own.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy
from spacy.tokens import Doc, Span

from argmine.errors import ModelError
from argmine.export.atomic import write_atomic
from argmine.nlp.classify import KIND_LABELS
from argmine.nlp.doc import get_units
from argmine.nlp.features import DocUnits

FILENAME = "calibration.json"
FORMAT = "argmine-calibration/2"
# Format 1 holds curves only; a file of curves only is still written in it, so that a release that reads
# format 1 alone reads it too (format 2 adds the context models, `Logistic`).
FORMATS = ("argmine-calibration/1", FORMAT)
# Written into every file the fitter makes: the fitter overwrites only a file that carries it (else --force).
CREATED_BY = "argmine.evaluation.calibrate"
ALL = "*"
METHODS = ("isotonic", "platt", "temperature")
LOGISTIC = "logistic"
UNIT_INPUTS = ("score", "heads")
# What `unit_inputs` and `link_inputs` give each score besides its raw inputs: numbers (the context model's
# numeric factors) and features (its indicators, and the curves' groups). `_doc_context` has the shared ones.
DOC_NUMBERS = ("units", "paragraphs", "finder_share", "mean_heads", "thesis_top", "thesis_position")
DOC_FEATURES = ("layout", "headline")
UNIT_NUMBERS = UNIT_INPUTS + ("heads_top", "thesis_p", "para_units", "rank", "position", "tokens") + DOC_NUMBERS
UNIT_FEATURES = ("genre", "finder", "kind", "role", "evidence", "thesis") + DOC_FEATURES
LINK_INPUTS = ("score",)
LINK_NUMBERS = LINK_INPUTS + ("distance", "candidates", "best_other", "group", "shared", "source_p", "target_p",
                              "source_rank", "target_rank", "para_units") + DOC_NUMBERS
LINK_FEATURES = ("genre", "origin", "source", "target", "to_thesis", "cross", "direction", "relation") + DOC_FEATURES
# Raw scores are clipped this far from 0 and 1 before a sigmoid curve takes their logit.
_CLIP = 1e-4

# The origin of each relation the relation scorer proposed (`link` or `root`), aligned with
# `doc._.arg_relations`; written by `argmine.nlp.relate`, read here.
# And what else it knew of each relation's source, aligned the same way (a dict per relation: `candidates`, how
# many targets the source could take; `best_other`, the likeliest of the targets it did not take; `group`, the
# units of its link group).
for _name in ("arg_relation_origins", "arg_relation_context"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


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

    def predict(self, rows: Sequence[tuple[dict[str, float], dict[str, str]]]) -> numpy.ndarray:
        return numpy.asarray([self(raws, features) for raws, features in rows], dtype="float64")

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


_TRANSFORMS: dict[str, Callable[[numpy.ndarray], numpy.ndarray]] = {"log1p": numpy.log1p, "logit": logit}


def _factor(name: str, numbers: tuple[str, ...] | None = None,
            features: tuple[str, ...] | None = None) -> tuple[str, str, str]:
    """One factor of a context model's term, parsed: ("z", "", ""), ("is", feature, value) or
    (transform, number, "") with transform "" (the number itself), "log1p" or "logit"; a feature or number
    not among `features` / `numbers` (when given) is a ValueError."""
    if name == "z":
        return ("z", "", "")
    if "=" in name:
        feature, _, value = name.partition("=")
        if features is not None and feature not in features:
            raise ValueError(f"a term's feature must be one of {', '.join(features)}, not {feature!r}")
        return ("is", feature, value)
    for transform in _TRANSFORMS:
        if name.startswith(f"{transform}(") and name.endswith(")"):
            number = name[len(transform) + 1 : -1]
            break
    else:
        transform, number = "", name
    if numbers is not None and number not in numbers:
        raise ValueError(f"a term's number must be one of {', '.join(numbers)}, not {number!r}")
    return (transform, number, "")


Factor = tuple[str, str, str]


def parse_term(term: str, numbers: tuple[str, ...] | None = None,
               features: tuple[str, ...] | None = None) -> tuple[Factor, ...]:
    """A context model's term as its factors (none for the intercept, `1`)."""
    return () if term == "1" else tuple(_factor(f, numbers, features) for f in term.split("*"))


def term_matrix(rows: Sequence[tuple[dict[str, float], dict[str, str]]], input: str,
                terms: Sequence[tuple[Factor, ...]]) -> numpy.ndarray:
    """One column per term (parsed by `parse_term`), one row per (raw inputs, features) row; each factor's
    column is read from the rows once."""
    columns: dict[Factor, numpy.ndarray] = {}

    def column(factor: Factor) -> numpy.ndarray:
        if factor not in columns:
            kind, name, value = factor
            if kind == "z":
                columns[factor] = logit(numpy.asarray([r[input] for r, _ in rows], dtype="float64"))
            elif kind == "is":
                columns[factor] = numpy.asarray([f.get(name) == value for _, f in rows], dtype="float64")
            else:
                raw = numpy.asarray([r.get(name, 0.0) for r, _ in rows], dtype="float64")
                columns[factor] = _TRANSFORMS[kind](raw) if kind else raw
        return columns[factor]

    out = numpy.ones((len(rows), len(terms)))
    for k, factors in enumerate(terms):
        for factor in factors:
            out[:, k] *= column(factor)
    return out


@dataclass(frozen=True)
class Logistic:
    """A context model: p = sigmoid(sum of weight * term), over the logit `z` of one raw input and the context
    `unit_inputs` / `link_inputs` give each score, so that one raw score can mean different things where the
    context says it does (a link across paragraphs of a long op-ed, a premise the finder voted in a short text).

    A term is `1` (the intercept) or factors joined by `*`: `z`; `feature=value` (1 when the feature has that
    value, else 0); a number, as it is or as `log1p(number)` or `logit(number)`. A value the fit never saw
    takes no indicator, so it gets the model of the values that are left. The fitter keeps the model
    non-decreasing in `z` in every context it saw (`argmine.evaluation.calibrate.fit_logistic`).

    `support` names, per feature, the values the model was fitted on; a score with another value (a text laid
    out in a way the calibration data hardly had) goes through `fallback`, curves fitted on every score, since
    the model's terms would say there what they learnt elsewhere."""

    input: str
    terms: dict[str, float]
    support: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fallback: ScoreCalibration | None = None
    method: str = LOGISTIC
    _parsed: tuple = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_parsed", tuple((weight, parse_term(term)) for term, weight in self.terms.items()))

    def supports(self, features: dict[str, str]) -> bool:
        return all(features.get(f) in values for f, values in self.support.items())

    def predict(self, rows: Sequence[tuple[dict[str, float], dict[str, str]]]) -> numpy.ndarray:
        """The probability of each (raw inputs, features) row, in one pass over the terms."""
        out = numpy.zeros(len(rows))
        inside = [n for n, (_, f) in enumerate(rows) if self.fallback is None or self.supports(f)]
        if inside:
            weights = numpy.asarray([w for w, _ in self._parsed])
            matrix = term_matrix([rows[n] for n in inside], self.input, [factors for _, factors in self._parsed])
            out[inside] = sigmoid(matrix @ weights)
        if len(inside) < len(rows) and self.fallback is not None:  # only with a fallback is anything outside
            outside = sorted(set(range(len(rows))) - set(inside))
            out[outside] = self.fallback.predict([rows[n] for n in outside])
        return out

    def __call__(self, raws: dict[str, float], features: dict[str, str]) -> float:
        return float(self.predict([(raws, features)])[0])

    def to_dict(self) -> dict:
        out = {"method": self.method, "input": self.input, "terms": dict(self.terms)}
        if self.support:
            out["support"] = {f: list(v) for f, v in sorted(self.support.items())}
        if self.fallback is not None:
            out["fallback"] = self.fallback.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: dict, inputs: tuple[str, ...], numbers: tuple[str, ...],
                  features: tuple[str, ...]) -> Logistic:
        if data.get("input") not in inputs:
            raise ValueError(f"input must be one of {', '.join(inputs)}, not {data.get('input')!r}")
        terms = data.get("terms")
        if not isinstance(terms, dict) or not terms:
            raise ValueError("a logistic model needs an object of terms and their weights")
        out = {}
        for term, weight in terms.items():
            parse_term(str(term), numbers, features)
            out[str(term)] = _number(weight)
        support = data.get("support", {})
        if not isinstance(support, dict) or any(
            f not in features or not isinstance(v, list) or not all(isinstance(x, str) for x in v)
            for f, v in support.items()
        ):
            raise ValueError(f"support must map features among {', '.join(features)} to lists of values")
        fallback = data.get("fallback")
        if support and fallback is None:
            raise ValueError("a logistic model with a support needs a fallback for the scores outside it")
        return cls(
            data["input"], out, {f: tuple(v) for f, v in support.items()},
            None if fallback is None else ScoreCalibration.from_dict(fallback, inputs, features),
        )


@dataclass(frozen=True)
class Calibration:
    """The curves for unit scores and relation scores (either may be absent: that score stays raw), and
    `info`, what the fitter recorded about the fit (data, choices, nested cross-validation), kept verbatim."""

    unit: ScoreCalibration | Logistic | None = None
    link: ScoreCalibration | Logistic | None = None
    info: dict = field(default_factory=dict)
    created_by: str = CREATED_BY

    def to_dict(self) -> dict:
        context = any(isinstance(c, Logistic) for c in (self.unit, self.link))
        return {
            "format": FORMAT if context else FORMATS[0],
            "created_by": self.created_by,
            "unit": self.unit.to_dict() if self.unit else None,
            "link": self.link.to_dict() if self.link else None,
            "info": self.info,
        }

    @classmethod
    def from_dict(cls, data: object) -> Calibration:
        if not isinstance(data, dict) or data.get("format") not in FORMATS:
            raise ValueError(f"not an {FORMAT} file (nor of an earlier format, {', '.join(FORMATS[:-1])})")
        unit, link = data.get("unit"), data.get("link")
        info = data.get("info", {})
        return cls(
            _score_calibration(unit, UNIT_INPUTS, UNIT_NUMBERS, UNIT_FEATURES),
            _score_calibration(link, LINK_INPUTS, LINK_NUMBERS, LINK_FEATURES),
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

    def apply(self, doc: Doc, genre: str, units: DocUnits | None = None) -> None:
        """Replace the unit and relation scores on `doc` (as the relation scorer left them) by calibrated ones
        (`units`: the doc's `DocUnits`, when the caller has them)."""
        units = DocUnits(doc, list(get_units(doc))) if units is None else units
        # Both read the raw scores: the links' inputs are taken before any unit score changes.
        unit_in = unit_inputs(doc, genre, units) if self.unit is not None else []
        link_in = link_inputs(doc, genre, units) if self.link is not None else []
        if unit_in and self.unit is not None:
            for span, score in zip(get_units(doc), self.unit.predict(unit_in).tolist()):
                span._.unit_score = score
        if link_in and self.link is not None:
            doc._.arg_relations = [
                (s, t, rel, score)
                for (s, t, rel, _), score in zip(doc._.arg_relations, self.link.predict(link_in).tolist())
            ]


def _score_calibration(data: object, inputs: tuple[str, ...], numbers: tuple[str, ...],
                       features: tuple[str, ...]) -> ScoreCalibration | Logistic | None:
    """One score kind's calibration from its JSON: curves by group, or a context model (`method` logistic)."""
    if data is None:
        return None
    if isinstance(data, dict) and data.get("method") == LOGISTIC:
        return Logistic.from_dict(data, inputs, numbers, features)
    return ScoreCalibration.from_dict(data, inputs, features)


def layout_of(units: DocUnits) -> str:
    """How the text is laid out: `short` (one paragraph of a few units: `DocUnits.short`), `essay` (an
    introduction, a body and a conclusion) or `news` (any other run of paragraphs: op-eds, editorials, forum
    threads). The relation scorer's link groups follow the same split (`argmine.nlp.relate.link_groups`)."""
    if units.short:
        return "short"
    return "essay" if units.layout.role_of_paragraphs() & {"intro", "conclusion"} else "news"


def _doc_context(doc: Doc, units: DocUnits, thesis: int | None) -> tuple[dict[str, float], dict[str, str]]:
    """What every score of a doc shares: its size and layout, how much of it the finder decided, how sure the
    heads and the thesis scorer were over the whole doc, and where its thesis sits — what the map itself knows
    at inference, never a corpus name."""
    spans = units.spans
    probs = doc._.arg_unit_probs or {}
    heads = probs.get("kind_heads", probs.get("kind"))
    finder_kinds = doc._.arg_finder_kinds if "kind_heads" in probs else None
    thesis_probs = doc._.arg_thesis_probs
    n = len(spans)
    numbers = {
        "units": float(n),
        "paragraphs": float(len(units.by_para)),
        "finder_share": (sum(k in KIND_LABELS for k in finder_kinds) / n) if finder_kinds is not None and n else 0.0,
        "mean_heads": float(numpy.max(heads, axis=1).mean()) if heads is not None and len(heads) == n and n else 0.0,
        "thesis_top": float(numpy.max(thesis_probs)) if thesis_probs is not None and len(thesis_probs) == n and n
        else 0.0,
        "thesis_position": thesis / (n - 1) if thesis is not None and n > 1 else 0.0,
    }
    roles = units.layout.role_of_paragraphs()
    return numbers, {"layout": layout_of(units), "headline": "yes" if "title" in roles else "no"}


def _thesis_index(spans: Sequence[Span]) -> int | None:
    """The map's thesis among the units as the relation scorer left them: the first major claim
    (`argmine.graph.decode.thesis_of`)."""
    return next((i for i, s in enumerate(spans) if s.label_ == "major_claim"), None)


def unit_inputs(doc: Doc, genre: str, units: DocUnits | None = None) -> list[tuple[dict[str, float], dict[str, str]]]:
    """Per unit of `doc` (as the relation scorer left it): its raw inputs and its context (`units`: the doc's
    `DocUnits`, when the caller has them)."""
    spans = list(get_units(doc))
    units = DocUnits(doc, spans) if units is None else units
    probs = doc._.arg_unit_probs or {}
    heads = probs.get("kind_heads", probs.get("kind"))
    finder_kinds = doc._.arg_finder_kinds if "kind_heads" in probs else None  # None: the finder did not vote
    thesis_probs = doc._.arg_thesis_probs
    if thesis_probs is not None and len(thesis_probs) != len(spans):
        thesis_probs = None
    thesis = _thesis_index(spans)
    doc_numbers, doc_features = _doc_context(doc, units, thesis)
    out = []
    for i, span in enumerate(spans):
        kind = span.label_
        view = units.views[i]
        row = heads[i] if heads is not None and len(heads) == len(spans) else None
        head = float(row[KIND_LABELS.index(kind)]) if row is not None and kind in KIND_LABELS else 0.0
        finder = "finder" if finder_kinds is not None and finder_kinds[i] == kind else "heads"
        raws = {
            "score": float(span._.unit_score), "heads": head,
            "heads_top": float(numpy.max(row)) if row is not None else 0.0,
            "thesis_p": float(thesis_probs[i]) if thesis_probs is not None else 0.0,
            "para_units": float(view.units_in_paragraph), "rank": float(view.index_in_paragraph),
            "position": i / (len(spans) - 1) if len(spans) > 1 else 0.0,
            "tokens": float(len(span)),
            **doc_numbers,
        }
        features = {
            "genre": genre, "finder": finder, "kind": kind,
            "role": units.layout.role_of(span.start),
            "evidence": "yes" if span._.evidence_type else "no",
            "thesis": "yes" if i == thesis else "no",
            **doc_features,
        }
        out.append((raws, features))
    return out


def link_inputs(doc: Doc, genre: str, units: DocUnits | None = None) -> list[tuple[dict[str, float], dict[str, str]]]:
    """Per relation of `doc` (`doc._.arg_relations`): its raw inputs and its context."""
    spans = list(get_units(doc))
    relations = doc._.arg_relations or []
    if not relations:
        return []
    units = DocUnits(doc, spans) if units is None else units
    origins = doc._.arg_relation_origins
    if origins is None or len(origins) != len(relations):
        origins = ["unknown"] * len(relations)  # no group of the fit: the curve of all groups
    context = doc._.arg_relation_context
    if context is None or len(context) != len(relations):
        context = [{}] * len(relations)
    probs = doc._.arg_unit_probs or {}
    kind_probs = probs.get("kind")
    thesis = _thesis_index(spans)
    doc_numbers, doc_features = _doc_context(doc, units, thesis)
    views = units.views

    def kind_p(i: int) -> float:
        kind = spans[i].label_
        if kind_probs is None or len(kind_probs) != len(spans) or kind not in KIND_LABELS:
            return 0.0
        return float(kind_probs[i][KIND_LABELS.index(kind)])

    out = []
    for (s, t, rel, score), origin, ctx in zip(relations, origins, context):
        vs, vt = views[s], views[t]
        shared = len(vs.content & vt.content) / max(1, min(len(vs.content), len(vt.content)))
        raws = {
            "score": float(score), "distance": float(abs(s - t)),
            "candidates": float(ctx.get("candidates", 0)), "best_other": float(ctx.get("best_other", 0.0)),
            "group": float(ctx.get("group", 0)), "shared": float(shared),
            "source_p": kind_p(s), "target_p": kind_p(t),
            "source_rank": float(vs.index_in_paragraph), "target_rank": float(vt.index_in_paragraph),
            "para_units": float(vs.units_in_paragraph),
            **doc_numbers,
        }
        features = {
            "genre": genre, "origin": origin, "source": spans[s].label_, "target": spans[t].label_,
            "to_thesis": "yes" if t == thesis else "no",
            "cross": "yes" if vs.paragraph != vt.paragraph else "no",
            "direction": "back" if t < s else "forward", "relation": rel,
            **doc_features,
        }
        out.append((raws, features))
    return out


def read_calibration(folder: str | Path) -> Calibration | None:
    """The calibration in a component's folder, or None when it has none."""
    path = Path(folder) / FILENAME
    return Calibration.read(path) if path.is_file() else None


def write_calibration(calibration: Calibration, folder: str | Path) -> Path:
    """Write `calibration` into a component's folder (atomically); its path."""
    path = Path(folder) / FILENAME
    calibration.write(path)
    return path
