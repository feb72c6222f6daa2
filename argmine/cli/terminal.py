"""What argmine prints on a terminal is text, never instructions to the terminal.

Ids, file names, error messages and unit texts come from the input, and a terminal acts on some characters
instead of showing them: ESC and the C1 controls start escape sequences (retitle the window, clear the
screen, rewrite the clipboard), BEL rings, CR and backspace overwrite what was printed, bidi overrides and
isolates reorder the rest of the line (a file name that reads `txt.exe` backwards), zero-width and format
characters hide text, and U+2028/U+2029 break a one-line error into two. `printable` escapes every such
character as Python would write it (`\\x1b`, `\\u202e`), so the line stays one line and shows what is there.

Only terminal output goes through it (error and warning lines, the batch progress lines and summary, the
tree view). Files argmine writes (JSON, GraphML, reports...) keep the data exactly as it is.
"""

from __future__ import annotations

import unicodedata

# Other/control, Other/format (bidi marks, overrides and isolates, zero-width characters, soft hyphen, the
# BOM, tag characters), lone surrogates (which also cannot be encoded to a UTF-8 terminal), line and
# paragraph separators. Plain spaces, no-break spaces and every visible character stay as they are.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})


def _escape(char: str) -> str:
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def printable(text: object) -> str:
    """`text` (or its `str`) with control, format, surrogate and separator characters escaped."""
    text = str(text)
    if text.isprintable():  # the common case, in C: nothing to escape (isprintable is stricter than we are)
        return text
    return "".join(_escape(c) if unicodedata.category(c) in UNSAFE_CATEGORIES else c for c in text)


def one_line(text: object) -> str:
    """`text` as one printable line: runs of whitespace (newlines included) become one space."""
    return printable(" ".join(str(text).split()))
