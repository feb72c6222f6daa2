"""Where the paragraphs are, and which lines are metadata (datelines, bylines) rather than argument."""

from __future__ import annotations

import bisect
import re

# One or more blank lines end a paragraph; texts with no blank line at all use single line breaks.
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n\s*")
_LINE_BREAK = re.compile(r"\n\s*")

# `date 2026-02-12` prefixes, `WASHINGTON —` datelines and `— Jane Doe is ...` / `By Jane Doe` bylines.
_DATE_PREFIX = re.compile(r"\A\s*(?:date:?\s*)?\d{4}-\d{2}-\d{2}\b[ \t]*", re.IGNORECASE)
_DATELINE = re.compile(r"\A\s*[A-Z][A-Z .'-]{2,40}(?:,\s*[A-Z][A-Za-z. ]{1,30})?\s*(?:—|--|–)\s*")
_BYLINE = re.compile(
    r"(?:^|\n)[ \t]*(?:(?:—|--|–|-)[ \t]*[A-Z][^\n]{0,300}|By [A-Z][^\n]{0,150}"
    r"|[A-Z][\w.'-]+(?: [A-Z][\w.'-]+){1,3} (?:is|was|writes|teaches|directs|serves)\b[^\n]{0,300})\s*\Z"
)


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


def metadata_spans(text: str) -> list[tuple[int, int]]:
    """Spans of a leading date or dateline and a trailing byline: text that is never an argumentative unit."""
    spans = []
    head = _DATE_PREFIX.match(text) or _DATELINE.match(text)
    if head and head.end() > 0:
        spans.append((head.start(), head.end()))
    tail = _BYLINE.search(text[-600:])
    if tail:
        offset = max(0, len(text) - 600)
        start = offset + tail.start()
        if text[start] == "\n":
            start += 1
        # A byline is a short final paragraph; never swallow real prose.
        if len(text) - start < 400 and start > (spans[0][1] if spans else 0):
            spans.append((start, len(text)))
    return spans
