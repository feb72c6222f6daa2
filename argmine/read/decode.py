"""Turning input bytes into the text argmine maps; every offset refers to the text returned here.

What each kind of input becomes (the README's table of input classes follows this module):

- UTF-8, with or without a byte-order mark; UTF-16 and UTF-32 with a byte-order mark: decoded (the mark
  dropped). UTF-16 without a mark is recognised by its zero bytes and decoded with a warning.
- Other 8-bit text: decoded as Windows-1252 (a superset of Latin-1's printable range) with a warning when that
  gives plausible Western text; UTF-8 with a few broken bytes, or cut inside its last character (a truncated
  download), is decoded with those bytes replaced by U+FFFD and a warning; anything else is refused with
  `InputError`.
- Binary data (zero bytes anywhere, control characters, known file signatures such as PDF or ZIP): refused;
  so is text whose space-free stretches carry so much punctuation at their ends, or so many colons, that
  spaCy's tokenizer would take more than linear time over them (`_tokenizer_work`), which no prose does.
- HTML (detected, or forced with `html=True`): its visible text, extracted by `argmine.read.html`, is the text.
- More than `max_chars` characters: refused, and a file larger than any text of that length could be is
  refused before it is read, so memory stays bounded by the limit.
- Empty or whitespace-only text, and text that does not look English: decoded, with a warning.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, overload

from argmine.errors import InputError
from argmine.read.html import html_to_text, looks_like_html
from argmine.read.language import english_share, looks_english

# spaCy's own default `nlp.max_length`; an op-ed is 5-20 thousand characters, a long book about two million.
DEFAULT_MAX_CHARS = 1_000_000
# No supported encoding spends more than 4 bytes on a character, plus a byte-order mark.
_MAX_BYTES_PER_CHAR = 4
_BOM_BYTES = 4
_CHUNK = 1 << 20
_SNIFF_BYTES = 8192

_BOMS = (  # UTF-32 first: its little-endian mark starts with UTF-16's
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)
_SIGNATURES = (
    (b"%PDF-", "a PDF document; extract its text first, e.g. with pdftotext"),
    (b"PK\x03\x04", "a ZIP archive (a .docx, .odt or .epub is one); save or extract it as plain text first"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a Microsoft Office document; save it as plain text first"),
    (b"{\\rtf", "an RTF document; save it as plain text first"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "gzip-compressed data; decompress it first"),
    (b"\xfd7zXZ\x00", "xz-compressed data; decompress it first"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable program"),
)
# C0 controls other than tab, line feed, vertical tab, form feed and carriage return, plus DEL.
_CONTROLS = frozenset(chr(c) for c in [*range(9), *range(14, 32), 127])
_MAX_CONTROL_SHARE = 0.01
# Windows-1252 text in a Western language is mostly ASCII; mojibake from CJK or Cyrillic encodings is not.
_MAX_NON_ASCII_LETTERS = 0.3
# A few bad bytes among valid multi-byte sequences: UTF-8 that was cut or damaged, not another encoding.
_MAX_BROKEN_UTF8 = 8
# spaCy's tokenizer splits the text at whitespace, then peels prefixes and suffixes (punctuation, and `'s`) off
# each piece one at a time, rescanning the rest of the piece after each: a piece of L characters with p such
# marks at its ends costs about p * L steps of 0.3-1 µs (1,000 `=` take a quarter of a second, and 999 distinct
# pieces of 999 `=` and `-` two and a half minutes). Then its URL pattern (`\S+(?::\S*)?@`) backtracks over
# every colon of what is left: c colons cost c * L steps of 10-30 ns (`x:` 10,000 times takes 1.5 s), counted
# as 1/_COLON_STEPS of a peel. `_tokenizer_work` adds both up over the distinct pieces (spaCy caches a piece it
# has seen); prose comes to about 0.15 per character, links, code and Markdown to 2. A text over
# TOKENIZER_WORK_PER_CHAR per character plus TOKENIZER_WORK_ALLOWANCE is not prose and is refused, which bounds
# the tokenizer's extra work to a few seconds on the longest text and a fraction of one on an op-ed.
TOKENIZER_WORK_PER_CHAR = 4
TOKENIZER_WORK_ALLOWANCE = 2**18
_COLON_STEPS = 16
_MARK = r"[^\w\s]"
# A piece with a colon, or a mark (or `'s`) at either end. `(?<!\S)` tries only piece starts and each
# lookahead stops at the piece's end, so the search is linear.
_COSTLY_PIECE = re.compile(rf"(?<!\S)(?=\S*:|{_MARK}|\S*(?:{_MARK}|['’][sS])(?!\S))\S+")
_LEADING_MARKS = re.compile(rf"{_MARK}+")
_TRAILING_MARKS_REVERSED = re.compile(rf"(?:{_MARK}|[sS]['’])+")


def _tokenizer_work(text: str) -> tuple[float, int]:
    """An upper bound on the steps spaCy's tokenizer takes over `text` beyond one pass (in peels; see above),
    and where the piece costing most starts. Linear: one regex pass, then a few anchored matches per piece."""
    work, worst, worst_at = 0.0, 0.0, 0
    seen: set[str] = set()
    for m in _COSTLY_PIECE.finditer(text):
        piece = m.group()
        if piece in seen:
            continue
        seen.add(piece)
        lead = _LEADING_MARKS.match(piece)
        trail = _TRAILING_MARKS_REVERSED.match(piece[::-1])
        peels = min(len(piece), (lead.end() if lead else 0) + (trail.end() if trail else 0))
        cost = (peels + piece.count(":") / _COLON_STEPS) * len(piece)
        work += cost
        if cost > worst:
            worst, worst_at = cost, m.start()
    return work, worst_at


@dataclass
class Decoded:
    """Decoded input text plus how it was read and what the reader should know."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    html: bool = False


def decode_bytes(
    data: bytes, name: str = "<input>", *, html: bool | None = None, max_chars: int | None = DEFAULT_MAX_CHARS
) -> Decoded:
    """Decode `data` into the text to map: encoding, binary and size checks, HTML extraction, warnings.

    `html`: None detects HTML, True always extracts the visible text, False maps markup as plain text.
    """
    text, encoding, warnings = _decode(data, name)
    zero = text.find("\x00")
    if zero >= 0:  # wherever it sits: the first 8 KB decide the encoding, not whether the rest is text
        raise InputError(f"{name}: not a text file (binary data: a zero character at {zero:,})")
    _check_controls(text, name)
    is_html = looks_like_html(text) if html is None else html
    if is_html:
        raw_chars = len(text)
        text = html_to_text(text)
        if html is None:
            warnings.append(
                f"{name}: looks like HTML; mapping its visible text ({len(text):,} of {raw_chars:,} characters)"
            )
    if max_chars is not None and len(text) > max_chars:
        raise InputError(
            f"{name}: too large to map ({len(text):,} characters, over the limit of {max_chars:,}); "
            "raise --max-chars or split the text"
        )
    work, worst_at = _tokenizer_work(text)
    if work > TOKENIZER_WORK_PER_CHAR * len(text) + TOKENIZER_WORK_ALLOWANCE:
        raise InputError(
            f"{name}: not prose: long stretches without a space that start or end in runs of punctuation or hold "
            f"many colons (the worst at character {worst_at:,}); spaCy's tokenizer would take minutes over them"
        )
    if not text.strip():
        warnings.append(f"{name}: {'empty' if not text else 'only whitespace'}; the map has no units")
    elif not looks_english(text):
        share, _ = english_share(text)
        warnings.append(
            f"{name}: does not look like English ({share:.0%} English function words); "
            "the model is English, so the map may be poor"
        )
    return Decoded(text, encoding, warnings, is_html)


def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(codec), label.lower(), []
            except UnicodeDecodeError as err:
                raise InputError(f"{name}: starts with a {label} byte-order mark but is not valid {label} "
                                 f"(byte {err.start + len(bom)})") from None
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise InputError(f"{name}: not a text file ({what})")
    head = data[:_SNIFF_BYTES]
    if b"\x00" in head:
        utf16 = _utf16_without_bom(head)
        if utf16 is None:
            raise InputError(f"{name}: not a text file (binary data)")
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            raise InputError(f"{name}: not a text file (binary data)") from None
        return text, "utf-16", [f"{name}: no byte-order mark; decoded as {utf16.upper()}"]
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError as err:
        first_bad = err.start
    cut = _cut_utf8(data)
    if cut is not None:
        return cut + "\ufffd", "utf-8", [
            f"{name}: ends in the middle of a UTF-8 character (a truncated file?); replaced with U+FFFD"
        ]
    repaired = data.decode("utf-8", errors="replace")
    broken = repaired.count("\ufffd") - _count_valid_replacement_chars(data)
    multibyte = sum(1 for ch in repaired if ch > "\x7f" and ch != "\ufffd")
    if broken <= _MAX_BROKEN_UTF8 and multibyte >= 2 * broken:
        plural = "s" if broken > 1 else ""
        return repaired, "utf-8", [f"{name}: {broken} byte sequence{plural} not valid UTF-8, replaced with U+FFFD"]
    western: str | None
    try:
        western = data.decode("cp1252")
    except UnicodeDecodeError:
        western = None
    if western is not None and _plausible_western(western):
        return western, "cp1252", [f"{name}: not UTF-8; decoded as Windows-1252 (Latin-1), check its accented letters"]
    raise InputError(
        f"{name}: not UTF-8 text (invalid byte 0x{data[first_bad]:02x} at {first_bad}) and no other encoding "
        "fits; convert it to UTF-8 first (e.g. iconv -f ENCODING -t UTF-8)"
    )


def _cut_utf8(data: bytes) -> str | None:
    """The text of `data` when it is valid UTF-8 cut inside its last character, else None.

    Only a cut leaving two or three bytes of the character counts: a lead byte and its continuation bytes
    are UTF-8 and almost never Windows-1252 (`â‚`). One lone lead byte at the end is just as likely an
    accented letter ending a Windows-1252 text (`café`), so it is left to the rules below.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        text = decoder.decode(data, final=False)
    except UnicodeDecodeError:
        return None
    pending = decoder.getstate()[0]
    return text if len(pending) >= 2 else None


def _count_valid_replacement_chars(data: bytes) -> int:
    # U+FFFD written in the input itself is text, not damage.
    return data.count("\ufffd".encode("utf-8"))


def _utf16_without_bom(head: bytes) -> str | None:
    """`utf-16-le`/`-be` when the zero bytes sit where mostly-ASCII UTF-16 puts them, else None."""
    even, odd = head[0::2], head[1::2]
    if len(odd) < 2:
        return None
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.5 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.5 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def _plausible_western(text: str) -> bool:
    letters = [ch for ch in text[:100_000] if ch.isalpha()]
    if not letters:
        return True
    non_ascii = sum(1 for ch in letters if ch > "\x7f")
    return non_ascii / len(letters) <= _MAX_NON_ASCII_LETTERS


def _check_controls(text: str, name: str) -> None:
    sample = text[:100_000]
    if not sample:
        return
    controls = sum(1 for ch in sample if ch in _CONTROLS)
    if controls > max(2, _MAX_CONTROL_SHARE * len(sample)):
        raise InputError(f"{name}: not a text file ({controls:,} control characters)")


@overload
def byte_limit(max_chars: int) -> int: ...
@overload
def byte_limit(max_chars: None) -> None: ...
def byte_limit(max_chars: int | None) -> int | None:
    """The most bytes a text of `max_chars` characters can take in any supported encoding."""
    return None if max_chars is None else _MAX_BYTES_PER_CHAR * max_chars + _BOM_BYTES


def _too_large(name: str, size: int, max_chars: int) -> InputError:
    return InputError(
        f"{name}: too large to map ({size:,} bytes, more than {max_chars:,} characters can take); "
        "raise --max-chars or split the text"
    )


def read_stream(
    stream: BinaryIO, name: str, *, html: bool | None = None, max_chars: int | None = DEFAULT_MAX_CHARS
) -> Decoded:
    """Read and decode a binary stream, never holding more than the byte limit of `max_chars` in memory."""
    limit = byte_limit(max_chars)
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(_CHUNK if limit is None else min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
        if limit is not None and size > limit:
            raise _too_large(name, size, max_chars)  # type: ignore[arg-type]
    return decode_bytes(b"".join(parts), name, html=html, max_chars=max_chars)


def read_input(
    source: str | os.PathLike, *, html: bool | None = None, max_chars: int | None = DEFAULT_MAX_CHARS
) -> Decoded:
    """Read and decode a file, or standard input when `source` is `-` (see `decode_bytes` for `html`)."""
    if str(source) == "-":
        return read_stream(sys.stdin.buffer, "<stdin>", html=html, max_chars=max_chars)
    path = Path(source)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(f"{path}: is a folder, not a file")
    limit = byte_limit(max_chars)
    if stat.S_ISREG(info.st_mode) and limit is not None and info.st_size > limit:
        raise _too_large(str(path), info.st_size, max_chars)  # type: ignore[arg-type]
    try:
        with open(path, "rb") as fh:
            return read_stream(fh, str(path), html=html, max_chars=max_chars)
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
