"""Hostile text: `map` and every registered exporter over arbitrary text never crash, never let text escape
its quoting (no markup, script or syntax injected), and keep offsets true; the CLI turns any bytes into a map or
one error line; pathological shapes map in bounded time.

Escaping is checked against a "defanged" twin of each map: the same units and relations over a text of the
same length in which every character but ASCII letters, digits, spaces and newlines is an `x`. Whatever user
text does, the output's structure (elements, attributes, scripts, the syntax outside quoted strings) must be
the twin's.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import argmine.nlp
from argmine.argmap import ArgumentMap, MapError, Relation
from argmine.cli import app
from argmine.cli.terminal import one_line, printable
from argmine.export import FORMATS
from argmine.export.dot import graphviz_available
from argmine.export.json import from_json, to_json
from argmine.export.jsonl import from_jsonl
from argmine.graph.decode import thesis_of
from argmine.nlp import load
from argmine.nlp.miner import WINDOW_CHARS, Miner, windows
from argmine.read.decode import InputError, decode_bytes
from argmine.read.layout import ParagraphIndex, paragraph_spans

MINER = load("rules")

HOSTILE = [
    "<script>alert('XSS9')</script>",
    '"><img src=x onerror=alert(9)>',
    "</textarea></style></script>",
    "<![CDATA[",
    "]]>",
    "<!--",
    "-->",
    "&amp;",
    "&#0;",
    "&lt;b&gt;",
    "javascript:alert(1)",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "\u202e",
    "\u200b",
    "\ufeff",
    "\u2028",
    "\x85",
    "\ufffe",
    "\U0010ffff",
    "😀👩‍👩‍👧",
    "{{x}}",
    "${x}",
    "$$x$$",
    "`rm -rf /`",
    "'; DROP TABLE units; --",
    '"',
    "'",
    "\\",
    "\\n",
    "\\\"",
    'node [label="x"];',
    "} digraph {",
    "click n1 call alert()",
    "%%{init: {}}%%",
    "[Thesis]: x",
    "<Argument>:",
    "@[tag]",
    "#tag",
    ".U.",
    ":x:",
    "-->|x|",
    "\r\n",
    "\r",
    "\t",
    "\n\n",
    "ـ",
    "שלום",
]
WORDS = (
    "the county should fund more buses because people need cheap transport critics say but evidence shows "
    "40 percent said therefore however according to"
).split()
_FRAGMENT = st.one_of(st.sampled_from(WORDS), st.sampled_from(HOSTILE), st.text(max_size=6))
_SENTENCE = st.lists(_FRAGMENT, min_size=1, max_size=14).map(lambda parts: " ".join(parts) + ".")
_ESSAY = st.lists(st.tuples(_SENTENCE, st.sampled_from([" ", " ", "\n", "\n\n"])), min_size=1, max_size=8).map(
    lambda pairs: "".join(s + sep for s, sep in pairs)
)
TEXTS = st.one_of(st.text(max_size=300), _ESSAY)
SOURCES = st.one_of(st.just(""), st.sampled_from(HOSTILE), st.text(max_size=20))

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def defang(text: str) -> str:
    """`text` with every character but ASCII letters, digits, spaces and newlines replaced by `x`."""
    return "".join(c if (c.isascii() and c.isalnum()) or c in " \n" else "x" for c in text)


def twin(amap: ArgumentMap) -> ArgumentMap:
    """The defanged twin of `amap`: text, source and unit ids defanged; units, offsets and relations kept."""
    ids: dict[str, str] = {}
    for unit in amap.units:
        new = defang(unit.id)
        while new in ids.values():
            new += "x"
        ids[unit.id] = new
    return relabel(ArgumentMap(defang(amap.text), amap.units, amap.relations, source=defang(amap.source),
                               model=amap.model), ids)


def relabel(amap: ArgumentMap, ids: dict[str, str]) -> ArgumentMap:
    """`amap` with its unit ids renamed by `ids`."""
    units = [dataclasses.replace(u, id=ids[u.id]) for u in amap.units]
    relations = [Relation(ids[r.source], ids[r.target], r.relation, r.score) for r in amap.relations]
    return amap.with_units(units, relations)


def mapped(text: str, source: str) -> ArgumentMap:
    amap = MINER.map(text, source=source)
    assert amap.text == text
    for unit in amap.units:
        assert 0 <= unit.start < unit.end <= len(text)
        assert amap.unit_text(unit) == text[unit.start : unit.end]
    for left, right in zip(amap.units, amap.units[1:]):
        assert left.end <= right.start
    return amap


def as_text(data: str | bytes) -> str:
    return data.decode("utf-8") if isinstance(data, bytes) else data


# ---- per-format checks -----------------------------------------------------------------------------------

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def check_json(amap: ArgumentMap, data: str | bytes) -> None:
    json.loads(data)
    assert FORMATS["json"].loads(data) == amap


def check_jsonl(amap: ArgumentMap, data: str | bytes) -> None:
    assert isinstance(data, str) and data.endswith("\n")
    assert data.count("\n") == 1  # one record, whatever line breaks (U+2028, NEL, CR) the text holds
    assert json.loads(data) == json.loads(FORMATS["json"].dumps(amap))  # the json format, on one line
    assert from_jsonl(data) == amap


def check_aif(amap: ArgumentMap, data: str | bytes) -> None:
    doc = json.loads(data)
    assert isinstance(doc["nodes"], list) and isinstance(doc["edges"], list)
    assert FORMATS["aif"].loads(data) == amap


def check_graphml(amap: ArgumentMap, data: str | bytes) -> None:
    ET.fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    back = FORMATS["graphml"].loads(data)
    # XML 1.0 cannot carry C0 controls: each becomes U+FFFD, one for one, so offsets still hold.
    safe = _XML_ILLEGAL.sub("\ufffd", amap.text)
    assert back.text == safe
    assert back.units == amap.units and back.relations == amap.relations
    assert back.source == _XML_ILLEGAL.sub("\ufffd", amap.source)


class _Structure(HTMLParser):
    """Elements, attribute names and script/style bodies of an HTML document (CPython's parser; our outputs
    are small and well-formed, so its worst cases do not arise)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.attrs: set[tuple[str, str]] = set()
        self.handlers: list[tuple[str, str]] = []
        self.raw: list[str] = []
        self.csp: list[str] = []
        self._in_raw = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        for name, value in attrs:
            self.attrs.add((tag, name))
            if name.startswith("on"):
                self.handlers.append((tag, name))
            if tag == "meta" and name == "http-equiv" and (value or "").lower() == "content-security-policy":
                self.csp.append(dict(attrs).get("content", ""))
        self._in_raw = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_raw = False

    def handle_data(self, data):
        if self._in_raw:
            self.raw.append(data)


def _structure(data: str) -> _Structure:
    parser = _Structure()
    parser.feed(data)
    parser.close()
    return parser


def check_html(amap: ArgumentMap, data: str | bytes) -> None:
    page, reference = _structure(as_text(data)), _structure(as_text(FORMATS["html"].dumps(twin(amap))))
    assert page.csp and "default-src 'none'" in page.csp[0] and "script-src" in page.csp[0]
    assert page.handlers == []
    assert page.raw == reference.raw  # user text never reaches a script or a stylesheet
    for tag in ("script", "style", "meta", "link", "iframe", "img", "object", "embed", "base", "form", "a"):
        assert page.tags[tag] == reference.tags[tag], tag
    assert page.attrs <= reference.attrs
    assert "XSS9" not in "".join(page.raw)


def check_svg(amap: ArgumentMap, data: str | bytes) -> None:
    root = ET.fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    for element in root.iter():
        tag = element.tag.rsplit("}", 1)[-1]
        assert tag not in ("script", "foreignObject", "iframe", "image"), tag
        assert not [name for name in element.attrib if name.rsplit("}", 1)[-1].startswith("on")]


def check_png(amap: ArgumentMap, data: str | bytes) -> None:
    assert isinstance(data, bytes) and data.startswith(b"\x89PNG\r\n\x1a\n")


_DOT_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)


def check_dot(amap: ArgumentMap, data: str | bytes) -> None:
    skeleton = _DOT_STRING.sub('""', as_text(data))
    assert skeleton == _DOT_STRING.sub('""', as_text(FORMATS["dot"].dumps(twin(amap))))


_MERMAID_STRING = re.compile(r'"[^"\n]*"')


def check_mermaid(amap: ArgumentMap, data: str | bytes) -> None:
    text = as_text(data)
    reference = as_text(FORMATS["mermaid"].dumps(twin(amap)))
    assert _MERMAID_STRING.sub('""', text) == _MERMAID_STRING.sub('""', reference)
    for label in _MERMAID_STRING.findall(text):
        inner = label[1:-1].replace("<br>", "")
        assert not set(inner) & set('"<>[]{}()|`'), label


_ARGDOWN_SYNTAX = set("\\@#*_[]<>/{}=")
_ARGDOWN_LINE = re.compile(
    r"^(?P<head>\s*(?:[+-] )?)\[(?P<title>[^\]\n]*)\](?::(?P<body> .*?))?(?P<tags>(?: #[\w-]+)*)$"
)


def check_argdown(amap: ArgumentMap, data: str | bytes) -> None:
    lines = as_text(data).split("\n")
    reference = as_text(FORMATS["argdown"].dumps(twin(amap))).split("\n")
    assert len(lines) == len(reference)
    for line, ref in zip(lines, reference):
        if line.startswith("//") or not line:
            assert line == ref
            continue
        m, r = _ARGDOWN_LINE.match(line), _ARGDOWN_LINE.match(ref)
        assert m and r, line
        assert (m["head"], m["tags"]) == (r["head"], r["tags"]), line
        assert re.fullmatch(r"[\w -]+", m["title"]), line  # titles (from unit ids) are reduced to safe characters
        body = m["body"] or ""
        i = 0
        while i < len(body):  # every syntax character is backslash-escaped
            if body[i] == "\\":
                i += 2
                continue
            assert body[i] not in _ARGDOWN_SYNTAX, (body, i)
            i += 1


def check_sqlite(amap: ArgumentMap, data: str | bytes) -> None:
    import sqlite3
    import tempfile

    from argmine.export.sqlite import read_sqlite

    def schema(path: Path) -> list[tuple]:
        conn = sqlite3.connect(path)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            conn.execute("INSERT INTO units_fts(units_fts) VALUES ('integrity-check')")  # the index matches
            return conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY name").fetchall()
        finally:
            conn.close()

    assert isinstance(data, bytes)
    with tempfile.TemporaryDirectory() as tmp:
        path, reference = Path(tmp) / "map.db", Path(tmp) / "twin.db"
        path.write_bytes(data)
        reference.write_bytes(FORMATS["sqlite"].dumps(twin(amap)))
        assert read_sqlite(path) == [amap]  # every string stored as it was, NUL and all
        assert schema(path) == schema(reference)  # text never becomes SQL


CHECKS = {
    "json": check_json,
    "jsonl": check_jsonl,
    "aif": check_aif,
    "graphml": check_graphml,
    "html": check_html,
    "svg": check_svg,
    "png": check_png,
    "dot": check_dot,
    "mermaid": check_mermaid,
    "argdown": check_argdown,
    "sqlite": check_sqlite,
}
_NEEDS_GRAPHVIZ = pytest.mark.skipif(not graphviz_available(), reason="Graphviz `dot` is not installed")


_GRAPHVIZ_FORMATS = ("svg", "png")
# Every format but the drawings. The quick run (`-m "not slow"`) keeps JSON, the format every other one is
# checked against; each other format's generated examples take about half a second, so they are slow.
_DRAWLESS_FORMATS = [
    n if n == "json" else pytest.param(n, marks=pytest.mark.slow) for n in sorted(FORMATS) if n not in _GRAPHVIZ_FORMATS
]


def test_every_registered_format_has_a_hostile_text_check():
    # A new exporter must come with its own check here, not slip through a generic one.
    assert sorted(FORMATS) == sorted(CHECKS)


def _export_and_check(name: str, amap: ArgumentMap) -> None:
    data = FORMATS[name].dumps(amap)
    assert isinstance(data, (str, bytes))
    if isinstance(data, str):
        data.encode("utf-8")  # no lone surrogates: the output can always be written
    CHECKS[name](amap, data)


@pytest.mark.parametrize("name", _DRAWLESS_FORMATS)
@SETTINGS
@given(text=TEXTS, source=SOURCES)
def test_map_and_export_hostile_text(name, text, source):
    _export_and_check(name, mapped(text, source))


# Graphviz runs once per example: fewer examples, same checks.
@_NEEDS_GRAPHVIZ
@pytest.mark.slow  # Graphviz runs for every generated example
@pytest.mark.parametrize("name", _GRAPHVIZ_FORMATS)
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS, source=SOURCES)
def test_map_and_draw_hostile_text(name, text, source):
    _export_and_check(name, mapped(text, source))


_ID_TEXT = "\n\n".join(
    f"The county should fund buses {h} because people need cheap transport {h} today." for h in HOSTILE[:12]
)
_ID_PARTS = st.one_of(
    st.sampled_from(HOSTILE), st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=8)
)


@pytest.mark.parametrize("name", _DRAWLESS_FORMATS)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(parts=st.lists(_ID_PARTS, min_size=1, max_size=30))
def test_export_hostile_unit_ids(name, parts):
    # Maps read from JSON or AIF (`argmine convert`) carry whatever ids their author chose.
    amap = mapped(_ID_TEXT, "ids")
    amap = relabel(amap, {u.id: f"{i}-{parts[i % len(parts)]}" for i, u in enumerate(amap.units)})
    if name == "graphml" and any(_XML_ILLEGAL.search(u.id) for u in amap.units):
        with pytest.raises(MapError, match="XML cannot carry"):  # refused clearly, not written broken
            FORMATS[name].dumps(amap)
        return
    _export_and_check(name, amap)


@pytest.mark.parametrize(
    "name", [pytest.param(n, marks=[_NEEDS_GRAPHVIZ] if n in _GRAPHVIZ_FORMATS else []) for n in sorted(FORMATS)]
)
def test_exports_of_a_map_made_of_injection_attempts(name):
    # One deterministic example with every hostile fragment inside units and the source.
    text = "\n\n".join(
        f"The county should fund buses {h} because people need cheap transport {h} today." for h in HOSTILE
    )
    amap = mapped(text, source="<script>alert('XSS9')</script>\"'\x00")
    assert len(amap) >= len(HOSTILE) and amap.relations
    assert any("<script>" in amap.unit_text(u) for u in amap.units)
    _export_and_check(name, amap)


# ---- the CLI over arbitrary bytes ------------------------------------------------------------------------


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.one_of(
        st.binary(max_size=400),
        TEXTS.map(lambda t: t.encode("utf-8")),
        TEXTS.map(lambda t: t.encode("utf-16")),
        st.sampled_from(HOSTILE).map(lambda h: f"<html><body><p>{h} people need buses.</p></body></html>".encode()),
    )
)
def test_cli_turns_any_bytes_into_a_map_or_one_error_line(data):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(argmine.nlp, "load", lambda model=None, max_chars=None: MINER)  # the pipeline, built once
        result = CliRunner().invoke(app, ["map", "-", "-f", "json", "-m", "rules"], input=data)
    assert "Traceback" not in result.stderr
    try:
        expected = decode_bytes(data, "<stdin>")
    except InputError as err:
        assert result.exit_code == 1, (result.exit_code, result.stderr, result.exception)
        assert result.stdout == ""
        assert result.stderr == f"argmine: {one_line(err)}\n"
        return
    assert result.exit_code == 0, (result.stderr, result.exception)
    amap = from_json(result.stdout)
    assert amap.text == expected.text and amap.source == "<stdin>"
    assert result.stderr == "".join(f"argmine: warning: {one_line(w)}\n" for w in expected.warnings)


# ---- nothing from the input acts on the terminal -----------------------------------------------------------

# What a terminal acts on instead of showing: ESC (OSC retitle, CSI clear screen), BEL, CR, backspace, C1 CSI,
# bidi embeddings/overrides/isolates/marks, zero-width characters, line and paragraph separators, a lone
# surrogate (which a UTF-8 terminal cannot even encode).
ESCAPES = "\x1b]0;PWNED\x1b\\\x1b[2J\x07\r\x08\x9b31m\u202e\u2066\u2069\u200f\u200b\ufeff\u2028\u2029"
_ACTIVE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff\u2028\u2029\ud800-\udfff]"
)


def inert(out: str) -> None:
    """No character of `out` acts on a terminal (newlines between lines aside)."""
    found = _ACTIVE.findall(out.replace("\n", ""))
    assert not found, f"terminal controls reached the terminal: {found!r} in {out!r}"


def test_printable_escapes_what_acts_on_a_terminal_and_keeps_the_rest():
    assert printable("Schools – “AI” café 100\u00a0% 日本 👍") == "Schools – “AI” café 100\u00a0% 日本 👍"
    assert printable("a\x1b[2Jb\x07c\x9bd") == "a\\x1b[2Jb\\x07c\\x9bd"
    assert printable("evil\u202etxt.exe\u2066x\u2069\u200b\U000e0041") == (
        "evil\\u202etxt.exe\\u2066x\\u2069\\u200b\\U000e0041"
    )
    assert printable("\ud800") == "\\ud800"
    inert(printable(ESCAPES))
    assert one_line("two\nlines\u2028three") == "two lines three"


def test_map_error_lines_escape_a_hostile_file_name(tmp_path):
    name = tmp_path / "\x1b]0;X\x07x\u202eTXT.exe"  # $'\\e]0;X\\a'x...: a real name on this file system
    result = CliRunner().invoke(app, ["map", str(name), "-m", "rules"])  # no such file
    assert result.exit_code == 1
    inert(result.stderr)
    assert "\\x1b]0;X\\x07x\\u202eTXT.exe: no such file" in result.stderr
    name.write_bytes(b"%PDF-1.7\n" + bytes(300))
    result = CliRunner().invoke(app, ["map", str(name), "-m", "rules"])  # not a text file
    assert result.exit_code == 1 and "not a text file" in result.stderr
    inert(result.stderr)
    source = tmp_path / "\x1b[2J\u202emap.json"
    source.write_text(to_json(MINER.map("Schools should teach AI. Because bans fail.")), encoding="utf-8")
    result = CliRunner().invoke(app, ["convert", str(source), str(tmp_path / "\x1b]0;Y\x07.graphml")])
    assert result.exit_code == 0, (result.stderr, result.exception)
    inert(result.stderr)
    assert "\\x1b[2J\\u202emap.json -> " in result.stderr and (tmp_path / "\x1b]0;Y\x07.graphml").is_file()


def test_the_terminal_tree_escapes_hostile_unit_texts(tmp_path):
    essay = tmp_path / "essay.txt"
    essay.write_text(
        f"Schools should teach AI {ESCAPES} now. Because bans fail \u202ein every school\u202c we studied. "
        "Critics say\u200b phones distract, but rules work.\n\n"
        + "Teachers report that pupils who learn how these tools work use them more carefully. " * 12 + "\n",
        encoding="utf-8",  # long enough that the few controls do not make it binary for the decoder
    )
    result = CliRunner().invoke(app, ["map", str(essay), "-m", "rules"])
    assert result.exit_code == 0, (result.stderr, result.exception)
    inert(result.stdout)
    inert(result.stderr)
    assert "\\x1b]0;PWNED" in result.stdout and "\\u202ein every school" in result.stdout
    # Files keep the data as it is: the JSON map holds the very characters.
    result = CliRunner().invoke(app, ["map", str(essay), "-m", "rules", "-f", "json"])
    assert from_json(result.stdout).text == essay.read_bytes().decode("utf-8")


def test_batch_failure_lines_and_summary_escape_hostile_ids_and_names(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    hostile_id = "\u001b]0;PWNED\u001b\\\u001b[2J\u202e"
    (folder / "feed.jsonl").write_text(json.dumps({"id": hostile_id, "text": "   "}) + "\n", encoding="utf-8")
    (folder / "\x1b]0;X\x07x.txt").write_bytes(b"%PDF-1.7\n" + bytes(300))
    (folder / "fine.txt").write_text("Schools should teach AI. Because bans fail.\n", encoding="utf-8")
    out = tmp_path / "out\x1b[2J"
    result = CliRunner().invoke(app, ["batch", str(folder), "-o", str(out), "-m", "rules", "--workers", "1"])
    assert result.exit_code == 1, (result.stderr, result.exception)
    inert(result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 3, lines  # two failures and the summary
    assert any("\\x1b]0;PWNED\\x1b\\\\x1b[2J\\u202e" in line for line in lines)
    assert any("\\x1b]0;X\\x07x.txt" in line and "not a text file" in line for line in lines)
    assert "3 documents: 1 mapped, 0 skipped, 2 failed" in lines[-1] and "out\\x1b[2J" in lines[-1]
    # The report, a file, keeps the id as it is.
    report = json.loads((out / "argmine-report.json").read_text(encoding="utf-8"))
    assert any(hostile_id in doc.values() for doc in report["documents"]), report["documents"]


# ---- bounded time ----------------------------------------------------------------------------------------

# Generous: the point is "seconds, not minutes" on a shared 2-core machine, not a benchmark.
TIME_LIMIT = 8.0
_FLOW = "the council should fund more buses because people need cheap transport and cities grow".split()


def _timed_map(text: str) -> tuple[ArgumentMap, float]:
    start = time.perf_counter()
    amap = mapped(text, "")
    return amap, time.perf_counter() - start


@pytest.mark.slow
def test_5000_words_without_punctuation_map_in_bounded_time():
    text = " ".join(_FLOW[i % len(_FLOW)] for i in range(5000))
    amap, seconds = _timed_map(text)
    assert len(amap) > 0
    assert seconds < TIME_LIMIT, f"5,000 words without punctuation took {seconds:.1f} s"


@pytest.mark.slow
def test_one_5000_word_sentence_maps_in_bounded_time():
    text = "The " + " ".join(_FLOW[i % len(_FLOW)] for i in range(4999)) + "."
    amap, seconds = _timed_map(text)
    assert len(amap) > 0
    assert seconds < TIME_LIMIT, f"one 5,000-word sentence took {seconds:.1f} s"


def test_a_long_punctuation_run_is_refused_not_tokenised_for_minutes():
    # spaCy's tokenizer is quadratic on such runs (8,000 `!?` take ~15 s); the reader refuses them up front.
    start = time.perf_counter()
    with pytest.raises(InputError, match="not prose"):
        decode_bytes(("Buses matter. " + "!?" * 25_000).encode(), "rant.txt")
    assert time.perf_counter() - start < 1.0


# ---- bounded memory: long texts are mapped in windows ----------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "argmine-en"
shipped = pytest.mark.skipif(not (SHIPPED / "config.cfg").is_file(), reason="models/argmine-en is not built")
CORPUS_TEXTS = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "corpus").glob("*.txt"))]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("ab .!\n\t"), max_size=400), size=st.integers(2, 80))
def test_windows_cover_the_text_in_order_within_their_size(text, size):
    spans = windows(text, size)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(end == start for (_, end), (start, _) in zip(spans, spans[1:]))
    assert all(0 < end - start <= size for start, end in spans) or text == ""
    assert len(spans) <= 2 * len(text) / size + 1  # every window but the last is over half full


def test_windows_end_at_paragraph_breaks_when_there_are_any():
    text = "\n\n".join(CORPUS_TEXTS)
    starts = {start for start, _ in paragraph_spans(text)}
    spans = windows(text, 2_000)
    assert len(spans) > 5
    for start, _ in spans[1:]:
        assert start in starts and text[start - 2 : start] == "\n\n"
    assert windows(text, None) == [(0, len(text))] == windows(text, len(text), sentences=len(text))


def test_windows_hold_at_most_a_few_hundred_lines_whatever_their_length():
    from argmine.nlp.miner import WINDOW_SENTENCES

    text = "\n\n".join(f"Point {i}." for i in range(3_000))  # 31,000 characters: within one window's characters
    spans = windows(text)
    assert len(spans) >= 3_000 // WINDOW_SENTENCES
    assert spans[0][0] == 0 and spans[-1][1] == len(text) and all(a[1] == b[0] for a, b in zip(spans, spans[1:]))
    assert max(text[a:b].count("\n\n") for a, b in spans) <= WINDOW_SENTENCES
    assert windows(CORPUS_TEXTS[0]) == [(0, len(CORPUS_TEXTS[0]))]  # an op-ed is one window


def _well_formed_over(amap: ArgumentMap, text: str) -> None:
    assert amap.text == text
    units = amap.units
    assert [u.id for u in units] == [f"u{i + 1}" for i in range(len(units))]  # reading order, as ever
    paragraph = ParagraphIndex(text)
    for unit in units:
        assert amap.unit_text(unit) == text[unit.start : unit.end] and unit.start < unit.end
        assert unit.paragraph == paragraph(unit.start)
    for left, right in zip(units, units[1:]):
        assert left.end <= right.start
    assert sum(1 for u in units if u.kind == "major_claim") >= 1
    assert nx.is_directed_acyclic_graph(amap.graph)
    assert all(amap.graph.out_degree(u.id) <= 2 for u in units)
    assert from_json(to_json(amap)) == amap


@pytest.mark.parametrize("model", ["rules", pytest.param(None, marks=[shipped, pytest.mark.slow])])
def test_a_text_forced_through_small_windows_is_one_well_formed_map(model):
    text = "\n\n".join(CORPUS_TEXTS[:4])
    size = 3_000
    miner = load(model)
    whole = Miner(miner.nlp, miner.name, window=None)
    windowed = Miner(miner.nlp, miner.name, window=size)
    amap = windowed.map(text, "long.txt")
    _well_formed_over(amap, text)
    assert amap.source == "long.txt" and amap.model == miner.name
    # The units are those of each window mapped on its own, shifted into the whole text...
    expected = []
    for start, end in windows(text, size):
        part = whole.map(text[start:end])
        expected += [(u.start + start, u.end + start, u.kind, u.evidence_type, u.score) for u in part.units]
    assert [(u.start, u.end, u.kind, u.evidence_type, u.score) for u in amap.units] == expected
    # ... and the relations one decoded map: one thesis, which the other windows' theses restate.
    thesis = thesis_of(amap.units)
    assert thesis.start < size
    window_of = {u.id: next(i for i, (a, b) in enumerate(windows(text, size)) if a <= u.start < b) for u in amap.units}
    for rel in amap.relations:
        assert window_of[rel.source] == window_of[rel.target] or rel.target == thesis.id
    # Stances are relative to the thesis for every unit that reaches it (a window without a thesis of its own
    # may leave a few units unattached, which keep the stance they had: see propagate_stance).
    import networkx as nx

    below = nx.ancestors(amap.graph, thesis.id)
    assert below and amap.unit(thesis.id).stance == "" and {amap.unit(u).stance for u in below} <= {"for", "against"}


@pytest.mark.parametrize("model", ["rules", pytest.param(None, marks=[shipped, pytest.mark.slow])])
def test_texts_shorter_than_a_window_map_exactly_as_in_one_unbounded_batch(model):
    """Batches are now cut at `WINDOW_CHARS` characters as well as `batch_size` texts; the corpus (108,000
    characters in 32 op-eds) used to go through `nlp.pipe` in batches of 16 and now goes in batches of at most
    `WINDOW_CHARS` characters: the same bytes."""
    assert sum(map(len, CORPUS_TEXTS)) > WINDOW_CHARS > max(map(len, CORPUS_TEXTS))
    miner = load(model)
    unbounded = Miner(miner.nlp, miner.name, window=None)  # the old behaviour: nlp.pipe, batch_size=16
    before = [to_json(m) for m in unbounded.map_many(CORPUS_TEXTS, [f"t{i}" for i in range(len(CORPUS_TEXTS))])]
    after = [to_json(m) for m in miner.map_many(CORPUS_TEXTS, [f"t{i}" for i in range(len(CORPUS_TEXTS))])]
    assert after == before
    assert to_json(miner.map(CORPUS_TEXTS[0], "t0")) == before[0]


@pytest.mark.slow
def test_no_pipeline_batch_holds_more_than_a_window(monkeypatch):
    miner = load("rules")
    text = "\n\n".join(CORPUS_TEXTS * 5)  # 540,000 characters
    batches = []
    pipe = miner.nlp.pipe

    def recording(texts, **kwargs):
        texts = list(texts)
        batches.append([len(t) for t in texts])
        return pipe(texts, **kwargs)

    monkeypatch.setattr(miner.nlp, "pipe", recording)
    maps = list(miner.map_many([text, CORPUS_TEXTS[0], text]))
    assert all(sum(b) <= WINDOW_CHARS for b in batches) and len(batches) >= 2 * len(text) // WINDOW_CHARS
    _well_formed_over(maps[0], text)
    assert to_json(maps[0]) == to_json(maps[2])
    assert to_json(maps[1]) == to_json(Miner(miner.nlp, miner.name, window=None).map(CORPUS_TEXTS[0]))


def _peak_rss_mib(code: str) -> float:
    """Peak resident memory of a fresh Python process running `code`, in MiB (Linux: KiB in ru_maxrss)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    assert proc.returncode == 0
    return usage.ru_maxrss / 1024


@pytest.mark.slow
@shipped
def test_many_tiny_paragraphs_stay_within_the_memory_bound():
    """300,000 characters of one-line paragraphs (120,000 tokens) peaked at 1.3 GB as one Doc; in windows
    the whole 1,000,000 characters stay under 600 MB (benchmarks/memory.py); this is the quick check."""
    code = (
        "from argmine.nlp import load\n"
        "text = '\\n\\n'.join(f'Point {i % 10}.' for i in range(30_000))\n"
        "amap = load(None).map(text)\n"
        "assert amap.text == text\n"
    )
    assert _peak_rss_mib(code) < 600
