"""`argmine_unit_splitter`: a proposed unit that holds two argumentative units is cut in two.

The unit finder learnt its boundaries mostly from corpora that keep "X, and Y" and "X, but Y" in one unit
(AAE, web discourse, `corpus/`), so it keeps them whole where a text argues clause by clause: held out, 113 of
the microtexts' 576 gold units sat inside a proposed unit that also held the next one, 40 of them at ", but"
or ", and". Whether a clause boundary starts a new unit depends on the cue, the lengths on either side and
the kind of text, so a linear head decides, trained on every segment-annotated corpus: each comma or clause
cue inside a gold unit is a place not to cut, each one between two gold units of one sentence a place to cut.
Rules would not do: the same ", but" starts a unit in 21 of 25 microtexts cases and in 8 of 68 web-discourse
ones.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.argmap import ArgumentMap
from argmine.nlp import finder  # noqa: F401  (registers doc._.arg_finder_kinds, kept aligned here)
from argmine.nlp.doc import get_units, set_units, tokens_of
from argmine.nlp.linear import Fit, OneHead
from argmine.nlp.structure import get_layout, laid_out

LABELS = ("keep", "split")
# Words that open a clause of their own even without a comma before them.
CUES = frozenset(
    ["because", "since", "although", "though", "whereas", "unless", "but", "and", "so", "yet", "while", "as", "which", "if", "when", "even", "therefore", "thus", "hence", "however", "nevertheless", "moreover", "furthermore", "besides", "otherwise", "or", "for"]
)
MARKS = frozenset({",", ";", ":", "—", "–"})
QUOTES = frozenset({'"', "“", "”"})
# Neither side of a cut may have fewer words than this: a shorter piece is a fragment, not a claim.
MIN_WORDS = 3
SETTINGS = {
    "threshold": 0.5,
    "length": 2**17,
    "fit": {"@misc": "argmine.LinearFit.v1", "epochs": 3, "learn_rate": 0.002, "runs": 1},
}


def _bucket(n: int, edges: Sequence[int]) -> int:
    return next((i for i, e in enumerate(edges) if n <= e), len(edges))


def candidates(doc: Doc, start: int, end: int) -> Iterator[int]:
    """The tokens of the unit `doc[start:end]` a second unit could start at: after a comma, semicolon, colon
    or dash, or at a clause cue, with at least MIN_WORDS words on either side."""
    tokens = tokens_of(doc)
    is_word = tokens.word
    words = [i for i in range(start, end) if is_word[i]]
    if len(words) < 2 * MIN_WORDS:
        return
    lo, hi = words[MIN_WORDS - 1], words[-MIN_WORDS]
    text, lower = tokens.text, tokens.lower
    for t in range(lo + 1, hi + 1):
        if is_word[t] and (text[t - 1] in MARKS or lower[t] in CUES):
            yield t


def cut_features(doc: Doc, start: int, end: int, t: int, context: str) -> list[str]:
    """The head's features of cutting `doc[start:end]` before token `t`; `context`: the text's shape and size
    (`text_context`)."""
    tokens = tokens_of(doc)
    lower, text = tokens.lower, tokens.text
    word = lower[t]
    cue = word if word in CUES else "-"
    mark = text[t - 1] if text[t - 1] in MARKS else "-"
    after = lower[t + 1] if t + 1 < end else "</s>"
    first = lower[start]
    left = _bucket(t - start, (3, 5, 8, 12, 18, 26))
    right = _bucket(end - t, (3, 5, 8, 12, 18, 26))
    quoted = sum(1 for i in range(start, t) if text[i] in QUOTES) % 2 == 1
    base = [
        "bias", f"w={word}", f"m={mark}", f"w|m={word}|{mark}", f"c|m={cue}|{mark}", f"w|a={word}|{after}",
        f"f={first}", f"f|c={first}|{cue}", f"l={left}", f"r={right}", f"l|r={left}|{right}",
        f"c|l={cue}|{left}", f"c|r={cue}|{right}", f"b={lower[t - 1]}|{mark}", f"q={quoted}|{mark}",
    ]
    # Only copies per context: where a clause boundary starts a unit differs between a five-sentence argument,
    # an essay and a thirty-paragraph op-ed, and a shared weight would let the many long texts decide for all.
    return [f"{context}:{f}" for f in base]


def text_context(doc: Doc) -> str:
    """The text's shape (an essay's paragraphs, a single paragraph, or any other run of paragraphs, as
    `argmine.nlp.structure` reads them) and its number of sentences, bucketed."""
    roles = get_layout(doc).role_of_paragraphs()
    shape = "essay" if "intro" in roles else "one" if "only" in roles else "paras"
    tokens = tokens_of(doc)
    sentences = sum(1 for start, space in zip(tokens.sent_start, tokens.space) if start and not space)
    return f"{shape}{_bucket(sentences, (3, 6, 10, 20, 40))}"


class UnitSplitter(OneHead):
    """One linear head: does a second unit start at this clause boundary of a proposed unit?"""

    LABELS = LABELS

    def __init__(self, nlp: Language | None, name: str, threshold: float, length: int, fit: Fit) -> None:
        super().__init__(nlp, name, length, fit)
        self.threshold = threshold

    def __call__(self, doc: Doc) -> Doc:
        units = list(get_units(doc))
        where = [(i, t) for i, u in enumerate(units) for t in candidates(doc, u.start, u.end)]
        if not where:
            return doc
        context = text_context(doc)
        rows = [cut_features(doc, units[i].start, units[i].end, t, context) for i, t in where]
        probs = self.head.predict_proba(rows)[:, 1]
        cuts: dict[int, list[int]] = {}
        for (i, t), p in zip(where, probs):
            if p > self.threshold:  # an untrained head says 0.5 everywhere: no cut
                cuts.setdefault(i, []).append(t)
        if not cuts:
            return doc
        kinds = doc._.arg_finder_kinds
        spans: list[Span] = []
        votes: list[str] = []
        for i, unit in enumerate(units):
            pieces = _pieces(doc, unit, cuts.get(i, []))
            spans.extend(pieces)
            # A cut unit's pieces carry no finder vote: the finder judged the whole, the heads judge the parts.
            vote = kinds[i] if kinds is not None else ""
            votes.extend([vote] if len(pieces) == 1 else [""] * len(pieces))
        set_units(doc, spans)
        if kinds is not None:
            doc._.arg_finder_kinds = votes
        return doc


def _words(doc: Doc, start: int, end: int) -> int:
    is_word = tokens_of(doc).word
    return sum(1 for i in range(start, end) if is_word[i])


def _pieces(doc: Doc, unit: Span, cuts: list[int]) -> list[Span]:
    """`unit` cut before each token of `cuts` that leaves MIN_WORDS words on both sides; the mark before a cut
    (the comma of ", but") stays with neither piece."""
    pieces, start = [], unit.start
    for t in sorted(cuts):
        if _words(doc, start, t) < MIN_WORDS or _words(doc, t, unit.end) < MIN_WORDS:
            continue
        end = t
        while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
            end -= 1
        pieces.append(Span(doc, start, end, label=unit.label_))
        start = t
    if not pieces:
        return [unit]
    pieces.append(Span(doc, start, unit.end, label=unit.label_))
    return pieces


@Language.factory(
    "argmine_unit_splitter",
    default_config=SETTINGS,
    requires=["doc.spans", "token.is_sent_start"],
    assigns=["doc.spans", "doc._.arg_finder_kinds"],
)
def make_unit_splitter(nlp: Language, name: str, threshold: float, length: int, fit: Fit) -> UnitSplitter:
    """Build an (untrained) unit splitter; its head comes from `from_disk` or argmine's trainer."""
    return UnitSplitter(nlp, name, threshold, length, fit)


def split_examples(nlp: Language, maps: Sequence[ArgumentMap]) -> tuple[list, list[str]]:
    """Every candidate cut inside a gold unit (`keep`) or between two gold units of one sentence that only
    marks and cue words separate (`split`, at each candidate from the first unit's last token to the second's
    second), for the maps' texts as argmine reads them."""
    rows, labels = [], []
    for amap, doc in zip(maps, laid_out(nlp, (m.text for m in maps))):
        context = text_context(doc)
        layout = get_layout(doc)
        gold = []
        for u in sorted(amap.units, key=lambda u: u.start):
            span = doc.char_span(u.start, u.end, alignment_mode="expand")
            if span is not None and len(span):
                gold.append((span.start, span.end))
        for k, (s, e) in enumerate(gold):
            # inside one gold unit: no cut
            for t in candidates(doc, s, e):
                rows.append(cut_features(doc, s, e, t, context))
                labels.append("keep")
            if k + 1 == len(gold):
                continue
            s2, e2 = gold[k + 1]
            if s2 < e or layout.sent_start[s] != layout.sent_start[s2]:
                continue
            if any(not (doc[i].is_punct or doc[i].is_space or doc[i].lower_ in CUES) for i in range(e, s2)):
                continue
            # the two units as one proposed span: a cut where the second begins
            for t in candidates(doc, s, e2):
                if e - 1 <= t <= s2 + 1:
                    rows.append(cut_features(doc, s, e2, t, context))
                    labels.append("split")
    return rows, labels
