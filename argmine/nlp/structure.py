"""`argmine_structure`: where each token sits in the essay's layout.

Argument roles depend heavily on position: theses sit at the end of the introduction and the start of the
conclusion, claims open or close body paragraphs. A CNN over tokens cannot see that far, so every token gets
its paragraph role and its sentence's position in the paragraph as explicit features.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

import numpy
from spacy.attrs import IDX
from spacy.language import Language
from spacy.tokens import Doc

from argmine.nlp.sentences import get_sentence_starts
from argmine.read.layout import metadata_spans, paragraph_spans

PARAGRAPH_ROLES = ("meta", "title", "only", "intro", "body", "conclusion")
SENTENCE_POSITIONS = ("only", "first", "middle", "last")

_TITLE_MAX_WORDS = 25
# Texts with this many content paragraphs (inclusive) are laid out as introduction, body and conclusion.
_ESSAY_PARAGRAPHS = (4, 6)


class Layout(NamedTuple):
    """Per-token structure of one doc: paragraph index, paragraph role, sentence position (as indices) and the
    index of the token's sentence's first token; also the doc's text, which spaCy rebuilds on every access.

    A named tuple of arrays, lists and a string, so that a doc carrying it in `doc._.arg_layout` still goes
    through `Doc.to_bytes` and `DocBin` (it comes back as a plain list, and `get_layout` computes it again)."""

    paragraph: numpy.ndarray
    role: numpy.ndarray
    sentence: numpy.ndarray
    sent_start: numpy.ndarray
    metadata: list[tuple[int, int]]
    text: str

    def role_of(self, token_i: int) -> str:
        return PARAGRAPH_ROLES[self.role[token_i]]

    def role_of_paragraphs(self) -> set[str]:
        """The paragraph roles present in the doc."""
        return {PARAGRAPH_ROLES[r] for r in set(self.role.tolist())}

    def sentence_position_of(self, token_i: int) -> str:
        return SENTENCE_POSITIONS[self.sentence[token_i]]


def paragraph_roles(
    text: str, meta: list[tuple[int, int]] | None = None
) -> tuple[list[tuple[int, int]], list[str]]:
    """The paragraphs of `text` with their roles: meta (date/byline), title, only, intro, body, conclusion
    (`meta`: the text's `metadata_spans`, when the caller has them already)."""
    spans = paragraph_spans(text)
    meta = metadata_spans(text) if meta is None else meta
    roles = []
    for start, end in spans:
        inside = any(ms <= start and end <= me for ms, me in meta)
        roles.append("meta" if inside else "")
    content = [i for i, r in enumerate(roles) if not r]
    if content:
        first = content[0]
        start, end = spans[first]
        for ms, me in meta:  # a date prefix shares the first line with the title or the lead
            if ms <= start < me:
                start = me
        head = text[start:end].strip()
        if len(content) > 1 and len(head.split()) <= _TITLE_MAX_WORDS and not head.endswith((".", "”", '"')):
            roles[first] = "title"
            content = content[1:]
    if len(content) == 1:
        roles[content[0]] = "only"
    elif not _ESSAY_PARAGRAPHS[0] <= len(content) <= _ESSAY_PARAGRAPHS[1]:
        # Essays come in four to six paragraphs (401 of the 402 AAE essays), news op-eds and editorials in
        # seven or more (177 of the 181 Webis editorials), comments and forum posts in two or three. Only an
        # essay's introduction is background but for its thesis and its conclusion a restatement: read as
        # "intro", an op-ed's lede or a comment's first paragraph was skipped by the finder.
        for i in content:
            roles[i] = "body"
    elif content:
        roles[content[0]] = "intro"
        roles[content[-1]] = "conclusion"
        for i in content[1:-1]:
            roles[i] = "body"
    return spans, roles


def compute_layout(doc: Doc) -> Layout:
    """Compute the per-token layout arrays for `doc` (linear in its length)."""
    text = doc.text
    metadata = metadata_spans(text)
    spans, roles = paragraph_roles(text, metadata)
    n = len(doc)
    paragraph = numpy.zeros(n, dtype="int32")
    role = numpy.zeros(n, dtype="int32")
    sentence = numpy.zeros(n, dtype="int32")
    if spans and n:
        # A token belongs to the last paragraph starting at or before it (tokens before the first: the first).
        starts = numpy.asarray([a for a, _ in spans])
        paragraph[:] = numpy.maximum(numpy.searchsorted(starts, doc.to_array(IDX), side="right") - 1, 0)
        role[:] = numpy.asarray([PARAGRAPH_ROLES.index(r) for r in roles])[paragraph]
    else:
        role[:] = PARAGRAPH_ROLES.index("only")
    # Our own splitter, not doc.sents: the features must not depend on which components ran before.
    bounds = [i for i, start in enumerate(get_sentence_starts(doc)) if start] + [n]
    sent_start = numpy.zeros(n, dtype="int32")
    for k in range(len(bounds) - 1):
        a, b = bounds[k], bounds[k + 1]
        para = paragraph[a]
        first = k == 0 or paragraph[bounds[k - 1]] != para
        last = k == len(bounds) - 2 or paragraph[bounds[k + 1]] != para
        pos = "only" if first and last else "first" if first else "last" if last else "middle"
        sentence[a:b] = SENTENCE_POSITIONS.index(pos)
        sent_start[a:b] = a
    return Layout(paragraph, role, sentence, sent_start, metadata, text)


if not Doc.has_extension("arg_layout"):
    Doc.set_extension("arg_layout", default=None)


def get_layout(doc: Doc) -> Layout:
    """The layout of `doc`, computed once and cached on the doc (`doc._.arg_layout`)."""
    layout = doc._.arg_layout
    if not isinstance(layout, Layout) or len(layout.paragraph) != len(doc):
        layout = compute_layout(doc)
        doc._.arg_layout = layout
    return layout


@Language.component("argmine_structure", assigns=["doc._.arg_layout"])
def add_structure(doc: Doc) -> Doc:
    """Cache the layout on the doc so later components and the tok2vec share one computation."""
    doc._.arg_layout = compute_layout(doc)
    return doc


def laid_out(nlp: Language, texts: Iterable[str]) -> Iterator[Doc]:
    """Each text as a doc through only `nlp`'s sentence and layout components: what the trainers of the
    segmentation heads (gap filler, splitter) read their gold texts as."""
    prepare = [pipe for name, pipe in nlp.pipeline if name in ("argmine_sentences", "argmine_structure")]
    for text in texts:
        doc = nlp.make_doc(text)
        for pipe in prepare:
            doc = pipe(doc)
        yield doc
