"""Fit the post-hoc calibration of a model's scores on out-of-fold predictions, measure it by nested
cross-validation, and write it into a model folder.

    python -m argmine.evaluation.calibrate --fold-models DIR [--corpora ../shared/corpora] [--corpus corpus]
        [--model MODEL] [--force] [--records FILE] [--report FILE] [--fold-copies DIR2]

It prints the nested-CV report (Markdown: ECE before and after per corpus, reliability tables). Mapping the
held-out parts is the only work of any size (about a minute for five fold models); no model is trained.

Data. Each fold model (trained with `argmine train --holdout ...`; its meta.json names the parts it held out)
maps, end to end, only what it held out: its microtexts, webdiscourse and cmv-modes folds, its fold of the
project's `corpus/` and, for a model that held out an outlet, that outlet's annotated editorials
(`corpus/standoff/editorials`). Pooled over the fold models that is out-of-fold data for a model trained on
all of it, as the shipped one is. Every matched unit and every relation between matched units is labelled
right or wrong exactly as `argmine.evaluation.calibration` scores it (`labelled`). A holdout this module has
no reader for (AAE dev, say) is skipped and reported; AAE test is never a holdout, so it is never used.

Fit. For each score kind (unit kind, link) a candidate is either curves — a raw input, a grouping and a curve
family (`argmine.nlp.calibrator`): isotonic regression by pool-adjacent-violators, Platt scaling, or
temperature scaling — or a context model: a ridge logistic regression over the raw score's logit and what the
map knows of the score's context (`CONTEXTS`; `argmine.nlp.calibrator.Logistic`), since one monotone curve per
genre cannot say that the same raw score means one thing for a link across the paragraphs of a long op-ed and
another inside a short one. The candidate is chosen by leave-one-fold-out cross-validation over the fold
models — the lowest mean per-corpus ECE of the held-out predictions, since every corpus must come out
calibrated, not only their pool — and then fitted on every fold. Each corpus weighs the same in a fit (its
items' weights sum to 1), so the largest corpus does not set the curve for all of them. A group with fewer
than `MIN_GROUP` items gets no curve of its own (it takes the curve of all groups), a feature value with
fewer than `MIN_VALUE` items no term of its own.

Measure. Nested: for each fold model, the choice and the fit are made on the other folds' items alone and
applied to its own; the per-corpus ECE of those predictions, before and after, with reliability tables, is
what the model card reports (`--report`). Beside it, the chosen candidate fitted on the other corpora alone
scores each corpus: how far the calibration carries to a kind of text it never saw. Kinds, relations and
stances do not change, only scores; the decoder's own links (a later major claim restating the thesis) keep
the decoder's score, in the fit's data and in the maps alike. `--fold-copies DIR2` copies each fold model
into DIR2 with the calibration chosen and fitted without it, so that `benchmarks/accuracy.py --fold-models
DIR2` scores the calibrated pipeline end to end by the same protocol as every other number.

Write. With `--model`, the calibration fitted on every fold goes to `MODEL/argmine_relation_scorer/
calibration.json` (atomically), and the model's manifest is written again. The model must pass its integrity
check first, so the new manifest never blesses a change it did not make; a calibration file this module did
not write is not replaced without `--force`, and a model folder given as a symbolic link is refused (written
through, the link's target would change). Retraining a model drops its calibration (the trainer builds a
fresh relation scorer): calibrate it again, with fold models of the same recipe.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from itertools import product
from pathlib import Path

import numpy

from argmine.argmap import ArgumentMap
from argmine.errors import ArgmineError, ModelError, OutputExists, UsageError
from argmine.evaluation.calibration import BINS, labelled, reliability
from argmine.nlp.calibrator import (
    ALL,
    CREATED_BY,
    FILENAME,
    LINK_FEATURES,
    LINK_NUMBERS,
    LOGISTIC,
    METHODS,
    UNIT_FEATURES,
    UNIT_INPUTS,
    UNIT_NUMBERS,
    Calibration,
    Curve,
    Logistic,
    ScoreCalibration,
    link_inputs,
    logit,
    parse_term,
    sigmoid,
    term_matrix,
    unit_inputs,
)

ROOT = Path(__file__).resolve().parent.parent.parent
COMPONENT = "argmine_relation_scorer"  # the component that sets both scores, and reads the calibration
MIN_GROUP = 50
MIN_BLOCK = 20  # the fewest items an isotonic curve's block (one probability) rests on
PSEUDO = 0.5  # and the items, half right and half wrong, added to each block (see fit_isotonic)
KINDS = ("unit", "link")
# Corpora also reported pooled: the op-eds annotated to argmine's own guideline (docs/annotation-guide.md).
POOLS = {"op-eds (corpus + annotated editorials)": ("annotated editorials", "corpus")}
# The candidates the cross-validation chooses from, per score kind: (raw input, grouping features).
GROUPINGS = {
    "unit": [(), ("finder",), ("genre", "finder"), ("finder", "kind"), ("genre", "finder", "kind")],
    "link": [(), ("origin",), ("origin", "source"), ("genre", "origin"), ("genre", "origin", "source")],
}
INPUTS = {"unit": UNIT_INPUTS, "link": ("score",)}
_L2 = 1e-3  # a whisker of ridge keeps a sigmoid fit finite on one raw value (all 1.0, say)


def by_genre(templates: Sequence[str]) -> tuple[str, ...]:
    """`templates`, each also once per genre (`t*genre`), with an intercept and a slope per genre: the weights
    are shared where the genres agree and apart where they must (Daume's "frustratingly easy" domain
    adaptation, as the heads do it; the ridge decides how far apart)."""
    return (*templates, "genre", "z*genre", *(f"{t}*genre" for t in templates if t != "z"))


# The context models the cross-validation chooses from beside the curves, per score kind: the raw input they
# read and their term templates (`expand_templates`: a feature name stands for each of its values). Each is
# what the map knows at inference (`argmine.nlp.calibrator.unit_inputs`, `link_inputs`), never the corpus.
# A unit's kind is right as often as the finder's vote, its kind, its place (the thesis, a headline, a role)
# and the doc around it (its size, how much of it the finder decided, how sure the heads and the thesis
# scorer were) say; a link as often as where it goes (across paragraphs, to the thesis, a paragraph root's
# attachment or a pair's link), what its source could have taken instead, and the same doc context.
_UNIT_CONTEXT = (
    "z", "finder*kind", "z*finder*kind", "thesis", "evidence*kind", "headline", "role", "layout*kind", "z*layout",
    "log1p(units)", "log1p(paragraphs)", "log1p(para_units)", "position", "log1p(tokens)", "logit(heads_top)",
    "thesis_p", "thesis_top", "mean_heads", "finder_share",
)
_LINK_CONTEXT = (
    "z", "origin", "z*origin", "cross", "direction", "to_thesis", "target", "relation", "headline",
    "log1p(units)", "log1p(paragraphs)", "log1p(candidates)", "logit(best_other)", "shared", "log1p(distance)",
    "source_p", "thesis_top", "finder_share", "mean_heads",
)
CONTEXTS: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "unit": {
        "kind context": ("heads", _UNIT_CONTEXT),
        # The same, and what a kind's share right does with the doc around it.
        "kind context with interactions": ("heads", _UNIT_CONTEXT + (
            "z*kind", "z*evidence", "z*thesis", "kind*log1p(paragraphs)", "finder*log1p(paragraphs)",
            "kind*finder_share", "kind*mean_heads", "kind*thesis_top", "kind*position")),
    },
    "link": {"link context": ("score", _LINK_CONTEXT), "link context by genre": ("score", by_genre(_LINK_CONTEXT))},
}
CONTEXT_L2 = (3.0, 30.0)  # the ridge of a context model (on standardised terms, mean item weight 1)
MIN_VALUE = 30  # the fewest items a feature value (or a combination of values) needs to get a term of its own
# A context model is fitted on, and applied to, the layouts (`argmine.nlp.calibrator.layout_of`) of which the
# data have at least MIN_SUPPORT items; the others take its fallback, the best curves. The fold models hold out
# no essays (AAE trains every one of them): the few texts of the data laid out as introduction, body and
# conclusion are forum posts, and what a context model learnt from those and from op-eds — a claim is right
# less often than a premise — made AAE test's claims, right 69% of the time, score 0.30.
SUPPORT = "layout"
MIN_SUPPORT = 300
NUMBERS = {"unit": UNIT_NUMBERS, "link": LINK_NUMBERS}
FEATURES = {"unit": UNIT_FEATURES, "link": LINK_FEATURES}


# --- the data: items out of fold ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One scored prediction of a fold model on data it never saw."""

    fold: str  # the fold model that made it
    corpus: str
    doc: str
    kind: str  # "unit" or "link"
    score: float  # the score the map shows without calibration
    raws: dict[str, float]
    features: dict[str, str]
    right: bool
    # False for a relation the decoder added (a restatement of the thesis): no curve touches its score.
    calibrated: bool = True


@dataclass(frozen=True)
class Part:
    """A held-out part a fold model is run on: the corpus name reported, the reader, its folder, its split."""

    corpus: str
    reader: str
    path: Path
    split: str


def parts_of(holdout: str, corpora: Path, corpus: Path) -> Part | None:
    """The part a holdout names (`microtexts:2/5`, `corpus:1/5`, `editorials:foxnews`, ...), or None when
    it is not one this module reads (no gold units and relations to calibrate against, or AAE)."""
    name, _, which = holdout.strip().partition(":")
    if name == "editorials":  # the project's stand-off annotations of that outlet's Webis editorials
        return Part("annotated editorials", "editorials-standoff", corpus / "standoff" / "editorials", which)
    folders = {"microtexts": corpora / "microtexts", "webdiscourse": corpora / "webdiscourse",
               "cmv-modes": corpora / "cmv-modes", "corpus": corpus}
    k, _, n = which.partition("/")
    if name not in folders or not (k.isdigit() and n.isdigit()):
        return None
    return Part(name, "json" if name == "corpus" else name, folders[name], f"fold{k}of{n}")


def fold_models(folder: Path) -> list[tuple[Path, list[str]]]:
    """Each model folder under `folder` with the holdouts its meta.json names (sorted by folder name)."""
    if not folder.is_dir():
        raise UsageError(f"no folder of fold models at {folder}")
    out = []
    for meta in sorted(folder.glob("*/meta.json")):
        try:
            holdout = json.loads(meta.read_text(encoding="utf-8")).get("argmine", {}).get("holdout") or ""
        except (OSError, ValueError) as err:
            raise ModelError(f"cannot read {meta}: {err}") from None
        if holdout and (meta.parent / "config.cfg").is_file():
            out.append((meta.parent, [h.strip() for h in holdout.split(",") if h.strip()]))
    if not out:
        raise UsageError(f"no model trained with --holdout under {folder} (each needs meta.json and config.cfg)")
    return out


def read_part(part: Part, corpora: Path) -> list[ArgumentMap]:
    from argmine.corpora import read_corpus
    from argmine.corpora.standoff import read_standoff

    if part.reader == "editorials-standoff":
        return read_standoff(part.path, corpora, part.split)
    return read_corpus(part.reader, part.path, part.split)


def predict_items(miner, gold: Sequence[ArgumentMap], fold: str, corpus: str) -> tuple[list[Item], int]:
    """The labelled items of `miner` on `gold` (end to end), and how many texts were skipped.

    The pipeline runs as `Miner.map_many` runs it on a text of one window (`to_map`, then `well_formed`), so
    the maps are the ones users get; the docs are kept long enough to read each score's calibration inputs.
    A text longer than one window (which `Miner` maps in pieces) is skipped: none of the corpora has one."""
    from argmine.graph.decode import restatements
    from argmine.nlp.classify import genre_of
    from argmine.nlp.doc import get_units, to_map
    from argmine.nlp.features import DocUnits
    from argmine.nlp.miner import well_formed, windows

    fits = [g for g in gold if len(windows(g.text, miner.window)) == 1]
    items: list[Item] = []
    for g, doc in zip(fits, miner.nlp.pipe([g.text for g in fits], batch_size=miner.batch_size)):
        spans = list(get_units(doc))
        doc_units = DocUnits(doc, spans)
        genre = genre_of(doc_units) if spans else "essay"
        ids = [f"u{i + 1}" for i in range(len(spans))]
        index = {uid: i for i, uid in enumerate(ids)}
        units_in, links_in = unit_inputs(doc, genre, doc_units), link_inputs(doc, genre, doc_units)
        proposed = {(s, t): n for n, (s, t, *_) in enumerate(doc._.arg_relations or [])}
        proposal = to_map(doc, source=g.source, model=miner.name, ids=ids)
        restated = restatements(proposal.units, proposal.text)  # the decoder links these itself, at its own score
        pred = well_formed(proposal)
        units, relations = labelled(g, pred)
        for unit, right in units:
            raws, features = units_in[index[unit.id]]
            items.append(Item(fold, corpus, g.source, "unit", unit.score, raws, features, right))
        for rel, right in relations:
            n = proposed.get((index[rel.source], index[rel.target]))
            if n is None or rel.source in restated:  # the decoder's own link: its score is the decoder's
                items.append(Item(fold, corpus, g.source, "link", rel.score, {"score": rel.score},
                                  {}, right, calibrated=False))
            else:
                raws, features = links_in[n]
                items.append(Item(fold, corpus, g.source, "link", rel.score, raws, features, right))
    return items, len(gold) - len(fits)


def collect(folder: Path, corpora: Path, corpus: Path, log: Callable[[str], None] = lambda s: None) -> list[Item]:
    """Every fold model's items on its own held-out parts (see the module)."""
    from argmine.nlp import load

    items: list[Item] = []
    for path, holdouts in fold_models(folder):
        parts = []
        for holdout in holdouts:
            part = parts_of(holdout, corpora, corpus)
            if part is None:
                log(f"{path.name}: no gold maps to calibrate against for holdout {holdout}; skipped")
            elif not part.path.exists():
                log(f"{path.name}: {part.path} does not exist; holdout {holdout} skipped")
            else:
                parts.append(part)
        if not parts:
            continue
        miner = load(path)
        for part in parts:
            gold = read_part(part, corpora)
            got, skipped = predict_items(miner, gold, path.name, part.corpus)
            items += got
            log(f"{path.name}: {part.corpus} {part.split}: {len(gold)} texts, {len(got)} items"
                + (f", {skipped} texts longer than one window skipped" if skipped else ""))
        del miner
    return items


def write_items(items: Iterable[Item], path: Path) -> None:
    from argmine.export.atomic import write_atomic

    write_atomic(path, (json.dumps(asdict(i), sort_keys=True) + "\n" for i in items))


def read_items(path: Path) -> list[Item]:
    try:
        return [Item(**json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except (OSError, ValueError, TypeError) as err:
        raise UsageError(f"cannot read the items in {path}: {err}") from None


# --- curves -------------------------------------------------------------------------------------------------


def fit_isotonic(x: Sequence[float], y: Sequence[float], w: Sequence[float] | None = None,
                 min_block: int = 1, pseudo: float = 0.0) -> Curve:
    """The weighted least-squares non-decreasing fit of `y` on `x` (pool-adjacent-violators), as breakpoints:
    each block of pooled raw scores gives its lowest and highest raw score at the block's weighted mean.

    At the ends PAV leaves a few items all right or all wrong, and a curve that says 1.0 or 0.0 on them claims
    a certainty nobody measured. So a block of fewer than `min_block` items is pooled with the neighbour nearer
    its mean, and each block's mean m over n items becomes (m n + pseudo) / (n + 2 pseudo), as if `pseudo`
    more items were right and as many wrong; neighbours that this puts out of order are pooled (pooling
    neighbours keeps the fit monotone). The defaults (1, 0) give plain PAV."""
    xa, ya = numpy.asarray(x, dtype="float64"), numpy.asarray(y, dtype="float64")
    wa = numpy.ones_like(xa) if w is None else numpy.asarray(w, dtype="float64")
    if not len(xa):
        raise ValueError("no data to fit")
    order = numpy.argsort(xa, kind="stable")
    xa, ya, wa = xa[order], ya[order], wa[order]
    values, starts = numpy.unique(xa, return_index=True)  # equal raw scores must get one value: pool them first
    sums, weights = numpy.add.reduceat(wa * ya, starts), numpy.add.reduceat(wa, starts)
    counts = numpy.diff(numpy.append(starts, len(xa)))
    blocks: list[list[float]] = []  # [weighted sum, weight, items, lowest x, highest x]
    for v, s, wt, n in zip(values.tolist(), sums.tolist(), weights.tolist(), counts.tolist()):
        blocks.append([s, wt, n, v, v])
        while len(blocks) > 1 and _mean(blocks[-2]) >= _mean(blocks[-1]):
            _pool(blocks, len(blocks) - 2)
    while len(blocks) > 1:
        small = min(range(len(blocks)), key=lambda k: (blocks[k][2], k))
        if blocks[small][2] >= min_block:
            break
        if small == 0:
            _pool(blocks, 0)
        elif small == len(blocks) - 1:
            _pool(blocks, small - 1)
        else:
            left = _mean(blocks[small]) - _mean(blocks[small - 1]) <= _mean(blocks[small + 1]) - _mean(blocks[small])
            _pool(blocks, small - 1 if left else small)
    def smoothed(block: list[float]) -> float:
        return (_mean(block) * block[2] + pseudo) / (block[2] + 2 * pseudo)

    while (k := next((k for k in range(len(blocks) - 1) if smoothed(blocks[k]) > smoothed(blocks[k + 1])), None)) \
            is not None:
        _pool(blocks, k)
    xs: list[float] = []
    ys: list[float] = []
    for block in blocks:
        lo, hi = block[3], block[4]
        for point in ((lo,) if hi == lo else (lo, hi)):
            xs.append(point)
            ys.append(round(smoothed(block), 6))  # rounding keeps the order: the curve stays monotone
    return Curve("isotonic", tuple(xs), tuple(ys))


def _mean(block: list[float]) -> float:
    return block[0] / block[1]


def _pool(blocks: list[list[float]], k: int) -> None:
    """Pool block k with block k + 1."""
    s, wt, n, _, hi = blocks.pop(k + 1)
    blocks[k][0] += s
    blocks[k][1] += wt
    blocks[k][2] += n
    blocks[k][4] = hi


def fit_sigmoid(x: Sequence[float], y: Sequence[float], w: Sequence[float] | None = None,
                bias: bool = True) -> Curve:
    """sigmoid(a * logit(x) + b) by weighted maximum likelihood (Newton's method): Platt scaling, or with
    `bias` False temperature scaling (b = 0). The slope never goes negative: the curve must not decrease."""
    z = logit(numpy.asarray(x, dtype="float64"))
    ya = numpy.asarray(y, dtype="float64")
    wa = numpy.ones_like(z) if w is None else numpy.asarray(w, dtype="float64")
    wa = wa * len(wa) / wa.sum()  # mean weight 1: the ridge means the same whatever the weights' scale
    design = numpy.stack([z, numpy.ones_like(z)], axis=1) if bias else z[:, None]
    params = numpy.zeros(design.shape[1])
    if bias:
        params[1] = logit(numpy.asarray([numpy.average(ya, weights=wa)]))[0]
    params[0] = 1.0

    def loss(theta: numpy.ndarray) -> float:
        t = design @ theta  # log(1 + e^t) - y t, computed without overflow
        return float(wa @ (numpy.logaddexp(0.0, t) - ya * t) + 0.5 * _L2 * theta @ theta)

    current = loss(params)
    for _ in range(100):
        p = sigmoid(design @ params)
        grad = design.T @ (wa * (p - ya)) + _L2 * params
        hess = (design * (wa * p * (1 - p))[:, None]).T @ design + _L2 * numpy.eye(len(params))
        step = numpy.linalg.solve(hess, grad)
        size = 1.0
        while size > 1e-6 and loss(params - size * step) > current:  # Newton overshoots on separable data
            size /= 2
        params = params - size * step
        previous, current = current, loss(params)
        if previous - current < 1e-12:
            break
    if params[0] < 0:  # the data say "the higher the raw score, the less likely right": flat is the best monotone
        if not bias:
            return Curve("temperature", a=0.0, b=0.0)
        return Curve("platt", a=0.0, b=round(float(logit(numpy.asarray([numpy.average(ya, weights=wa)]))[0]), 6))
    a = round(float(params[0]), 6)
    return Curve("platt", a=a, b=round(float(params[1]), 6)) if bias else Curve("temperature", a=a)


FITTERS: dict[str, Callable[..., Curve]] = {
    "isotonic": lambda x, y, w: fit_isotonic(x, y, w, min_block=MIN_BLOCK, pseudo=PSEUDO),
    "platt": fit_sigmoid,
    "temperature": lambda x, y, w: fit_sigmoid(x, y, w, bias=False),
}
assert set(FITTERS) == set(METHODS)


# --- candidates, choice, nested cross-validation ------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """Curves (`method` among METHODS, one per group of `by`) or a context model (`method` logistic: the
    templates of `CONTEXTS[kind][context]`, ridge `l2`)."""

    input: str
    by: tuple[str, ...]
    method: str
    context: str = ""
    l2: float = 0.0
    # Of a context model: the curves for the scores outside its support (`SUPPORT`), chosen before it.
    fallback: Candidate | None = field(default=None, compare=False)

    def name(self) -> str:
        if self.method == LOGISTIC:
            return f"logistic on {self.input}, {self.context}, ridge {self.l2:g}"
        return f"{self.method} on {self.input}, by {'/'.join(self.by) or 'nothing'}"


def candidates(kind: str) -> list[Candidate]:
    curves = [Candidate(i, by, m) for i, by, m in product(INPUTS[kind], GROUPINGS[kind], METHODS)]
    contexts = [Candidate(i, (), LOGISTIC, name, l2) for name, (i, _) in CONTEXTS[kind].items() for l2 in CONTEXT_L2]
    return curves + contexts


def balanced_weights(items: Sequence[Item]) -> numpy.ndarray:
    """Each item's weight in a fit: every corpus's items weigh 1 in all."""
    count: dict[str, int] = defaultdict(int)
    for it in items:
        count[it.corpus] += 1
    return numpy.asarray([1.0 / count[it.corpus] for it in items])


def expand_templates(templates: Sequence[str], rows: Sequence[dict[str, str]], numbers: tuple[str, ...],
                     features: tuple[str, ...], min_count: int = MIN_VALUE) -> list[str]:
    """The terms of `templates` on `rows` (each row's features): a factor that names a feature stands for each
    of its values, and a combination of values gets a term when at least `min_count` rows have it; the
    intercept `1` first. Numbers and `z` pass as they are."""
    terms = ["1"]
    for template in templates:
        factors = template.split("*")
        named = [f for f in factors if f in features]
        for f in factors:
            if f not in features:
                parse_term(f, numbers, features)  # a ValueError names a factor that is neither
        if not named:
            terms.append(template)
            continue
        combos: dict[tuple[str, ...], int] = defaultdict(int)
        for row in rows:
            combos[tuple(row[f] for f in named)] += 1
        for values, count in sorted(combos.items()):
            if count < min_count:
                continue
            value_of = dict(zip(named, values))
            terms.append("*".join(f"{f}={value_of[f]}" if f in value_of else f for f in factors))
    return list(dict.fromkeys(terms))


def fit_logistic(rows: Sequence[tuple[dict[str, float], dict[str, str]]], y: Sequence[float],
                 w: Sequence[float] | numpy.ndarray, input: str, terms: Sequence[str], l2: float) -> Logistic:
    """The context model over `terms` by weighted maximum likelihood with a ridge `l2` on every standardised
    term but the intercept (Newton's method), non-decreasing in `z` on every row it is fitted on.

    A row's slope in `z` is the sum of its `z` terms' weights times their other factors. Where some row's is
    negative — the raw score would count against the score in that context, which says more about the few
    items there than about the context — the `z` term that pulls that row's slope down most is dropped and
    the rest fitted again (from where the fit was), until no row's slope is negative; `z` itself goes last."""
    terms = list(terms)
    parsed = [parse_term(t) for t in terms]
    x = term_matrix(rows, input, parsed)
    ya = numpy.asarray(y, dtype="float64")
    wa = numpy.asarray(w, dtype="float64")
    wa = wa * len(wa) / wa.sum()
    intercept = terms.index("1")
    mean = numpy.average(x, axis=0, weights=wa)
    sd = numpy.sqrt(numpy.average((x - mean) ** 2, axis=0, weights=wa))
    mean[intercept], sd[intercept] = 0.0, 1.0
    # A term constant on these rows adds nothing (a value every row has, a number that never moves).
    active = [k for k in range(len(terms)) if k == intercept or sd[k] > 1e-12]
    sd[sd <= 1e-12] = 1.0
    xs = (x - mean) / sd
    ridge = numpy.full(len(terms), float(l2))
    ridge[intercept] = _L2
    theta = numpy.zeros(len(terms))
    theta[intercept] = float(logit(numpy.asarray([numpy.average(ya, weights=wa)]))[0])
    z = ("z", "", "")
    # Each z term's factor other than z on every row: its weight times this is its share of the row's slope.
    slope_factor = {k: term_matrix(rows, input, [tuple(f for f in parsed[k] if f != z)])[:, 0]
                    for k in range(len(terms)) if z in parsed[k]}
    while True:
        theta[active] = _newton(xs[:, active], ya, wa, ridge[active], theta[active])
        weights = numpy.zeros(len(terms))
        weights[active] = theta[active] / sd[active]
        weights[intercept] = theta[intercept] - float(weights[active] @ mean[active])
        shares = {k: weights[k] * f for k, f in slope_factor.items() if k in active}
        if not shares:
            break
        slope = sum(shares.values())
        worst = int(numpy.argmin(slope))
        if slope[worst] >= -1e-9:
            break
        plain = terms.index("z") if "z" in terms else None
        pulling = [k for k in shares if k != plain] or list(shares)
        drop = min(pulling, key=lambda k: shares[k][worst])
        active.remove(drop)
        theta[drop] = 0.0
    return Logistic(input, {terms[k]: round(float(weights[k]), 6) for k in active})


def _newton(x: numpy.ndarray, y: numpy.ndarray, w: numpy.ndarray, ridge: numpy.ndarray,
            theta: numpy.ndarray) -> numpy.ndarray:
    """The weighted ridge logistic regression of `y` on `x` (Newton's method with step halving, from `theta`)."""
    def loss(t: numpy.ndarray) -> float:
        u = x @ t  # log(1 + e^u) - y u, without overflow
        return float(w @ (numpy.logaddexp(0.0, u) - y * u) + 0.5 * t @ (ridge * t))

    theta = theta.copy()
    current = loss(theta)
    for _ in range(50):
        p = sigmoid(x @ theta)
        grad = x.T @ (w * (p - y)) + ridge * theta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + numpy.diag(ridge)
        step = numpy.linalg.solve(hess, grad)
        size = 1.0
        while size > 1e-6 and loss(theta - size * step) > current:
            size /= 2
        theta = theta - size * step
        previous, current = current, loss(theta)
        if previous - current < 1e-9 * max(1.0, abs(current)):
            break
    return theta


def fit_context(items: Sequence[Item], cand: Candidate, kind: str) -> Logistic:
    """The context model of `cand` on the items of its support (`SUPPORT`), with its fallback curves fitted
    on every item when some layout falls outside."""
    count: dict[str, int] = defaultdict(int)
    for it in items:
        count[it.features.get(SUPPORT, "")] += 1
    inside = sorted(v for v, n in count.items() if n >= MIN_SUPPORT)
    if not inside:
        raise UsageError(f"no {SUPPORT} has {MIN_SUPPORT} items to fit a context model on")
    support, fallback = {}, None
    if len(inside) < len(count):
        if cand.fallback is None:
            raise UsageError(f"{cand.name()} needs fallback curves: some {SUPPORT} has fewer than {MIN_SUPPORT} items")
        curves = fit(items, cand.fallback)
        assert isinstance(curves, ScoreCalibration)  # a fallback candidate is a curve family
        support, fallback = {SUPPORT: tuple(inside)}, curves
        items = [it for it in items if it.features.get(SUPPORT) in inside]
    _, templates = CONTEXTS[kind][cand.context]
    terms = expand_templates(templates, [it.features for it in items], NUMBERS[kind], FEATURES[kind])
    rows = [(it.raws, it.features) for it in items]
    model = fit_logistic(rows, [float(it.right) for it in items], balanced_weights(items), cand.input, terms, cand.l2)
    return Logistic(model.input, model.terms, support, fallback)


def fit(items: Sequence[Item], cand: Candidate, kind: str | None = None) -> ScoreCalibration | Logistic:
    """The calibration of `cand` fitted on `items` (those a curve may touch): curves, one for all and one per
    big group, or a context model."""
    items = [it for it in items if it.calibrated]
    if not items:
        raise UsageError("no items to fit a calibration on")
    if cand.method == LOGISTIC:
        return fit_context(items, cand, kind or items[0].kind)
    w = balanced_weights(items)
    x = numpy.asarray([it.raws[cand.input] for it in items])
    y = numpy.asarray([float(it.right) for it in items])
    fitter = FITTERS[cand.method]
    curves = {ALL: fitter(x, y, w)}
    if cand.by:
        groups: dict[str, list[int]] = defaultdict(list)
        for n, it in enumerate(items):
            groups["/".join(it.features[f] for f in cand.by)].append(n)
        for key, rows in groups.items():
            if len(rows) >= MIN_GROUP:
                curves[key] = fitter(x[rows], y[rows], w[rows])
    return ScoreCalibration(cand.input, cand.by, curves)


def calibrated(items: Sequence[Item], calibration: ScoreCalibration | Logistic | None) -> list[float]:
    """The scores `items` get under `calibration` (the decoder's own links keep theirs)."""
    out = numpy.asarray([it.score for it in items], dtype="float64")
    if calibration is None:
        return out.tolist()
    if isinstance(calibration, Logistic):
        kept = [n for n, it in enumerate(items) if it.calibrated]
        if kept:
            out[kept] = calibration.predict([(items[n].raws, items[n].features) for n in kept])
        return out.tolist()
    rows: dict[int, list[int]] = defaultdict(list)  # by curve: each curve runs once over its items
    curves: dict[int, Curve] = {}
    for n, it in enumerate(items):
        if it.calibrated:
            curve = calibration.curve_for(it.features)
            curves[id(curve)] = curve
            rows[id(curve)].append(n)
    for key, idx in rows.items():
        out[idx] = curves[key](numpy.asarray([items[n].raws[calibration.input] for n in idx]))
    return out.tolist()


def per_corpus_ece(items: Sequence[Item], scores: Sequence[float]) -> dict[str, float]:
    by: dict[str, list[tuple[float, bool]]] = defaultdict(list)
    for it, s in zip(items, scores):
        by[it.corpus].append((s, it.right))
    return {c: reliability(pairs).ece for c, pairs in sorted(by.items())}


def criterion(items: Sequence[Item], scores: Sequence[float]) -> float:
    """What the choice minimises: the mean over corpora of each corpus's ECE."""
    eces = per_corpus_ece(items, scores)
    return sum(eces.values()) / len(eces) if eces else 0.0


def cross_validated(items: Sequence[Item], cand: Candidate) -> list[float]:
    """Each item's score under `cand` fitted on the other folds (leave one fold out)."""
    scores = [0.0] * len(items)
    folds = sorted({it.fold for it in items})
    for fold in folds:
        train = [it for it in items if it.fold != fold]
        rows = [n for n, it in enumerate(items) if it.fold == fold]
        cal = fit(train, cand)
        for n, s in zip(rows, calibrated([items[n] for n in rows], cal)):
            scores[n] = s
    return scores


def readable(items: Sequence[Item], cand: Candidate, kind: str) -> bool:
    """Whether every item a curve may touch has what `cand` reads: items recorded before a feature or a number
    existed (`--records` of an earlier run) leave out the context models that need it."""
    if cand.method != LOGISTIC:
        return all(cand.input in it.raws and all(f in it.features for f in cand.by) for it in items if it.calibrated)
    _, templates = CONTEXTS[kind][cand.context]
    names = {f for t in templates for f in t.split("*")}
    features = names & set(FEATURES[kind])
    numbers = {parse_term(n)[0][1] for n in names - features - {"z"}} | {cand.input}
    return all(numbers <= it.raws.keys() and features <= it.features.keys() for it in items if it.calibrated)


def choose(items: Sequence[Item], kind: str) -> tuple[Candidate, dict[str, float]]:
    """The candidate with the lowest cross-validated criterion on `items` (ties: the earlier, simpler one),
    and every candidate's criterion."""
    if len({it.fold for it in items}) < 2:
        raise UsageError("choosing a calibration needs items of at least two fold models")
    results: dict[Candidate, float] = {}
    order = candidates(kind)

    def best(among: Iterable[Candidate]) -> Candidate:
        return min(among, key=lambda c: (round(results[c], 6), order.index(c)))

    for cand in order:  # the curves first: the best of them is every context model's fallback
        if cand.method == LOGISTIC:
            cand = replace(cand, fallback=best(c for c in results if c.method != LOGISTIC))
        if readable(items, cand, kind):
            results[cand] = criterion(items, cross_validated(items, cand))
    return best(results), {c.name(): round(v, 4) for c, v in results.items()}


def nested(items: Sequence[Item], kind: str,
           log: Callable[[str], None] = lambda s: None) -> tuple[dict, dict[str, ScoreCalibration | Logistic]]:
    """Nested cross-validation of the whole procedure (choice and fit) for one score kind: per corpus and
    pooled, the reliability before (the raw scores) and after (each fold's items scored by a calibration
    chosen and fitted without them); and those calibrations, by the fold they leave out."""
    items = [it for it in items if it.kind == kind]
    after = [0.0] * len(items)
    chosen = {}
    without: dict[str, ScoreCalibration | Logistic] = {}
    for fold in sorted({it.fold for it in items}):
        train = [it for it in items if it.fold != fold]
        rows = [n for n, it in enumerate(items) if it.fold == fold]
        cand, _ = choose(train, kind)
        chosen[fold] = cand.name()
        log(f"  {kind}, without {fold}: {cand.name()}")
        without[fold] = fit(train, cand)
        for n, s in zip(rows, calibrated([items[n] for n in rows], without[fold])):
            after[n] = s
    report: dict = {"chosen": chosen, "corpora": {}}
    present = sorted({it.corpus for it in items})
    pools = {c: {c} for c in present}
    pools.update({name: set(members) for name, members in POOLS.items() if set(members) <= set(present)})
    pools[ALL] = set(present)
    for corpus, members in pools.items():
        rows = [n for n, it in enumerate(items) if it.corpus in members]
        report["corpora"][corpus] = {
            "before": reliability([(items[n].score, items[n].right) for n in rows]).to_dict(),
            "after": reliability([(after[n], items[n].right) for n in rows]).to_dict(),
        }
    return report, without


def unseen_corpus(items: Sequence[Item], cand: Candidate) -> dict[str, dict]:
    """Per corpus, the reliability of its items under `cand` fitted on the other corpora's items alone: how
    the calibration carries over to a kind of text it never saw, which nested cross-validation over folds
    (every corpus on both sides) cannot tell. The choice of `cand` saw every corpus."""
    out: dict[str, dict] = {}
    corpora = sorted({it.corpus for it in items})
    for corpus in corpora if len(corpora) > 1 else ():
        train = [it for it in items if it.corpus != corpus]
        test = [it for it in items if it.corpus == corpus]
        if not any(it.calibrated for it in train):
            continue
        scores = calibrated(test, fit(train, cand))
        out[corpus] = reliability(list(zip(scores, (it.right for it in test)))).to_dict()
    return out


@dataclass
class Outcome:
    calibration: Calibration  # chosen and fitted on every fold: the one a model trained on all of it gets
    report: dict = field(default_factory=dict)
    # By fold model: the calibration chosen and fitted without its items, the one that model may be scored with.
    without: dict[str, Calibration] = field(default_factory=dict)


def calibrate(items: Sequence[Item], log: Callable[[str], None] = lambda s: None) -> Outcome:
    """Nested-CV measurement, then the calibration chosen and fitted on every fold."""
    report: dict = {"bins": BINS, "min_group": MIN_GROUP, "folds": sorted({it.fold for it in items}), "kinds": {}}
    fitted: dict[str, ScoreCalibration | Logistic] = {}
    without: dict[str, dict[str, ScoreCalibration | Logistic]] = defaultdict(dict)
    for kind in KINDS:
        mine = [it for it in items if it.kind == kind]
        log(f"{kind}: nested cross-validation")
        report["kinds"][kind], by_fold = nested(mine, kind, log)
        for fold, fitted_without in by_fold.items():
            without[fold][kind] = fitted_without
        cand, scores = choose(mine, kind)
        fitted[kind] = fit(mine, cand)
        report["kinds"][kind]["final"] = {"chosen": cand.name(), "cross_validated_criterion": scores[cand.name()],
                                          "scores": scores}
        log(f"{kind}: on every fold: {cand.name()}")
        report["kinds"][kind]["unseen_corpus"] = unseen_corpus(mine, cand)
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for it in items:
        counts[it.corpus][it.kind] += 1
    info = {
        "method": "post-hoc, fitted on fold models' end-to-end predictions of their own held-out parts "
                  "(argmine.evaluation.calibrate); each corpus weighs the same",
        "folds": report["folds"],
        "items": {c: dict(v) for c, v in sorted(counts.items())},
        "chosen": {k: report["kinds"][k]["final"]["chosen"] for k in KINDS},
        "unseen_corpus_ece": {k: {c: r["ece"] for c, r in report["kinds"][k]["unseen_corpus"].items()} for k in KINDS},
        "nested_cv_ece": {
            k: {c: {"before": r["before"]["ece"], "after": r["after"]["ece"]}
                for c, r in report["kinds"][k]["corpora"].items()}
            for k in KINDS
        },
    }
    folds = {
        fold: Calibration(by_kind.get("unit"), by_kind.get("link"), {
            "method": info["method"], "fitted_without": fold,
            "note": "for scoring this fold model on its own held-out parts (nested cross-validation)"})
        for fold, by_kind in without.items()
    }
    return Outcome(Calibration(fitted["unit"], fitted["link"], info), report, folds)


# --- writing into a model -----------------------------------------------------------------------------------


def install(calibration: Calibration, model: Path, force: bool = False) -> Path:
    """Write `calibration` into the model folder `model` and its manifest again (see the module)."""
    from argmine.nlp.manifest import verify_manifest, write_manifest

    folder = model / COMPONENT
    if not folder.is_dir():
        raise UsageError(f"{model} is no argmine model folder (it has no {COMPONENT}/)")
    if model.is_symlink() or folder.is_symlink():
        # `cp -r` of a linked model copies the link: the "copy" would be the original, written through it.
        raise UsageError(f"{model} is a symbolic link (to {model.resolve()}); give the model folder itself")
    verify_manifest(model)  # a folder changed since its manifest: writing a new one would bless the change
    target = folder / FILENAME
    if target.exists() and not force:
        try:
            ours = json.loads(target.read_text(encoding="utf-8")).get("created_by") == CREATED_BY
        except (OSError, ValueError, AttributeError):
            ours = False
        if not ours:
            raise OutputExists(f"{target} exists and was not written by {CREATED_BY}; pass --force to replace it")
    calibration.write(target)
    write_manifest(model)
    return target


def calibrated_fold_copies(outcome: Outcome, folder: Path, into: Path, force: bool = False) -> list[Path]:
    """A copy of each fold model under `folder` in `into` (the same folder names), each with the calibration
    chosen and fitted without its own items: `benchmarks/accuracy.py --fold-models INTO` then scores the
    calibrated pipeline end to end, each part by a model and a calibration that never saw it. A copy made
    before (it holds a calibration this module wrote) only gets its calibration again."""
    import shutil

    into.mkdir(parents=True, exist_ok=True)
    written = []
    for path, _ in fold_models(folder):
        calibration = outcome.without.get(path.name)
        if calibration is None:
            continue  # a fold model none of whose parts had gold maps
        copy = into / path.name
        if copy.exists() and not (copy / COMPONENT / FILENAME).is_file():
            raise OutputExists(f"{copy} exists and is no calibrated copy written here; remove it or choose another folder")
        if not copy.exists():
            tmp = into / f".{path.name}.tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.copytree(path, tmp)  # follows links: the copy holds the files, never a link to the original
            tmp.rename(copy)
        written.append(install(calibration, copy, force))
    return written


def check_same_pipeline(model: Path, folds: Iterable[Path]) -> None:
    """A calibration fitted on fold models fits a model of the same recipe only: the same components."""
    def pipeline(path: Path) -> list[str]:
        try:
            return json.loads((path / "meta.json").read_text(encoding="utf-8")).get("pipeline", [])
        except (OSError, ValueError) as err:
            raise ModelError(f"cannot read {path / 'meta.json'}: {err}") from None

    want = pipeline(model)
    for fold in folds:
        if pipeline(fold) != want:
            raise UsageError(f"the fold model {fold} has other components than {model}; a calibration "
                             "fitted on it would not fit the model")


# --- reporting ----------------------------------------------------------------------------------------------


def markdown(report: dict) -> str:
    """The nested-CV report as Markdown: ECE before/after per corpus, then the reliability tables."""
    names = {"unit": "unit kind", "link": "link"}
    lines = ["| corpus | score | items | ECE before | ECE after | ECE after, corpus unseen |",
             "|---|---|---:|---:|---:|---:|"]
    for kind in KINDS:
        unseen = report["kinds"][kind].get("unseen_corpus", {})
        for corpus, r in report["kinds"][kind]["corpora"].items():
            away = f"{unseen[corpus]['ece']:.3f}" if corpus in unseen else ""
            lines.append(f"| {'all corpora' if corpus == ALL else corpus} | {names[kind]} | {r['before']['count']} "
                         f"| {r['before']['ece']:.3f} | {r['after']['ece']:.3f} | {away} |")
    for kind in KINDS:
        per_fold = ", ".join(sorted(set(report["kinds"][kind]["chosen"].values())))
        chosen = report["kinds"][kind]["final"]["chosen"]
        lines += ["", f"Chosen for {names[kind]} scores: {chosen} (without each held-out fold: {per_fold})."]
    lines += ["", ("ECE after: nested cross-validation over the fold models (the choice and the fit without the "
                   "scored fold). Corpus unseen: the final choice fitted on the other corpora alone.")]
    for kind in KINDS:
        for corpus, r in report["kinds"][kind]["corpora"].items():
            title = (f"Reliability, {names[kind]}, {'all corpora' if corpus == ALL else corpus} "
                     "(nested CV; mean confidence, accuracy and items per bin, before and after):")
            lines += ["", title, "",
                      "| bin | before: conf | acc | n | after: conf | acc | n |", "|---|---:|---:|---:|---:|---:|---:|"]
            before = {b["low"]: b for b in r["before"]["bins"]}
            after = {b["low"]: b for b in r["after"]["bins"]}
            for k in range(report["bins"]):
                low = k / report["bins"]
                b, a = before.get(low), after.get(low)
                if not (a or b):
                    continue
                cell = (lambda x: f"{x['confidence']:.2f} | {x['accuracy']:.2f} | {x['count']}" if x else "| |")
                lines.append(f"| {low:.1f}-{low + 1 / report['bins']:.1f} | {cell(b)} | {cell(a)} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m argmine.evaluation.calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--fold-models", type=Path, required=False,
                        help="folder of models trained with --holdout (each found by the holdout in its meta.json)")
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora",
                        help="the public corpora folder")
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus",
                        help="the project's corpus/ folder (with standoff/editorials)")
    parser.add_argument("--model", type=Path, default=None,
                        help="write the calibration into this model folder (else only measure)")
    parser.add_argument("--force", action="store_true", help="replace a calibration file this module did not write")
    parser.add_argument("--records", type=Path, default=None,
                        help="where to keep the labelled items (JSON lines, no text); read them from there "
                        "instead of mapping when the file exists and --fold-models is not given")
    parser.add_argument("--report", type=Path, default=None, help="write the nested-CV report here (JSON)")
    parser.add_argument("--fold-copies", type=Path, default=None,
                        help="also copy each fold model into this folder with the calibration fitted without "
                        "its own items (score them with benchmarks/accuracy.py --fold-models)")
    args = parser.parse_args(argv)
    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    try:
        if args.fold_models is None and not (args.records and args.records.is_file()):
            raise UsageError("give --fold-models (or --records FILE written by an earlier run)")
        if args.fold_copies is not None and args.fold_models is None:
            raise UsageError("--fold-copies needs --fold-models (the models to copy)")
        if args.model is not None:
            if args.fold_models is not None:
                check_same_pipeline(args.model, (p for p, _ in fold_models(args.fold_models)))
            if not (args.model / COMPONENT).is_dir():
                raise UsageError(f"{args.model} is no argmine model folder (it has no {COMPONENT}/)")
        if args.fold_models is not None:
            items = collect(args.fold_models, args.corpora, args.corpus, log)
            if args.records:
                write_items(items, args.records)
        else:
            items = read_items(args.records)
        if not items:
            raise UsageError("no labelled items: none of the fold models' held-out parts was found (see above)")
        outcome = calibrate(items, log)
        if args.report:
            from argmine.export.atomic import write_atomic

            write_atomic(args.report, json.dumps(outcome.report, indent=1, sort_keys=True) + "\n")
        sys.stdout.write(markdown(outcome.report))
        if args.model is not None:
            log(f"wrote {install(outcome.calibration, args.model, args.force)} and {args.model}/manifest.json")
        if args.fold_copies is not None:
            for path in calibrated_fold_copies(outcome, args.fold_models, args.fold_copies, args.force):
                log(f"wrote {path}")
    except ArgmineError as err:
        print(f"calibrate: {err}", file=sys.stderr)
        return err.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
