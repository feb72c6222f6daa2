"""Where the paragraphs are, and which lines are metadata rather than argument.

Metadata is what a newspaper or a scraper puts around an op-ed: section labels (`Opinion | Climate`), bylines
(`By Jane Doe`), dates (`date 2026-02-12`, `Updated March 3, 2026, 4:05 p.m. ET`), datelines (`WASHINGTON —`),
reading times and share buttons at the top; the author's bio (`Jane Doe is a professor of ...`), copyright,
"originally published in" and follow-me lines at the bottom; `Advertisement` and `Read more:` lines anywhere.
None of it is ever an argumentative unit. Every pattern here is anchored and bounded and only short lines
are classified, so finding metadata takes time linear in the text whatever the text is.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

# One or more blank lines end a paragraph; texts with no blank line at all use single line breaks. A line
# break is "\n", "\r\n" or a lone "\r" (old Mac files): the text keeps them as read, so that offsets index it.
_EOL = r"(?:\r\n?|\n)"
_BLANK_LINE = re.compile(rf"{_EOL}[ \t\f\v]*{_EOL}\s*")
_LINE_BREAK = re.compile(rf"{_EOL}\s*")
_LINE_END = re.compile(r"[\r\n]")

# How far from each end of the text metadata lines are looked for, and how long such a line can be.
_HEAD_LINES = 8
_TAIL_LINES = 6
_META_LINE_CHARS = 200
_BIO_CHARS = 400
# The lead paragraph is where a dateline sits: a line of prose, not a title.
_PROSE_WORDS = 15
_DATELINE_MIN_WORDS = 12

# `date 2026-02-12` at the very start; a title or the lead may follow on the same line.
_DATE_PREFIX = re.compile(r"\A\s*(?:date:?\s*)?\d{4}-\d{2}-\d{2}\b[ \t]*", re.IGNORECASE)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]{0,6}\.?,?\s+)"
_DATE = (
    rf"(?:\d{{4}}-\d{{2}}-\d{{2}}(?:[T ]\d{{2}}:\d{{2}}(?::\d{{2}})?(?:Z|[+-]\d{{2}}:?\d{{2}})?)?"
    rf"|{_WEEKDAY}?{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"
    rf"|{_WEEKDAY}?\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+\d{{4}}"
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]\d{{2,4}}"
    rf"|\d{{1,3}}\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?)\s+ago)"
)
_TIME = (
    r"(?:(?:,|\s+at|\s+-)?\s*\d{1,2}(?:[:.]\d{2})?\s*(?:[ap]\.?\s?m\.?)?"
    r"(?:\s*(?:ET|EST|EDT|CT|CST|CDT|MT|MST|MDT|PT|PST|PDT|GMT|BST|UTC|CET|CEST|IST|AEST|AEDT|JST))?)"
)
_DATE_SEGMENT = re.compile(
    rf"(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified|date)\s*:?\s*(?:on\s+)?)?{_DATE}{_TIME}?",
    re.IGNORECASE,
)
_LABEL_SEGMENT = re.compile(
    r"(?:opinion|op-?ed|op ed|commentary|editorial|guest (?:column|essay|opinion|commentary|view|post)|column"
    r"|analysis|perspective|viewpoint|comment|letters?(?: to the editor)?|essay|our view|my view|the big idea"
    r"|editorial board|voices|ideas)",
    re.IGNORECASE,
)
_WIDGET_SEGMENT = re.compile(
    r"(?:\d{1,3}\s*-?\s*min(?:ute)?s?(?:\s+read)?|reading time:?\s*\d{1,3}\s*min(?:ute)?s?"
    r"|listen(?: to this (?:article|story))?(?:\s*:?\s*\(?\d{1,3}\s*min(?:ute)?s?\)?)?"
    r"|share(?: this (?:article|story|page))?(?: on \w+)?|save(?: (?:article|story))?|gift (?:this )?article"
    r"|comments?(?:\s*\(\d+\))?|\d+\s+comments?|print|e-?mail|copy link|facebook|twitter|linkedin|whatsapp"
    r"|reddit|bluesky|advertisement|sponsored(?: content)?)",
    re.IGNORECASE,
)
# A section name beside a label ("Opinion | Climate Change"): acceptable only next to a stronger segment.
_WEAK_SEGMENT = re.compile(r"[A-Z][\w&'’.-]*(?:\s+(?:&|and|of|the|[A-Z][\w&'’.-]*)){0,3}")
_SEPARATORS = re.compile(r"\s*[|·•]\s*")

_BYLINE_OPENER = re.compile(r"(?:by|written by|words by|reporting by)\s+(?=[A-Z])", re.IGNORECASE)
_NAME_JOINERS = frozenset("and & de del der van von da di du la le al bin ibn y of the for to at in special".split())
_ABBREVIATION_END = re.compile(r"(?:\b[A-Z]|Jr|Sr|Inc|Ltd|Co|Corp|Dr|Prof|Ph\.D|M\.D)\.\Z")

_DATELINE = re.compile(
    r"[A-Z][A-Z.'-]+(?: [A-Z][A-Z.'-]+){0,3}"  # WASHINGTON, MERCER FALLS, ST. LOUIS
    r"(?:, ?[A-Z][A-Za-z.]*(?: [A-Z][A-Za-z.]*){0,2})?"  # , Iowa / , Mich.
    r"(?:, ?(?:[A-Z][a-z]{2,8}\.? \d{1,2}|\d{1,2} [A-Z][a-z]{2,8}))?"  # , March 3
    r"(?: ?\([A-Z][A-Za-z.& ]{0,30}\))?"  # (Reuters)
    r" *(?:—|--|–| -(?= ))[ \t]*(?=[A-Z\"“‘'])"  # the dash, then the story, capitalised
)

_FOOTER = re.compile(
    r"(?:(?:©|\(c\)|copyright\b)[^\n]{0,200}"
    r"|all rights reserved\.?"
    r"|(?:this|the|a version of this) (?:article|story|piece|column|essay|op-ed|commentary|post|text)\b"
    r"[^\n]{0,40}\b(?:published|appeared|adapted|republished|syndicated|produced)\b[^\n]{0,200}"
    r"|(?:follow|contact|email|e-mail|reach|write to)\b[^\n]{0,120}(?:@|\btwitter\b|\bon x\b|\bbluesky\b"
    r"|\bmastodon\b|\blinkedin\b|\binstagram\b|\bfacebook\b|\bthreads\b|\bsubstack\b)[^\n]{0,120}"
    r"|(?:the )?(?:views|opinions) expressed\b[^\n]{0,200}"
    r"|(?:read|see) (?:more|also|next)\b[^\n]{0,150}"
    r"|related(?: articles?| stories| coverage| reading)?\s*:[^\n]{0,150}"
    r"|more from\b[^\n]{0,80}"
    r"|(?:sign up|subscribe)\b[^\n]{0,150}"
    r"|(?:photo(?:graph)?|image|illustration|picture)s?(?:\s+credit)?\s*:[^\n]{0,150}"
    r"|(?:story continues below|continue reading)\b[^\n]{0,60})",
    re.IGNORECASE,
)
# Lines that are boilerplate wherever they stand, even between paragraphs of the essay (a line starts at the
# text's start or after "\n" or "\r", and ends before either or at the end).
_BOILERPLATE = re.compile(
    r"(?:^|(?<=\r))[ \t]*(?:advertisements?|sponsored(?: content)?|story continues below(?: advertisement)?"
    r"|continue reading(?: the main story| below)?|(?:read|see) (?:more|also)\s*:[^\r\n]{0,150}"
    r"|related(?: articles?| stories| coverage| reading)?\s*:[^\r\n]{0,150}"
    r"|sign up (?:for|to)\b[^\r\n]{0,150}|subscribe (?:to|for|now)\b[^\r\n]{0,150})[ \t]*(?=[\r\n]|\Z)",
    re.IGNORECASE | re.MULTILINE,
)

_NAME = (
    r"(?:(?:Dr|Prof|Rev|Sen|Rep|Gov|Mr|Mrs|Ms|Mx|Sir|Dame|Lord|Lady|Judge|Gen|Col|Capt)\.?\s+)?"
    r"[A-Z][\w.'’-]+(?:\s+(?:de|del|der|van|von|da|di|du|la|le|al|bin|ibn|[A-Z][\w.'’-]+)){1,4}"
)
_BIO = re.compile(
    rf"(?:(?:—|--|–|-)\s*)?(?:{_NAME}|the (?:author|writer)s?)(?:,\s[^,\n]{{1,120}},)?\s+"
    r"(?:(?:is|was|are|were|has been|had been)\s+(?:a|an|the|former|formerly|currently|now|also|both|senior|chief"
    r"|head|executive|managing|deputy|associate|assistant|professor|editor|director|president|founder|co-founder"
    r"|chair|fellow|author|columnist|contributor|writer|journalist|reporter|correspondent|lecturer|researcher"
    r"|economist|historian|lawyer|attorney|physician|doctor|scientist|member|partner|trustee|student|teacher"
    r"|librarian|based)\b"
    r"|(?:writes|teaches|directs|co-directs|serves|leads|heads|chairs|covers|edits|runs|founded|co-founded"
    r"|holds|works|worked|taught|served|lectures|advises|practi[cs]es|represents|researches|studies)\b)"
)
LIST_MARKS = frozenset("-–—*•")  # what opens a list item's line
_SIGNATURE = re.compile(r"(?:—|--|–|-)[ \t]*[A-Z][^\n]{0,300}")
_NON_SPACE = re.compile(r"\S")
_SENTENCE_END = re.compile(r"[.!?][\"”’)]*(?=\s+[A-Z]|\s*\Z)")


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the non-empty paragraphs of `text`, leading/trailing whitespace excluded."""
    splitter = _BLANK_LINE if _BLANK_LINE.search(text.strip()) else _LINE_BREAK
    spans = []
    pos = 0
    for sep in splitter.finditer(text):
        spans.append((pos, sep.start()))
        pos = sep.end()
    spans.append((pos, len(text)))
    out = []
    for start, end in spans:
        chunk = text[start:end]
        stripped = chunk.strip()
        if stripped:
            lead = len(chunk) - len(chunk.lstrip())
            out.append((start + lead, start + lead + len(stripped)))
    return out


class ParagraphIndex:
    """Maps character offsets to paragraph numbers in O(log n)."""

    def __init__(self, text: str) -> None:
        self.spans = paragraph_spans(text)
        self._starts = [s for s, _ in self.spans]

    def __call__(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self._starts, offset) - 1)

    def __len__(self) -> int:
        return len(self.spans)


def _lines(text: str, start: int = 0) -> Iterator[tuple[int, int]]:
    """Spans of the non-blank lines of `text` from `start` on, surrounding whitespace excluded."""
    n = len(text)
    pos = start
    while pos < n:
        m = _NON_SPACE.search(text, pos)  # skips a run of blank lines in one step
        if m is None:
            return
        a = m.start()
        nl = _LINE_END.search(text, a)
        end = n if nl is None else nl.start()
        yield a, a + len(text[a:end].rstrip())
        pos = end + 1


def _lines_backwards(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the non-blank lines of `text`, last line first, surrounding whitespace excluded."""
    end = len(text)
    while end > 0:
        b = len(text[:end].rstrip())
        if b == 0:
            return
        nl = max(text.rfind("\n", 0, b), text.rfind("\r", 0, b))
        line = text[nl + 1 : b]
        yield b - len(line.lstrip()), b
        end = max(nl, 0)


def _is_byline(segment: str) -> bool:
    """`By Jane Doe`, `By JANE DOE and John Roe, Staff Writers`; not `By Friday the board must decide.`"""
    opener = _BYLINE_OPENER.match(segment)
    if not opener:
        return False
    names = segment[opener.end() :]
    if names.endswith((".", "!", "?")) and not _ABBREVIATION_END.search(names):
        return False
    words = [w for w in re.split(r"[\s,]+", names) if w]
    if not words or len(words) > 12:
        return False
    capitalised = [w for w in words if w.lower() not in _NAME_JOINERS]
    return bool(capitalised) and sum(w[0].isupper() for w in capitalised) / len(capitalised) >= 0.75


def is_metadata_line(line: str) -> bool:
    """Whether a whole (stripped) line is metadata: labels, bylines, dates, reading times, share widgets."""
    if not line or len(line) > _META_LINE_CHARS:
        return False
    segments = [s for s in _SEPARATORS.split(line) if s]
    strong = False
    for segment in segments:
        if (
            _DATE_SEGMENT.fullmatch(segment)
            or _LABEL_SEGMENT.fullmatch(segment)
            or _WIDGET_SEGMENT.fullmatch(segment)
            or _is_byline(segment)
        ):
            strong = True
        elif not (len(segments) > 1 and _WEAK_SEGMENT.fullmatch(segment)):
            return False
    return strong


def is_footer_line(line: str, last: bool = False, listed: bool = False) -> bool:
    """Whether a whole (stripped) line near the end is metadata: a bio or signature (only as the `last`
    content line), copyright, "originally published", follow-me, disclaimers, links to more. A `listed` line
    (the line before it opens with the same mark) is the last item of a list, not a "— Jane Doe" signature."""
    if is_metadata_line(line) or (len(line) <= _META_LINE_CHARS + 100 and _FOOTER.fullmatch(line)):
        return True
    if not last or len(line) > _BIO_CHARS or len(_SENTENCE_END.findall(line)) > 2:
        return False
    return bool(_BIO.match(line) or (_SIGNATURE.fullmatch(line) and not listed) or _is_byline(line))


def _listed(text: str, start: int) -> bool:
    """The line starting at `start` and the non-blank line before it open with the same list mark."""
    mark = text[start : start + 1]
    if mark not in LIST_MARKS:
        return False
    before = text[:start].rstrip().rpartition("\n")[2].lstrip()
    return before.startswith(mark)


def _dateline(text: str, start: int, end: int) -> int:
    """The end of a dateline opening the line `text[start:end]`, or `start` when there is none."""
    m = _DATELINE.match(text, start, min(end, start + 120))
    if m and len(text[m.end() : min(end, m.end() + 2000)].split()) >= _DATELINE_MIN_WORDS:
        return m.end()
    return start


def _merge(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort spans and join those separated by whitespace only; spans at the edges take the edge whitespace."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and (start <= merged[-1][1] or not text[merged[-1][1] : start].strip()):
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    if merged and not text[: merged[0][0]].strip():
        merged[0] = (0, merged[0][1])
    if merged and not text[merged[-1][1] :].strip():
        merged[-1] = (merged[-1][0], len(text))
    return merged


def metadata_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the text that are never argumentative units: leading dates, labels, bylines and datelines;
    a trailing bio, signature and footer lines; boilerplate lines anywhere. Sorted, not overlapping."""
    spans: list[tuple[int, int]] = []
    prefix = _DATE_PREFIX.match(text)
    prefix_end = prefix.end() if prefix and prefix.end() > 0 else 0
    if prefix_end:
        spans.append((0, prefix_end))
    for count, (a, b) in enumerate(_lines(text)):
        if count >= _HEAD_LINES:
            break
        if a < prefix_end:
            a = prefix_end
            while a < b and text[a].isspace():
                a += 1
            if a >= b:
                continue
        if b - a <= _META_LINE_CHARS and is_metadata_line(text[a:b]):
            spans.append((a, b))
            continue
        words = len(text[a : min(b, a + 2000)].split())
        lead = _dateline(text, a, b)
        if lead > a:
            spans.append((a, lead))
            break
        if words >= _PROSE_WORDS:
            break
    head_end = max((b for _, b in spans), default=0)
    tail: list[tuple[int, int]] = []
    for count, (a, b) in enumerate(_lines_backwards(text)):
        if count >= _TAIL_LINES or a < head_end:
            break
        if b - a > _BIO_CHARS or not is_footer_line(text[a:b], last=not tail or all(
            _FOOTER.fullmatch(text[s:e]) or is_metadata_line(text[s:e]) for s, e in tail
        ), listed=_listed(text, a)):
            break
        tail.append((a, b))
    spans.extend(tail)
    for m in _BOILERPLATE.finditer(text):
        line = m.group()
        spans.append((m.start() + len(line) - len(line.lstrip()), m.end() - len(line) + len(line.rstrip())))
    return _merge(text, [(a, b) for a, b in spans if a < b])
