"""Every export format: round trips for the map formats, consumers' parsers for the others, hostile text."""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import subprocess
import time
import tracemalloc
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import CORPUS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from argmine.argmap import EVIDENCE_TYPES, KINDS, ArgumentMap, MapError, Relation, Unit
from argmine.cli import app
from argmine.export import (
    FORMATS,
    UnknownFormat,
    aif,
    argdown,
    dot,
    format_for_path,
    get_format,
    graphml,
    html,
    jsonl,
    map_formats,
    mermaid,
    read,
    write,
)
from argmine.export import json as json_format

HAVE_DOT = shutil.which("dot") is not None
needs_dot = pytest.mark.skipif(
    not HAVE_DOT, reason="Graphviz `dot` is not installed (apt-get install graphviz)"
)
HOSTILE_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- a small op-ed written for these tests ----------------------------------------------------------------

TEXT = """BRIGHTWATER, Ohio — Our library should stay open on Sundays

The county's plan to close the Brightwater library on Sundays would hurt the people who need it most. Sunday is the only day many parents can bring their children.

Last year the branch counted 31,000 Sunday visits, a third of its total. "On Sundays the computers are never free," said Ana Ruiz, who has worked the desk for twelve years.

It is true that Sunday hours cost $84,000 a year. But that is less than the county spends on the parking garage's lighting.

When the branch closed for repairs in May, a retired welder named Joe Pike drove forty minutes to file his pension forms. Keep the doors open on Sundays.

— Maria Okafor is a senior fellow at the Lakeside Institute.
"""


def span(snippet: str) -> tuple[int, int]:
    start = TEXT.index(snippet)
    return start, start + len(snippet)


def sample_map() -> ArgumentMap:
    """A hand-built map over `TEXT` with every kind, evidence type and relation."""
    units = [
        Unit(
            "u1",
            *span(
                "The county's plan to close the Brightwater library on Sundays would hurt the people who need it most"
            ),
            "major_claim",
            paragraph=1,
        ),
        Unit(
            "u2",
            *span("Sunday is the only day many parents can bring their children"),
            "claim",
            stance="for",
            paragraph=1,
        ),
        Unit(
            "u3",
            *span("Last year the branch counted 31,000 Sunday visits, a third of its total"),
            "evidence",
            "statistics",
            paragraph=2,
        ),
        Unit(
            "u4",
            *span(
                '"On Sundays the computers are never free," said Ana Ruiz, who has worked the desk for twelve years'
            ),
            "evidence",
            "testimony",
            paragraph=2,
            score=0.75,
        ),
        Unit("u5", *span("Sunday hours cost $84,000 a year"), "claim", stance="against", paragraph=3),
        Unit(
            "u6",
            *span("that is less than the county spends on the parking garage's lighting"),
            "premise",
            stance="for",
            paragraph=3,
        ),
        Unit(
            "u7",
            *span("a retired welder named Joe Pike drove forty minutes to file his pension forms"),
            "evidence",
            "anecdote",
            paragraph=4,
        ),
        Unit("u8", *span("Keep the doors open on Sundays"), "major_claim", paragraph=4),
    ]
    relations = [
        Relation("u2", "u1", "support", 0.9),
        Relation("u3", "u2", "support"),
        Relation("u4", "u2", "support", 0.625),
        Relation("u5", "u1", "attack"),
        Relation("u6", "u5", "attack"),
        Relation("u7", "u1", "support"),
        Relation("u8", "u1", "support"),
    ]
    return ArgumentMap(TEXT, units, relations, source="corpus/brightwater-library.txt", model="gold")


# --- hostile maps -----------------------------------------------------------------------------------------

HOSTILE = [
    '"',
    "'",
    "<",
    ">",
    "&",
    "&amp;",
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "]]>",
    "-->",
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u202e",
    "\u200f",
    "\u2028",
    "\ufeff",
    "\ufffe",
    "عربى",
    "עברית",
    "🙂",
    "👩‍👩‍👧",
    "\\",
    "\\n",
    "\n",
    "\r\n",
    "\t",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    "#",
    "`",
    "|",
    ";",
    "%%",
    "$$",
    "*",
    "_",
    "//",
    "/*",
    "===",
    "@",
    ":",
    ".",
    "-",
    "+",
    "end",
    "click",
]
_CHARS = st.characters(blacklist_categories=("Cs",))
hostile_text = st.lists(
    st.one_of(st.sampled_from(HOSTILE), st.text(_CHARS, max_size=6)), min_size=1, max_size=30
).map("".join)
# Unit ids: anything printable (characters XML cannot carry, controls and U+FFFE/U+FFFF, are refused in ids by
# GraphML; see test below).
hostile_ids = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufffe\uffff"), min_size=1, max_size=8
)


@st.composite
def hostile_maps(draw) -> ArgumentMap:
    text = draw(hostile_text.filter(lambda t: len(t) >= 2))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), min_size=2, max_size=10)))
    spans = list(zip(cuts[::2], cuts[1::2]))
    ids = draw(st.lists(hostile_ids, min_size=len(spans), max_size=len(spans), unique=True))
    units = []
    for i, ((start, end), uid) in enumerate(zip(spans, ids)):
        kind = "major_claim" if i == 0 else draw(st.sampled_from(KINDS))
        etype = draw(st.sampled_from(EVIDENCE_TYPES)) if kind == "evidence" else ""
        units.append(
            Unit(
                uid,
                start,
                end,
                kind,
                etype,
                draw(st.sampled_from(["for", "against", ""])),
                i,
                draw(st.floats(0, 1, allow_nan=False, width=32)),
            )
        )
    relations = []
    for i in range(1, len(units)):
        if draw(st.booleans()) or i == 1:
            j = draw(st.integers(0, i - 1))
            relations.append(
                Relation(
                    units[i].id,
                    units[j].id,
                    draw(st.sampled_from(["support", "attack"])),
                    draw(st.floats(0, 1, allow_nan=False, width=32)),
                )
            )
    return ArgumentMap(
        text, units, relations, source=draw(hostile_text), model=draw(st.text(_CHARS, max_size=5))
    )


# --- round trips ------------------------------------------------------------------------------------------

ROUND_TRIPS = {
    "graphml": (graphml.write_graphml, graphml.read_graphml),
    "json": (json_format.write_json, json_format.read_json),
    "aif": (aif.write_aif, aif.read_aif),
}


@pytest.mark.parametrize("name", sorted(ROUND_TRIPS))
def test_map_formats_round_trip(name, tmp_path):
    write_, read_ = ROUND_TRIPS[name]
    amap = sample_map()
    path = tmp_path / f"map.{name}"
    write_(amap, path)
    back = read_(path)
    assert back == amap
    assert back.unit("u4").score == 0.75 and back.relations == amap.relations
    assert [back.unit_text(u) for u in back.units] == [amap.unit_text(u) for u in amap.units]


@pytest.mark.parametrize("name", sorted(set(FORMATS) - {"jsonl", "sqlite"}))
def test_each_format_modules_write_function_writes_what_the_format_dumps(name, tmp_path):
    """`argmine.export.<module>.write_<format>` (the networkx-style function of every format module) writes
    the bytes `FORMATS[name]` serialises, so a script and the CLI get the same file."""
    if name in ("svg", "png") and not HAVE_DOT:
        pytest.skip("Graphviz is not installed")
    module = {"svg": dot, "png": dot}.get(name) or importlib.import_module(f"argmine.export.{name}")
    path = tmp_path / f"map{FORMATS[name].suffix}"
    getattr(module, f"write_{name}")(sample_map(), path)
    expected = FORMATS[name].dump(sample_map())
    assert path.read_bytes() == (expected if isinstance(expected, bytes) else expected.encode("utf-8"))


def _line_break_map() -> ArgumentMap:
    # U+2028 and NEL are line breaks to `str.splitlines`, not to JSON Lines: the record must stay one line.
    text = "Ban it now.\u2028It fails\x85 twice."
    return ArgumentMap(text, [Unit("a", 0, 11, "major_claim"), Unit("b", 12, len(text), "claim", stance="for")],
                       [Relation("b", "a", "support", 0.5)], source="breaks.txt")


def test_jsonl_writes_many_maps_one_per_line_and_reads_them_back(tmp_path):
    maps = [sample_map(), _line_break_map(), sample_map()]
    path = tmp_path / "maps.jsonl"
    jsonl.write_jsonl(iter(maps), path)  # any iterable: a generator of maps is streamed
    lines = path.read_bytes().split(b"\n")
    assert len(lines) == 4 and lines[-1] == b""
    assert [json.loads(line) for line in lines[:3]] == [json.loads(json_format.to_json(m)) for m in maps]
    assert list(jsonl.read_jsonl(path)) == maps
    assert [p.name for p in tmp_path.iterdir()] == ["maps.jsonl"]  # no temporary file left


def test_jsonl_write_that_fails_midway_keeps_the_old_file(tmp_path):
    path = tmp_path / "maps.jsonl"
    jsonl.write_jsonl([sample_map()], path)
    before = path.read_bytes()

    def maps():
        yield _line_break_map()
        raise RuntimeError("the mapper died")

    with pytest.raises(RuntimeError, match="died"):
        jsonl.write_jsonl(maps(), path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["maps.jsonl"]


def test_jsonl_is_a_registered_format_that_export_read_points_to_read_jsonl(tmp_path):
    path = tmp_path / "one.jsonl"
    write(_line_break_map(), path)  # the suffix names the format
    assert path.read_text(encoding="utf-8") == jsonl.to_jsonl(_line_break_map())
    assert jsonl.from_jsonl(path.read_bytes()) == _line_break_map()
    assert get_format("jsonl").stream and not get_format("json").stream
    assert "jsonl" not in map_formats()  # a file holds many maps; `read` returns one
    with pytest.raises(UnknownFormat, match="read_jsonl"):
        read(path)


def _xml_safe(s: str) -> str:
    return re.sub("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", "\ufffd", s)


@pytest.mark.slow
@HOSTILE_SETTINGS
@given(hostile_maps())
def test_round_trips_with_hostile_text(amap):
    assert json_format.from_json(json_format.to_json(amap)) == amap
    assert aif.from_aif(aif.to_aif(amap)) == amap
    # XML cannot carry control characters: GraphML swaps each for U+FFFD, one for one, offsets intact.
    expected = ArgumentMap(
        _xml_safe(amap.text),
        amap.units,
        amap.relations,
        source=_xml_safe(amap.source),
        model=_xml_safe(amap.model),
    )
    assert graphml.from_graphml(graphml.to_graphml(amap)) == expected


@pytest.mark.parametrize("uid", ["u\x001", "u\ufffe", "\uffff"])
def test_graphml_refuses_ids_xml_cannot_carry(uid):
    amap = ArgumentMap("a claim", [Unit(uid, 0, 7, "claim")])
    with pytest.raises(MapError, match="XML cannot carry"):
        graphml.to_graphml(amap)


# --- AIF --------------------------------------------------------------------------------------------------


def test_aif_maps_units_to_i_nodes_and_relations_to_ra_and_ca_nodes():
    amap = sample_map()
    doc = json.loads(aif.to_aif(amap))
    nodes = {n["nodeID"]: n for n in doc["nodes"] if n["type"] in ("I", "RA", "CA")}
    assert all(isinstance(i, str) for i in nodes)
    inodes = [n for n in doc["nodes"] if n["type"] == "I"]
    assert [n["text"] for n in inodes] == [amap.unit_text(u) for u in amap.units]
    assert sorted(n["type"] for n in nodes.values() if n["type"] != "I") == ["CA"] * 2 + ["RA"] * 5
    assert {n["text"] for n in doc["nodes"] if n["type"] == "RA"} == {"Default Inference"}
    assert {n["text"] for n in doc["nodes"] if n["type"] == "CA"} == {"Default Conflict"}
    # Each S-node has one premise edge in and one conclusion edge out, between I-nodes.
    text_of = {n["nodeID"]: n.get("argmine", {}).get("id") for n in inodes}
    found = set()
    for sid, s in nodes.items():
        if s["type"] == "I":
            continue
        ins = [e["fromID"] for e in doc["edges"] if e["toID"] == sid]
        outs = [e["toID"] for e in doc["edges"] if e["fromID"] == sid]
        assert len(ins) == len(outs) == 1
        found.add((text_of[ins[0]], text_of[outs[0]], {"RA": "support", "CA": "attack"}[s["type"]]))
    assert found == {(r.source, r.target, r.relation) for r in amap.relations}
    assert len({e["edgeID"] for e in doc["edges"]}) == len(doc["edges"])
    assert len({n["nodeID"] for n in doc["nodes"]}) == len(doc["nodes"])


def test_aif_writes_each_unit_as_a_locution_with_its_offsets():
    amap = sample_map()
    doc = json.loads(aif.to_aif(amap))
    nodes = {n["nodeID"]: n for n in doc["nodes"]}
    unit_of = {nid: n["argmine"]["id"] for nid, n in nodes.items() if n["type"] == "I"}
    (author,) = doc["participants"]
    assert len(doc["locutions"]) == len(amap.units)
    asserted = {}
    for loc in doc["locutions"]:
        assert loc["personID"] == author["participantID"]
        lnode = nodes[loc["nodeID"]]
        assert lnode["type"] == "L" and lnode["text"] == amap.text[loc["start"] : loc["end"]]
        # L -> YA ("Asserting") -> I, the I-node being the unit at those offsets
        (ya,) = [e["toID"] for e in doc["edges"] if e["fromID"] == loc["nodeID"]]
        assert nodes[ya]["type"] == "YA" and nodes[ya]["text"] == "Asserting"
        (inode,) = [e["toID"] for e in doc["edges"] if e["fromID"] == ya]
        unit = amap.unit(unit_of[inode])
        asserted[unit.id] = (loc["start"], loc["end"])
        assert (unit.start, unit.end) == (loc["start"], loc["end"])
    assert asserted.keys() == {u.id for u in amap.units}
    assert aif.from_aif(aif.to_aif(amap)) == amap  # locutions are read past, the map comes back whole


# AIF as AIFdb stores an analysis (no argmine data): a linked argument, a conflict and dialogue nodes.
FOREIGN_AIF = {
    "nodes": [
        {
            "nodeID": "101",
            "text": "Bike lanes make streets safer",
            "type": "I",
            "timestamp": "2024-05-01 10:00:00",
        },
        {"nodeID": "102", "text": "Injuries fell after the lanes opened", "type": "I"},
        {"nodeID": "103", "text": "Drivers slow down near lanes", "type": "I"},
        {"nodeID": "104", "text": "Default Inference", "type": "RA"},
        {"nodeID": "105", "text": "Lanes only move the danger elsewhere", "type": "I"},
        {"nodeID": "106", "text": "Default Conflict", "type": "CA"},
        {"nodeID": "107", "text": "Sam : Bike lanes make streets safer", "type": "L"},
        {"nodeID": "108", "text": "Asserting", "type": "YA"},
    ],
    "edges": [
        {"edgeID": 1, "fromID": "102", "toID": "104"},
        {"edgeID": 2, "fromID": "103", "toID": "104"},
        {"edgeID": 3, "fromID": "104", "toID": "101"},
        {"edgeID": 4, "fromID": "105", "toID": "106"},
        {"edgeID": 5, "fromID": "106", "toID": "101"},
        {"edgeID": 6, "fromID": "107", "toID": "108"},
        {"edgeID": 7, "fromID": "108", "toID": "101"},
    ],
    "locutions": [{"nodeID": "107", "personID": "1"}],
    "participants": [{"participantID": "1", "firstname": "Sam", "surname": "Lee"}],
}


@pytest.mark.parametrize("wrap", [False, True], ids=["aifdb", "xaif"])
def test_aif_from_other_tools_is_read(wrap):
    amap = aif.from_aif({"AIF": FOREIGN_AIF, "text": ""} if wrap else FOREIGN_AIF)
    texts = {u.id: amap.unit_text(u) for u in amap.units}
    assert texts == {
        "n101": "Bike lanes make streets safer",
        "n102": "Injuries fell after the lanes opened",
        "n103": "Drivers slow down near lanes",
        "n105": "Lanes only move the danger elsewhere",
    }
    assert amap.unit("n101").kind == "major_claim" and amap.unit("n102").kind == "claim"
    assert {(r.source, r.target, r.relation) for r in amap.relations} == {
        ("n102", "n101", "support"),
        ("n103", "n101", "support"),
        ("n105", "n101", "attack"),
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("not json", "not valid AIF JSON"),
        ("[1, 2]", "top level is not an object"),
        ('{"nodes": 3, "edges": []}', "needs `nodes` and `edges`"),
        ('{"nodes": [{"type": "I"}], "edges": []}', "not an AIF map"),
    ],
)
def test_aif_reader_rejects_bad_input_clearly(data, message):
    with pytest.raises(MapError, match=message):
        aif.from_aif(data)


def test_aif_with_tampered_text_is_refused():
    doc = aif.to_aif_dict(sample_map())
    doc["nodes"][0]["text"] = "something else"
    with pytest.raises(MapError, match="does not match offsets"):
        aif.from_aif(doc)


# --- Argdown ----------------------------------------------------------------------------------------------


def argdown_relations(document: str, titles: dict[str, str]) -> set[tuple[str, str, str]]:
    """The relations an argmine Argdown document states, read back by indentation."""
    ids = {t: uid for uid, t in titles.items()}
    stack: list[tuple[int, str]] = []
    found = set()
    for line in document.splitlines():
        if not line.strip():
            stack = []
            continue
        if line.startswith("//"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        body = line.strip()
        mark = body[0] if body[0] in "+-" else ""
        title = re.match(r"\[([^\]]+)\]", body[len(mark) :].strip()).group(1)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        if mark:
            found.add((ids[title], stack[-1][1], "support" if mark == "+" else "attack"))
        stack.append((indent, ids[title]))
    return found


def test_argdown_states_the_map_as_an_indented_tree():
    amap = sample_map()
    doc = argdown.to_argdown(amap)
    lines = [line for line in doc.splitlines() if line and not line.startswith("//")]
    assert lines[0].startswith("[Thesis]: The county's plan to close") and lines[0].endswith("#major-claim")
    assert "  + [Claim u2]: Sunday is the only day many parents can bring their children #claim" in lines
    assert (
        "    + [Evidence u3]: Last year the branch counted 31,000 Sunday visits, a third of its total #evidence #statistics"
        in lines
    )
    assert "  - [Claim u5]: Sunday hours cost $84,000 a year #claim" in lines
    assert (
        "    - [Premise u6]: that is less than the county spends on the parking garage's lighting #premise"
        in lines
    )
    assert argdown_relations(doc, argdown.titles(amap)) == {
        (r.source, r.target, r.relation) for r in amap.relations
    }


_ARGDOWN_SYNTAX = set("\\@#*_[]<>/{}=")


@pytest.mark.slow
@HOSTILE_SETTINGS
@given(hostile_maps())
def test_argdown_is_safe_with_hostile_text(amap):
    doc = argdown.to_argdown(amap)
    titles = argdown.titles(amap)
    assert len(set(map(str.lower, titles.values()))) == len(titles)
    assert all(re.fullmatch(r"[\w -]+", t) for t in titles.values())
    assert argdown_relations(doc, titles) == {(r.source, r.target, r.relation) for r in amap.relations}
    for line in doc.splitlines():
        if not line or line.startswith("//"):
            continue
        body = re.sub(r"^\s*[+-]?\s*\[[^\]]+\](: )?", "", line)
        body = re.sub(
            r"(?:^| )#(?:major-claim|claim|premise|evidence)(?: #(?:statistics|testimony|anecdote))?$",
            "",
            body,
        )
        # Every syntax character in the statement text is escaped.
        i = 0
        while i < len(body):
            if body[i] == "\\":
                i += 2
                continue
            assert body[i] not in _ARGDOWN_SYNTAX, (line, i)
            i += 1
        assert "\n" not in body and "\r" not in body


ARGDOWN_PARSER = r"""
const core = require("@argdown/core");
const app = new core.ArgdownApplication();
app.addPlugin(new core.ParserPlugin(), "parse-input");
app.addPlugin(new core.ModelPlugin(), "build-model");
const docs = JSON.parse(require("fs").readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(docs.map(input => {
  const r = app.run({ process: ["parse-input", "build-model"], input, throwExceptions: true });
  const statements = {};
  for (const [t, ec] of Object.entries(r.statements || {})) {
    statements[t] = ec.members.filter(m => !m.isReference).map(m => m.text);
  }
  return { errors: (r.lexerErrors || []).length + (r.parserErrors || []).length, statements,
           relations: (r.relations || []).map(x => [x.from.title, x.to.title, x.relationType]) };
})));
"""


def _argdown_available() -> bool:
    node = shutil.which("node")
    if node is None:
        return False
    probe = subprocess.run(
        [node, "-e", "require.resolve('@argdown/core')"], capture_output=True, timeout=60, check=False
    )
    return probe.returncode == 0


@pytest.mark.skipif(
    not _argdown_available(),
    reason="node with @argdown/core is not installed (npm install @argdown/core; NODE_PATH)",
)
def test_argdown_parser_reads_back_statements_and_relations():
    maps = [sample_map()]
    hostile = "U.S.A. :x: #tag [t](u) <a> //c /*c*/ === {a: b} *b* _i_ @[m] \\ + -> 🙂 עברית"
    text = f"{hostile}. Second claim here."
    maps.append(
        ArgumentMap(
            text,
            [Unit("t", 0, len(hostile), "major_claim"), Unit("c", len(hostile) + 2, len(text) - 1, "claim")],
            [Relation("c", "t", "attack")],
        )
    )
    docs = [argdown.to_argdown(m) for m in maps]
    proc = subprocess.run(
        ["node", "-e", ARGDOWN_PARSER],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    for amap, parsed in zip(maps, json.loads(proc.stdout)):
        titles = argdown.titles(amap)
        assert parsed["errors"] == 0
        assert {tuple(r) for r in parsed["relations"]} == {
            (titles[r.source], titles[r.target], r.relation) for r in amap.relations
        }
        for u in amap.units:
            (stated,) = parsed["statements"][titles[u.id]]
            assert re.sub(r"( #[\w-]+)+$", "", stated) == " ".join(amap.unit_text(u).split())


# --- DOT, SVG, PNG ----------------------------------------------------------------------------------------


def test_dot_colours_by_kind_and_draws_attacks_dashed_red():
    amap = sample_map()
    src = dot.to_dot(amap)
    assert src.startswith("digraph argmap {") and src.rstrip().endswith("}")
    node_lines = [line for line in src.splitlines() if re.match(r"\s+n\d+ \[", line)]
    assert len(node_lines) == len(amap)
    assert 'fillcolor="#bbf7d0"' in node_lines[2] and "EVIDENCE · statistics (u3)" in node_lines[2]
    edge_lines = [line for line in src.splitlines() if "->" in line]
    attacks = [line for line in edge_lines if "class=attack" in line]
    assert len(attacks) == 2 and all('color="#dc2626"' in a and "style=dashed" in a for a in attacks)
    assert all("style=solid" in line for line in edge_lines if "class=support" in line)


def _svg_nodes(svg: str) -> list[ET.Element]:
    """The unit boxes of a drawing (the legend and the "continued" boxes are nodes too, of other classes)."""
    root = ET.fromstring(svg)
    return [g for g in root.iter("{http://www.w3.org/2000/svg}g") if "unit" in (g.get("class") or "").split()]


@needs_dot
def test_svg_and_png_come_from_graphviz():
    amap = sample_map()
    svg = dot.to_svg(amap)
    assert len(_svg_nodes(svg)) == len(amap)
    assert "Generated by graphviz" not in svg  # no version stamp: output is the same on every machine
    assert "Joe Pike drove forty" in ET.tostring(ET.fromstring(svg), encoding="unicode")
    png = dot.to_png(amap)
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000


@pytest.mark.slow
@needs_dot
@settings(HOSTILE_SETTINGS, max_examples=25)
@given(hostile_maps())
def test_dot_with_hostile_text_is_accepted_by_graphviz(amap):
    svg = dot.render(dot.to_dot(amap), "svg").decode("utf-8")
    assert len(_svg_nodes(svg)) == len(amap)  # parses as XML, and no label broke out into extra nodes
    edges = [
        g
        for g in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g")
        if "edge" in (g.get("class") or "")
    ]
    assert len(edges) == len(amap.relations)


def test_svg_without_graphviz_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(dot.shutil, "which", lambda name: None)
    assert not dot.graphviz_available()
    with pytest.raises(dot.GraphvizError, match="Graphviz's `dot` program is not installed"):
        dot.to_svg(sample_map())
    with pytest.raises(ValueError, match="not installed"):
        write(sample_map(), "unused.png")


# --- Mermaid ----------------------------------------------------------------------------------------------

NODE_LINE = re.compile(r'^  (n\d+)(\["|\(\[")(.*?)("\]|"\]\))$')


def mermaid_labels(src: str) -> dict[str, str]:
    out = {}
    for line in src.splitlines()[1:]:
        m = NODE_LINE.match(line)
        if m:
            out[m.group(1)] = m.group(3)
    return out


def test_mermaid_flowchart_structure():
    amap = sample_map()
    src = mermaid.to_mermaid(amap)
    lines = src.splitlines()
    assert lines[0] == "flowchart BT"
    labels = mermaid_labels(src)
    assert len(labels) == len(amap)
    assert lines[1].startswith('  n1(["THESIS · u1<br>')  # the thesis is the stadium-shaped node
    assert "#quot;On Sundays the computers are never free,#quot; said Ana Ruiz" in labels["n4"].replace(
        "<br>", " "
    )
    assert "Sunday hours cost #36;84,000 a year" in labels["n5"].replace("<br>", " ")
    assert [line for line in lines if "-.->|attacks|" in line] == [
        "  n5 -.->|attacks| n1",
        "  n6 -.->|attacks| n5",
        "    lg3 -.->|attacks| lg2",  # the legend's
    ]
    # links 0-6 are the relations, 7-9 the invisible ones stacking columns (u2 over u3 over u4, u5 over
    # u6), 10-12 the legend's
    assert lines.count("  n3 ~~~ n2") == lines.count("  n4 ~~~ n3") == lines.count("  n6 ~~~ n5") == 1
    assert "  linkStyle 3,4,11 stroke:#dc2626,stroke-width:2px,color:#dc2626" in lines
    assert "  class n1,n8,lg1 major_claim" in lines
    assert mermaid.to_markdown(amap).startswith("```mermaid\nflowchart BT\n")


@HOSTILE_SETTINGS
@given(hostile_maps())
def test_mermaid_labels_are_escaped(amap):
    src = mermaid.to_mermaid(amap)
    lines = src.splitlines()
    labels = mermaid_labels(src)
    assert len(labels) == len(amap)  # one line per node: no label broke its line or its quotes
    relations = [line for line in lines if "-->|supports|" in line or "-.->|attacks|" in line]
    assert len([line for line in relations if not line.startswith("    lg")]) == len(amap.relations)
    for label in labels.values():
        raw = label.replace("<br>", "")
        plain = re.sub(r"#(?:quot|amp|lt|gt|\d+);", "", raw)  # what is left once entity codes are removed
        assert not set(plain) & set('"#[](){}|;<>`\\'), raw
        assert "$$" not in raw.replace("#36;", "$")
        assert not any(ord(c) < 32 or c in "\x7f\u2028\u2029" for c in raw)


# --- HTML -------------------------------------------------------------------------------------------------


class PageParser(HTMLParser):
    """Collects what the HTML export's tests look at: unit elements per pane, text, scripts, meta tags."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.units: dict[str, list[tuple[str, str]]] = {"essay": [], "map": []}
        self.essay_text: list[str] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.meta: list[dict] = []
        self.handlers: list[str] = []
        self.body_attrs: dict = {}

    def pane(self) -> str | None:
        for _, attrs in reversed(self.stack):
            if attrs.get("id") in ("essay", "map"):
                return attrs["id"]
        return None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [name for name in attrs if name.startswith("on")]
        if tag == "meta":
            self.meta.append(attrs)
            return
        if tag == "body":
            self.body_attrs = attrs
        self.stack.append((tag, attrs))
        pane = self.pane()
        if "data-unit-id" in attrs and pane:
            self.units[pane].append((attrs["data-unit-id"], attrs.get("data-kind")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        tag = self.stack[-1][0] if self.stack else ""
        if tag == "script":
            self.scripts.append(data)
        elif tag == "style":
            self.styles.append(data)
        elif self.pane() == "essay":
            self.essay_text.append(data)


def parse_page(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def test_html_page_shows_every_unit_in_both_panes():
    amap = sample_map()
    page = html.to_html(amap)
    p = parse_page(page)
    ids = [u.id for u in amap.units]
    assert sorted({i for i, _ in p.units["essay"]}) == sorted(ids)
    assert sorted({i for i, _ in p.units["map"]}) == sorted(ids)
    kinds = {u.id: u.kind for u in amap.units}
    assert all(kinds[i] == k for i, k in p.units["essay"] + p.units["map"])
    assert "".join(p.essay_text) == TEXT
    assert not re.search(r"\b(src|href)\s*=|url\(|@import", page, re.IGNORECASE)  # nothing is fetched
    assert "<title>corpus/brightwater-library.txt — argument map</title>" in page


def _policy(p: PageParser) -> str:
    (csp,) = [m["content"] for m in p.meta if m.get("http-equiv", "").lower() == "content-security-policy"]
    return csp


@HOSTILE_SETTINGS
@given(hostile_maps())
def test_html_escapes_hostile_text(amap):
    page = html.to_html(amap)
    p = parse_page(page)
    # The only script and stylesheet are argmine's own, allowed by hash; no user text reaches them.
    assert p.scripts == [html._asset("map.js")] and p.styles == [html._asset("map.css")]
    csp = _policy(p)
    assert "default-src 'none'" in csp and html._csp_hash(p.scripts[0]) in csp and "unsafe-inline" not in csp
    assert p.handlers == []
    assert page.count("<script") == 1 and page.count("<style") == 1
    # Every unit in both panes, and the essay's text is exactly the (HTML-safe) text: nothing became markup.
    ids = {html.sanitize(u.id) for u in amap.units}
    assert {i for i, _ in p.units["essay"]} == ids == {i for i, _ in p.units["map"]}
    assert "".join(p.essay_text) == html.sanitize(amap.text)


def test_html_page_has_its_controls_and_marks_the_text_left_out():
    amap = sample_map()
    page = html.to_html(amap)
    for control in ('id="threshold"', 'id="zoom-in"', 'id="zoom-out"', 'id="collapse-all"', 'id="expand-all"'):
        assert control in page
    for name, values in (("kind", KINDS), ("etype", EVIDENCE_TYPES), ("stance", ("for", "against", ""))):
        for value in values:
            assert f'name="{name}" value="{value}" checked' in page
    # every unit box: its score, type and stance for the filters, keyboard reachable, full text on hover
    boxes = re.findall(r'<div class="node[^"]*"([^>]*)>', page)
    assert len(boxes) == len(amap)
    assert all('tabindex="0" role="button"' in b and "data-score=" in b for b in boxes)
    assert 'data-score="0.7500"' in page and 'data-etype="testimony"' in page
    # one toggle per unit with supporters or attackers, each controlling the list it hides
    toggles = re.findall(r'aria-expanded="true" aria-controls="(sub\d+)"', page)
    assert len(toggles) == len({r.target for r in amap.relations})
    assert all(f'<ul class="children" id="{t}"' in page for t in toggles)
    from argmine.graph.coverage import coverage

    left_out = [TEXT[a:b] for a, b in coverage(amap).unmapped]
    assert left_out and re.findall(r'<span class="unmapped"[^>]*>(.*?)</span>', page) == [
        t.replace('"', "&quot;").replace("'", "&#x27;") for t in left_out
    ]
    assert f"{len(left_out)} of {coverage(amap).sentences} sentences left out of the map" in page


def test_html_nests_overlapping_units():
    text = "alpha beta gamma delta"
    units = [Unit("a", 0, 16, "claim"), Unit("b", 6, 10, "premise"), Unit("c", 11, 22, "evidence")]
    essay = html.essay_html(ArgumentMap(text, units))
    p = parse_page(f'<div id="essay">{essay}</div>')
    assert "".join(p.essay_text) == text
    assert [i for i, _ in p.units["essay"]] == ["a", "b", "c", "c"]  # c crosses a's end: split in two


# --- registry and CLI -------------------------------------------------------------------------------------


def test_registry_knows_every_format_and_suffix():
    assert set(FORMATS) == {
        "graphml", "json", "aif", "argdown", "dot", "svg", "png", "mermaid", "html", "jsonl", "sqlite"
    }
    assert map_formats() == ["graphml", "json", "aif"]
    for path, name in [
        ("m.graphml", "graphml"),
        ("m.json", "json"),
        ("m.aif", "aif"),
        ("m.AIF.json", "aif"),
        ("m.argdown", "argdown"),
        ("m.gv", "dot"),
        ("m.mmd", "mermaid"),
        ("m.htm", "html"),
        ("m.jsonl", "jsonl"),
        ("m.db", "sqlite"),
        ("m.sqlite", "sqlite"),
    ]:
        assert format_for_path(path).name == name
    with pytest.raises(UnknownFormat, match="pass --format"):
        format_for_path("map.txt")
    with pytest.raises(UnknownFormat, match="choose from graphml, json, aif"):
        get_format("pdf")


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_format_writes_the_sample(name, tmp_path):
    if name in ("svg", "png") and not HAVE_DOT:
        pytest.skip("Graphviz `dot` is not installed")
    fmt = FORMATS[name]
    path = tmp_path / f"map{fmt.suffix}"
    write(sample_map(), path)
    data = path.read_bytes()
    assert data and [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind
    if fmt.loads is not None:
        assert read(path) == sample_map()
    assert fmt.dumps(sample_map()) in (data, data.decode("utf-8", "replace"))  # deterministic


def test_read_sniffs_aif_saved_as_plain_json(tmp_path):
    path = tmp_path / "analysis.json"
    path.write_text(json.dumps(FOREIGN_AIF), encoding="utf-8")
    assert len(read(path)) == 4
    path.write_text(aif.to_aif(sample_map()), encoding="utf-8")
    assert read(path) == sample_map()


runner = CliRunner()


def test_convert_between_formats(tmp_path):
    src = tmp_path / "m.json"
    json_format.write_json(sample_map(), src)
    result = runner.invoke(app, ["convert", str(src), str(tmp_path / "m.aif")])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["convert", str(tmp_path / "m.aif"), str(tmp_path / "m.graphml")])
    assert result.exit_code == 0, result.output
    assert graphml.read_graphml(tmp_path / "m.graphml") == sample_map()
    result = runner.invoke(app, ["convert", str(src), str(tmp_path / "out.txt"), "-f", "mermaid"])
    assert result.exit_code == 0 and (tmp_path / "out.txt").read_text().startswith("flowchart BT")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["m.json", "m.xyz"], 2, "cannot tell the format"),
        (["m.json", "o.json", "-f", "pdf"], 2, "unknown format 'pdf'"),
        (["m.json", "o.json", "--from", "html"], 2, "output-only"),
        (["missing.json", "o.json"], 1, "no such file"),
        (["bad.json", "o.aif"], 1, "not an argmine JSON map"),
        (["m.json", "exists.aif"], 2, "already exists; pass --force"),
        (["m.json", "m.json", "--force"], 2, "is the input file"),
        (["binary.json", "o.aif"], 1, "not UTF-8 text"),
    ],
)
def test_convert_fails_with_one_clear_line(tmp_path, args, code, message):
    json_format.write_json(sample_map(), tmp_path / "m.json")
    (tmp_path / "bad.json").write_text('{"nodes": []}', encoding="utf-8")
    (tmp_path / "exists.aif").write_text("keep me", encoding="utf-8")
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00\x81 binary")
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        result = runner.invoke(app, ["convert", *args])
    finally:
        os.chdir(cwd)
    assert result.exit_code == code
    assert message in result.output and "Traceback" not in result.output
    assert result.output.startswith("argmine: ") and result.output.count("\n") == 1
    assert (tmp_path / "exists.aif").read_text() == "keep me"
    assert json_format.read_json(tmp_path / "m.json") == sample_map()
    assert not (tmp_path / "o.json").exists() and not (tmp_path / "o.aif").exists()


# --- the project corpus -----------------------------------------------------------------------------------

CORPUS_MAPS = sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []


@pytest.mark.skipif(not CORPUS_MAPS, reason=f"no annotated texts in {CORPUS} yet")
@pytest.mark.parametrize("path", CORPUS_MAPS, ids=[p.stem for p in CORPUS_MAPS])
def test_every_export_of_every_corpus_text(path: Path):
    amap = json_format.read_json(path)
    written = {}
    for name, fmt in FORMATS.items():
        if name == "png" or (name == "svg" and not HAVE_DOT):
            continue  # PNG is the same Graphviz run as SVG, tested on the sample
        written[name] = data = fmt.dumps(amap)
        assert data
        if fmt.loads is not None:
            assert fmt.loads(data) == amap, name
    p = parse_page(html.to_html(amap))
    ids = {u.id for u in amap.units}
    assert {i for i, _ in p.units["essay"]} == ids == {i for i, _ in p.units["map"]}
    assert len(mermaid_labels(mermaid.to_mermaid(amap))) == len(amap)
    assert argdown_relations(argdown.to_argdown(amap), argdown.titles(amap)) == {
        (r.source, r.target, r.relation) for r in amap.relations
    }
    if HAVE_DOT:
        assert len(_svg_nodes(written["svg"])) == len(amap)


# --- read-back refuses what is not a well-formed map (issue 14) -------------------------------------------


def _json_doc() -> dict:
    return json.loads(json_format.to_json(sample_map()))


def _json_with(change) -> str:
    doc = _json_doc()
    change(doc)
    return json.dumps(doc)  # allow_nan: NaN and Infinity are written as the bare words a hostile file holds


def _graphml_with(old: str, new: str, count: int = 1) -> str:
    doc = graphml.to_graphml(sample_map())
    assert old in doc
    return doc.replace(old, new, count)


def _set(path: tuple, value):
    def change(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return change


def _add_edge(source, target):
    return lambda doc: doc["edges"].append({"source": source, "target": target, "relation": "support"})


_U1_START = span(
    "The county's plan to close the Brightwater library on Sundays would hurt the people who need it most"
)[0]

NOT_WELL_FORMED = {
    "nan score": ("json", _json_with(_set(("nodes", 0, "score"), float("nan"))), "NaN is not a number JSON allows"),
    "infinite edge score": ("json", _json_with(_set(("edges", 0, "score"), float("inf"))), "not a number JSON allows"),
    "score over 1": ("json", _json_with(_set(("nodes", 0, "score"), 1.5)), "from 0 to 1"),
    "text as a list": ("json", _json_with(_set(("graph", "text"), ["a", "b"])), "text must be a string"),
    "source a number": ("json", _json_with(_set(("graph", "source"), 5)), "source must be a string"),
    "float offset": ("json", _json_with(_set(("nodes", 0, "start"), _U1_START + 0.5)), "must be an integer"),
    "integral float offset": ("json", _json_with(_set(("nodes", 0, "start"), float(_U1_START))), "must be an integer"),
    "boolean offset": ("json", _json_with(_set(("nodes", 0, "start"), True)), "must be an integer, not true"),
    "1e999 offset": (
        "json",
        _json_with(_set(("nodes", 0, "start"), 12345)).replace('"start": 12345', '"start": 1e999'),
        "out of range",
    ),
    "5000-digit offset": (
        "json",
        _json_with(_set(("nodes", 0, "start"), 12345)).replace('"start": 12345', '"start": ' + "9" * 5000),
        "not valid JSON",
    ),
    "cycle": ("json", _json_with(_add_edge("u1", "u2")), "cycle"),
    "duplicate relation": ("json", _json_with(_add_edge("u3", "u2")), "two relations"),
    "lone surrogate": ("json", _json_with(_set(("graph", "model"), "\ud800")), "surrogate"),
    "unit text as a list": ("json", _json_with(_set(("nodes", 0, "text"), ["x"])), "does not match"),
    "unit id a list": ("json", _json_with(_set(("nodes", 0, "id"), ["u1"])), "unit id must be a string"),
    "nodes an object": ("json", _json_with(_set(("nodes",), {})), "`nodes` list"),
    "undirected json": ("json", _json_with(_set(("directed",), False)), "not directed"),
    "nested 100k deep": ("json", "[" * 100_000 + "]" * 100_000, "nested too deeply"),
    "nested objects": ("json", '{"a":' * 100_000 + "1" + "}" * 100_000, "nested too deeply"),
    "graphml start typed string": (
        "graphml",
        _graphml_with('attr.name="start" attr.type="long"', 'attr.name="start" attr.type="string"'),
        "must be an integer, not '",
    ),
    "graphml start not a number": (
        "graphml",
        _graphml_with(f'<data key="d5">{_U1_START}</data>', '<data key="d5">sixty</data>'),
        "not valid GraphML",
    ),
    "graphml nan score": ("graphml", _graphml_with('<data key="d8">1.0</data>', '<data key="d8">NaN</data>'), "score"),
    "graphml undirected": (
        "graphml",
        _graphml_with('edgedefault="directed"', 'edgedefault="undirected"'),
        "undirected",
    ),
    "graphml no edgedefault": ("graphml", _graphml_with(' edgedefault="directed"', ""), "undirected"),
    "graphml text does not match offsets": (
        "graphml",
        _graphml_with("Sunday is the only day many parents can bring their children</data>", "Sunday!</data>"),
        "does not match offsets",
    ),
    "graphml parallel edges": (
        "graphml",
        _graphml_with("</graph>", '<edge source="u3" target="u2"><data key="d11">attack</data></edge></graph>'),
        "two relations",
    ),
    "aif nan score": ("aif", aif.to_aif(sample_map()).replace('"score": 0.9', '"score": NaN'), "not a number"),
    "aif text a list": (
        "aif",
        json.dumps({"nodes": [{"nodeID": "1", "type": "I", "text": ["x"]}], "edges": []}),
        "not a string",
    ),
    "aif node ids a list": (
        "aif",
        json.dumps({"nodes": [{"nodeID": ["1"], "type": "I", "text": "x"}], "edges": []}),
        "nodeID must be a string",
    ),
    "aif cycle": (
        "aif",
        json.dumps(
            {
                "nodes": [
                    {"nodeID": "1", "type": "I", "text": "Buses help."},
                    {"nodeID": "2", "type": "I", "text": "Cities grow."},
                    {"nodeID": "3", "type": "RA"},
                    {"nodeID": "4", "type": "RA"},
                ],
                "edges": [
                    {"fromID": "1", "toID": "3"},
                    {"fromID": "3", "toID": "2"},
                    {"fromID": "2", "toID": "4"},
                    {"fromID": "4", "toID": "1"},
                ],
            }
        ),
        "cycle",
    ),
}


def _write_bad(tmp_path: Path, name: str) -> Path:
    fmt, content, _ = NOT_WELL_FORMED[name]
    path = tmp_path / f"bad{FORMATS[fmt].suffix}"
    path.write_text(content, encoding="utf-8", errors="surrogatepass")
    return path


@pytest.mark.parametrize("name", sorted(NOT_WELL_FORMED))
def test_read_refuses_maps_that_are_not_well_formed(tmp_path, name):
    path = _write_bad(tmp_path, name)
    with pytest.raises(MapError) as err:
        read(path)
    message = str(err.value)
    assert NOT_WELL_FORMED[name][2] in message and message.startswith(f"{path}: ")
    assert "\n" not in message and len(message) < 400


@pytest.mark.parametrize("name", sorted(NOT_WELL_FORMED))
def test_convert_refuses_maps_that_are_not_well_formed_with_one_line(tmp_path, name):
    path = _write_bad(tmp_path, name)
    result = runner.invoke(app, ["convert", str(path), str(tmp_path / "out.html")])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("argmine: ") and result.output.count("\n") == 1, result.output
    assert NOT_WELL_FORMED[name][2] in result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.html").exists()


def test_unit_from_dict_is_the_one_record_reader():
    amap = sample_map()
    assert ArgumentMap.from_dict(amap.to_dict()) == amap
    unit = amap.unit("u4")
    assert Unit.from_dict({**unit.__dict__}) == unit
    assert Unit.from_dict({"start": 0, "end": 3, "kind": "claim"}, id="x") == Unit("x", 0, 3, "claim")
    assert Unit.from_dict({"id": 7, "start": 0, "end": 3, "kind": "claim"}).id == "7"  # numbered by hand
    with pytest.raises(MapError, match="lacks 'kind'"):
        Unit.from_dict({"id": "x", "start": 0, "end": 3})


def test_maps_refuse_nan_scores_and_float_offsets_when_built():
    # The invariants hold for every map, not only those read back: a NaN would be written as `NaN`.
    with pytest.raises(MapError, match="score"):
        ArgumentMap("a claim", [Unit("u", 0, 7, "claim", score=float("nan"))])
    with pytest.raises(MapError, match="integer"):
        ArgumentMap("a claim", [Unit("u", 0, 6.5, "claim")])  # type: ignore[arg-type]


def test_a_map_file_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.graphml"
    with open(path, "wb") as fh:  # one 100 MB attribute; sparse, so no disk is spent on it
        fh.write(b'<?xml version="1.0"?><graphml><graph edgedefault="directed"><data key="d2">')
        fh.truncate(100 * 2**20)
    tracemalloc.start()
    try:
        with pytest.raises(MapError, match="too large to read back"):
            read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 2**20  # refused before a byte of it was read
    result = runner.invoke(app, ["convert", str(path), str(tmp_path / "m.json")])
    assert result.exit_code == 1 and "too large to read back" in result.output
    assert result.output.count("\n") == 1
    # The limit is the caller's: the same in the API and on the command line.
    small = tmp_path / "small.json"
    json_format.write_json(sample_map(), small)
    with pytest.raises(MapError, match="too large"):
        read(small, max_bytes=1000)
    result = runner.invoke(app, ["convert", str(small), str(tmp_path / "s.aif"), "--max-bytes", "1000"])
    assert result.exit_code == 1 and "too large to read back" in result.output
    assert runner.invoke(app, ["convert", str(small), str(tmp_path / "s.aif")]).exit_code == 0
    with pytest.raises(MapError, match="too large"):
        graphml.from_graphml(graphml.to_graphml(sample_map()), max_bytes=1000)
    with pytest.raises(MapError, match="too large"):
        json_format.from_json(json_format.to_json(sample_map()), max_bytes=1000)


def test_aif_s_node_with_many_conclusions_is_refused_in_linear_time(tmp_path):
    # One RA-node with k premises and k conclusions used to become k² relations (97 s and 5.6 GB for k=2000).
    k = 2000
    doc = {
        "nodes": [{"nodeID": str(i), "type": "I", "text": f"t{i}"} for i in range(1, 2 * k + 1)]
        + [{"nodeID": "S", "type": "RA"}],
        "edges": [{"fromID": str(i), "toID": "S"} for i in range(1, k + 1)]
        + [{"fromID": "S", "toID": str(i)} for i in range(k + 1, 2 * k + 1)],
    }
    path = tmp_path / "f.aif"
    path.write_text(json.dumps(doc), encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(MapError, match="RA-node 'S' has 2,000 conclusions|RA-node 'S' has 2000 conclusions"):
        read(path)
    assert time.perf_counter() - start < 1.0
    result = runner.invoke(app, ["convert", str(path), str(tmp_path / "f.json")])
    assert result.exit_code == 1 and "conclusions" in result.output and result.output.count("\n") == 1
    # k premises and one conclusion: k relations, read in linear time.
    doc["edges"] = doc["edges"][: k + 1]
    path.write_text(json.dumps(doc), encoding="utf-8")
    start = time.perf_counter()
    amap = read(path)
    assert time.perf_counter() - start < 1.0
    assert len(amap.relations) == k and {r.target for r in amap.relations} == {f"n{k + 1}"}
