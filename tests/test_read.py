"""Reading input: every input class has a defined outcome (text + warnings, or a one-line `InputError`),
and offsets always refer to the decoded (or extracted) text."""

from __future__ import annotations

import codecs
import io
import time
import tracemalloc

import pytest

from argmine.nlp import load
from argmine.read.decode import (
    DEFAULT_MAX_CHARS,
    InputError,
    byte_limit,
    decode_bytes,
    read_input,
    read_stream,
)
from argmine.read.html import html_to_text, looks_like_html
from argmine.read.language import looks_english
from argmine.read.layout import is_metadata_line, metadata_spans, paragraph_spans

# Our own op-ed, with typographic quotes, an accent and a character outside the BMP (a surrogate pair in UTF-16).
ESSAY = (
    "Buses before bridges\n\n"
    "The county should fund more buses because people need cheap transport. "
    "Critics say buses are slow, but new lanes would make them fast.\n\n"
    "According to the transit office, 40 percent of riders have no car. "
    "A café owner told me that “the bus is my only way to work” 🚌.\n\n"
    "In short, the county should choose buses over another bridge.\n"
)


@pytest.fixture(scope="module")
def miner():
    return load("rules")


def assert_offsets_index(text, amap):
    assert amap.text == text
    assert len(amap) > 0
    for unit in amap.units:
        assert amap.unit_text(unit) == text[unit.start : unit.end]


# ---- encodings -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
        pytest.param(lambda t: codecs.BOM_UTF8 + t.encode("utf-8"), id="utf-8-bom"),
        pytest.param(lambda t: codecs.BOM_UTF16_LE + t.encode("utf-16-le"), id="utf-16-le-bom"),
        pytest.param(lambda t: codecs.BOM_UTF16_BE + t.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(lambda t: codecs.BOM_UTF32_LE + t.encode("utf-32-le"), id="utf-32-le-bom"),
        pytest.param(lambda t: codecs.BOM_UTF32_BE + t.encode("utf-32-be"), id="utf-32-be-bom"),
    ],
)
def test_unicode_encodings_decode_to_the_same_text_and_offsets(encode, miner):
    decoded = decode_bytes(encode(ESSAY), "essay.txt")
    assert decoded.text == ESSAY  # the byte-order mark is not part of the text
    assert decoded.warnings == []
    amap = miner.map(decoded.text)
    assert_offsets_index(ESSAY, amap)
    assert amap == miner.map(ESSAY)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_recognised_with_a_warning(codec):
    decoded = decode_bytes(ESSAY.encode(codec), "essay.txt")
    assert decoded.text == ESSAY
    assert len(decoded.warnings) == 1 and "no byte-order mark" in decoded.warnings[0]


def test_bom_that_lies_is_refused():
    with pytest.raises(InputError, match="UTF-16 byte-order mark but is not valid UTF-16"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8\x41\x00", "x.txt")  # a lone high surrogate


@pytest.mark.parametrize("codec", ["cp1252", "latin-1"])
def test_western_8bit_text_is_decoded_with_a_warning(codec, miner):
    text = ESSAY.replace("“", '"').replace("”", '"').replace("🚌", "") if codec == "latin-1" else ESSAY.replace("🚌", "")
    decoded = decode_bytes(text.encode(codec), "essay.txt")
    assert decoded.text == text
    assert decoded.encoding == "cp1252"
    assert any("Windows-1252" in w for w in decoded.warnings)
    assert_offsets_index(text, miner.map(decoded.text))


def test_utf8_with_a_few_broken_bytes_is_repaired_with_a_warning():
    data = ESSAY.encode("utf-8")
    data = data + "é".encode("utf-8")[:1]  # cut in the middle of a character, as a truncated download is
    decoded = decode_bytes(data, "cut.txt")
    assert decoded.text == ESSAY + "\ufffd"
    assert any("not valid UTF-8" in w for w in decoded.warnings)


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(("日本の都市はバスをもっと走らせるべきだ。" * 20).encode("shift_jis"), id="shift-jis"),
        pytest.param(("Город должен оплатить больше автобусов. " * 10).encode("koi8-r"), id="koi8-r"),
        pytest.param(b"caf\xe9 \x81\x8d\x8f\x90\x9d" * 10, id="undefined-in-cp1252"),
    ],
)
def test_other_encodings_are_refused_with_a_clear_error(data):
    with pytest.raises(InputError, match=r"^x\.txt: not UTF-8 text .*convert it to UTF-8"):
        decode_bytes(data, "x.txt")


def test_ascii_cut_inside_a_utf8_character_is_utf8_not_windows_1252():
    # Issue 14: a plain ASCII file cut inside its last character decoded as `â‚` (Windows-1252).
    for char in ("€", "🚌"):
        for cut in range(2, len(char.encode("utf-8"))):
            data = b"Plain ASCII prose, cut off in the middle of a " + char.encode("utf-8")[:cut]
            decoded = decode_bytes(data, "cut.txt")
            assert decoded.encoding == "utf-8"
            assert decoded.text == data[:-cut].decode("ascii") + "\ufffd"
            assert decoded.warnings == ["cut.txt: ends in the middle of a UTF-8 character (a truncated file?); replaced with U+FFFD"]
    # One lone lead byte at the end is as likely a Windows-1252 letter ending the text.
    decoded = decode_bytes(b"We met at the caf\xe9", "x.txt")
    assert decoded.text == "We met at the café" and decoded.encoding == "cp1252"


# ---- binary ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, what",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
        (b"\x7fELF\x02\x01\x01\x00", "executable"),
        (bytes(range(256)) * 8, "binary data"),
        (b"\x1b[31mred\x1b[0m \x07\x08" * 50, "control characters"),
    ],
)
def test_binary_data_is_not_a_text_file(data, what):
    with pytest.raises(InputError, match=rf"^blob: not a text file \(.*{what}"):
        decode_bytes(data, "blob")


@pytest.mark.parametrize("where", [0, 8191, 8192, 50_000])
def test_a_zero_byte_anywhere_is_binary(where, tmp_path):
    # Issue 14: zero bytes after the first 8 KB (the part sniffed for the encoding) were mapped into the text.
    text = ("An ordinary essay sentence. " * 2000)[:60_000]
    data = text[:where].encode() + b"\x00" + text[where:].encode()
    with pytest.raises(InputError, match=r"^blob: not a text file \(binary data"):
        decode_bytes(data, "blob")
    path = tmp_path / "blob.txt"
    path.write_bytes(data)
    with pytest.raises(InputError, match="not a text file"):
        read_input(path)
    # A byte-order mark changes nothing: U+0000 is no text character in any encoding.
    with pytest.raises(InputError, match="binary data"):
        decode_bytes(codecs.BOM_UTF16_BE + (text[:where] + "\x00" + text[where:]).encode("utf-16-be"), "blob")


def test_a_stray_control_character_is_still_text():
    decoded = decode_bytes(("An ordinary essay sentence. " * 10 + "One odd byte \x07 here.").encode(), "x.txt")
    assert "\x07" in decoded.text


# ---- HTML ------------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head><title>Buses | The Eastvale Ledger</title>
<style>p { color: red }</style>
<script>var x = "<p>not text</p>"; if (a < b) { document.write("</div>") }</script>
</head>
<body>
<nav><a href="/">Home</a> <a href="/opinion">Opinion</a></nav>
<article>
  <h1>Buses before bridges</h1>
  <p>The county should fund buses &amp; lanes because people need <em>cheap</em>
     transport.</p>
  <!-- <p>commented out</p> -->
  <p>Critics say buses are slow.<br>But new lanes make them fast.</p>
  <div hidden><p>Hidden promo</p></div>
  <p style="display: none">Invisible</p>
  <figure><img src="bus.jpg" alt="A bus"><figcaption>Photo: Jane Roe</figcaption></figure>
  <ul><li>Fares &lt;b&gt; and &#8220;routes&#8221;</li><li>Lanes</li></ul>
</article>
<aside>Related stories</aside>
<footer>© 2026 The Eastvale Ledger</footer>
</body></html>"""

PAGE_TEXT = (
    "Buses before bridges\n\n"
    "The county should fund buses & lanes because people need cheap transport.\n\n"
    "Critics say buses are slow.\nBut new lanes make them fast.\n\n"
    "Fares <b> and “routes”\n\n"
    "Lanes"
)


def test_html_page_is_detected_and_only_its_visible_article_text_is_mapped(miner):
    decoded = decode_bytes(PAGE.encode(), "page.html")
    assert decoded.html
    assert decoded.text == PAGE_TEXT
    assert any("looks like HTML" in w for w in decoded.warnings)
    amap = miner.map(decoded.text)
    assert_offsets_index(PAGE_TEXT, amap)
    for unit in amap.units:
        assert "<" not in amap.unit_text(unit).replace("<b>", "")


def test_html_can_be_forced_or_refused():
    fragment = "<p>The county should fund buses.</p><p>People need cheap transport.</p>"
    assert not looks_like_html(fragment)  # two tags are not enough to be sure
    assert decode_bytes(fragment.encode(), "f", html=None).text == fragment
    forced = decode_bytes(fragment.encode(), "f", html=True)
    assert forced.text == "The county should fund buses.\n\nPeople need cheap transport."
    assert forced.warnings == []  # asked for, so nothing to warn about
    assert decode_bytes(PAGE.encode(), "p", html=False).text == PAGE


def test_plain_text_mentioning_a_tag_is_not_html():
    text = "Editors should stop wrapping every headline in <b> tags; plain type reads better.\n" * 3
    assert not looks_like_html(text)
    assert decode_bytes(text.encode(), "t").text == text


def test_html_without_article_keeps_the_body_and_prefers_main():
    assert html_to_text("<body><div>Menu</div><main><p>Real text.</p></main></body>") == "Real text."
    assert html_to_text("<body><p>One.</p><p>Two.</p></body>") == "One.\n\nTwo."
    # Several articles (teasers beside the story): the one with the most text.
    page = "<article><p>Short teaser.</p></article><article><p>" + "Long story. " * 20 + "</p></article>"
    assert html_to_text(page) == ("Long story. " * 20).strip()


def test_html_raw_text_elements_and_unclosed_markup():
    assert html_to_text("<p>Before</p><script>document.write('<p>x</p>')</script><p>After</p>") == "Before\n\nAfter"
    assert html_to_text("<p>Kept</p><script>never closed <p>lost</p>") == "Kept"
    assert html_to_text("<p>Kept</p><!-- never closed <p>lost</p>") == "Kept"
    assert html_to_text('<p>Kept</p><a href="never closed>lost') == "Kept"
    assert html_to_text("<p>I <3 buses & trains</p>") == "I <3 buses & trains"
    assert html_to_text("<pre>a   b\n  c</pre>") == "a   b\nc"


@pytest.mark.parametrize(
    "unit", ["<a href='x", "<!--", "<![CDATA[", "<a", "</", "<p>x", "<td>", "<div hidden>", "<article>x", "<?"]
)
def test_malformed_html_is_extracted_in_linear_time(unit):
    # CPython's html.parser needs minutes for 200 kB of `<a href='x`. Ours grows linearly: four times the
    # markup costs about four times as long (sixteen if quadratic). Best of three runs each, and a ratio
    # rather than a wall-clock limit, so a busy machine does not fail it.
    def cost(n: int) -> float:
        markup = unit * (n // len(unit))
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            html_to_text(markup)
            looks_like_html(markup)
            best = min(best, time.perf_counter() - start)
        return best

    small, large = cost(50_000), cost(200_000)
    assert large < 1.0 or large < 8 * small


# ---- size limits -----------------------------------------------------------------------------------------


def test_text_over_max_chars_is_refused_with_a_clear_message():
    decode_bytes(b"x" * 100, "t", max_chars=100)
    with pytest.raises(InputError, match=r"^t: too large to map \(101 characters, over the limit of 100\).*--max-chars"):
        decode_bytes(b"x" * 101, "t", max_chars=100)
    # The limit counts characters, not bytes.
    decode_bytes(("é" * 100).encode("utf-8"), "t", max_chars=100)


def test_huge_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "huge.txt"
    with open(big, "wb") as fh:
        fh.truncate(10 * 1024**3)  # a sparse 10 GB file: reading it would take minutes and all memory
    tracemalloc.start()
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"too large to map \(10,737,418,240 bytes"):
        read_input(big)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert time.perf_counter() - start < 1.0
    assert peak < 1_000_000


class _Endless(io.RawIOBase):
    """A stream that never ends (`yes | argmine map -`), counting what was read from it."""

    def __init__(self) -> None:
        self.served = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = len(buffer)
        buffer[:n] = b"y" * n
        self.served += n
        return n


def test_endless_stream_is_cut_at_the_byte_limit():
    stream = _Endless()
    with pytest.raises(InputError, match="too large to map"):
        read_stream(stream, "<stdin>", max_chars=1000)
    assert stream.served <= byte_limit(1000) + 1


def test_default_limit_matches_spacy():
    assert DEFAULT_MAX_CHARS == load("rules").nlp.max_length


# ---- empty, whitespace, non-English, missing ---------------------------------------------------------------


@pytest.mark.parametrize("data, word", [(b"", "empty"), (b" \n\n\t \r\n", "only whitespace"), (codecs.BOM_UTF8, "empty")])
def test_empty_input_gives_an_empty_map_and_a_warning(data, word, miner):
    decoded = decode_bytes(data, "e.txt")
    assert decoded.warnings == [f"e.txt: {word}; the map has no units"]
    amap = miner.map(decoded.text)
    assert len(amap) == 0 and amap.relations == [] and amap.text == decoded.text


NON_ENGLISH = {
    "fr": "La ville devrait financer davantage de bus parce que les habitants ont besoin de transports bon marché. "
    "Les critiques disent que les bus sont lents, mais de nouvelles voies réservées les rendraient rapides.",
    "de": "Die Stadt sollte mehr Busse bezahlen, weil die Menschen günstige Verkehrsmittel brauchen. Kritiker sagen, "
    "dass Busse langsam sind, aber neue Busspuren würden sie schnell und zuverlässig machen.",
    "es": "La ciudad debería pagar más autobuses porque la gente necesita transporte barato. Los críticos dicen que "
    "los autobuses son lentos, pero unos carriles nuevos los harían rápidos y fiables para todos.",
    "ru": "Город должен оплатить больше автобусов, потому что людям нужен дешёвый транспорт. Критики говорят, что "
    "автобусы медленные, но новые полосы сделают их быстрыми и надёжными для всех жителей.",
}


@pytest.mark.parametrize("lang", sorted(NON_ENGLISH))
def test_non_english_text_is_mapped_with_a_warning(lang, miner):
    text = NON_ENGLISH[lang]
    decoded = decode_bytes(text.encode(), "x.txt")
    assert decoded.text == text
    assert len(decoded.warnings) == 1 and "does not look like English" in decoded.warnings[0]
    miner.map(decoded.text)  # still mapped


def test_english_and_short_texts_get_no_language_warning():
    assert decode_bytes(ESSAY.encode(), "x").warnings == []
    assert looks_english("Zu kurz.")  # too few words to tell


def test_missing_file_and_folder_are_clear_errors(tmp_path):
    with pytest.raises(InputError, match=r"nope\.txt: no such file$"):
        read_input(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_input(tmp_path)


def test_read_input_reads_files_through_the_same_checks(tmp_path):
    path = tmp_path / "page.html"
    path.write_bytes(codecs.BOM_UTF8 + PAGE.encode())
    decoded = read_input(path)
    assert decoded.text == PAGE_TEXT and decoded.html
    assert read_input(path, html=False).text == PAGE


# ---- layout: metadata is never an argumentative unit ------------------------------------------------------

FRAMED = """OPINION | CLIMATE
Why Riverton should plant ten thousand trees
By Maria Okafor and Tom Reyes, Contributing Writers
Updated March 3, 2026, 4:05 p.m. ET · 6 min read

RIVERTON, Ore. — The summer heat in Riverton has become a public health problem, and the cheapest remedy is also the oldest one we know of.

Trees cool streets by several degrees, because their shade keeps asphalt from storing the afternoon heat.

Advertisement

Critics say trees cost too much to water. But a mature oak needs far less care than a new air-conditioning plant.

The council should fund the planting programme this spring.

Maria Okafor is a landscape architect in Riverton.
Follow her on Bluesky @okafor.example
© 2026 The Riverton Ledger. All rights reserved.
"""

FRAMED_METADATA = [
    "OPINION | CLIMATE",
    (
        "By Maria Okafor and Tom Reyes, Contributing Writers\nUpdated March 3, 2026, 4:05 p.m. ET · 6 min read\n\n"
        "RIVERTON, Ore. — "
    ),
    "Advertisement",
    (
        "Maria Okafor is a landscape architect in Riverton.\nFollow her on Bluesky @okafor.example\n"
        "© 2026 The Riverton Ledger. All rights reserved.\n"
    ),
]


def test_headers_bylines_dates_datelines_and_footers_are_metadata():
    assert [FRAMED[a:b] for a, b in metadata_spans(FRAMED)] == FRAMED_METADATA


def test_metadata_never_becomes_a_unit(miner):
    amap = miner.map(FRAMED)
    assert len(amap) >= 3
    spans = metadata_spans(FRAMED)
    for unit in amap.units:
        for a, b in spans:
            assert unit.end <= a or unit.start >= b, f"{amap.unit_text(unit)!r} overlaps {FRAMED[a:b]!r}"
    covered = " ".join(amap.unit_text(u) for u in amap.units)
    for marker in ("Okafor", "Updated", "OPINION", "Advertisement", "©", "Follow"):
        assert marker not in covered


@pytest.mark.parametrize(
    "line",
    [
        "date 2026-02-12",
        "March 3, 2026",
        "Published: 12 March 2026 at 09:30 GMT",
        "Posted 3 hours ago",
        "Tue, Feb. 10, 2026",
        "By JANE DOE",
        "By Dr. Jane van der Berg, Special to the Ledger",
        "Guest essay",
        "Opinion | Transport | 5 min read",
        "Listen to this article · 7 min",
        "Share this article",
    ],
)
def test_metadata_lines(line):
    assert is_metadata_line(line) or metadata_spans(line + "\n\nBody text follows here.")[0][0] == 0


@pytest.mark.parametrize(
    "text",
    [
        "By 2030, most buses in the county will run on electricity, and that is good for everyone who breathes.",
        "By Friday the committee must decide.",
        "NATO — the alliance that kept the peace — needs money now more than at any point in thirty years of its life.",
        "WHY CITIES MUST ACT — AND NOW\nThe council has delayed long enough and the cost of waiting rises every month.",
        "Politics\nThe council has delayed long enough and the cost of waiting rises every month that passes.",
        "The council has waited too long.\n\nSenator Smith is right: we must act.",
        "The council has waited too long.\n\nRead the report yourself and you will see why the plan fails.",
    ],
)
def test_prose_is_not_metadata(text):
    assert metadata_spans(text) == []


def test_reuters_style_dateline():
    text = "LONDON (Reuters) - Parliament will vote next week on a bill that would change how councils fund libraries.\n"
    assert [text[a:b] for a, b in metadata_spans(text)] == ["LONDON (Reuters) - "]


def test_metadata_spans_take_linear_time():
    for text in ("\n" * 1_000_000, "By Jane Doe\n" * 80_000, "Advertisement\n" * 70_000, "a" * 1_000_000):
        start = time.perf_counter()
        metadata_spans(text)
        assert time.perf_counter() - start < 2.0


# ---- line endings ----------------------------------------------------------------------------------------

_TOPICS = ["buses", "libraries", "parks", "schools", "clinics", "bridges", "trams", "markets", "pools", "museums"]
THIRTY = "Our city needs its public services\n\n" + "\n\n".join(
    f"The city should fund more {_TOPICS[i % 10]} in district {i + 1}. Because residents of district {i + 1} rely "
    f"on {_TOPICS[i % 10]} every day, cuts would hurt them."
    for i in range(30)
) + "\n"


@pytest.mark.parametrize("eol", ["\r\n", "\r"], ids=["crlf", "cr"])
def test_every_line_ending_keeps_its_paragraphs(eol, miner):
    # Issue 14: with old-Mac line endings (a lone CR) the paragraphs were lost. The text keeps its line
    # endings as read (offsets index it); the layout treats "\r\n", "\r" and "\n" alike.
    text = decode_bytes(THIRTY.replace("\n", eol).encode(), "t.txt").text
    assert text == THIRTY.replace("\n", eol)
    spans = paragraph_spans(text)
    assert len(spans) == 31
    assert [text[a:b] for a, b in spans] == [THIRTY.replace("\n", eol)[a:b] for a, b in spans]
    if eol == "\r":  # one character for one: the same offsets as the LF text
        assert spans == paragraph_spans(THIRTY)
        assert metadata_spans(FRAMED.replace("\n", "\r")) == metadata_spans(FRAMED)
    amap = miner.map(text)
    assert_offsets_index(text, amap)
    assert len({u.paragraph for u in amap.units}) == 30
    assert len(amap) >= 59  # as many as with "\n" (60), the title on its own line aside


# ---- text the tokenizer would take minutes over ----------------------------------------------------------


def test_a_long_stretch_of_colons_is_refused_at_once():
    # spaCy's URL pattern backtracks over every colon of a piece: `x:` 10,000 times took 1.5 s, and the cost
    # grows with the square of the length; the old guard let it through (no two marks in a row).
    for text in ("x:" * 10_000, "Buses matter. " + "a:b@" * 5_000):
        start = time.perf_counter()
        with pytest.raises(InputError, match="not prose"):
            decode_bytes(text.encode(), "c.txt")
        assert time.perf_counter() - start < 1.0
    decode_bytes(b"At 10:30 the council met; see https://example.org/a:b for the minutes.", "c.txt")


def test_punctuation_runs_just_under_the_old_limit_are_refused_at_once(tmp_path):
    # Issue 14: 999 pieces of 998 `=` around one `-` passed the old 1,000-marks-in-a-row guard and took
    # spaCy's tokenizer 161 s.
    text = " ".join("=" * k + "-" + "=" * (998 - k) for k in range(999))
    start = time.perf_counter()
    with pytest.raises(InputError, match=r"^p\.txt: not prose"):
        decode_bytes(text.encode(), "p.txt")
    assert time.perf_counter() - start < 1.0
    from typer.testing import CliRunner

    from argmine.cli import app

    (tmp_path / "p.txt").write_text(text)
    start = time.perf_counter()
    result = CliRunner().invoke(app, ["map", str(tmp_path / "p.txt"), "--model", "rules", "-f", "json"])
    assert time.perf_counter() - start < 10.0
    assert result.exit_code == 1 and "not prose" in result.output and result.output.count("\n") == 1


@pytest.mark.parametrize(
    "piece",
    [
        pytest.param(lambda k: "(" * 100 + "a" * (k + 1), id="parens-before-a-word"),
        pytest.param(lambda k: "=" * 100 + "-" * (k % 7) + "=" * (k // 7), id="equals"),
        pytest.param(lambda k: "a" * (200 + k) + "'s" * 40, id="possessives"),
        pytest.param(lambda k: "$" * 60 + "1" * (300 + k), id="currency"),
        pytest.param(lambda k: "x:@" * (300 + k), id="colons"),
    ],
)
def test_any_text_the_guard_lets_through_maps_in_bounded_time(piece, miner):
    from argmine.read.decode import TOKENIZER_WORK_ALLOWANCE, TOKENIZER_WORK_PER_CHAR, _tokenizer_work

    prose = (ESSAY + "\n\n") * 40
    pieces = []
    text = prose
    budget = lambda t: TOKENIZER_WORK_PER_CHAR * len(t) + TOKENIZER_WORK_ALLOWANCE  # noqa: E731
    while _tokenizer_work(text)[0] <= budget(text):  # as much as the guard allows, and one piece more
        pieces.append(piece(len(pieces)))
        text = prose + " ".join(pieces)
    with pytest.raises(InputError, match="not prose"):
        decode_bytes(text.encode(), "x")
    text = prose + " ".join(pieces[:-1])
    decode_bytes(text.encode(), "x")
    start = time.perf_counter()
    miner.map(text)
    assert time.perf_counter() - start < 4.0


@pytest.mark.parametrize(
    "text",
    [
        pytest.param((ESSAY + "\n\n") * 2000, id="a-long-op-ed"),
        pytest.param("\n".join(f"See https://example.org/news/2026/{i}/a-long-title?ref=feed&id={i}." for i in range(3000)),
                     id="links"),
        pytest.param("\n".join(f"| **row {i}** | `x_{i}` | [more](http://x.org/{i}) |" for i in range(3000)), id="markdown"),
        pytest.param("\n\n".join(["=" * 80, "A line of prose between rules.", "-" * 80] * 500), id="ruled"),
    ],
)
def test_prose_links_markdown_and_rules_are_not_refused(text):
    assert decode_bytes(text.encode(), "x").text == text
