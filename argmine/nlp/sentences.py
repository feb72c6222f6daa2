"""`argmine_sentences`: a rule sentence splitter that also breaks at line breaks.

spaCy's `sentencizer` ignores layout; op-eds put titles, datelines and bylines on lines of their own, and a
sentence never continues across a paragraph break.
"""

from __future__ import annotations

import numpy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

_FINAL = {".", "!", "?", "…", "?!", "!?", "..."}
_CLOSERS = {'"', "”", "’", "'", ")", "]", "»"}


def sentence_starts(doc: Doc) -> list[bool]:
    """For each token, whether it starts a sentence: after final punctuation (and closing quotes) or a line break."""
    n = len(doc)
    if n == 0:
        return []
    # Token texts and whitespace flags from one array, not from a Token object per token (three times the cost).
    attrs = doc.to_array([ORTH, IS_SPACE])
    strings = doc.vocab.strings
    text = [strings[k] for k in attrs[:, 0].tolist()]
    space = attrs[:, 1].astype(bool).tolist()
    starts = [False] * n
    starts[0] = True
    i = 0
    while i < n:
        tok = text[i]
        if space[i] and ("\n" in tok or "\r" in tok):  # CR alone ends lines too
            if i + 1 < n:
                starts[i + 1] = True
        elif tok in _FINAL:
            j = i + 1
            while j < n and (text[j] in _CLOSERS or text[j] in _FINAL):
                j += 1
            if j < n:
                nxt = text[j]
                while j < n and space[j]:
                    j += 1
                if j < n and not nxt[:1].islower():
                    starts[j] = True
            i = j
            continue
        i += 1
    return starts


if not Doc.has_extension("arg_sentence_starts"):
    Doc.set_extension("arg_sentence_starts", default=None)


def get_sentence_starts(doc: Doc) -> list[bool]:
    """`sentence_starts(doc)`, computed once and cached on the doc in `doc._.arg_sentence_starts` (the splitter
    and the layout both need it)."""
    starts = doc._.arg_sentence_starts
    if starts is None or len(starts) != len(doc):
        starts = sentence_starts(doc)
        doc._.arg_sentence_starts = starts
    return starts


@Language.component("argmine_sentences", assigns=["token.is_sent_start", "doc._.arg_sentence_starts"])
def split_sentences(doc: Doc) -> Doc:
    """Set sentence boundaries with `sentence_starts`."""
    # One array write: the `Token.is_sent_start` setter rescans the whole doc each time (quadratic).
    flags = numpy.array([1 if start else -1 for start in get_sentence_starts(doc)], dtype="int64")
    if len(flags):
        # Doc.pyi asks for thinc's Ints2d; from_array takes a plain 1-d array for a single attribute.
        doc.from_array([SENT_START], flags.astype("uint64"))  # type: ignore[arg-type]
    return doc
