"""Uncertain units: `prune` (`--min-score`, `min_score=`) on hand-made maps, and how the views mark them."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from conftest import CORPUS
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

import argmine
from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.cli import app
from argmine.cli.view import show
from argmine.errors import UsageError
from argmine.export import html
from argmine.export.json import from_json, to_json
from argmine.graph.analysis import analyse
from argmine.graph.confidence import UNCERTAIN, is_uncertain, prune, score_text
from argmine.graph.decode import propagate_stance

# Written for these tests. One sentence per unit; the comment after each says its score and link.
SENTENCES = [
    ("t", "The town should keep its night buses running.", "major_claim", 0.30, None),  # the thesis, unsure
    ("a", "Night workers have no other way home.", "claim", 0.90, ("t", "support")),
    ("b", "Critics say the buses run almost empty.", "claim", 0.20, ("t", "attack")),  # a dropped objection
    ("c", "Yet the driver counts show forty riders a night.", "evidence", 0.80, ("b", "attack")),  # its rebuttal
    ("d", "Taxis cost more than a shift pays in an hour.", "premise", 0.10, ("a", "support")),
    ("e", "A ride across town costs thirty dollars.", "evidence", 0.95, ("d", "support")),  # grandchild
    ("f", "Some nurses walk for an hour.", "premise", 0.30, ("a", "support")),
    ("g", "One of them was hurt on the way.", "premise", 0.20, ("f", "support")),
    ("h", "That was a single case in ten years.", "premise", 0.90, ("g", "attack")),  # two levels up
    ("m", "Night buses must stay.", "major_claim", 0.20, None),  # a restatement, dropped
    ("x", "The weather was mild last winter.", "premise", 0.10, None),  # unattached, dropped
]
TEXT = "\n\n".join(s for _, s, *_ in SENTENCES) + "\n"


def hand_map() -> ArgumentMap:
    units, relations = [], []
    for uid, sentence, kind, score, link in SENTENCES:
        start = TEXT.index(sentence)
        etype = "statistics" if kind == "evidence" else ""
        units.append(Unit(uid, start, start + len(sentence), kind, etype, score=score))
        if link:
            relations.append(Relation(uid, link[0], link[1], round(score * 0.9, 2)))
    relations.append(Relation("m", "t", "support", 1.0))
    amap = propagate_stance(ArgumentMap(TEXT, units, relations, source="night-buses.txt", model="hand"))
    amap.thesis_candidates = [("t", 0.6), ("m", 0.3), ("a", 0.1)]
    return amap


def edges(amap: ArgumentMap) -> set[tuple[str, str, str]]:
    return {(r.source, r.target, r.relation) for r in amap.relations}


def test_the_hand_made_map_is_as_described():
    amap = hand_map()
    assert {u.id: u.stance for u in amap.units} == {
        "t": "", "a": "for", "b": "against", "c": "for", "d": "for", "e": "for", "f": "for", "g": "for",
        "h": "against", "m": "for", "x": "",
    }


def test_prune_drops_low_units_keeps_the_thesis_and_reattaches_what_hung_on_them():
    amap = hand_map()
    pruned = prune(amap, 0.5)
    assert [u.id for u in pruned.units] == ["t", "a", "c", "e", "h"]  # t scores 0.30 but is the thesis
    assert edges(pruned) == {
        ("a", "t", "support"),
        ("c", "t", "support"),  # c attacked b, which attacked t: a rebuttal defends the thesis
        ("e", "a", "support"),  # grandchild: d's target
        ("h", "a", "attack"),  # past g and f, both dropped
    }
    # Link scores stay the units' own; the result is a tree on the same thesis.
    assert {(r.source, r.score) for r in pruned.relations} == {("a", 0.81), ("c", 0.72), ("e", 0.85), ("h", 0.81)}
    assert pruned.roots() == [pruned.unit("t")] and analyse(pruned).thesis.id == "t"
    # Offsets and everything else but stance are the original units' own.
    before = {u.id: u for u in amap.units}
    for unit in pruned.units:
        old = before[unit.id]
        assert (unit.start, unit.end, unit.kind, unit.evidence_type, unit.score, unit.paragraph) == (
            old.start, old.end, old.kind, old.evidence_type, old.score, old.paragraph)
        assert pruned.unit_text(unit) == amap.unit_text(old)
    assert pruned.thesis_candidates == [("t", 0.6), ("a", 0.1)]
    assert from_json(to_json(pruned)) == pruned  # still a well-formed map


def test_prune_re_propagates_stance_from_the_thesis():
    units = [Unit(uid, *_span(s), kind, score=score) for uid, s, kind, score, _ in SENTENCES[:3]]
    # b's stance is stale ("for" though it attacks the thesis), c hangs on b by a support.
    units[1] = Unit("b", *_span(SENTENCES[2][1]), "claim", stance="for", score=0.2)
    units[2] = Unit("c", *_span(SENTENCES[3][1]), "evidence", "statistics", stance="for", score=0.9)
    amap = ArgumentMap(TEXT, [units[0], units[1], units[2]],
                       [Relation("b", "t", "attack"), Relation("c", "b", "support")])
    pruned = prune(amap, 0.5)
    assert edges(pruned) == {("c", "t", "attack")}
    assert pruned.unit("c").stance == "against" and pruned.unit("t").stance == ""


def _span(sentence: str) -> tuple[int, int]:
    start = TEXT.index(sentence)
    return start, start + len(sentence)


def test_a_second_target_landing_on_the_first_is_merged():
    sent = [s for _, s, *_ in SENTENCES]
    amap = ArgumentMap(TEXT, [
        Unit("t", *_span(sent[0]), "major_claim"),
        Unit("a", *_span(sent[1]), "claim"),
        Unit("d", *_span(sent[4]), "premise", score=0.1),
        Unit("y", *_span(sent[5]), "evidence", "statistics"),
    ], [Relation("a", "t", "support"), Relation("d", "a", "support"),
        Relation("y", "a", "support", 0.6), Relation("y", "d", "support", 0.95)])
    pruned = prune(amap, 0.5)
    assert [(r.source, r.target, r.score) for r in pruned.relations] == [("a", "t", 1.0), ("y", "a", 0.95)]


def test_children_of_a_dropped_root_become_roots_and_a_cycle_ends_the_walk():
    sent = [s for _, s, *_ in SENTENCES]
    units = [Unit("t", *_span(sent[0]), "major_claim"), Unit("p", *_span(sent[1]), "claim", score=0.1),
             Unit("q", *_span(sent[2]), "claim", score=0.1), Unit("r", *_span(sent[3]), "premise"),
             Unit("s", *_span(sent[4]), "premise")]
    # A hand-made map may hold a cycle (p <-> q); decoded maps never do.
    amap = ArgumentMap(TEXT, units, [Relation("p", "q", "support"), Relation("q", "p", "support"),
                                     Relation("r", "p", "support")])
    pruned = prune(amap, 0.5)
    assert [u.id for u in pruned.units] == ["t", "r", "s"] and pruned.relations == []


def test_prune_is_linear_on_a_long_chain():
    words = " ".join(f"w{i}" for i in range(4001))
    starts = [m.start() for m in re.finditer(r"w\d+", words)]
    units = [Unit(f"u{i}", s, s + len(f"w{i}"), "major_claim" if i == 0 else "premise",
                  score=1.0 if i in (0, 4000) else 0.1) for i, s in enumerate(starts)]
    amap = ArgumentMap(words, units, [Relation(f"u{i}", f"u{i - 1}", "attack") for i in range(1, 4001)])
    pruned = prune(amap, 0.5)
    # Four thousand attacks from u4000 down to the thesis, composed: an even number of attacks defends it.
    assert edges(pruned) == {("u4000", "u0", "support")}
    assert pruned.unit("u4000").stance == propagate_stance(amap).unit("u4000").stance == "for"


def test_min_score_zero_keeps_everything_and_bad_values_are_refused():
    amap = hand_map()
    assert prune(amap, 0) == amap
    assert [u.id for u in prune(amap, 1).units] == ["t"]
    for bad in (-0.1, 2, float("nan"), "x", True):
        with pytest.raises(UsageError, match="min_score must be a number from 0 to 1"):
            prune(amap, bad)


# ---- the command line and the API ---------------------------------------------------------------------


def run(*args, input: bytes | None = None):
    return CliRunner().invoke(app, [*map(str, args)], input=input)


@pytest.fixture
def hand_json(tmp_path):
    path = tmp_path / "night-buses.json"
    path.write_text(to_json(hand_map()), encoding="utf-8")
    return path


def test_convert_min_score_writes_the_pruned_map(hand_json, tmp_path):
    out = tmp_path / "pruned.json"
    result = run("convert", hand_json, out, "--min-score", "0.5")
    assert result.exit_code == 0, result.stderr
    back = from_json(out.read_text(encoding="utf-8"))
    assert back == prune(hand_map(), 0.5)
    assert all(u.score >= 0.5 for u in back.units if u.id != "t")
    # stdin to stdout, JSON read back.
    result = run("convert", "-", "-", "--min-score", "0.85", input=hand_json.read_bytes())
    assert result.exit_code == 0, result.stderr
    assert [u.id for u in from_json(result.stdout).units] == ["t", "a", "e", "h"]


ESSAY = (
    "Buses before bridges\n\n"
    "The county should fund more buses because people need cheap transport. "
    "Critics say buses are slow, but new lanes would make them fast.\n\n"
    "According to the transit office, 40 percent of riders have no car.\n"
)


@pytest.fixture
def essay(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text(ESSAY, encoding="utf-8")
    return path


def test_map_min_score_prunes_every_output(essay, tmp_path):
    full = from_json(run("map", essay, "-m", "rules", "-f", "json").stdout)
    thesis = analyse(full).thesis.id
    others = sorted(u.score for u in full.units if u.id != thesis)
    assert others and others[0] < 1
    p = others[0] + 1e-6  # drops at least the lowest-scored unit
    result = run("map", "-", "-m", "rules", "-o", "-", "--min-score", p, input=ESSAY.encode())
    assert result.exit_code == 0, result.stderr
    pruned = from_json(result.stdout)
    assert thesis in {u.id for u in pruned.units} and len(pruned) < len(full)
    assert all(u.score >= p for u in pruned.units if u.id != thesis)
    expected = prune(full, p)  # what the library's prune makes of the full map
    assert pruned.units == expected.units and pruned.relations == expected.relations
    assert pruned == argmine.map_text(ESSAY, model="rules", source="<stdin>", min_score=p)
    # 0 keeps everything; --summary counts what is left; a file output holds the pruned map too.
    assert from_json(run("map", essay, "-m", "rules", "-f", "json", "--min-score", "0").stdout) == full
    summary = json.loads(run("map", essay, "-m", "rules", "--summary", "--json", "--min-score", p).stdout)
    assert summary["units"] == len(pruned) and summary["relations"] == len(pruned.relations)
    out = tmp_path / "essay.graphml"
    assert run("map", essay, "-m", "rules", "-o", out, "--min-score", p).exit_code == 0
    from argmine.export import read

    assert len(read(out)) == len(pruned)
    # The tree on the terminal is pruned too.
    tree = run("map", essay, "-m", "rules", "--min-score", p).stdout
    dropped = [u for u in full.units if u.id not in {v.id for v in pruned.units}]
    assert dropped and all(f" {u.id} " not in tree and f" {u.id}:" not in tree for u in dropped)


@pytest.mark.parametrize("command", ["map", "convert"])
@pytest.mark.parametrize("bad", ["-0.1", "2", "x"])
def test_bad_min_score_is_a_one_line_usage_error(command, bad, essay, hand_json, tmp_path):
    source = essay if command == "map" else hand_json
    result = run(command, source, *(["-m", "rules"] if command == "map" else [tmp_path / "out.json"]),
                 "--min-score", bad)
    assert result.exit_code == 2, (result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert lines == [f"argmine: --min-score must be a number from 0 to 1, not '{bad}'"]
    assert result.stdout == "" and not (tmp_path / "out.json").exists()


def test_the_api_refuses_a_bad_min_score_before_mapping():
    with pytest.raises(UsageError):
        argmine.map_text(ESSAY, model="rules", min_score=1.5)
    with pytest.raises(UsageError):
        argmine.map_many([ESSAY], model="rules", min_score=-1)
    maps = list(argmine.map_many([ESSAY, ESSAY], model="rules", min_score=0.6))
    assert [len(m) for m in maps] == [1, 1]


# ---- how the views show an uncertain unit ---------------------------------------------------------------


def test_terminal_tree_dims_and_marks_uncertain_units():
    amap = hand_map()
    out = io.StringIO()
    show(amap, analyse(amap), console=Console(file=out, width=200, force_terminal=True, color_system="standard"))
    raw = out.getvalue().splitlines()
    # Each unit's line, found by its text (every sentence here is on one line, and unique).
    lines = {u.id: next(line for line in raw if amap.unit_text(u)[:12] in re.sub(r"\x1b\[[0-9;]*m", "", line))
             for u in amap.units}
    plain = {k: re.sub(r"\x1b\[[0-9;]*m", "", v) for k, v in lines.items()}
    assert "THESIS? (0.30)" in plain["t"]
    assert "PREMISE? (0.10) d" in plain["d"] and "CLAIM? (0.20) b" in plain["b"]
    assert "?" not in plain["a"] and "(0.90)" not in plain["a"]
    # Dimmed: the unit's own text is drawn with the dim attribute (SGR 2), a sure unit's is not.
    def dimmed(uid: str) -> bool:
        return bool(re.search(r"\x1b\[(?:[0-9;]*;)?2(?:;[0-9;]*)?m" + re.escape(amap.unit_text(uid)[:12]), lines[uid]))

    assert dimmed("d") and dimmed("b") and not dimmed("a") and not dimmed("e")


def test_uncertain_means_under_the_one_threshold():
    at, under = (Unit("u", 0, 1, "claim", score=s) for s in (UNCERTAIN, UNCERTAIN - 0.01))
    assert not is_uncertain(at) and is_uncertain(under)


def test_html_marks_uncertain_units_in_both_panes():
    page = html.to_html(hand_map())
    found = re.findall(r'<div class="(node [^"]*)" data-unit-id="([^"]+)"', page)
    by_id = {uid: classes.split() for classes, uid in found}
    assert "uncertain" in by_id["t"] and "uncertain" in by_id["d"] and "uncertain" not in by_id["a"]
    spans = {uid: cls.split() for cls, uid in re.findall(r'<span class="(unit [^"]*)" data-unit-id="([^"]+)"', page)}
    assert "uncertain" in spans["d"] and "uncertain" not in spans["e"]
    title = re.search(r'data-unit-id="d"[^>]*title="([^"]*)"', page).group(1)
    assert "uncertain (score 0.10)" in title


# ---- a score just under the threshold reads as under it -------------------------------------------------
# The shipped model's maps of corpus/ hold units scored 0.4977: rounded to two decimals they read "0.50",
# marked uncertain ("score under 0.50") and dropped by --min-score 0.5 while the view said they scored 0.50.

EDGE = [  # (id, sentence, kind, score): the thesis, one unit just under the threshold, one at it
    ("t", "The town should keep its night buses running.", "major_claim", 0.9),
    ("a", "Critics say the buses run almost empty.", "claim", 0.4977),
    ("b", "Night workers have no other way home.", "claim", 0.5),
]


def edge_map() -> ArgumentMap:
    text = "\n\n".join(s for _, s, *_ in EDGE) + "\n"
    units = [Unit(uid, text.index(s), text.index(s) + len(s), kind, score=score) for uid, s, kind, score in EDGE]
    return propagate_stance(ArgumentMap(text, units, [Relation("a", "t", "attack"), Relation("b", "t", "support")]))


def _tree_lines(amap: ArgumentMap) -> dict[str, str]:
    """Each unit's line in the tree as `argmine map FILE` prints it without a terminal (no colour)."""
    out = io.StringIO()
    show(amap, analyse(amap), console=Console(file=out, width=300))
    raw = out.getvalue().splitlines()
    return {u.id: next(line for line in raw if amap.unit_text(u)[:20] in line) for u in amap.units}


def test_a_score_just_under_the_threshold_never_reads_as_the_threshold(tmp_path):
    amap = edge_map()
    lines = _tree_lines(amap)
    assert "CLAIM? (0.49) a" in lines["a"] and "0.50" not in lines["a"]
    assert "?" not in lines["b"].split(":")[0]
    page = html.to_html(amap)
    title = re.search(r'<div class="node[^"]*" data-unit-id="a"[^>]*title="([^"]*)"', page).group(1)
    assert "uncertain (score 0.49)" in title
    metas = dict(re.findall(r'data-unit-id="(\w)".*?<span class="meta">([^<]*)</span>', page))
    assert metas["a"] == "? uncertain · score 0.49 · against" and metas["b"] == "score 0.50 · for"
    # What --min-score 0.5 drops is exactly what the views showed under 0.50.
    source = tmp_path / "edge.json"
    source.write_text(to_json(amap), encoding="utf-8")
    result = run("convert", source, "-", "--min-score", "0.5")
    assert result.exit_code == 0, result.stderr
    assert [u.id for u in from_json(result.stdout).units] == ["t", "b"]


MINIMUMS = [c / 100 for c in range(101)]  # every two-decimal minimum: the page's and the slider's 0.05 steps


def _same_side(value: float) -> None:
    shown = float(score_text(value))
    assert len(score_text(value)) == 4 and 0 <= value - shown < 0.01, (value, score_text(value))
    wrong = [m for m in MINIMUMS if (shown >= m) != (value >= m)]
    assert not wrong, (value, score_text(value), wrong)


def test_every_four_decimal_score_is_shown_on_its_own_side_of_every_minimum():
    # The model's scores come to four decimals (nlp/doc.py): all of them, against every minimum.
    for score in range(10_001):
        _same_side(score / 10_000)


@given(st.floats(0, 1))
def test_any_score_is_shown_on_its_own_side_of_every_minimum(value):
    _same_side(value)


def test_the_findings_and_the_html_thesis_line_mark_uncertain_units_too():
    # The tree's findings list units again (here b, an unsupported claim scored 0.20) and the HTML header
    # repeats the thesis (t, 0.30): a reader who reads only those lines must see the doubt as well.
    amap = hand_map()
    out = io.StringIO()
    show(amap, analyse(amap), console=Console(file=out, width=200))
    findings = out.getvalue().split("Unsupported claims: ", 1)[1].splitlines()
    assert findings[0] == "1" and findings[1].startswith("  b? (0.20): Critics say")
    sure = ArgumentMap(amap.text, [Unit(u.id, u.start, u.end, u.kind, u.evidence_type, u.stance, u.paragraph, 0.9)
                                   for u in amap.units], amap.relations)
    out = io.StringIO()
    show(sure, analyse(sure), console=Console(file=out, width=200))
    assert "  b: Critics say" in out.getvalue() and "?" not in out.getvalue()
    header = re.search(r'<p class="thesis">([^<]*)</p>', html.to_html(amap)).group(1)
    assert header.startswith("Thesis (? uncertain · score 0.30): The town should keep")
    assert re.search(r'<p class="thesis">([^<]*)</p>', html.to_html(sure)).group(1).startswith("Thesis: The town")


# ---- on a real map: the shipped model's map of one of the project's op-eds --------------------------------

SHIPPED = Path(__file__).resolve().parent.parent / "models" / "argmine-en"
TREE_LINE = re.compile(r"(THESIS|MAJOR CLAIM|CLAIM|PREMISE|EVIDENCE)(\? \((\d\.\d\d)\))?(?: \(\w+\))? (u\d+)[ :]")


def _marks(tree: str) -> dict[str, str | None]:
    """Each unit's mark in a tree `argmine map` printed: its shown score if marked uncertain, else None."""
    return {m.group(4): m.group(3) for m in TREE_LINE.finditer(tree)}


@pytest.mark.slow
@pytest.mark.skipif(not SHIPPED.is_dir(), reason="no shipped model")
@pytest.mark.parametrize("name", ["nuclear-power"])  # a unit at 0.35 (the only op-ed with one under 0.5)
def test_a_real_map_marks_exactly_its_uncertain_units_and_min_score_drops_them(name):
    source = CORPUS / f"{name}.txt"
    full = from_json(run("map", source, "-f", "json").stdout)
    thesis = analyse(full).thesis.id
    unsure = {u.id for u in full.units if is_uncertain(u)}
    # Without units on both sides of the threshold this test could not fail (the model is retrained now
    # and then: this says so first).
    assert unsure - {thesis} and len(unsure) < len(full)
    # The tree, as printed without a terminal: a mark with the score shown on the right side, on those alone.
    tree = run("map", source).stdout
    marks = _marks(tree)
    assert marks.keys() == {u.id for u in full.units}
    assert {uid for uid, shown in marks.items() if shown} == unsure
    assert all(float(marks[uid]) < UNCERTAIN for uid in unsure)
    # The HTML map: both panes.
    page = run("map", source, "-f", "html").stdout
    boxes = re.findall(r'<div class="(node [^"]*)" data-unit-id="([^"]+)"', page)
    spans = re.findall(r'<span class="(unit [^"]*)" data-unit-id="([^"]+)"', page)
    assert {uid for _, uid in boxes} == {uid for _, uid in spans} == {u.id for u in full.units}
    for pane in (boxes, spans):
        assert {uid for cls, uid in pane if "uncertain" in cls.split()} == unsure
    # --min-score 0.5 (the threshold) drops every marked unit but the thesis, in the tree and in --summary.
    pruned = _marks(run("map", source, "--min-score", UNCERTAIN).stdout)
    assert pruned.keys() == {u.id for u in full.units} - (unsure - {thesis})
    assert {uid for uid, shown in pruned.items() if shown} == unsure & {thesis}
    summary = json.loads(run("map", source, "--summary", "--json", "--min-score", UNCERTAIN).stdout)
    assert summary["units"] == len(full) - len(unsure - {thesis})


def test_an_html_map_written_with_min_score_says_what_was_dropped(hand_json, essay, tmp_path):
    # The CLI's HTML says it as the server's page does (the same Format.dump); other formats carry the map alone.
    out = tmp_path / "pruned.html"
    assert run("convert", hand_json, out, "--min-score", "0.5").exit_code == 0
    full, pruned = hand_map(), prune(hand_map(), 0.5)
    page = out.read_text(encoding="utf-8")
    line = re.search(r'id="pruned"[^>]*>([^<]*)<', page)
    assert line is not None, page[:2000]
    assert f"{len(full) - len(pruned)} units" in line.group(1)
    mapped = run("map", essay, "-m", "rules", "-f", "html", "--min-score", "0.5")
    assert mapped.exit_code == 0 and 'id="pruned"' in mapped.stdout
    assert 'id="pruned"' not in run("map", essay, "-m", "rules", "-f", "html").stdout
    assert "pruned" not in run("convert", hand_json, "-", "-f", "json", "--min-score", "0.5").stdout
