"""HTML input: tell a web page from plain text, and extract the text a reader of the page would see.

Scrapers hand argmine whole pages. The map must cover what a reader sees, never markup: script and style
bodies, comments, attributes, the `<head>`, navigation, forms, asides, footers and hidden elements are
dropped; block elements become paragraph breaks; whitespace collapses as a browser collapses it (except in
`<pre>`); character references are decoded. When the page has an `<article>` (else a `<main>`), only its
text is kept, since the rest of a news page is site furniture.

The scanner is our own, not `html.parser`: CPython's parser is quadratic on some malformed input (a run of
unclosed `<a href='x` takes minutes at 200 kB), and scraped pages are often malformed. This one makes a
single left-to-right pass with patterns that cannot backtrack, so time stays linear in the input.
"""

from __future__ import annotations

import html
import re

# Elements whose whole content is invisible or not part of the article.
_SKIP = frozenset(
    "script style noscript template head title svg math iframe object canvas select textarea button nav aside "
    "footer form figcaption dialog audio video map".split()
)
# Elements whose content is raw text: markup inside them is not markup (find the end tag literally).
_RAW_TEXT = frozenset("script style textarea title xmp iframe noembed noframes plaintext".split())
_VOID = frozenset("area base br col embed hr img input link meta param source track wbr keygen".split())
# Elements that start and end a paragraph.
_BLOCK = frozenset(
    "address article blockquote center dd details dialog dir div dl dt fieldset figure h1 h2 h3 h4 h5 h6 header "
    "hgroup hr li listing main menu ol p pre section summary table tbody thead tfoot tr ul caption".split()
)
_CELL = frozenset(("td", "th"))
_REGIONS = ("article", "main")

_MARKUP = re.compile(r"<(?:!--|!|\?|/?[A-Za-z])")
# A start or end tag, attributes included; possessive quantifiers keep a failed match linear.
_TAG = re.compile(r"""<(/?)([A-Za-z][^\s/>]*+)((?:[^>"']++|"[^"]*+"|'[^']*+')*+)>""")
_ATTR_HIDDEN = re.compile(
    r"""(?:^|\s)(?:hidden(?:\s|=|$)|aria-hidden\s*=\s*["']?true)|display\s*:\s*none|visibility\s*:\s*hidden""",
    re.IGNORECASE,
)
_SPACE = re.compile(r"[ \t\n\r\f]+")

_DOCTYPE = re.compile(r"\A\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>])", re.IGNORECASE | re.DOTALL)
_KNOWN_TAG = re.compile(
    r"</?(?:p|div|span|a|br|b|i|em|strong|h[1-6]|ul|ol|li|article|section|body|head|html|meta|link|script|style|"
    r"table|tr|td|img|blockquote|header|footer|nav|main|figure|title)(?:\s[^<>]{0,500})?/?>",
    re.IGNORECASE,
)
_SNIFF_CHARS = 100_000
_MIN_TAGS = 5


def looks_like_html(text: str) -> bool:
    """Whether `text` is an HTML page or fragment: a doctype/`<html>` opening, or several common tags."""
    head = text[:_SNIFF_CHARS]
    if _DOCTYPE.match(head[:4096]):
        return True
    closing = False
    for tags, m in enumerate(_KNOWN_TAG.finditer(head), 1):
        closing = closing or m.group().startswith("</")
        if tags >= _MIN_TAGS and closing:
            return True
    return False


class _Extractor:
    """One pass over the markup, collecting visible text chunks tagged with the region they belong to."""

    def __init__(self, markup: str) -> None:
        self.markup = markup
        self.chunks: list[tuple[int, str]] = []  # (region id, text); region 0 is outside any article/main
        self.skip: list[str] = []  # the names of the skipped elements we are inside (nested same-name count)
        self.pre = 0
        self.region = 0
        self.region_kind: dict[int, str] = {}
        self.region_stack: list[tuple[str, int]] = []
        self.next_region = 1

    def run(self) -> str:
        s = self.markup
        pos = 0
        n = len(s)
        while pos < n:
            m = _MARKUP.search(s, pos)
            if m is None:
                self._data(s[pos:])
                break
            if m.start() > pos:
                self._data(s[pos : m.start()])
            opener = m.group()
            if opener == "<!--":
                end = s.find("-->", m.end())
                pos = n if end < 0 else end + 3
            elif opener in ("<!", "<?"):
                end = s.find(">", m.end())
                pos = n if end < 0 else end + 1
            else:
                tag = _TAG.match(s, m.start())
                if tag is None:
                    break  # a tag left open at the end of the input: the rest is inside it
                pos = self._tag(tag)
        return self._text()

    def _data(self, text: str) -> None:
        if self.skip or not text:
            return
        if not self.pre:
            text = _SPACE.sub(" ", text)
            if text.startswith(" ") and (not self.chunks or self.chunks[-1][1].endswith((" ", "\n"))):
                text = text[1:]  # whitespace collapses across element boundaries too
                if not text:
                    return
        self.chunks.append((self.region, html.unescape(text)))

    def _break(self, mark: str) -> None:
        if not self.skip:
            self.chunks.append((self.region, mark))

    def _tag(self, tag: re.Match) -> int:
        closing, name, attrs = tag.group(1) == "/", tag.group(2).lower(), tag.group(3)
        end = tag.end()
        if self.skip:
            if name == self.skip[-1] and name not in _VOID:
                if closing:
                    self.skip.pop()
                else:
                    self.skip.append(name)
            if not closing and name in _RAW_TEXT:
                return self._after_raw_text(name, end)
            return end
        if closing:
            self._close(name)
            return end
        if name in _SKIP or (name not in _VOID and _ATTR_HIDDEN.search(attrs)):
            if name not in _VOID:
                self.skip.append(name)
            if name in _RAW_TEXT:
                return self._after_raw_text(name, end)
            return end
        if name in _RAW_TEXT:  # visible raw text (xmp, plaintext...) is rare; show it as text
            close = re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE).search(self.markup, end)
            stop = len(self.markup) if close is None else close.start()
            self._data(self.markup[end:stop])
            return stop
        self._open(name, tag.group(0).endswith("/>"))
        return end

    def _after_raw_text(self, name: str, pos: int) -> int:
        # Inside <script>/<style> nothing is markup until the matching end tag.
        close = re.compile(rf"</{re.escape(name)}[\s/>]", re.IGNORECASE).search(self.markup, pos)
        if close is None:
            return len(self.markup)
        end = self.markup.find(">", close.start())
        if self.skip and self.skip[-1] == name:
            self.skip.pop()
        return len(self.markup) if end < 0 else end + 1

    def _open(self, name: str, self_closing: bool) -> None:
        if name == "br":
            self._break("\n")
        elif name in _BLOCK:
            self._break("\n\n")
        elif name in _CELL:
            self._break(" ")
        if name == "pre":
            self.pre += 1
        if name in _REGIONS and not self_closing:
            if not self.region_stack:
                self.region = self.next_region
                self.region_kind[self.region] = name
                self.next_region += 1
            self.region_stack.append((name, self.region))

    def _close(self, name: str) -> None:
        if name in _BLOCK:
            self._break("\n\n")
        if name == "pre" and self.pre:
            self.pre -= 1
        if name in _REGIONS and self.region_stack:
            # Close the innermost open region of that name (tolerating bad nesting).
            for k in range(len(self.region_stack) - 1, -1, -1):
                if self.region_stack[k][0] == name:
                    del self.region_stack[k]
                    break
            if not self.region_stack:
                self.region = 0

    def _text(self) -> str:
        chunks = self.chunks
        sizes: dict[int, int] = {}
        for region, t in chunks:
            sizes[region] = sizes.get(region, 0) + len(t.strip())
        for kind in _REGIONS:
            regions = [r for r, k in self.region_kind.items() if k == kind and sizes.get(r)]
            if regions:
                best = max(regions, key=lambda r: (sizes[r], -r))
                chunks = [(r, t) for r, t in chunks if r == best]
                break
        # Spaces around line breaks go; a blank line (or more) is one paragraph break.
        out: list[str] = []
        blank = False
        for line in "".join(t for _, t in chunks).split("\n"):
            line = line.strip(" \t")
            if not line:
                blank = True
                continue
            if out:
                out.append("\n\n" if blank else "\n")
            out.append(line)
            blank = False
        return "".join(out)


def html_to_text(markup: str) -> str:
    """The visible text of an HTML page or fragment: paragraphs separated by blank lines, markup dropped."""
    return _Extractor(markup).run()
