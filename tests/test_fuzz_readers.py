"""Property-based fuzzing of every reader (issue 14): whatever bytes they are given, the map readers
(`export.read` for JSON, GraphML and AIF; JSON Lines) and the decoder answer with one of argmine's own errors
or with a well-formed result, in bounded time (hypothesis' `deadline`).

The inputs are valid documents mutated at random (a value swapped for NaN, a huge number, a list, a string; a
key dropped; an edge added; the bytes cut or spliced), plus plain random bytes.
"""

from __future__ import annotations

import atexit
import json
import math
import shutil
import tempfile
import time
from pathlib import Path

import networkx as nx
import pytest
import spacy
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from argmine.argmap import EVIDENCE_TYPES, KINDS, RELATIONS, STANCES, ArgumentMap, MapError, Relation, Unit
from argmine.export.jsonl import from_jsonl, read_jsonl, to_jsonl
from argmine.export import aif, graphml, html, read
from argmine.export import json as json_format
from argmine.read.decode import InputError, decode_bytes, read_input

# Bounded time: a reader linear in its input takes milliseconds here; a quadratic one or a hang does not.
FUZZ = settings(
    max_examples=60,
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large],
)
WORK = Path(tempfile.mkdtemp(prefix="argmine-fuzz-"))
atexit.register(shutil.rmtree, WORK, ignore_errors=True)

TEXT = (
    "Cities should fund buses.\n\nBecause people need cheap transport, buses matter.\r\n"
    "Critics say buses are slow; new lanes would make them fast. “Lanes work,” a driver said.\n"
)


def valid_map(n_units: int) -> ArgumentMap:
    words = [(i, i + len(w)) for i, w in _words(TEXT)][: max(1, n_units)]
    units = [Unit(f"u{i}", a, b, KINDS[i % len(KINDS)], paragraph=i, score=0.5) for i, (a, b) in enumerate(words)]
    rels = [Relation(f"u{i}", f"u{i - 1}", RELATIONS[i % 2], 0.25) for i in range(1, len(units))]
    return ArgumentMap(TEXT, units, rels, source="fuzz.txt", model="rules")


def _words(text: str):
    pos = 0
    for word in text.split():
        pos = text.index(word, pos)
        yield pos, word
        pos += len(word)


# --- mutations --------------------------------------------------------------------------------------------

hostile_values = st.one_of(
    st.sampled_from(
        [float("nan"), float("inf"), -float("inf"), 1e308, -1, 0, 1, 2**64, 10**400, True, False, None, 0.5, 3.0,
         1.5, "", "u0", "claim", "support", "\ud800", "x" * 300, [], {}, [1, "a"], {"a": 1}, -0.0]
    ),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=3),
    st.recursive(st.none() | st.booleans() | st.integers(), lambda c: st.lists(c, max_size=2), max_leaves=6),
)


@st.composite
def mutated(draw, doc):
    """`doc` (plain JSON data) with a few random changes at random places."""
    doc = json.loads(json.dumps(doc))
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2, 3]))):
        paths = list(_paths(doc))
        path = draw(st.sampled_from(paths))
        parent, key = _resolve(doc, path)
        if parent is None:
            return draw(hostile_values)
        action = draw(st.sampled_from(["set", "set", "set", "delete", "duplicate"]))
        if action == "set":
            parent[key] = draw(hostile_values)
        elif action == "delete":
            if isinstance(parent, dict):
                del parent[key]
            else:
                parent.pop(key)
        elif isinstance(parent, list):
            parent.insert(key, json.loads(json.dumps(parent[key])))
        else:
            parent[key] = [parent[key], parent[key]]
    return doc


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


def _resolve(doc, path):
    if not path:
        return None, None
    target = doc
    for key in path[:-1]:
        target = target[key]
    return target, path[-1]


@st.composite
def spliced(draw, data: bytes):
    """`data` cut short, or with a few random bytes written over or into it."""
    action = draw(st.sampled_from(["keep", "keep", "keep", "cut", "overwrite", "insert"]))
    if action == "keep" or not data:
        return data
    at = draw(st.integers(0, len(data) - 1))
    if action == "cut":
        return data[:at]
    junk = draw(st.binary(min_size=1, max_size=8))
    return data[:at] + junk + data[at + len(junk) * (action == "overwrite") :]


def _dumps(doc) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8", "surrogatepass")  # NaN, Infinity, lone surrogates


@st.composite
def json_documents(draw):
    doc = json.loads(json_format.to_json(valid_map(draw(st.integers(0, 6)))))
    return draw(spliced(_dumps(draw(mutated(doc)))))


@st.composite
def aif_documents(draw):
    doc = aif.to_aif_dict(valid_map(draw(st.integers(0, 6))))
    if draw(st.booleans()):  # AIF written elsewhere: no argmine data
        doc.pop("argmine")
        for node in doc["nodes"]:
            node.pop("argmine", None)  # L- and YA-nodes carry none
    return draw(spliced(_dumps(draw(mutated(doc)))))


GRAPHML_SWAPS = [
    ('edgedefault="directed"', 'edgedefault="undirected"'),
    ('edgedefault="directed"', ""),
    ('attr.type="long"', 'attr.type="string"'),
    ('attr.type="long"', 'attr.type="double"'),
    ('attr.type="long"', 'attr.type="boolean"'),
    ('attr.type="double"', 'attr.type="string"'),
    ('attr.type="string"', 'attr.type="int"'),
    (">0.5<", ">NaN<"),
    (">0.25<", ">INF<"),
    (">0.5<", ">-1<"),
    (">claim<", ">thesis<"),
    (">support<", ">undercut<"),
    ("</graph>", '<edge source="u1" target="u0"><data key="d11">attack</data></edge></graph>'),
    ("</graph>", '<edge source="u0" target="u1"><data key="d11">support</data></edge></graph>'),
    ("</graph>", '<node id="u0" /></graph>'),
    ("</graph>", '<hyperedge><endpoint node="u0"/></hyperedge></graph>'),
    ('<node id="u1">', '<node id="u1"><port name="p"/>'),
    ("Cities should", "Towns could"),
    ('<data key="d2">', '<data key="d2">!'),
]


@st.composite
def graphml_documents(draw):
    doc = graphml.to_graphml(valid_map(draw(st.integers(0, 6))))
    for old, new in draw(st.lists(st.sampled_from(GRAPHML_SWAPS), max_size=3)):
        doc = doc.replace(old, new, draw(st.sampled_from([1, -1])))
    if draw(st.booleans()):
        number = draw(st.sampled_from(["1.5", "1e999", "-3", "99999999999999999999999", "true", "x", ""]))
        at = doc.find(">", doc.find('<data key="d5">') + 1)
        if at > 0:
            doc = doc[: at + 1] + number + doc[doc.find("<", at) :]
    return draw(spliced(doc.encode("utf-8")))


# --- what a reader may answer -----------------------------------------------------------------------------


def assert_well_formed(amap: ArgumentMap) -> None:
    assert isinstance(amap.text, str) and isinstance(amap.source, str) and isinstance(amap.model, str)
    for unit in amap.units:
        assert isinstance(unit.id, str)
        assert type(unit.start) is int and type(unit.end) is int and type(unit.paragraph) is int
        assert 0 <= unit.start < unit.end <= len(amap.text)
        assert amap.unit_text(unit) == amap.text[unit.start : unit.end]
        assert unit.kind in KINDS and unit.evidence_type in EVIDENCE_TYPES and unit.stance in STANCES
        assert isinstance(unit.score, float | int) and math.isfinite(unit.score) and 0 <= unit.score <= 1
    for rel in amap.relations:
        assert rel.relation in RELATIONS and rel.source != rel.target
        assert math.isfinite(rel.score) and 0 <= rel.score <= 1
    assert nx.is_directed_acyclic_graph(amap.graph)
    # What was accepted can be written and read back the same, and rendered.
    assert json_format.from_json(json_format.to_json(amap)) == amap
    assert from_jsonl(to_jsonl(amap)) == amap
    html.to_html(amap)


def read_or_refuse(read_fn, data) -> ArgumentMap | None:
    try:
        amap = read_fn(data)
    except MapError as err:
        message = str(err)
        assert message and "\n" not in message and len(message) < 1000
        event("refused")  # --hypothesis-show-statistics: both outcomes should be common
        return None
    event("read")
    assert_well_formed(amap)
    return amap


def _file(data: bytes, suffix: str) -> Path:
    path = WORK / f"fuzz{suffix}"
    path.write_bytes(data)
    return path


# --- the map readers --------------------------------------------------------------------------------------


@FUZZ
@given(json_documents())
def test_json_reader_answers_a_map_or_a_map_error(data):
    read_or_refuse(json_format.from_json, data)
    read_or_refuse(read, _file(data, ".json"))


@FUZZ
@given(aif_documents())
def test_aif_reader_answers_a_map_or_a_map_error(data):
    read_or_refuse(aif.from_aif, data)
    read_or_refuse(read, _file(data, ".aif"))
    read_or_refuse(read, _file(data, ".json"))  # AIF saved as plain .json is sniffed


@FUZZ
@given(graphml_documents())
def test_graphml_reader_answers_a_map_or_a_map_error(data):
    read_or_refuse(graphml.from_graphml, data)
    read_or_refuse(read, _file(data, ".graphml"))


@FUZZ
@given(st.lists(json_documents(), min_size=1, max_size=3), st.sampled_from([b"\n", b"\r\n", b"\n\n"]))
def test_jsonl_reader_answers_maps_or_a_map_error(records, eol):
    lines = [r.replace(b"\n", b" ") for r in records]
    data = eol.join(lines) + eol
    read_or_refuse(from_jsonl, lines[0])
    path = _file(data, ".jsonl")
    try:
        maps = list(read_jsonl(path))
    except MapError as err:
        assert str(err).startswith(f"{path}:") and "\n" not in str(err)
    else:
        for amap in maps:
            assert_well_formed(amap)


@FUZZ
@given(st.binary(max_size=300), st.sampled_from([".json", ".aif", ".graphml"]))
def test_random_bytes_are_refused_cleanly(data, suffix):
    read_or_refuse(read, _file(data, suffix))


@pytest.mark.parametrize("depth", [10_000, 200_000])
@pytest.mark.parametrize("suffix", [".json", ".aif", ".graphml", ".jsonl"])
def test_deep_nesting_is_refused_cleanly(depth, suffix):
    data = (b"<a>" * depth + b"</a>" * depth) if suffix == ".graphml" else (b"[" * depth + b"]" * depth)
    start = time.perf_counter()
    with pytest.raises(MapError):
        list(read_jsonl(_file(data, suffix))) if suffix == ".jsonl" else read(_file(data, suffix))
    assert time.perf_counter() - start < 3.0


# --- the decoder ------------------------------------------------------------------------------------------

PIECES = st.sampled_from(
    ["Buses matter. ", "Because fares fall, people ride.", "\n", "\r", "\r\n", "\n\n", "\x00", "\x07", "\ufeff",
     "é", "€", "🚌", "“", "”", "<p>", "</p>", "<article>", "&amp;", "=" * 50, "-", "(" * 30, ")" * 30, "!?" * 20,
     "'s" * 10, "a" * 200, "$" * 40, "1" * 100, " ", "\t", "https://example.org/a?b=c.", "x:" * 40, "a:b@", ":"]
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "cp1252"])
_TOKENIZER = spacy.blank("en").tokenizer


@st.composite
def input_bytes(draw):
    if draw(st.integers(0, 4)) == 0:
        return draw(st.binary(max_size=2000))
    text = "".join(draw(st.lists(PIECES, max_size=120)))
    data = text.encode(draw(ENCODINGS), errors="replace")
    return draw(spliced(data))


@FUZZ
@given(input_bytes())
def test_decoder_answers_text_or_an_input_error_and_the_text_tokenises_in_bounded_time(data):
    try:
        decoded = decode_bytes(data, "fuzz.txt", max_chars=50_000)
    except InputError as err:
        assert str(err).startswith("fuzz.txt: ") and "\n" not in str(err)
        return
    text = decoded.text
    assert isinstance(text, str) and "\x00" not in text and len(text) <= 50_000
    assert all("\n" not in w for w in decoded.warnings)
    if decoded.encoding == "utf-8" and not decoded.warnings and not decoded.html:
        assert text.encode("utf-8") == data.removeprefix(b"\xef\xbb\xbf")  # read exactly as it was
    start = time.perf_counter()
    _TOKENIZER(text)
    assert time.perf_counter() - start < 1.5  # what the not-prose guard promises: no quadratic tokenising


@FUZZ
@given(input_bytes())
def test_read_input_agrees_with_decode_bytes(data):
    path = _file(data, ".txt")
    try:
        expected = decode_bytes(data, str(path))
    except InputError as err:
        with pytest.raises(InputError) as got:
            read_input(path)
        assert str(got.value) == str(err)
        return
    got = read_input(path)
    assert (got.text, got.encoding, got.warnings) == (expected.text, expected.encoding, expected.warnings)
