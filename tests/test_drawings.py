"""The Graphviz drawing stays legible on long maps (issue 18): measured on the SVG Graphviz draws.

Legible means: with the SVG scaled to 1,600 px wide, every text element is at least 9 px (its font size
times 1,600 over the viewBox width), and every unit's full text is in its box (wrapped, never cut).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import CORPUS

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.export import drawing, dot, json, mermaid

SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
CORPUS_MAPS = sorted(CORPUS.glob("*.json")) if CORPUS.is_dir() else []

_spec = importlib.util.spec_from_file_location(
    "bench_drawings", Path(__file__).resolve().parent.parent / "benchmarks" / "drawings.py"
)
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)


def wide_map(children: int = 27, evidence: int = 2) -> ArgumentMap:
    """A thesis with `children` claims straight under it, each with `evidence` long pieces of evidence:
    the shape that drew a 9,423 pt strip before."""
    parts, units, relations = [], [], []
    pos = 0

    def add(uid: str, text: str, kind: str, etype: str = "") -> None:
        nonlocal pos
        units.append(Unit(uid, pos, pos + len(text), kind, etype, "" if kind == "major_claim" else "for"))
        parts.append(text + "\n")
        pos += len(text) + 1

    add("t", "The city should build the tram line along the river before the next election", "major_claim")
    for i in range(children):
        add(f"c{i}", f"Claim number {i} says the tram would serve the east side well and cheaply", "claim")
        relations.append(Relation(f"c{i}", "t", "support" if i % 4 else "attack"))
        for j in range(evidence):
            add(
                f"e{i}-{j}",
                f"In survey {i}.{j}, 4{j} percent of riders said they would switch, and the count scored 12 "
                "points higher than the bus line on every measure the council published last spring",
                "evidence",
                "statistics",
            )
            relations.append(Relation(f"e{i}-{j}", f"c{i}", "support"))
    return ArgumentMap("".join(parts), units, relations, source="wide.txt")


def test_columns_hold_every_unit_once_in_rows_of_bounded_width():
    amap = wide_map()
    layout = drawing.columns(amap)
    assert layout.thesis.id == "t"
    placed = [uid for row in layout.rows + layout.unlinked for col in row.columns for uid in col]
    assert sorted(placed) == sorted(u.id for u in amap.units if u.id != "t")
    assert all(len(row.columns) <= drawing.COLUMNS_PER_ROW for row in layout.rows)
    assert len(layout.rows) == -(-27 // drawing.COLUMNS_PER_ROW)
    # a claim heads its column, its evidence beneath it in reading order
    assert layout.rows[0].columns[0] == ["c0", "e0-0", "e0-1"]
    assert layout.rows[0].height == 3


def test_units_not_linked_to_the_thesis_get_columns_of_their_own():
    text = "Thesis here. A claim. A lone one. Another tree. Its premise."
    cut = [(0, 11), (13, 20), (22, 32), (34, 46), (48, 60)]
    kinds = ["major_claim", "claim", "premise", "claim", "premise"]
    units = [Unit(f"u{i}", a, b, k) for i, ((a, b), k) in enumerate(zip(cut, kinds))]
    amap = ArgumentMap(text, units, [Relation("u1", "u0", "support"), Relation("u4", "u3", "attack")])
    layout = drawing.columns(amap)
    assert [row.columns for row in layout.rows] == [[["u1"]]]
    assert [row.columns for row in layout.unlinked] == [[["u3", "u4"], ["u2"]]]


def _unit_boxes(svg: str) -> dict[str, str]:
    """Each unit box's text (its lines joined by spaces), by the unit id in its head line."""
    out = {}
    for g in ET.fromstring(svg).iter(SVG + "g"):
        if "unit" in (g.get("class") or "").split():
            lines = ["".join(t.itertext()) for t in g.iter(SVG + "text")]
            uid = lines[0].rsplit("(", 1)[1].rstrip(")")
            out[uid] = " ".join(lines[1:])
    return out


def _check_legible(amap: ArgumentMap) -> float:
    svg = dot.to_svg(amap)
    _, sizes = bench.text_sizes(svg, 1600)
    smallest = min(s for s, _ in sizes)
    assert smallest >= bench.LEGIBLE, sorted(sizes)[:3]
    boxes = _unit_boxes(svg)
    assert sorted(boxes) == sorted(u.id for u in amap.units)
    for u in amap.units:  # the whole text, wrapped (lines rejoined), nothing cut
        assert boxes[u.id].replace(" ", "") == drawing.clean(amap.unit_text(u)).replace(" ", ""), u.id
    # the legend names every kind and both relation styles
    legend = [g for g in ET.fromstring(svg).iter(SVG + "g") if "legend" in (g.get("class") or "").split()]
    words = " ".join("".join(t.itertext()) for g in legend for t in g.iter(SVG + "text"))
    for name in ("THESIS", "CLAIM", "PREMISE", "EVIDENCE", "supports", "attacks"):
        assert name in words
    return smallest


@needs_dot
@pytest.mark.skipif(not CORPUS_MAPS, reason=f"no annotated texts in {CORPUS}")
@pytest.mark.parametrize("path", CORPUS_MAPS, ids=[p.stem for p in CORPUS_MAPS])
def test_corpus_op_ed_drawn_1600_px_wide_shows_text_at_9_px_or_more(path):
    _check_legible(json.read_json(path))


@needs_dot
def test_a_thesis_with_27_claims_is_wrapped_into_rows_and_stays_legible():
    amap = wide_map()
    _check_legible(amap)
    svg = ET.fromstring(dot.to_svg(amap))
    width, height = (float(v) for v in svg.get("viewBox").split()[2:])
    assert width < height  # rows stacked, not one 27-box strip
    connectors = [g for g in svg.iter(SVG + "g") if "connector" in (g.get("class") or "").split()]
    assert len(connectors) == -(-27 // drawing.COLUMNS_PER_ROW) - 1  # "THESIS (t), continued" per later row
    edges = [g for g in svg.iter(SVG + "g") if "edge" in (g.get("class") or "").split()]
    assert len(edges) == len(amap.relations)  # every relation drawn once; the grid's edges are invisible


def test_mermaid_labels_carry_the_full_text():
    amap = wide_map(2, 1)
    labels = [label.split("<br>", 1)[1] for label in _mermaid_labels(mermaid.to_mermaid(amap))]
    long = amap.unit_text(amap.unit("e0-0"))
    assert any(label.replace("<br>", " ") == long.replace("%", "#37;") for label in labels)


def _mermaid_labels(src: str) -> list[str]:
    return [line.split('"', 1)[1].rsplit('"', 1)[0] for line in src.splitlines() if re.match(r'  n\d+\["', line)]
