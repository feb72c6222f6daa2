"""`argmine_unit_filter`: only units a reader accepts, whichever segmenter proposed them.

A segmenter (the trained finder or the rules) proposes spans; a reader of the map must never get:
- a unit in metadata (dateline, byline, bio, "Read more", share lines: `argmine.read.layout.metadata_spans`);
- a unit with no word in it (`**`, `)`, a lone quotation mark);
- a fragment: the head of a clause cut before its verb's object ("The second problem is that", "In order to
  achieve this,"), a short tail cut from its clause ("told reporters last week"), or a name with no predicate
  ("World War II"). A fragment is merged into the unit it belongs to when one touches it in the same
  sentence, else dropped;
- a claim cut from the words that negate it: "None of this means the current timetable is perfect" is not
  the claim "the current timetable is perfect", so such a framing is kept in the unit.
Every rule keeps unit boundaries on tokens of the input, so `text[start:end]` stays true. Rules, not a model:
they decide what a unit may be, not which units there are.
"""

from __future__ import annotations

import re
import weakref

from spacy.attrs import LOWER, ORTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.nlp import finder  # noqa: F401  (registers doc._.arg_finder_kinds, kept aligned here)
from argmine.nlp.doc import get_units, set_units
from argmine.nlp.structure import get_layout
from argmine.read.layout import LIST_MARKS

# Words a clause cannot end on: a unit ending here lost what follows.
DANGLING = frozenset(
    "the a an of to that which whom whose because whether than as is are was were be been being "
    "and or but nor if since while although though unless so for with by from into about".split()
)
# A fragment has at most this many words; longer spans are clauses even without a predicate we can see.
FRAGMENT_WORDS = 4
_WORD = re.compile(r"\w", re.UNICODE)
# "None of this means", "It is not true that", "There is no evidence that", "Nobody believes": a negated
# framing verb turns the clause after it around.
_NEGATED_FRAME = re.compile(
    r"(\b(not|no|none|never|nobody|nothing|neither|hardly)\b|n't\b)[^.;:!?]{0,40}"
    r"\b(mean|means|meant|suggest|suggests|imply|implies|prove|proves|show|shows|true|case|follow|follows|"
    r"evidence|believe|believes|think|thinks|say|says|guarantee|guarantees)\b[^.;:!?]{0,12}$",
    re.IGNORECASE,
)
_MAX_FRAME_TOKENS = 12
# A clause tail joins the unit before it across at most this many uncovered tokens (its lost subject).
_TAIL_GAP = 3


# The last doc's lowercase token strings and which tokens hold a word character: every rule reads the words
# of several spans of the same doc, and reading them token by token cost a fifth of the filter.
_last: tuple[weakref.ref, int, list[str], list[bool]] | None = None


def _doc_words(doc: Doc) -> tuple[list[str], list[bool]]:
    global _last
    last = _last
    if last is not None and last[0]() is doc and last[1] == len(doc):
        return last[2], last[3]
    attrs = doc.to_array([ORTH, LOWER])
    strings = doc.vocab.strings
    lower = [strings[k] for k in attrs[:, 1].tolist()]
    word = [bool(_WORD.search(strings[k])) for k in attrs[:, 0].tolist()]
    _last = (weakref.ref(doc), len(doc), lower, word)
    return lower, word


def _words(span: Span) -> list[str]:
    lower, word = _doc_words(span.doc)
    return [lower[i] for i in range(span.start, span.end) if word[i]]


def _is_fragment(span: Span, sentence: tuple[int, int]) -> bool:
    """A span shorter than its sentence that ends dangling, or is a few words with no finite verb."""
    words = _words(span)
    if not words:
        return True
    if (span.start, span.end) == sentence or _core(span.doc, *sentence) == _core(span.doc, span.start, span.end):
        # a whole sentence, however short ("Bans fail."), is a unit, unless it is a label ("Point 7.")
        return len(words) <= FRAGMENT_WORDS and _is_label(span)
    if _dangles(span):
        return True
    if len(words) <= FRAGMENT_WORDS:
        # a name ("World War II"), or a clause tail that lost its subject ("told reporters last week")
        return _is_label(span) or span[0].text[:1].islower()
    return False


def _is_label(span: Span) -> bool:
    """Only capitalised words and numbers: a name or a label, no predicate."""
    return all(t.text[:1].isupper() or t.like_num or not _WORD.search(t.text) for t in span)


def _dangles(span: Span) -> bool:
    """The span ends on a word or mark after which its clause must go on."""
    words = _words(span)
    return bool(words) and (words[-1] in DANGLING or span[-1].text in {",", ":", "(", "—", "–", "-"})


def _leads_only(clause: Span, gap: Span) -> bool:
    """`clause` is one (more than a fragment's words, dangling only by its last mark) and the uncovered `gap`
    after it holds only connectives."""
    words, between = _words(clause), _words(gap)
    return (len(words) > FRAGMENT_WORDS and words[-1] not in DANGLING and bool(between)
            and all(w in DANGLING for w in between))


def _core(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    return start, end


def _touches(doc: Doc, a_end: int, b_start: int) -> bool:
    """Only punctuation and spaces lie between token `a_end` and token `b_start`."""
    return all(doc[i].is_punct or doc[i].is_space for i in range(a_end, b_start))


def filter_units(doc: Doc, spans: list[Span]) -> list[Span]:
    """The spans a reader accepts (see the module docstring), merged and in reading order."""
    layout = get_layout(doc)
    kept = [t for t in (_outside(s, layout.metadata) for s in spans) if t is not None and _words(t)]
    kept = [_unlisted(s) for s in kept]
    sent_of = layout.sent_start
    n = len(doc)

    def sentence(span: Span) -> tuple[int, int]:
        first = int(sent_of[span.start])
        end = span.end
        while end < n and int(sent_of[end]) == first:
            end += 1
        return first, end

    # Negated framings: the uncovered words before a unit, back to its sentence's start.
    out: list[Span] = []
    for s in kept:
        first, _ = sentence(s)
        prev_end = out[-1].end if out and out[-1].end > first else first
        if 0 < s.start - prev_end <= _MAX_FRAME_TOKENS and _NEGATED_FRAME.search(doc[prev_end : s.start].text):
            s = _span(doc, prev_end, s.end, s.label_)
        out.append(s)

    # Fragments: into the touching unit of the same sentence (the next one if the fragment dangles).
    merged: list[Span] = []
    i = 0
    while i < len(out):
        s = out[i]
        bounds = sentence(s)
        if not _is_fragment(s, bounds):
            merged.append(s)
            i += 1
            continue
        nxt = out[i + 1] if i + 1 < len(out) else None
        prev = merged[-1] if merged else None
        if nxt is not None and nxt.start < bounds[1] and _touches(doc, s.end, nxt.start):
            label = nxt.label_ or s.label_
            out[i + 1] = _span(doc, s.start, nxt.end, label)
        elif prev is not None and prev.end > bounds[0] and (
            _touches(doc, prev.end, s.start) or s.start - prev.end <= _TAIL_GAP
        ):  # a tail: '"We will not back down," the minister told reporters' is one unit
            merged[-1] = _span(doc, prev.start, s.end, prev.label_ or s.label_)
        elif _dangles(s):
            # a clause cut before its continuation: up to the next unit of its sentence, or the sentence's end;
            # a short one ("Cycling is great," before an uncovered "but the side streets ...") too, when that
            # makes it a clause, so that the concession and what follows it are not lost with the fragment
            stop = nxt.start if nxt is not None and nxt.start < bounds[1] else bounds[1]
            end = max(_core(doc, s.start, stop)[1], s.end)
            if _leads_only(s, doc[s.end : stop]) and stop < bounds[1]:
                # a clause that ends on its comma, then only the next unit's lead ("..., because" + "most
                # deaths ..."): the lead is the next unit's, left for the trimmer, never this unit's last word
                merged.append(s)
            elif len(_words(s)) > FRAGMENT_WORDS or len(_words(doc[s.start : end])) > FRAGMENT_WORDS:
                merged.append(_span(doc, s.start, end, s.label_))
        i += 1
    return merged


def _outside(span: Span, metadata: list[tuple[int, int]]) -> Span | None:
    """`span` without the metadata it overlaps (a date prefix glued to the lede: the lede stays)."""
    start, end = span.start, span.end
    for ms, me in metadata:
        if ms < span.doc[end - 1].idx + len(span.doc[end - 1]) and span.doc[start].idx < me:
            while start < end and span.doc[start].idx < me:
                start += 1
            if start == end:  # all of it was metadata, or it ended there: what precedes the metadata
                start, end = span.start, span.start
                while end < span.end and span.doc[end].idx + len(span.doc[end]) <= ms:
                    end += 1
                if start == end:
                    return None
    if (start, end) == (span.start, span.end):
        return span
    start, end = _core(span.doc, start, end)
    return _span(span.doc, start, end, span.label_) if start < end else None


def _unlisted(span: Span) -> Span:
    """`span` without the list mark ("- ", "* ", "• ") that opens its line: the mark is layout, not words."""
    doc, start = span.doc, span.start
    if doc[start].text in LIST_MARKS and (start == 0 or "\n" in doc[start - 1].text_with_ws) and span.end - start > 1:
        start += 1
        while start < span.end and doc[start].is_space:
            start += 1
        return _span(doc, start, span.end, span.label_)
    return span


def _span(doc: Doc, start: int, end: int, label: str) -> Span:
    return Span(doc, start, end, label=label)


@Language.component(
    "argmine_unit_filter",
    requires=["doc.spans"],
    assigns=["doc.spans", "doc._.arg_relations", "doc._.arg_finder_kinds"],
)
def unit_filter(doc: Doc) -> Doc:
    """Replace the proposed units with the ones a reader accepts."""
    spans = filter_units(doc, list(get_units(doc)))
    set_units(doc, spans)
    if doc._.arg_finder_kinds is not None:  # the finder's kind votes follow their spans (argmine.nlp.finder)
        doc._.arg_finder_kinds = [s.label_ for s in spans]
    return doc
