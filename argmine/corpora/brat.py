"""brat standoff annotation (`.ann` beside a `.txt`), as the CMV corpora use it: text-bound `T` lines,
attribute `A` lines and relation `R` lines; `#` notes are ignored.

Offsets: brat counts characters, but some CMV-modes files were annotated over a UTF-8 byte view of the text,
so their offsets drift after the first non-ASCII character. Every `T` line also gives its covered text (with
line breaks shown as spaces), so a span is read as characters when that reproduces the covered text and as
UTF-8 byte offsets otherwise; a span that neither reading reproduces is an error. Spans are then trimmed of
edge whitespace (a few CMV-modes main claims are shifted by one onto the preceding line break: covered text
`" CMV: ..."`; the trimmed span is the title itself).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from argmine.corpora.errors import Malformed
from argmine.corpora.spans import trim_span


@dataclass
class Span:
    """A text-bound annotation: `text[start:end]` (trimmed) carries `label`; `as_bytes` tells which reading
    of the file's offsets reproduced the covered text."""

    label: str
    start: int
    end: int
    as_bytes: bool = False


@dataclass
class BratDocument:
    spans: dict[str, Span] = field(default_factory=dict)  # T id -> span, in file order
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)  # T id -> {attribute: value}
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (type, Arg1 T id, Arg2 T id)


def read_brat(ann: Path, text: str) -> BratDocument:
    """Parse `ann` against `text`; `Malformed` (with the line number) on a line brat would not write."""
    try:
        lines = ann.read_text(encoding="utf-8").split("\n")
    except UnicodeDecodeError as err:
        raise Malformed(f"not UTF-8 text: {err}") from None
    doc = BratDocument()
    offsets = _Offsets(text)
    for lineno, line in enumerate(lines, 1):
        line = line.rstrip("\r")
        if not line.strip() or line.startswith("#"):
            continue
        try:
            _parse_line(line, doc, offsets)
        except Malformed as err:
            raise Malformed(f"line {lineno}: {err}") from None
    for tid in doc.attributes:
        if tid not in doc.spans:
            raise Malformed(f"an attribute names {tid}, which no T line defines")
    for rel_type, arg1, arg2 in doc.relations:
        for arg in (arg1, arg2):
            if arg not in doc.spans:
                raise Malformed(f"relation {rel_type} {arg1} -> {arg2} names {arg}, which no T line defines")
    return doc


def _parse_line(line: str, doc: BratDocument, offsets: _Offsets) -> None:
    ident, _, rest = line.partition("\t")
    if ident[:1] == "T":
        annotation, tab, covered = rest.partition("\t")
        parts = annotation.split(" ")
        if not tab or len(parts) != 3 or ";" in annotation:
            raise Malformed(f"expected `T<n><TAB><label> <start> <end><TAB><text>`, got {line[:60]!r}")
        label, start, end = parts
        if not (start.isdigit() and end.isdigit()):
            raise Malformed(f"{ident} has offsets {start!r} {end!r}, not numbers")
        if ident in doc.spans:
            raise Malformed(f"{ident} is defined twice")
        doc.spans[ident] = offsets.span(ident, label, int(start), int(end), covered)
    elif ident[:1] == "A":
        parts = rest.split(" ")
        if len(parts) not in (2, 3):
            raise Malformed(f"expected `A<n><TAB><attribute> T<n> [value]`, got {line[:60]!r}")
        doc.attributes.setdefault(parts[1], {})[parts[0]] = parts[2] if len(parts) == 3 else "true"
    elif ident[:1] == "R":
        parts = rest.split()
        if len(parts) != 3 or not parts[1].startswith("Arg1:") or not parts[2].startswith("Arg2:"):
            raise Malformed(f"expected `R<n><TAB><type> Arg1:T<a> Arg2:T<b>`, got {line[:60]!r}")
        doc.relations.append((parts[0], parts[1][5:], parts[2][5:]))
    else:
        raise Malformed(f"unsupported annotation line {line[:60]!r} (only T, A, R and # lines are read)")


class _Offsets:
    """Reads a T line's offsets as characters or, failing that, as UTF-8 bytes (see the module docstring)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._char_at: list[int] | None = None  # byte offset -> character index, -1 inside a character

    def span(self, ident: str, label: str, start: int, end: int, covered: str) -> Span:
        words = covered.split()
        if self.text[start:end].split() == words and start < end <= len(self.text):
            return Span(label, *trim_span(self.text, start, end))
        char_at = self._bytes()
        if start < end < len(char_at) and char_at[start] >= 0 and char_at[end] >= 0:
            c_start, c_end = char_at[start], char_at[end]
            if c_start < c_end and self.text[c_start:c_end].split() == words:
                return Span(label, *trim_span(self.text, c_start, c_end), as_bytes=True)
        raise Malformed(
            f"{ident} ({label} {start} {end}) does not cover its text {covered[:40]!r}, "
            "read as characters or as UTF-8 bytes"
        )

    def _bytes(self) -> list[int]:
        if self._char_at is None:
            char_at = []
            for i, ch in enumerate(self.text):
                width = len(ch.encode("utf-8", errors="surrogatepass"))
                char_at += [i] + [-1] * (width - 1)
            char_at.append(len(self.text))
            self._char_at = char_at
        return self._char_at
