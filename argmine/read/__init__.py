"""Reading input: decoding bytes into the text to map (encodings, binary, HTML, limits, language) and finding
its layout (paragraphs, metadata lines)."""

from argmine.read.decode import DEFAULT_MAX_CHARS, Decoded, InputError, decode_bytes, read_input, read_stream
from argmine.read.html import html_to_text, looks_like_html
from argmine.read.layout import ParagraphIndex, metadata_spans, paragraph_spans

__all__ = [
    "DEFAULT_MAX_CHARS",
    "Decoded",
    "InputError",
    "ParagraphIndex",
    "decode_bytes",
    "html_to_text",
    "looks_like_html",
    "metadata_spans",
    "paragraph_spans",
    "read_input",
    "read_stream",
]
