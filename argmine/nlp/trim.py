"""`argmine_lead_trimmer`: a unit starts after its connective or framing lead, not on it.

Every annotated corpus leaves a unit's lead outside the unit: AAE ("Firstly,", "In conclusion, I believe
that", "It is undeniable that"), the Webis and annotated editorials and CMV ("and", "but", "However,", "In
fact,"), `corpus/` ("But", "Of course,"). The finder keeps it inside: of the AAE training units it proposes
with a gold unit's end, 348 of 1,490 start on such a lead (the editorials 365 of 2,528, CMV 291 of 1,792).
Whether the first words are a lead depends on the words, the mark after them and the kind of text ("If" opens
a unit's condition in an essay and a unit of its own in an editorial), so a linear head decides: for each
place a unit could start within its first LEAD_TOKENS tokens, does the unit start here? The best place wins
when its probability passes the threshold of the text's shape, chosen on cross-fitted predictions of the
training texts (a shape whose trims did not gain there is never trimmed).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Self

import numpy
from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.argmap import ArgumentMap
from argmine.nlp import finder  # noqa: F401  (registers doc._.arg_finder_kinds, kept aligned here)
from argmine.nlp.doc import get_units, set_units, tokens_of
from argmine.nlp.linear import Fit, LinearClassifier, OneHead
from argmine.nlp.split import text_context
from argmine.nlp.structure import get_layout, laid_out

LABELS = ("inside", "start")
# A lead is at most this many tokens ("As a matter of fact ,", "In conclusion , I strongly believe that").
LEAD_TOKENS = 8
# What is left of a trimmed unit has at least this many words.
MIN_WORDS = 3
SHAPES = ("essay", "one", "paras")
SETTINGS = {
    "length": 2**16,
    "fit": {"@misc": "argmine.LinearFit.v1", "epochs": 3, "learn_rate": 0.002, "runs": 1},
}
NEVER = 1.0  # a shape's threshold when trimming did not pay off on its training texts
# A lead ends on a mark or "that" ("In fact,", "I believe that"), or is one word ("But", "So"): only there may a
# unit start instead. Every word as a place cost three times the time (a third of the unit classifier's) for
# 1% more training proposals started right (cross-fitted: essays 5,351 against 5,278, short texts 7,346 against
# 7,301, other texts 10,198 against 10,214).
LEAD_ENDS = frozenset({",", ":", ";", "—", "–", "-", "that"})

log = logging.getLogger(__name__)


def shape_of(context: str) -> str:
    """The shape part of `text_context` ("essay3" -> "essay")."""
    return context.rstrip("0123456789")


def candidates(doc: Doc, start: int, end: int) -> Iterator[int]:
    """The tokens of `doc[start:end]` the unit could start at instead: its second word, and words among its
    first LEAD_TOKENS tokens that follow a lead's end (LEAD_ENDS), with at least MIN_WORDS words from there to
    the unit's end."""
    tokens = tokens_of(doc)
    is_word, lower = tokens.word, tokens.lower
    words = [i for i in range(start, end) if is_word[i]]
    if len(words) <= MIN_WORDS:
        return
    last = words[-MIN_WORDS]
    for t in range(start + 1, min(start + LEAD_TOKENS, last) + 1):
        if is_word[t] and (t == words[1] or lower[t - 1] in LEAD_ENDS):
            yield t


def lead_features(doc: Doc, start: int, t: int, end: int, context: str) -> list[str]:
    """The head's features of starting `doc[start:end]` at token `t` (its lead: `doc[start:t]`)."""
    tokens = tokens_of(doc)
    lower, space, is_word = tokens.lower, tokens.space, tokens.word
    lead = [lower[i] for i in range(start, t) if not space[i]]
    before = lower[t - 1]
    before2 = lower[t - 2] if t - 2 >= start else "<s>"
    at = lower[t]
    rest = sum(1 for i in range(t, end) if is_word[i])
    # Whether the unit opens its sentence: a sentence's "But" is often the unit's, the "but" after a comma
    # the seam between two units.
    opens = "open" if tokens.sent_start[start] else lower[start - 1] if start else "<s>"
    first = lead[0] if lead else ""
    base = [
        "bias", f"lead={' '.join(lead)}", f"first={first}", f"before={before}", f"before2={before2}|{before}",
        f"at={at}", f"before|at={before}|{at}", f"n={len(lead)}", f"first|n={first}|{len(lead)}",
        f"upper={tokens.text[t][:1].isupper()}|{before}", f"opens={opens}", f"opens|lead={opens}|{' '.join(lead)}",
        f"rest={min(rest // 4, 6)}", *(f"lw={w}" for w in lead),
    ]
    # Shared weights, and copies per shape: an essay, a five-sentence argument and a thirty-paragraph op-ed
    # mark leads alike ("However,"), but not always ("If ..." opens an essay's claim, an editorial's unit).
    shape = shape_of(context)
    return base + [f"{shape}:{f}" for f in base]


class LeadTrimmer(OneHead):
    """One linear head: does this unit start at this token rather than at its first?"""

    LABELS = LABELS

    def __init__(self, nlp: Language | None, name: str, length: int, fit: Fit) -> None:
        super().__init__(nlp, name, length, fit)
        # Untrained: no shape is trimmed (an untrained head says 0.5 everywhere).
        self.thresholds: dict[str, float] = {shape: NEVER for shape in SHAPES}

    def __call__(self, doc: Doc) -> Doc:
        units = list(get_units(doc))
        context = text_context(doc)
        threshold = self.thresholds.get(shape_of(context), NEVER)
        if threshold >= NEVER or not units:
            return doc
        where = [(i, t) for i, u in enumerate(units) for t in candidates(doc, u.start, u.end)]
        if not where:
            return doc
        probs = self.head.predict_proba([lead_features(doc, units[i].start, t, units[i].end, context)
                                         for i, t in where])[:, 1]
        starts = best_starts(where, probs, threshold)
        if not starts:
            return doc
        set_units(doc, [Span(doc, starts[i], u.end, label=u.label_) if i in starts else u
                        for i, u in enumerate(units)])
        return doc  # the units keep their order and number: doc._.arg_finder_kinds stays aligned

    def to_disk(self, path: str | Path, exclude: tuple = ()) -> None:
        super().to_disk(path, exclude)
        (Path(path) / "thresholds.json").write_text(json.dumps(self.thresholds, indent=1) + "\n", encoding="utf-8")

    def from_disk(self, path: str | Path, exclude: tuple = ()) -> Self:
        super().from_disk(path, exclude)
        self.thresholds = {s: float(v) for s, v in json.loads((Path(path) / "thresholds.json").read_text(
            encoding="utf-8")).items()}
        return self


def best_starts(where: Sequence[tuple[int, int]], probs: numpy.ndarray, threshold: float) -> dict[int, int]:
    """For each unit index of `where` (pairs of unit index and candidate token), the candidate with the
    highest probability, when that passes `threshold`."""
    best: dict[int, tuple[float, int]] = {}
    for (i, t), p in zip(where, probs.tolist()):
        if p > threshold and p > best.get(i, (-1.0, 0))[0]:
            best[i] = (p, t)
    return {i: t for i, (_, t) in best.items()}


@Language.factory(
    "argmine_lead_trimmer",
    default_config=SETTINGS,
    requires=["doc.spans", "token.is_sent_start"],
    assigns=["doc.spans"],
)
def make_lead_trimmer(nlp: Language, name: str, length: int, fit: Fit) -> LeadTrimmer:
    """Build an (untrained) lead trimmer; its head and thresholds come from `from_disk` or argmine's trainer."""
    return LeadTrimmer(nlp, name, length, fit)


# --- training ------------------------------------------------------------------------------------------------


def lead_examples(nlp: Language, maps: Sequence[ArgumentMap]) -> list[tuple[int, str, list[tuple[list, bool]], bool]]:
    """Per proposed unit of `maps`' texts (as argmine reads them): its text's index and shape, its candidates'
    features with whether the gold unit starts there, and whether the proposal already starts right.

    A proposal is a gold unit that the finder would have begun earlier: back over the words no gold unit
    covers, to its sentence's start or the previous unit's end, when those are at most LEAD_TOKENS tokens;
    a gold unit with no such words before it is its own proposal (every candidate a place not to start)."""
    out = []
    for n, (amap, doc) in enumerate(zip(maps, laid_out(nlp, (m.text for m in maps)))):
        context = text_context(doc)
        sent_start = get_layout(doc).sent_start
        gold = []
        for u in sorted(amap.units, key=lambda u: u.start):
            span = doc.char_span(u.start, u.end, alignment_mode="expand")
            if span is not None and len(span):
                gold.append((span.start, span.end))
        prev_end = 0
        for s, e in gold:
            begin = max(int(sent_start[s]), prev_end)
            while begin < s and not tokens_of(doc).word[begin]:
                begin += 1
            if s - begin > LEAD_TOKENS:
                begin = s
            prev_end = max(prev_end, e)
            rows = [(lead_features(doc, begin, t, e, context), t == s) for t in candidates(doc, begin, e)]
            if begin < s and not any(y for _, y in rows):
                continue  # the gold start is no candidate (too close to the end): nothing to learn
            if rows:
                out.append((n, shape_of(context), rows, begin == s))
    return out


THRESHOLDS = tuple(round(0.1 + 0.05 * k, 2) for k in range(17))  # 0.10 ... 0.90


def choose_thresholds(head: LinearClassifier, examples: Sequence, fit: dict, folds: int = 2) -> dict[str, float]:
    """Per shape, the threshold of THRESHOLDS under which the most proposals of `examples` (`lead_examples`)
    start right, on predictions cross-fitted by text (`folds` heads, each trained without the texts it
    predicts). NEVER for a shape where no threshold gains."""
    probs: list[list[float]] = [[] for _ in examples]
    for fold in range(folds):
        fold_head = head.untrained_copy()
        train = [(x, y) for text, _, rows, _ in examples if text % folds != fold for x, y in rows]
        fold_head.fit([x for x, _ in train], ["start" if y else "inside" for _, y in train], **fit)
        held = [n for n, ex in enumerate(examples) if ex[0] % folds == fold]
        flat = fold_head.predict_proba([x for n in held for x, _ in examples[n][2]])[:, 1].tolist()
        k = 0
        for n in held:
            probs[n] = flat[k : k + len(examples[n][2])]
            k += len(examples[n][2])
    chosen = {}
    for shape in SHAPES:
        rows = [(ex, p) for ex, p in zip(examples, probs) if ex[1] == shape]
        base = sum(1 for ex, _ in rows if ex[3])
        best, best_right = NEVER, base
        for threshold in THRESHOLDS:
            right = 0
            for (_, _, cands, untouched), p in rows:
                k = int(numpy.argmax(p))
                right += cands[k][1] if p[k] > threshold else untouched
            if right > best_right:
                best, best_right = threshold, right
        chosen[shape] = best
        log.info("lead trimmer, %s: %d of %d proposals start right untrimmed, %d trimmed at %.2f (cross-fitted)",
                 shape, base, len(rows), best_right, best)
    return chosen
