"""Features of units and unit pairs for the linear unit classifier and relation scorer.

What decides a unit's role is mostly *where* it is (paragraph role, place in the paragraph, place in its
sentence), the words just *outside* it ("because", "I believe that", "For example,"), and how much it shares
with the essay's title and with its neighbours; its own n-grams add the rest.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import operator
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy
from spacy.attrs import IS_ALPHA, IS_QUOTE, IS_TITLE, LENGTH, LIKE_NUM, ORTH, SHAPE
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.strings import hash_string  # type: ignore[attr-defined]  # in strings.pyx, left out of strings.pyi
from spacy.tokens import Doc, Span

from argmine.nlp.doc import tokens_of
from argmine.nlp.linear import Hashed, hash_flat
from argmine.nlp.rules import EVIDENCE_PATTERNS
from argmine.nlp.structure import PARAGRAPH_ROLES, Layout, get_layout

_WINDOW_BEFORE = 4
_WINDOW_AFTER = 3
# Unit features a pair also sees from each of its two ends (as s:... and t:...).
_PAIR_COPIED = ("before1=", "first=", "sentopen=", "role|idx|", "has=")
# Word classes that mark a thesis, pooled so that a hundred short training texts teach one weight rather than
# one per rare word: a conclusion ("the city *therefore* needs ...") and a judgement or a call to act
# ("... *should* be closed", "it would be *fair* to ..."); Peldszus & Stede's central-claim classifier reads
# modal verbs and connectives the same way. On the microtexts (5-fold CV, one fit) they lift central-claim
# accuracy from 0.75 to 0.86.
LEXICON = {
    "conclude": frozenset({"therefore", "hence", "thus", "consequently", "so", "why", "conclusion", "ergo"}),
    "judge": frozenset({
        "should", "ought", "must", "need", "needs", "necessary", "right", "wrong", "fair", "good", "bad", "better"
    }),
}

# Discourse markers by what they signal about a unit's target, pooled for the same reason: "But" or "admittedly"
# opening a short text's unit says it answers the unit before it rather than the thesis, "because" or
# "moreover" that it backs whatever it follows. Read in the unit's first three words and the word before it.
# Peldszus & Stede's attachment classifier reads a connective lexicon the same way. Microtexts 5-fold CV
# (attachment F1, two training seeds): 0.6185 / 0.612 without them, 0.640 / 0.634 with them.
MARKERS = {
    "contrast": frozenset({
        "but", "however", "yet", "although", "though", "nevertheless", "nonetheless", "whereas", "while", "still",
        "instead", "rather",
    }),
    "concede": frozenset({"admittedly", "granted", "course", "true", "certainly", "indeed", "sure"}),
    "cause": frozenset({"because", "since", "for", "as", "given", "due"}),
    "conseq": frozenset({"therefore", "thus", "hence", "so", "consequently"}),
    "add": frozenset({"also", "moreover", "furthermore", "besides", "additionally", "addition", "further", "too"}),
    "example": frozenset({"example", "instance", "e.g."}),
}


def _content_words(lower: list[str], content: list[bool]) -> list[str]:
    """Each token's content word (alphabetic, longer than two letters, no stop word), or "" for other tokens."""
    return [w if c and w not in STOP_WORDS else "" for w, c in zip(lower, content)]


def _bucket(x: float, edges: tuple[float, ...]) -> int:
    """How many of the ascending `edges` are at most `x` (a count or a ratio of counts, never NaN)."""
    return bisect.bisect_right(edges, x)


@dataclass
class UnitView:
    """What the feature functions need to know about one unit span."""

    span: Span
    paragraph: int
    index_in_paragraph: int
    units_in_paragraph: int
    index_in_sentence: int
    units_in_sentence: int
    content: frozenset[str]


# What a unit has, as features `has=...`, in this order.
HAS = ("digit", "quote", "percent", "year")
# What tells an anecdote (a specific case or event) from a general premise: it happened (a past-tense verb, an
# "-ed" word), at a time (a month, a weekday, "last year", "ago"), to someone or somewhere named (capitalised
# words inside the unit). Inner 5-fold CV on one outlet's Webis editorials (gold segments, the other outlet held
# out): anecdote F1 0.48 -> 0.52, evidence-type macro-F1 0.61 -> 0.63 (`corpus/` 0.75 -> 0.77).
PAST = frozenset("was were had did said told".split())
TIMES = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday yesterday ago".split()
)
PERIODS = frozenset({"week", "month", "year", "summer", "winter", "spring", "fall", "autumn"})


class DocTokens(NamedTuple):
    """What `DocUnits` reads of a doc's tokens and layout, whatever its units: `argmine.nlp.doc.Tokens` (the
    token strings, shared with the splitter and the trimmer) and what the layout adds."""

    lower: list[str]
    space: list[bool]
    not_space: list[bool]  # the tokens a unit's words are (punctuation included, unlike `Tokens.word`)
    content: list[str]  # each token's content word (alphabetic, over two letters, no stop word), or ""
    title: frozenset[str]  # the content words of the title, introduction and conclusion paragraphs
    intro: frozenset[str]
    conclusion: frozenset[str]
    sent_end: dict[int, int]  # sentence start -> sentence end (token indices)
    roles: frozenset[str]  # the paragraph roles of the doc
    has: list[int]  # per token, which of HAS it is (bit k: HAS[k])
    capital: list[bool]  # per token, whether it starts with a capital letter
    patterns: dict[str, tuple[bool, ...]]  # which EVIDENCE_PATTERNS match a text of the doc, filled on demand


# The last doc's tokens: the gap filler, the unit classifier, the thesis scorer and the relation scorer each
# read the same doc one after the other (spaCy passes a doc through the components that have no `pipe` in
# turn), and their token part was a third of building a `DocUnits`. One doc only, held by a weak reference.
_last: tuple[weakref.ref, int, Layout, DocTokens] | None = None


def doc_tokens(doc: Doc, layout: Layout) -> DocTokens:
    """The `DocTokens` of `doc` (laid out as `layout`), computed once for the last doc asked about."""
    global _last
    last = _last
    if last is not None and last[0]() is doc and last[1] == len(doc) and last[2] is layout:
        return last[3]
    # Token strings read once, from arrays: the feature functions index these lists instead of creating Token
    # objects, and creating one Token per token here would cost three times as much.
    shared = tokens_of(doc)
    lower, space = shared.lower, shared.space
    attrs = doc.to_array([IS_ALPHA, LENGTH, LIKE_NUM, IS_QUOTE, ORTH, SHAPE, IS_TITLE])
    # HAS, bit by bit: like a number, a quotation mark, "%" or "percent", the shape of four digits (a year).
    has = (
        (attrs[:, 2] != 0) * 1
        + (attrs[:, 3] != 0) * 2
        + numpy.isin(attrs[:, 4], numpy.asarray([hash_string("%"), hash_string("percent")], dtype="uint64")) * 4
        + (attrs[:, 5] == numpy.uint64(hash_string("dddd"))) * 8
    ).tolist()
    content = _content_words(lower, ((attrs[:, 0] != 0) & (attrs[:, 1] > 2)).tolist())
    title, intro, conclusion = (
        frozenset(filter(None, (content[t] for t in numpy.flatnonzero(layout.role == PARAGRAPH_ROLES.index(r)))))
        for r in ("title", "intro", "conclusion")
    )
    # Where each sentence ends, found once: looking it up per unit would be quadratic in a long sentence.
    # A sentence ends after the last token that names its start (found from the end, in one numpy pass).
    firsts, from_end = numpy.unique(layout.sent_start[::-1], return_index=True)
    tokens = DocTokens(
        lower, space, [not s for s in space], content, title, intro, conclusion,
        dict(zip(firsts.tolist(), (len(doc) - from_end).tolist())), frozenset(layout.role_of_paragraphs()), has,
        (attrs[:, 6] != 0).tolist(), {},
    )
    _last = (weakref.ref(doc), len(doc), layout, tokens)
    return tokens


# The most units a text read as a short argument may have (the microtexts have at most 10, comments 20 or so).
SHORT_MAX_UNITS = 60


class DocUnits:
    """The units of one doc with their layout context, computed once per doc."""

    def __init__(self, doc: Doc, spans: list[Span]) -> None:
        self.doc = doc
        self.layout: Layout = get_layout(doc)
        self.spans = spans
        layout = self.layout
        tokens = doc_tokens(doc, layout)
        self.lower, self.space, self._has, self._capital = tokens.lower, tokens.space, tokens.has, tokens.capital
        self._word = tokens.not_space
        self._patterns = tokens.patterns
        self.title, self.intro, self.conclusion = tokens.title, tokens.intro, tokens.conclusion
        content = tokens.content
        # Each unit's bounds, paragraph, sentence start and paragraph role, read from the layout's arrays once.
        self._start = [s.start for s in spans]
        self._end = [s.end for s in spans]
        at = numpy.asarray(self._start, dtype="int64")
        paragraphs = layout.paragraph[at].tolist()
        self._sent = layout.sent_start[at].tolist()
        self._role = [PARAGRAPH_ROLES[r] for r in layout.role[at].tolist()]
        by_para: dict[int, list[int]] = {}
        by_sent: dict[int, list[int]] = {}
        for i, (p, first) in enumerate(zip(paragraphs, self._sent)):
            by_para.setdefault(p, []).append(i)
            by_sent.setdefault(first, []).append(i)
        sent_position = {i: (k, len(group)) for group in by_sent.values() for k, i in enumerate(group)}
        para_position = {i: (k, len(group)) for group in by_para.values() for k, i in enumerate(group)}
        self.views: list[UnitView] = [
            UnitView(
                s, paragraphs[i], *para_position[i], *sent_position[i],
                frozenset(filter(None, content[self._start[i] : self._end[i]])),
            )
            for i, s in enumerate(spans)
        ]
        self.by_para = by_para
        self._sent_end = tokens.sent_end
        # Single-paragraph texts (microtexts, comments) argue differently from essays with an introduction and
        # a conclusion; every feature gets a genre-specific copy so the weights can differ where they must
        # (Daume's "frustratingly easy" domain adaptation).
        # A single paragraph of hundreds of units is no short argument: the short texts' decoder tries every
        # likely thesis with a whole tree, which on such a paragraph costs minutes and gigabytes.
        self.short = len(spans) <= SHORT_MAX_UNITS and not any(
            r in ("intro", "body", "conclusion") for r in tokens.roles
        )
        self._copied_cache: dict[tuple[str, int, str], tuple[list[str], list[str]]] = {}
        self._shared: dict[int, list[str]] = {}  # the unit features pairs copy, per unit
        self._markers: dict[int, list[str]] = {}
        self._cue_cache: dict[int, tuple[str, str]] = {}  # each unit's cues, read for it and its two neighbours
        self._sentence_patterns: dict[int, tuple[bool, ...]] = {}  # sentence start -> `patterns` of the sentence

    def sentence_of(self, i: int) -> tuple[int, int]:
        """Token bounds of the sentence holding unit i."""
        start = self._sent[i]
        return start, self._sent_end[start]

    def _cues(self, i: int) -> tuple[str, str]:
        """The unit's first word and the word just before it in its sentence: where connectives sit."""
        cues = self._cue_cache.get(i)
        if cues is None:
            cues = self._cue_cache[i] = self._find_cues(i)
        return cues

    def _find_cues(self, i: int) -> tuple[str, str]:
        start = self._start[i]
        sent_start = self._sent[i]
        before = next((self.lower[t] for t in range(start - 1, sent_start - 1, -1) if not self.space[t]), "<s>")
        return self.lower[start], before

    def markers(self, i: int) -> list[str]:
        """The `MARKERS` classes found in unit i's first three words or the word before it, or ["none"]."""
        found = self._markers.get(i)
        if found is None:
            span = self.spans[i]
            words = [self.lower[t] for t in range(span.start, min(span.end, span.start + 3)) if not self.space[t]]
            words.append(self._cues(i)[1])
            found = sorted(name for name, lexicon in MARKERS.items() if any(w in lexicon for w in words)) or ["none"]
            self._markers[i] = found
        return found

    def unit_features(self, i: int) -> list[str | tuple[str, float]]:
        """Sparse features for unit i (kind, evidence type and stance share them)."""
        v = self.views[i]
        start, end = self._start[i], self._end[i]
        role = self._role[i]
        pos = self.layout.sentence_position_of(start)
        idx = min(v.index_in_paragraph, 3)
        from_end = min(v.units_in_paragraph - 1 - v.index_in_paragraph, 3)
        f: list[str | tuple[str, float]] = [
            "bias",
            f"role={role}",
            f"spos={pos}",
            f"role|spos={role}|{pos}",
            f"role|idx={role}|{idx}",
            f"role|fromend={role}|{from_end}",
            f"role|idx|fromend={role}|{idx}|{from_end}",
            f"nunits={min(v.units_in_paragraph, 6)}",
            f"insent={min(v.index_in_sentence, 2)}/{min(v.units_in_sentence, 3)}",
            f"len={_bucket(end - start, (4, 8, 12, 18, 26, 40))}",
        ]
        sent_start, sent_end = self.sentence_of(i)
        lower, space = self.lower, self.space
        before = [lower[t] for t in range(max(sent_start, start - _WINDOW_BEFORE), start) if not space[t]]
        after = [lower[t] for t in range(end, min(sent_end, end + _WINDOW_AFTER)) if not space[t]]
        f.extend(f"before={w}" for w in before)
        f.extend(f"after={w}" for w in after)
        if before:
            f.append(f"before1={before[-1]}")
            f.append(f"before2={' '.join(before[-2:])}")
            f.append(f"role|before1={role}|{before[-1]}")
        else:
            f.append("before1=<s>")
        f.append(f"sentopen={lower[sent_start]}")
        if after:
            f.append(f"after1={after[0]}")
        words = list(itertools.compress(lower[start:end], self._word[start:end]))
        place = "first" if v.index_in_paragraph == 0 else "last" if from_end == 0 else "mid"
        for name, lexicon in LEXICON.items():
            if not (lexicon.isdisjoint(before) and lexicon.isdisjoint(words)):
                f.append(f"lex={name}")
                f.append(f"lex|place={name}|{place}")
        # dict.fromkeys, not set: a set's order changes with each process's string-hash seed, and the order of
        # features changes the float sums in training, so the heads would differ from run to run.
        f.extend([f"w={w}" for w in dict.fromkeys(words)])
        f.extend([f"bi={a} {b}" for a, b in dict.fromkeys(zip(words, words[1:]))])
        f.append(f"first={words[0]}")
        f.append(f"first2={' '.join(words[:2])}")
        f.append(f"first3={' '.join(words[:3])}")
        f.append(f"last={words[-1]}")
        f.append(f"role|first={role}|{words[0]}")
        has = functools.reduce(operator.or_, self._has[start:end], 0)
        f.extend(f"has={k}" for bit, k in enumerate(HAS) if has >> bit & 1)
        if self.title and v.content:
            overlap = len(self.title & v.content) / len(self.title)
            f.append(f"title={_bucket(overlap, (0.01, 0.2, 0.4, 0.6))}")
            f.append(f"role|title={role}|{_bucket(overlap, (0.01, 0.3, 0.6))}")
        # Body claims are echoed in the introduction or the conclusion; premises rarely are.
        for name, echoed in (("intro", self.intro), ("concl", self.conclusion)):
            if echoed and v.content and role != name.replace("concl", "conclusion"):
                shared = len(echoed & v.content) / len(v.content)
                f.append(f"{name}={_bucket(shared, (0.01, 0.15, 0.3, 0.5))}")
        # What comes next tells what this is: a claim is followed by "because ..." or "For example, ...".
        para = self.by_para[v.paragraph]
        for name, k in (("prev", v.index_in_paragraph - 1), ("next", v.index_in_paragraph + 1)):
            if 0 <= k < len(para):
                next_first, next_before = self._cues(para[k])
                f.append(f"{name}:first={next_first}")
                f.append(f"{name}:before1={next_before}")
            else:
                f.append(f"{name}:none")
        return self._with_genre(f)

    def evidence_features(self, i: int) -> list[str]:
        """What the rule baseline's evidence patterns (numbers with units, quotations and speech verbs, "for
        example") find in unit i and in its sentence; only the evidence head reads them. Hashed n-grams alone
        cannot generalise "any number followed by percent": within-outlet CV on the editorials, evidence-type
        macro-F1 0.306 / 0.348 without them, 0.370 / 0.387 with them (Al Jazeera / Fox News)."""
        start, end = self.sentence_of(i)
        span = self.spans[i]
        text = self.layout.text
        in_unit = self.patterns(text[span.start_char : span.end_char])
        in_sentence = self._sentence_patterns.get(start)
        if in_sentence is None:  # once per sentence: a sentence often holds two or three units
            sentence = text[self.doc[start].idx : self.doc[end - 1].idx + len(self.doc[end - 1])]
            in_sentence = self._sentence_patterns[start] = self.patterns(sentence)
        f = []
        for etype, found_in_unit, found in zip(EVIDENCE_PATTERNS, in_unit, in_sentence):
            if found_in_unit:
                f.append(f"pattern={etype}")
            if found:
                f.append(f"pattern_sent={etype}")
        return self._with_genre(f + self._event_features(span.start, span.end))

    def _event_features(self, start: int, end: int) -> list[str]:
        """Whether tokens `start:end` tell of an event: past tense, a time, names (see PAST)."""
        lower, word, capital = self.lower, self._word, self._capital
        words = [t for t in range(start, end) if word[t]]
        ed = sum(1 for t in words if len(lower[t]) > 4 and lower[t].endswith("ed"))
        names = sum(1 for t in words[1:] if capital[t])
        f = [f"ev:ed={min(ed, 3)}", f"ev:caps={min(names // 2, 3)}"]
        if any(lower[t] in PAST for t in words):
            f.append("ev:past")
        # a month or weekday is capitalised (the modal "may" is not)
        if any((lower[t] in TIMES and (capital[t] or lower[t] in ("yesterday", "ago")))
               or (lower[t] in PERIODS and t > start and lower[t - 1] in ("last", "this")) for t in words):
            f.append("ev:when")
        return f

    def patterns(self, text: str) -> tuple[bool, ...]:
        """Which of `EVIDENCE_PATTERNS` (in its order) match `text`, a unit's or a sentence's: searched once per
        doc and text, since the unit classifier's evidence features and the thesis scorer's features read the
        same units, and a unit is often its whole sentence (the patterns cost 20 µs a text)."""
        found = self._patterns.get(text)
        if found is None:
            found = self._patterns[text] = tuple(bool(p.search(text)) for p in EVIDENCE_PATTERNS.values())
        return found

    def _copied(self, prefix: str, i: int, direction: str, unit_feats: list) -> tuple[list[str], list[str]]:
        """The features of unit i that its pairs copy, as `prefix:feature` alone and crossed with the direction,
        and the same with the genre prefix (`_with_genre`'s copies); built once per unit, prefix and direction,
        since every pair of the unit repeats them."""
        key = (prefix, i, direction)
        copied = self._copied_cache.get(key)
        if copied is None:
            shared = self._shared.get(i)
            if shared is None:
                feats = unit_feats[i]
                try:  # the test in C over a unit's hundred-odd features; a weighted feature is never copied
                    shared = list(itertools.compress(feats, map(str.startswith, feats, itertools.repeat(_PAIR_COPIED))))
                except TypeError:
                    shared = [f for f in feats if f.__class__ is str and f.startswith(_PAIR_COPIED)]
                self._shared[i] = shared
            plain = []
            for f in shared:
                plain.append(f"{prefix}:{f}")
                plain.append(f"{prefix}:{f}|{direction}")
            genre = "short:" if self.short else "essay:"
            copied = self._copied_cache[key] = (plain, [genre + f for f in plain])
        return copied

    def _with_genre(self, feats: list) -> list:
        return feats + self._genre_copies(feats)

    def _genre_copies(self, feats: list) -> list:
        genre = "short:" if self.short else "essay:"
        return [(genre + f[0], f[1]) if isinstance(f, tuple) else genre + f for f in feats]

    def _pair_own(self, i: int, j: int, thesis: int | None, probs: dict | None) -> tuple[list, str, str]:
        """The features of the pair i → j itself, before the copies from its two units and the genre copies;
        with how near j is to i (`near`) and which way the pair points (`direction`)."""
        vi, vj = self.views[i], self.views[j]
        dist = vj.index_in_paragraph - vi.index_in_paragraph if vi.paragraph == vj.paragraph else None
        d = "x" if dist is None else str(max(-6, min(6, dist)))
        role = self._role[i]
        shared = len(vi.content & vj.content) / max(1, min(len(vi.content), len(vj.content)))
        same_sentence = self._sent[i] == self._sent[j]
        f: list[str | tuple[str, float]] = [
            "bias",
            f"dist={d}",
            f"role|dist={role}|{d}",
            f"samesent={vi.index_in_sentence != vj.index_in_sentence and same_sentence}",
            f"src_idx={min(vi.index_in_paragraph, 4)}",
            f"tgt_idx={min(vj.index_in_paragraph, 4)}",
            f"tgt_first={vj.index_in_paragraph == 0}",
            f"tgt_last={vj.index_in_paragraph == vj.units_in_paragraph - 1}",
            f"src_last={vi.index_in_paragraph == vi.units_in_paragraph - 1}",
            f"n|dist={min(vi.units_in_paragraph, 6)}|{d}",
            f"shared={_bucket(shared, (0.01, 0.2, 0.4, 0.7))}",
            ("shared_v", shared),
            f"tgt_thesis={j == thesis}|{d}",
        ]
        near = "x" if dist is None else str(dist) if abs(dist) <= 1 else "far" + ("+" if dist > 0 else "-")
        start = self._start[i]
        words_i = self.lower[start : min(self._end[i], start + 2)]
        f.append(f"sopen|near|thesis={words_i[0]}|{near}|{j == thesis}")
        f.append(f"sopen2|near={' '.join(words_i)}|{near}")
        # In essays these hurt on AAE dev (link F1 -0.02); in short texts they help (+0.05 attachment F1).
        if probs is not None and self.short:
            k_i, k_j = probs["kind"][i], probs["kind"][j]
            s_i, s_j = probs["stance"][i][1], probs["stance"][j][1]
            against = f"{int(s_i > 0.5)}{int(s_j > 0.5)}"
            f.extend([
                f"tgt_kind={int(k_j.argmax())}|{near}",
                f"src_kind={int(k_i.argmax())}|{near}",
                f"against={against}|{near}",
                f"against|thesis={against}|{j == thesis}",
                ("tgt_mc", float(k_j[0])),
                ("tgt_claim", float(k_j[1])),
            ])
        # Cross the target's and source's opening cues with the direction, the strongest lexical signal.
        return f, near, "fwd" if dist is None or dist > 0 else "back"

    def _pair_markers(self, i: int, j: int, near: str, thesis: int | None) -> list[str]:
        """Short texts only: the markers decide between the thesis and the unit just before, where most of
        their attachment errors were (model card). Last in a pair's features, with no genre copy."""
        if not self.short:
            return []
        f: list[str] = []
        for m in self.markers(i):
            f.extend((f"short:smark={m}|{near}", f"short:smark|thesis={m}|{j == thesis}",
                      f"short:smark|near|thesis={m}|{near}|{j == thesis}"))
        f.extend(f"short:tmark={m}|{near}" for m in self.markers(j))
        return f

    def pair_features(
        self,
        i: int,
        j: int,
        unit_feats: list[list[str | tuple[str, float]]] | None = None,
        thesis: int | None = None,
        probs: dict | None = None,
    ):
        """Sparse features for the candidate relation unit i → unit j (`thesis`: the unit taken as thesis;
        `probs`: the unit classifier's distributions, so a pair knows what its ends probably are)."""
        f, near, direction = self._pair_own(i, j, thesis, probs)
        if unit_feats is not None:
            source, source_genre = self._copied("s", i, direction, unit_feats)
            target, target_genre = self._copied("t", j, direction, unit_feats)
            # As _with_genre(f + source + target), with the copies' genre prefixes made once per unit.
            f = f + source + target + self._genre_copies(f) + source_genre + target_genre
        else:
            f = self._with_genre(f)
        return f + self._pair_markers(i, j, near, thesis)

    def pair_rows(
        self,
        pairs: Sequence[tuple[int, int]],
        unit_feats: list[list[str | tuple[str, float]]] | None = None,
        thesis: int | None = None,
        probs: dict | None = None,
        tails: Sequence[list[str]] | None = None,
    ) -> Hashed:
        """`hash_features` of each pair's `pair_features` followed by its `tails` entry (features the caller
        adds), the same keys, values and lengths, computed faster: a pair's features are two thirds copies of
        its units' features (`_copied`), which are hashed here once per unit and direction instead of once
        per pair, and every pair's rows are put together by one numpy gather."""
        own_rows, after_rows, slots = [], [], []
        slot_of: dict[tuple[str, int, str], int] = {}
        slot_feats: list[list[str]] = []
        for k, (i, j) in enumerate(pairs):
            f, near, direction = self._pair_own(i, j, thesis, probs)
            own_rows.append(f)
            after = self._pair_markers(i, j, near, thesis)
            after_rows.append(after + tails[k] if tails is not None else after)
            if unit_feats is not None:
                for key in (("s", i, direction), ("t", j, direction)):
                    slot = slot_of.get(key)
                    if slot is None:
                        slot = slot_of[key] = len(slot_feats)
                        slot_feats.append(self._copied(*key, unit_feats)[0])
                    slots.append(slot)
        own_flat = list(itertools.chain.from_iterable(own_rows))
        copied_flat = list(itertools.chain.from_iterable(slot_feats))
        genre = "short:" if self.short else "essay:"
        # The pool every row is gathered from: own features, their genre copies, the units' copies, theirs.
        parts = [
            own_flat, self._genre_copies(own_flat), copied_flat, [genre + f for f in copied_flat],
            list(itertools.chain.from_iterable(after_rows)),
        ]
        hashed = [hash_flat(part) for part in parts]
        base = numpy.cumsum([0] + [len(part) for part in parts])
        n = len(pairs)
        own_len = numpy.fromiter(map(len, own_rows), dtype="int64", count=n)
        own_at = numpy.cumsum(own_len) - own_len
        after_len = numpy.fromiter(map(len, after_rows), dtype="int64", count=n)
        after_at = numpy.cumsum(after_len) - after_len
        # Each row's segments in pair_features' order: own, source's, target's, own genre copies, source's
        # and target's genre copies, then the markers and tails.
        starts = numpy.zeros((n, 7), dtype="int64")
        lengths = numpy.zeros((n, 7), dtype="int64")
        starts[:, 0], lengths[:, 0] = base[0] + own_at, own_len
        starts[:, 3], lengths[:, 3] = base[1] + own_at, own_len
        starts[:, 6], lengths[:, 6] = base[4] + after_at, after_len
        if unit_feats is not None and n:
            slot_len = numpy.fromiter(map(len, slot_feats), dtype="int64", count=len(slot_feats))
            slot_at = numpy.cumsum(slot_len) - slot_len
            by_pair = numpy.asarray(slots, dtype="int64").reshape(n, 2)
            for column, (part, end) in ((1, (2, 0)), (2, (2, 1)), (4, (3, 0)), (5, (3, 1))):
                starts[:, column] = base[part] + slot_at[by_pair[:, end]]
                lengths[:, column] = slot_len[by_pair[:, end]]
        flat_lengths = lengths.reshape(-1)
        at = numpy.repeat(starts.reshape(-1) - (numpy.cumsum(flat_lengths) - flat_lengths), flat_lengths)
        at += numpy.arange(len(at))
        keys = numpy.concatenate([h[0] for h in hashed])[at]
        values = numpy.concatenate([h[1] for h in hashed])[at]
        return keys, values, lengths.sum(axis=1).astype("int32")
