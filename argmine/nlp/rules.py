"""The rule baseline: clause segmentation at discourse markers, kind heuristics, evidence patterns and
nearest-claim attachment. It is a fallback that needs no training, and the yardstick trained models must beat.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.nlp.doc import get_units, set_units
from argmine.nlp.structure import Layout, get_layout

# Connectives that open a new clause inside a sentence; the clause after them is a unit of its own.
_SPLIT_BEFORE = {"because", "since", "although", "though", "whereas", "but", "so", "therefore", "thus", "hence"}
# Sentence-initial connectives that are not part of a unit's content.
_LEADING = re.compile(
    r"^(?:(?:however|moreover|furthermore|therefore|thus|hence|consequently|also|first(?:ly)?|second(?:ly)?|"
    r"third(?:ly)?|finally|lastly|besides|indeed|still|yet|and|but|so|because|since|although|though|whereas|"
    r"for example|for instance|in addition|in fact|in conclusion|to conclude|to sum up|in short|in sum|overall|"
    r"on the other hand|as a result|after all|of course|admittedly|nevertheless|nonetheless|meanwhile|"
    r"in other words|that is why|this is why|to be sure|granted|true)\b,?\s*)+",
    re.IGNORECASE,
)
_MIN_WORDS = 4

_OPINION = re.compile(
    r"\b(should|must|ought to|need(?:s)? to|have to|has to|I (?:firmly |strongly )?(?:believe|think|argue|agree|"
    r"disagree)|in my (?:opinion|view)|it is (?:time|clear|essential|vital|wrong|right))\b",
    re.IGNORECASE,
)
_CONCLUSION_OPENER = re.compile(r"^\s*(in conclusion|to conclude|to sum up|in short|in sum|overall|all in all|"
                                r"in the end|ultimately)\b", re.IGNORECASE)
_CONCESSION = re.compile(
    r"\b(admittedly|critics|opponents|skeptics|sceptics|some (?:people )?(?:argue|say|claim|believe)|it is true that|"
    r"of course|to be sure|granted|supporters of|proponents of)\b",
    re.IGNORECASE,
)
_REBUTTAL = re.compile(r"^\s*(but|however|yet|still|nevertheless|nonetheless|even so)\b", re.IGNORECASE)
_CONCLUSIVE = re.compile(r"^\s*(therefore|thus|hence|consequently|so|that is why|this is why|as a result)\b",
                         re.IGNORECASE)
_STATISTICS = re.compile(
    r"(\d[\d,.]*\s*(%|percent|per cent|per\b)|\b\d[\d,.]*\s*(million|billion|trillion|thousand|hundred)\b|"
    r"[$€£]\s?\d|\b(?!(?:1[89]|20)\d\d\b)\d{2,}[\d,.]*\b)",
    re.IGNORECASE,
)
_TESTIMONY = re.compile(
    r"([\"“][^\"”]{12,}[\"”]|\baccording to\b|\b(said|says|told|stated|wrote|testified|argued|warned|noted)\b)",
    re.IGNORECASE,
)
_ANECDOTE = re.compile(
    r"^\s*(for example|for instance|take|consider|last (?:year|month|week|spring|summer|autumn|fall|winter)|"
    r"when I|my (?:friend|mother|father|neighbou?r|son|daughter)|in \d{4}|once)\b",
    re.IGNORECASE,
)
# The evidence patterns in the order the rules try them; the trained evidence head reads them as features too.
EVIDENCE_PATTERNS = {"testimony": _TESTIMONY, "statistics": _STATISTICS, "anecdote": _ANECDOTE}


def _is_metadata(span: Span, metadata: list[tuple[int, int]]) -> bool:
    return any(ms <= span.start_char < me for ms, me in metadata)


def _trim(span: Span) -> Span | None:
    """Drop leading connectives, surrounding punctuation and whitespace; None if too little is left."""
    doc = span.doc
    start, end = span.start, span.end
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space) and doc[end - 1].text not in {'"', "”"}:
        end -= 1
    while start < end and (doc[start].is_punct or doc[start].is_space) and doc[start].text not in {'"', "“"}:
        start += 1
    if start >= end:
        return None
    lead = _LEADING.match(doc[start:end].text)
    if lead and lead.end() > 0:
        char = doc[start].idx + lead.end()
        while start < end and doc[start].idx < char:
            start += 1
    while start < end and (doc[start].is_punct or doc[start].is_space) and doc[start].text not in {'"', "“"}:
        start += 1
    if sum(1 for t in doc[start:end] if not t.is_punct) < _MIN_WORDS:
        return None
    return doc[start:end]


@Language.component(
    "argmine_rule_segmenter", requires=["token.is_sent_start"], assigns=["doc.spans", "doc._.arg_relations"]
)
def segment(doc: Doc) -> Doc:
    """Cut each sentence into clause units at discourse markers, skipping titles and metadata."""
    layout = get_layout(doc)
    units = []
    for sent in doc.sents:
        if layout.role_of(sent.start) in ("title", "meta") or _is_metadata(sent, layout.metadata):
            continue
        cuts = [sent.start]
        for tok in sent[1:]:
            if tok.lower_ in _SPLIT_BEFORE and tok.i - cuts[-1] >= _MIN_WORDS and sent.end - tok.i > _MIN_WORDS:
                cuts.append(tok.i)
        cuts.append(sent.end)
        for a, b in zip(cuts, cuts[1:]):
            piece = _trim(doc[a:b])
            if piece is not None and not _is_metadata(piece, layout.metadata):
                units.append(Span(doc, piece.start, piece.end, label="premise"))
    set_units(doc, units)
    return doc


def _evidence_type(text: str) -> str:
    return next((etype for etype, pattern in EVIDENCE_PATTERNS.items() if pattern.search(text)), "")


def _sentence_head(span: Span, layout: Layout) -> str:
    """The text from the start of the unit's sentence to the unit's end (to see its leading connective)."""
    # The layout's sentence index, not `span.sent`: that rescans the whole doc for each unit.
    return span.doc[int(layout.sent_start[span.start]) : span.end].text


def _places(layout: Layout, spans: list[Span]):
    """Each unit's paragraph as the rules read it: the first content paragraph is the introduction and the
    last the conclusion, whatever the layout calls them (it calls every paragraph of a news op-ed "body")."""
    content = sorted(
        {int(layout.paragraph[s.start]) for s in spans if layout.role_of(s.start) not in ("title", "meta")}
    )
    first, last = (content[0], content[-1]) if content else (-1, -1)

    def role_of(span: Span) -> str:
        role = layout.role_of(span.start)
        para = int(layout.paragraph[span.start])
        if role in ("title", "meta", "only") or first == last:
            return role if role in ("title", "meta") else "only"
        return "intro" if para == first else "conclusion" if para == last else "body"

    return role_of


@Language.component(
    "argmine_rule_kinds",
    requires=["doc.spans"],
    assigns=["doc.spans", "span._.evidence_type", "span._.stance", "span._.unit_score"],
)
def classify(doc: Doc) -> Doc:
    """Label units: the thesis from the introduction and conclusion, claims from topic sentences and markers,
    evidence from numeric, quotation and example patterns; the rest are premises."""
    layout = get_layout(doc)
    spans = list(get_units(doc))
    labelled = []
    role_of = _places(layout, spans)
    intro = [s for s in spans if role_of(s) in ("intro", "only")]
    thesis = None
    if intro:
        opinionated = [s for s in intro if _OPINION.search(s.text)]
        thesis = (opinionated or intro)[-1 if role_of(intro[0]) == "intro" else 0]
    seen_paragraphs: set[int] = set()
    thesis_paragraphs: set[int] = set()
    for span in spans:
        role = role_of(span)
        para = layout.paragraph[span.start]
        head = _sentence_head(span, layout)
        kind, stance = "premise", ""
        etype = _evidence_type(span.text)
        if span == thesis:
            kind = "major_claim"
        elif role == "conclusion" and (_CONCLUSION_OPENER.match(head) or _OPINION.search(span.text)) and (
            para not in thesis_paragraphs
        ):
            kind = "major_claim"
        elif _CONCESSION.search(head):
            kind, stance = "claim", "against"
        elif etype:
            kind = "evidence"
        elif role == "body" and para not in seen_paragraphs:
            kind, stance = "claim", "for"
        elif _CONCLUSIVE.match(head) or _OPINION.search(span.text):
            kind, stance = "claim", "for"
        seen_paragraphs.add(para)
        if kind == "major_claim":
            thesis_paragraphs.add(para)
        new = Span(doc, span.start, span.end, label=kind)
        new._.evidence_type = etype if kind == "evidence" else ""
        new._.stance = stance
        new._.unit_score = 0.5
        labelled.append(new)
    doc.spans["units"] = labelled
    return doc


@Language.component(
    "argmine_rule_relations", requires=["doc.spans", "span._.stance"], assigns=["doc._.arg_relations"]
)
def attach(doc: Doc) -> Doc:
    """Attach each unit to the nearest claim of its paragraph (the thesis for claims); rebuttals attack the
    concession before them."""
    layout = get_layout(doc)
    spans = list(get_units(doc))
    kinds = [s.label_ for s in spans]
    theses = [i for i, k in enumerate(kinds) if k == "major_claim"]
    root = theses[0] if theses else None
    relations = []
    paragraph_of = [int(layout.paragraph[s.start]) for s in spans]
    claims_in: dict[int, list[int]] = {}
    for j, kind in enumerate(kinds):
        if kind in ("claim", "major_claim"):
            claims_in.setdefault(paragraph_of[j], []).append(j)
    for i, span in enumerate(spans):
        para = paragraph_of[i]
        if i == root:
            continue
        if kinds[i] == "major_claim":
            relations.append((i, root, "support", 0.5))
            continue
        if kinds[i] == "claim":
            if root is not None:
                relations.append((i, root, "attack" if span._.stance == "against" else "support", 0.5))
            continue
        prev = i - 1 if i > 0 and paragraph_of[i - 1] == para else None
        if prev is not None and spans[prev]._.stance == "against" and _REBUTTAL.match(_sentence_head(span, layout)):
            relations.append((i, prev, "attack", 0.5))
            continue
        claims = claims_in.get(para, [])
        before = [j for j in claims if j < i]
        after = [j for j in claims if j > i]
        target = before[-1] if before else after[0] if after else root
        if target is not None:
            relations.append((i, target, "support", 0.5))
    doc._.arg_relations = relations
    return doc


RULE_PIPES = ("argmine_sentences", "argmine_structure", "argmine_rule_segmenter", "argmine_unit_filter",
              "argmine_rule_kinds", "argmine_rule_relations")


def rules_pipeline() -> Language:
    """A blank English pipeline with the rule components."""
    import spacy

    nlp = spacy.blank("en")
    for name in RULE_PIPES:
        nlp.add_pipe(name)
    nlp.meta["name"] = "rules"
    return nlp
