"""Stand-off annotations of the editorials: worksheet, answer files, hash check, round trip, agreement.

The editorials here are written for these tests, in the Webis JSON format, in a temporary folder."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CORPORA, ROOT, needs_corpora

from argmine.corpora import CorpusError, CorpusFormatError, corpus_stats, read_corpus
from argmine.corpora.standoff import (
    AnswerError,
    agreement,
    build_map,
    dumps_standoff,
    load_editorial,
    main,
    read_standoff,
    standoff_data,
    text_sha256,
    worksheet,
    write_standoff,
)

# (outlet, stem, paragraphs of (segment, Webis label)).
BUSES = ("foxnews", "010-buslanes", [
    [("Keep the bus lanes.", "title")],
    [("Critics of the new bus lanes say they have made traffic on Main Street worse", "assumption"),
     (".", "no-unit"),
     ("Drivers now wait longer at the two busiest junctions", "common-ground"), (".", "no-unit")],
    [("But the lanes were never meant to speed up cars", "assumption"), (";", "no-unit"),
     ("they were meant to move more people", "assumption"), (".", "no-unit"),
     ("Ridership on the 12 line has risen by a third since March", "statistics"), (".", "no-unit")],
    [("Admittedly, the shops on the east end have lost some passing trade", "assumption"), (".", "no-unit"),
     ("Yet a lane that carries forty buses an hour is worth more than parking", "assumption"), (".", "no-unit"),
     ("The council should make the lanes permanent", "assumption"), (".", "no-unit")],
])
STADIUM = ("aljazeera", "011-stadiumdeal", [
    [("A bad bargain.", "title")],
    [("The county should walk away from the stadium deal", "assumption"), (".", "no-unit"),
     ("The deal is bad for the county and bad for the county's schools", "assumption"), (".", "no-unit")],
    [("The county issues 420 million dollars in bonds", "statistics"), (",", "no-unit"),
     ("according to the draft", "no-unit"), (".", "no-unit"),
     ('"We would be the bank," the treasurer said', "testimony"), (".", "no-unit")],
])


def write_editorial(root: Path, outlet: str, stem: str, paragraphs: list) -> Path:
    folder = root / "editorials" / outlet
    folder.mkdir(parents=True, exist_ok=True)
    numbers = iter(range(1, 1000))
    doc = {"paragraphs": [[{"number": next(numbers), "text": t, "label": lab} for t, lab in p] for p in paragraphs]}
    path = folder / f"{stem}.json"
    path.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    return path


@pytest.fixture()
def corpora(tmp_path: Path) -> Path:
    root = tmp_path / "corpora"
    for outlet, stem, paragraphs in (BUSES, STADIUM):
        write_editorial(root, outlet, stem, paragraphs)
    return root


# The worksheet numbers segments by their Webis number: title s1; s2 . s4 . | s6 ; s8 . s10 . | s12 . s14 . s16 .
BUSES_ANSWER = {
    "split": "foxnews", "document": "010-buslanes", "annotator": "A", "thesis": "s16",
    "units": {"s2": {}, "s4": {}, "s6+s8": {}, "s10": {"kind": "evidence", "evidence_type": "statistics"},
              "s12": {"kind": "claim"}, "s14": {"stance": "for"}},
    "relations": [["s2", "s16", "attack"], ["s4", "s2", "support"], ["s6+s8", "s2", "attack"],
                  ["s10", "s6+s8", "support"], ["s12", "s16", "attack"], ["s14", "s12", "attack"]],
}


def answer(**changes) -> dict:
    return {**json.loads(json.dumps(BUSES_ANSWER)), **changes}


def texts(amap) -> dict[str, str]:
    return {amap.unit_text(u): (u.kind, u.evidence_type, u.stance) for u in amap.units}


# --- worksheet ------------------------------------------------------------------------------------------------


def test_worksheet_numbers_segments_by_paragraph_with_their_labels(corpora: Path) -> None:
    sheet = worksheet("foxnews", "010-buslanes", corpora)
    lines = sheet.splitlines()
    assert '"split": "foxnews", "document": "010-buslanes"' in lines[2]
    body = [line for line in lines if line and not line.startswith("#")]
    assert body == [
        "== paragraph 0 (title) ==",
        "   s1 [title] Keep the bus lanes.",
        "== paragraph 1 ==",
        "   s2 [assumption] Critics of the new bus lanes say they have made traffic on Main Street worse.",
        "   s4 [common-ground] Drivers now wait longer at the two busiest junctions.",
        "== paragraph 2 ==",
        "   s6 [assumption] But the lanes were never meant to speed up cars;",
        "   s8 [assumption] they were meant to move more people.",
        "  s10 [statistics] Ridership on the 12 line has risen by a third since March.",
        "== paragraph 3 ==",
        "  s12 [assumption] Admittedly, the shops on the east end have lost some passing trade.",
        "  s14 [assumption] Yet a lane that carries forty buses an hour is worth more than parking.",
        "  s16 [assumption] The council should make the lanes permanent.",
    ]


def test_worksheet_cli_prints_it_and_names_a_missing_editorial(corpora: Path, capsys) -> None:
    assert main(["worksheet", "aljazeera", "011-stadiumdeal", "--corpora", str(corpora)]) == 0
    assert "   s8 [no-unit] according to the draft." in capsys.readouterr().out
    assert main(["worksheet", "aljazeera", "999-nothing", "--corpora", str(corpora)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: editorial aljazeera/999-nothing not found") and err.count("\n") == 1


def test_python_dash_m_runs_without_a_warning(corpora: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    run = subprocess.run(
        [sys.executable, "-W", "error", "-m", "argmine.corpora.standoff", "worksheet", "foxnews", "010-buslanes",
         "--corpora", str(corpora / "editorials")],
        capture_output=True, text=True, env=env, cwd=ROOT, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert "s16 [assumption] The council should make the lanes permanent." in run.stdout


# --- answer files ---------------------------------------------------------------------------------------------


def test_build_derives_kinds_and_stances_from_the_tree(corpora: Path) -> None:
    amap, thesis, annotator = build_map(answer(), corpora)
    assert annotator == "A" and amap.unit_text(thesis) == "The council should make the lanes permanent"
    assert amap.source == "editorials:foxnews:010-buslanes"
    assert texts(amap) == {
        "Critics of the new bus lanes say they have made traffic on Main Street worse": ("claim", "", "against"),
        "Drivers now wait longer at the two busiest junctions": ("premise", "", "against"),
        # s6+s8: one unit from the start of s6 to the end of s8, the semicolon between kept;
        # a unit of segments ends where its last segment does, before the full stop (as the editorials reader's).
        "But the lanes were never meant to speed up cars; they were meant to move more people": ("premise", "", "for"),
        "Ridership on the 12 line has risen by a third since March": ("evidence", "statistics", "for"),
        "Admittedly, the shops on the east end have lost some passing trade": ("claim", "", "against"),
        "Yet a lane that carries forty buses an hour is worth more than parking": ("premise", "", "for"),
        "The council should make the lanes permanent": ("major_claim", "", ""),
    }
    assert [u.id for u in amap.units] == [f"u{i}" for i in range(1, 8)]
    assert [u.paragraph for u in amap.units] == [1, 1, 2, 2, 3, 3, 3]


def test_build_takes_part_of_a_segment_by_quote(corpora: Path) -> None:
    sheet = {"split": "aljazeera", "document": "011-stadiumdeal", "annotator": "B", "thesis": "s2",
             "units": {"q1": {"quote": "The deal is bad for the county"},
                       "q2": {"quote": "bad for the county's schools", "in": "s4"},
                       "s6+s8": {"kind": "evidence", "evidence_type": "statistics"}},
             "relations": [["q1", "s2", "support"], ["q2", "q1", "support"], ["s6+s8", "q1", "support"]]}
    amap, _, _ = build_map(sheet, corpora)
    assert texts(amap) == {
        "The county should walk away from the stadium deal": ("major_claim", "", ""),
        "The deal is bad for the county": ("claim", "", "for"),
        "bad for the county's schools": ("premise", "", "for"),
        "The county issues 420 million dollars in bonds, according to the draft": ("evidence", "statistics", "for"),
    }


@pytest.mark.parametrize(("change", "expected"), [
    ({"units": {"s12": {}, "q": {"quote": "the lanes"}}, "relations": [["s12", "s16", "attack"],
                                                                       ["q", "s12", "attack"]]},
     "q: quote 'the lanes' occurs more than once in the text: quote more words, or name its segment with \"in\""),
    ({"units": {"s12": {}, "q": {"quote": "trams", "in": "s14"}},
      "relations": [["s12", "s16", "attack"], ["q", "s12", "attack"]]},
     "q: quote 'trams' is not in s14"),
    ({"units": {"s2+s6": {}}, "relations": [["s2+s6", "s16", "attack"]]},
     "s2+s6: merged segments must be in one paragraph"),
    ({"units": {"s6+s10": {}}, "relations": [["s6+s10", "s16", "support"]]},
     "s6+s10: merged segments must be adjacent and in order (list s8 too)"),
    ({"units": {"s12": {"kind": "premise"}}, "relations": [["s12", "s16", "attack"]]},
     "s12: a premise that bears on the thesis is a claim (guide rule K1)"),
    ({"units": {"s12": {}, "s14": {}}, "relations": [["s12", "s16", "attack"]]},
     "s14 has no relation: link it to the unit it bears on, or leave it out"),
    ({"units": {"s12": {}, "s14": {}}, "relations": [["s12", "s16", "attack"], ["s14", "s12", "attack"],
                                                     ["s14", "s16", "support"]]},
     "s14 has 2 relations (s12, s16): a unit bears on one unit"),
    ({"units": {"s12": {}, "s14": {"stance": "against"}}, "relations": [["s12", "s16", "attack"],
                                                                       ["s14", "s12", "attack"]]},
     "s14: stance 'against' contradicts the tree, which makes it 'for'"),
    ({"units": {"s12": {"kind": "evidence"}}, "relations": [["s12", "s16", "attack"]]},
     "s12: evidence needs an evidence_type"),
    ({"units": {"s12": {}, "s14": {"kind": "major_claim"}},
      "relations": [["s12", "s16", "attack"], ["s14", "s12", "attack"]]},
     "s14 is a major_claim besides the thesis"),
    ({"units": {"s12": {}}, "relations": [["s12", "s99", "attack"]]},
     "relation 1: 's99' is not a unit of the answer file"),
    ({"units": {"s12": {}, "q": {"quote": "shops on the east end"}},
      "relations": [["s12", "s16", "attack"], ["q", "s12", "support"]]},
     "units s12 and q overlap"),
])
def test_build_refuses_a_bad_answer_naming_the_unit(corpora: Path, change: dict, expected: str) -> None:
    with pytest.raises(AnswerError) as caught:
        build_map(answer(**change), corpora, name="sheet.json")
    assert any(p.startswith(expected) for p in caught.value.problems), caught.value.problems
    assert str(caught.value).startswith("sheet.json: ")


def test_build_cli_reports_every_mistake_and_builds_the_good_files(corpora: Path, tmp_path: Path, capsys) -> None:
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(answer()), encoding="utf-8")
    bad.write_text(json.dumps(answer(units={"s12": {"kind": "premise"}, "s14": {}},
                                     relations=[["s12", "s16", "attack"]])), encoding="utf-8")
    out = tmp_path / "standoff"
    assert main(["build", str(bad), str(good), "-o", f"{out}/", "--corpora", str(corpora)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"error: {bad}: s12: a premise that bears on the thesis is a claim (guide rule K1)"
    assert err[1].startswith(f"error: {bad}: s14 has no relation")
    assert err[2] == f"{good} -> {out / 'foxnews' / '010-buslanes.json'}"
    assert [m.source for m in read_standoff(out, corpora)] == ["editorials:foxnews:010-buslanes"]
    assert main(["build", str(good), "-o", "-", "--corpora", str(corpora)]) == 0
    assert json.loads(capsys.readouterr().out)["thesis"] == "u7"


# --- stand-off files ------------------------------------------------------------------------------------------


def test_round_trip_keeps_the_map_and_never_the_text(corpora: Path, tmp_path: Path) -> None:
    amap, thesis, _ = build_map(answer(), corpora)
    path = write_standoff(amap, tmp_path / "out" / "x.json", "A", thesis)
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    assert data["format"] == "argmine-standoff/1" and data["thesis"] == "u7" and data["annotator"] == "A"
    assert data["sha256"] == text_sha256(amap.text)
    assert "Main Street" not in raw and "bus lanes" not in raw and "text" not in raw
    assert raw.count("\n") == 5 + len(data["units"]) + len(data["relations"])  # one unit or relation a line
    (back,) = read_standoff(tmp_path / "out", corpora)
    assert back == amap
    assert back.graph.graph["annotator"] == "A" and back.graph.graph["thesis"] == "u7"
    assert dumps_standoff(standoff_data(back, "A")) == raw


def test_an_edited_text_is_refused_by_its_hash(corpora: Path, tmp_path: Path) -> None:
    amap, thesis, _ = build_map(answer(), corpora)
    path = write_standoff(amap, tmp_path / "anno" / "foxnews" / "010-buslanes.json", "A", thesis)
    outlet, stem, paragraphs = BUSES
    edited = [list(p) for p in paragraphs]
    edited[1][2] = ("Drivers now wait far longer at the two busiest junctions", "common-ground")
    write_editorial(corpora, outlet, stem, edited)
    with pytest.raises(CorpusFormatError) as caught:
        read_standoff(tmp_path / "anno", corpora)
    message = str(caught.value)
    assert message.startswith(f"{path}: the text of editorial foxnews/010-buslanes is not the one annotated")
    assert "sha256" in message


def test_a_missing_editorial_is_named_with_the_file(corpora: Path, tmp_path: Path) -> None:
    amap, thesis, _ = build_map(answer(), corpora)
    path = write_standoff(amap, f"{tmp_path / 'anno'}/", "A", thesis)
    (corpora / "editorials" / "foxnews" / "010-buslanes.json").unlink()
    with pytest.raises(CorpusError, match=f"^{re.escape(str(path))}: editorial foxnews/010-buslanes not found"):
        read_standoff(tmp_path / "anno", corpora)


def test_a_file_carrying_text_or_a_broken_tree_is_refused(corpora: Path, tmp_path: Path) -> None:
    amap, thesis, _ = build_map(answer(), corpora)
    data = standoff_data(amap, "A", thesis)
    folder = tmp_path / "anno"
    folder.mkdir()
    carrying = {**data, "units": [{**data["units"][0], "text": "Critics of the new bus lanes"}, *data["units"][1:]]}
    (folder / "a.json").write_text(json.dumps(carrying), encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="never carry the corpus text"):
        read_standoff(folder, corpora)
    looping = {**data, "relations": [*data["relations"], {"source": "u7", "target": "u1", "type": "support"}]}
    (folder / "a.json").write_text(json.dumps(looping), encoding="utf-8")
    with pytest.raises(CorpusFormatError, match="the thesis 'u7' supports 'u1': it has no relation"):
        read_standoff(folder, corpora)


def test_write_never_replaces_a_file_it_did_not_write(corpora: Path, tmp_path: Path) -> None:
    amap, thesis, _ = build_map(answer(), corpora)
    target = tmp_path / "010-buslanes.json"
    target.write_text("my notes\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="exists and is not the stand-off file of foxnews/010-buslanes by annotator A"):
        write_standoff(amap, target, "A", thesis)
    assert target.read_text(encoding="utf-8") == "my notes\n"
    target.unlink()
    write_standoff(amap, target, "A", thesis)
    write_standoff(amap, target, "A", thesis)  # its own file, rebuilt after a correction: replaced
    with pytest.raises(CorpusError, match="not replaced"):
        write_standoff(amap, target, "B", thesis)
    assert json.loads(target.read_text(encoding="utf-8"))["annotator"] == "A"


def test_the_corpus_registry_reads_stand_off(corpora: Path, tmp_path: Path, monkeypatch) -> None:
    amap, thesis, _ = build_map(answer(), corpora)
    write_standoff(amap, f"{tmp_path / 'anno'}/", "A", thesis)
    monkeypatch.setenv("ARGMINE_CORPORA", str(corpora))
    maps = read_corpus("editorials-standoff", tmp_path / "anno")
    assert maps == [amap]
    assert read_corpus("editorials-standoff", tmp_path / "anno", "aljazeera") == []
    stats = corpus_stats(maps, "editorials-standoff")
    assert stats["relations_per_label"] == {"support": 2, "attack": 4}
    assert stats["stances"] == {"for": 3, "against": 3}
    # Without the variable, the corpora are found beside the stand-off folder (here: tmp_path/corpora).
    monkeypatch.delenv("ARGMINE_CORPORA")
    assert read_corpus("editorials-standoff", tmp_path / "anno") == [amap]


# --- agreement ------------------------------------------------------------------------------------------------


def test_agreement_on_a_hand_made_pair(corpora: Path) -> None:
    a, _, _ = build_map(answer(), corpora)
    # B: same thesis and units but s14 (left out); s10 a premise, not evidence; s6+s8 attacks s4, not s2; the
    # concession s12 read as support of the thesis.
    b_answer = answer(annotator="B", units={"s2": {}, "s4": {}, "s6+s8": {}, "s10": {}, "s12": {}},
                      relations=[["s2", "s16", "attack"], ["s4", "s2", "support"], ["s6+s8", "s4", "attack"],
                                 ["s10", "s6+s8", "support"], ["s12", "s16", "support"]])
    b, _, _ = build_map(b_answer, corpora)
    result = agreement([a], [b])
    assert result.documents == 1 and result.thesis == 1 and result.thesis_agreement == 1.0
    # Units: A 7, B 6, all six of B's matched.
    assert (result.units.tp, result.units.gold, result.units.predicted) == (6, 7, 6)
    # Kinds: s10 (evidence / premise) differs; 5 agree.
    assert result.kinds.tp == 5 and result.kinds.f1 == pytest.approx(10 / 13)
    # Relations: A 6, B 5; same source, target and type: s2->s16 attack, s4->s2 support, s10->s6+s8 support.
    assert (result.relations.tp, result.relations.gold, result.relations.predicted) == (3, 6, 5)
    assert result.links.tp == 4  # s12->s16 links both, with another type; s6+s8 goes elsewhere in B
    assert (result.attacks.tp, result.attacks.gold, result.attacks.predicted) == (1, 4, 2)
    assert result.attacks.f1 == pytest.approx(2 / 6)
    # Stance over the five matched non-thesis units: s2, s4 against in both, s6+s8 and s10 for in both (two
    # attacks on B's path too), s12 against in A and for in B.
    assert (result.stance, result.stance_total) == (4, 5)
    table = result.to_markdown()
    assert "| thesis agreement (share of documents whose theses match at ≥50% overlap) | 1.000 (1 of 1) |" in table
    assert "| attack F1 (attack relations only) | 0.333 (1 agreed; A 4, B 2 attacks) |" in table


def test_agreement_cli_pairs_documents_and_lists_the_unpaired(corpora: Path, tmp_path: Path, capsys) -> None:
    a, thesis, _ = build_map(answer(), corpora)
    write_standoff(a, f"{tmp_path / 'A'}/", "A", thesis)
    b, tb, _ = build_map(answer(annotator="B", units={"s12": {}}, relations=[["s12", "s16", "attack"]]), corpora)
    write_standoff(b, f"{tmp_path / 'B'}/", "B", tb)
    stadium = {"split": "aljazeera", "document": "011-stadiumdeal", "annotator": "B", "thesis": "s2",
               "units": {"s4": {}}, "relations": [["s4", "s2", "support"]]}
    s, ts, _ = build_map(stadium, corpora)
    write_standoff(s, f"{tmp_path / 'B'}/", "B", ts)
    assert main(["agreement", str(tmp_path / "A"), str(tmp_path / "B"), "--corpora", str(corpora)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| measure | value |\n|---|---|\n| documents annotated by both | 1 |\n")
    assert "| relation F1 (same source, target and type) | 0.286 (1 agreed; A 6, B 1 relations) |" in out
    assert "Only annotator B: editorials:aljazeera:011-stadiumdeal (left out)." in out


# --- the real corpus --------------------------------------------------------------------------------------------


@needs_corpora
def test_real_editorials_worksheet_lists_every_worded_segment() -> None:
    raw = json.loads((CORPORA / "editorials" / "aljazeera" / "006-afghanistanatcrucialjuncture.json").read_text())
    worded = [s for p in raw["paragraphs"] for s in p if any(ch.isalnum() for ch in s["text"])]
    sheet = worksheet("aljazeera", "006-afghanistanatcrucialjuncture", CORPORA)
    numbered = [line.split()[0] for line in sheet.splitlines() if line.strip().startswith("s")]
    assert numbered == [f"s{s['number']}" for s in worded]
    editorial = load_editorial(CORPORA / "editorials", "aljazeera", "006-afghanistanatcrucialjuncture")
    assert editorial.sha256 == text_sha256(read_corpus("editorials", CORPORA / "editorials", "aljazeera")[0].text)


@needs_corpora
def test_real_stand_off_files_in_the_repository_read_back() -> None:
    folder = ROOT / "corpus" / "standoff" / "editorials"
    if not folder.is_dir():
        pytest.skip("no stand-off annotations in corpus/standoff/editorials yet")
    maps = read_standoff(folder, CORPORA)
    assert maps and all(m.graph.graph["thesis"] in m.graph for m in maps)
