"""Readers of the web-genre corpora (webdiscourse, CMV modes, CMV units, IBM evidence, suggestbot): fixtures
written for the tests in each corpus's layout, error cases, cross-validation groups, the CLI, and the counts
the corpora's README publishes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import CORPORA, FIXTURE_CORPORA, needs_corpora
from test_corpora import assert_well_formed, relations_of, units_of
from typer.testing import CliRunner

from argmine.argmap import ArgumentMap
from argmine.cli import app
from argmine.corpora import (
    CORPORA as READERS,
    CorpusError,
    CorpusFormatError,
    corpus_stats,
    document_groups,
    kfold_split,
    map_group,
    read_corpus,
)
from argmine.corpora.cmv_modes import read_cmv_modes
from argmine.corpora.cmv_units import read_cmv_units
from argmine.corpora.ibm_evidence import read_ibm_evidence
from argmine.corpora.suggestbot import read_suggestbot
from argmine.corpora.webdiscourse import read_webdiscourse

FIX = FIXTURE_CORPORA
runner = CliRunner()


def folds_of(maps: list[ArgumentMap]) -> list[list[ArgumentMap]]:
    return [kfold_split(maps, 5, i)[1] for i in range(1, 6)]


def assert_groups_never_straddle_folds(maps: list[ArgumentMap]) -> None:
    """Every map is held out exactly once, and all maps of a group in the same fold."""
    folds = folds_of(maps)
    assert sorted(m.source for fold in folds for m in fold) == sorted(m.source for m in maps)
    fold_of_group: dict[str, int] = {}
    for n, fold in enumerate(folds):
        for amap in fold:
            assert fold_of_group.setdefault(map_group(amap), n) == n, map_group(amap)


def test_kfold_split_deals_whole_groups_largest_first_to_the_emptiest_fold() -> None:
    maps = []
    for group, n in (("b", 2), ("a", 3), ("d", 1), ("c", 2)):
        for j in range(n):
            amap = ArgumentMap("text", source=f"{group}{j}")
            amap.graph.graph["group"] = group
            maps.append(amap)
    # a (3) -> fold 1; b (2) -> fold 2; c (2) -> fold 2, which holds fewer; d (1) -> fold 1.
    assert [m.source for m in kfold_split(maps, 2, 1)[1]] == ["a0", "a1", "a2", "d0"]
    train, held = kfold_split(maps, 2, 2)
    assert [m.source for m in held] == ["b0", "b1", "c0", "c1"] and len(train) == 4
    assert [g for g, _ in document_groups(maps[:3])] == ["b", "b", "a"]
    ungrouped = ArgumentMap("text", source="solo")
    assert map_group(ungrouped) == "solo"


# --- webdiscourse ---------------------------------------------------------------------------------------

def test_webdiscourse_fixture_roles_and_relations() -> None:
    implicit, explicit = read_webdiscourse(FIX / "webdiscourse")  # 7.xmi sorts before 12.xmi
    assert explicit.source == "webdiscourse:12"
    assert explicit.text.startswith("skater_mum\nKids who skip a year")
    assert units_of(explicit) == [
        ("x101", "major_claim", "", "", 1, "Kids who skip a year of school do not catch up"),
        ("x102", "evidence", "", "", 1, "My son started late and he was bored for two years."),
        ("x103", "premise", "", "", 1, "Studies of late starters show no gain by age ten."),
        ("x104", "premise", "", "", 2, "Some say late starters are more mature."),
        ("x105", "premise", "", "", 2, "But maturity fades as a reason by the third grade."),
        ("x106", "claim", "", "", 2, "So parents should start them on time."),
    ]
    assert relations_of(explicit) == {
        ("x102", "x101", "support"),  # Backing
        ("x103", "x101", "support"),  # Premise
        ("x104", "x101", "attack"),  # Rebuttal
        ("x105", "x104", "attack"),  # Refutation: its relation names the claim, it answers the rebuttal
        ("x106", "x101", "support"),  # a second Claim
    }
    assert explicit.graph.graph["unit_labels"]["x104"] == "Rebuttal"
    assert (explicit.graph.graph["doc_type"], explicit.graph.graph["topic"]) == ("forumpost", "redshirting")
    assert explicit.graph.graph["skipped"] == {}
    assert_well_formed([implicit, explicit])


def test_webdiscourse_implicit_claim_is_no_unit_but_is_counted() -> None:
    implicit = read_webdiscourse(FIX / "webdiscourse" / "gold.data.toulmin" / "7.xmi")[0]
    assert [u.kind for u in implicit.units] == ["premise"] * 4
    assert not any(u.kind in ("major_claim", "claim") for u in implicit.units)
    # Three relations point at the implicit claim; the refutation -> rebuttal one survives.
    assert relations_of(implicit) == {("x205", "x204", "attack")}
    assert implicit.graph.graph["skipped"] == {"implicit claim": 1, "relation to or from an implicit claim": 3}
    stats = corpus_stats(read_webdiscourse(FIX / "webdiscourse"), "webdiscourse")
    assert stats["skipped"] == {"implicit claim": 1, "relation to or from an implicit claim": 3}
    assert stats["original"]["labels"]["Claim"] == 3  # as published: implicit claims included
    assert stats["original"]["relations"] == {"ArgumentRelation": 9}


def test_webdiscourse_folds_are_by_document() -> None:
    maps = read_webdiscourse(FIX / "webdiscourse")
    assert [g for g, _ in document_groups(maps)] == ["webdiscourse:7", "webdiscourse:12"]
    held = [read_webdiscourse(FIX / "webdiscourse", f"fold{i}of5") for i in range(1, 6)]
    assert sorted(m.source for fold in held for m in fold) == ["webdiscourse:12", "webdiscourse:7"]
    assert len(read_webdiscourse(FIX / "webdiscourse", "train1of5")) == 1


def _web_copy(tmp_path: Path, old: str, new: str, name: str = "12.xmi") -> Path:
    folder = tmp_path / "gold.data.toulmin"
    shutil.copytree(FIX / "webdiscourse" / "gold.data.toulmin", folder)
    xmi = folder / name
    text = xmi.read_text(encoding="utf-8")
    assert old in text
    xmi.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("</xmi:XMI>", "", "not well-formed XML"),
        ('source="103"', 'source="999"', "refers to 999, which is no argument component"),
        ('source="104" target="101"', 'source="104" target="103"', "targets a Premise, not a Claim"),
        ('<types:Rebuttal xmi:id="104"', '<types:Premise xmi:id="104"', "Refutation 105 follows no Rebuttal"),
        ('<types:Premise xmi:id="103" sofa="1" begin="', '<types:Premise xmi:id="103" sofa="1" begin="x', "ValueError"),
        ("<cas:Sofa ", "<cas:Sofia ", "no <cas:Sofa>"),
    ],
)
def test_webdiscourse_malformed_documents_are_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    root = _web_copy(tmp_path, old, new)
    with pytest.raises(CorpusFormatError, match=rf"12\.xmi: .*{message}"):
        read_webdiscourse(root)


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ('begin="0" end="0"', "Premise 103 has an empty span and is not an implicit claim"),
        ('begin="1" end="9999"', "offsets 1:9999 lie outside the text"),
        ('begin="10" end="11"', "offsets 10:11 cover only whitespace"),  # the line break after the user name
    ],
)
def test_webdiscourse_bad_spans(tmp_path: Path, span: str, message: str) -> None:
    root = _web_copy(tmp_path, "</xmi:XMI>", "</xmi:XMI>")
    xmi = root / "gold.data.toulmin" / "12.xmi"
    text = re.sub(r'(xmi:id="103" sofa="1") begin="\d+" end="\d+"', rf"\1 {span}", xmi.read_text(encoding="utf-8"))
    xmi.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusFormatError, match=rf"12\.xmi: {message}"):
        read_webdiscourse(root)


def test_webdiscourse_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="no webdiscourse XMI files"):
        read_webdiscourse(tmp_path)


@needs_corpora
def test_webdiscourse_published_counts() -> None:
    maps = read_webdiscourse(CORPORA / "webdiscourse")
    stats = corpus_stats(maps, "webdiscourse")
    assert (stats["documents"], stats["groups"]) == (280, 280)
    assert stats["original"]["labels"] == {
        "Backing": 179, "Claim": 303, "Premise": 433, "Rebuttal": 49, "Refutation": 20,
    }
    assert stats["original"]["relations"] == {"ArgumentRelation": 693}
    assert stats["skipped"]["implicit claim"] == 138
    # Explicit claims: 303 - 138 = 165, one major claim per document that states one.
    assert stats["units_per_kind"] == {"major_claim": 150, "claim": 15, "premise": 502, "evidence": 179}
    assert stats["relations"] + stats["skipped"]["relation to or from an implicit claim"] == 693
    doc_types = [m.graph.graph["doc_type"] for m in maps]
    assert [doc_types.count(t) for t in ("artcomment", "forumpost", "blogpost", "article")] == [178, 60, 38, 4]
    assert_groups_never_straddle_folds(maps)
    for amap in maps:
        for unit in amap.units:
            text = amap.unit_text(unit)
            assert text and text == text.strip()
    assert all(from_json_round_trips(m) for m in maps[:30])


def from_json_round_trips(amap: ArgumentMap) -> bool:
    from argmine.export.json import from_json, to_json

    return from_json(to_json(amap)) == amap


# --- CMV modes -----------------------------------------------------------------------------------------

CMV_TITLE = "CMV: Cities should make buses free."


def test_cmv_modes_fixture_units_relations_and_groups() -> None:
    shifted, other, bytewise = read_cmv_modes(FIX / "cmv-modes")  # positive 2, positive 10, negative 1
    assert [m.source for m in (shifted, other, bytewise)] == [
        "cmv-modes:positive:2", "cmv-modes:positive:10", "cmv-modes:negative:1",
    ]
    assert units_of(shifted) == [
        # The main claim's span is shifted onto the line break (covered text " CMV: ..."): trimmed to the title.
        ("T1", "major_claim", "", "", 0, CMV_TITLE),
        ("T3", "premise", "", "", 1, "Fares keep poor riders off the bus."),
        ("T2", "claim", "", "", 1, "Free buses would cut traffic in the centre."),
        ("T4", "claim", "", "", 2, "Free buses fill up with people who would have walked,\nso traffic stays the same."),
        ("T5", "premise", "", "", 2, "I agree that fares hurt poor riders."),
    ]
    assert relations_of(shifted) == {
        ("T2", "T1", "support"), ("T3", "T2", "support"), ("T4", "T2", "attack"),  # rebuttal_attack
        ("T5", "T3", "support"),  # partial_agreement
    }
    assert shifted.graph.graph["skipped"] == {"relation of a unit to itself": 1}
    assert shifted.graph.graph["original"]["relations"] == {"support": 3, "rebuttal_attack": 1, "partial_agreement": 1}
    assert shifted.graph.graph["semantic_types"] == {"T1": "interpretation", "T3": "logos", "T4": "evaluation_rational"}
    # Offsets counted in UTF-8 bytes: after "’" (3 bytes) and "£" (2) they are read as bytes.
    assert units_of(bytewise) == [
        ("T1", "major_claim", "", "", 0, CMV_TITLE),
        ("T2", "premise", "", "", 2, "Someone has to pay the driver’s wage."),
        ("T3", "premise", "", "", 2, "One ride costs the city about £3."),
        ("T4", "claim", "", "", 2, "That money would come from taxes."),
    ]
    assert bytewise.graph.graph["byte_offsets"] == 3 and shifted.graph.graph["byte_offsets"] == 0
    assert relations_of(bytewise) == {("T4", "T1", "attack"), ("T2", "T4", "support"), ("T3", "T2", "support")}
    assert [(map_group(m), m.graph.graph["delta"]) for m in (shifted, other, bytewise)] == [
        ("cmv-modes:abc123", True), ("cmv-modes:xyz789", True), ("cmv-modes:abc123", False),
    ]
    assert_well_formed([other, bytewise])  # T4 of `shifted` runs over a line break, as some corpus units do


def test_cmv_modes_folds_keep_an_original_post_together() -> None:
    maps = read_cmv_modes(FIX / "cmv-modes")
    assert_groups_never_straddle_folds(maps)
    held = [[m.source for m in read_cmv_modes(FIX / "cmv-modes", f"fold{i}of5")] for i in range(1, 6)]
    assert held[0] == ["cmv-modes:negative:1", "cmv-modes:positive:2"]  # group abc123 sorts first
    assert held[1] == ["cmv-modes:positive:10"]
    assert [m.source for m in read_cmv_modes(FIX / "cmv-modes", "train2of5")] == held[0]


def _cmv_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    shutil.copytree(FIX / "cmv-modes", tmp_path / "cmv-modes")
    path = tmp_path / "cmv-modes" / "v2.0" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    return tmp_path / "cmv-modes"


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("positive/2.ann", "premise 37 72", "premise 38 72",
         r"line 4: T3 \(premise 38 72\) does not cover its text 'Fares keep.*as characters or as UTF-8 bytes"),
        ("positive/2.ann", "claim 73 116", "claim 73 116;117 118", "line 3: expected `T<n>"),
        ("positive/2.ann", "premise 37 72", "premise 37 x", "T3 has offsets '37' 'x', not numbers"),
        ("positive/2.ann", "rebuttal_attack", "rebutal", "relation T4 -> T2 has unknown type 'rebutal'"),
        ("positive/2.ann", "Arg2:T2", "Arg2:T9", "relation support T3 -> T9 names T9, which no T line defines"),
        ("positive/2.ann", "A1\tType1 T1", "A1\tType1 T8", "an attribute names T8, which no T line defines"),
        ("positive/2.ann", "T5\tpremise", "T5\tbacking", "T5 has label 'backing'"),
        ("positive/2.ann", "R1\t", "E1\t", "unsupported annotation line 'E1"),
        ("positive/2.ann", "T5\t", "T4\t", "T4 is defined twice"),
        ("positive/2.metadata", "Content abc123", "Contents abc123",
         "its .metadata names post r2x1 first, but its Source is submission abc123"),
        ("positive/2.metadata", "Content ", "Contents ", "its .metadata has no `Content` line"),
    ],
)
def test_cmv_modes_malformed_threads_are_named(tmp_path: Path, name: str, old: str, new: str, message: str) -> None:
    root = _cmv_copy(tmp_path, name, old, new)
    with pytest.raises(CorpusFormatError, match=rf"positive/2\.ann: (line \d+: )?{message}"):
        read_cmv_modes(root)


def test_cmv_modes_missing_files(tmp_path: Path) -> None:
    root = _cmv_copy(tmp_path, "positive/2.txt", "CMV", "CMV")
    (root / "v2.0" / "positive" / "2.metadata").unlink()
    with pytest.raises(CorpusFormatError, match=r"positive/2\.ann: 2\.metadata is missing"):
        read_cmv_modes(root)
    shutil.rmtree(root / "v2.0" / "negative")
    with pytest.raises(CorpusError, match="not a CMV modes folder: .*negative is missing"):
        read_cmv_modes(root)


@needs_corpora
def test_cmv_modes_published_counts() -> None:
    maps = read_cmv_modes(CORPORA / "cmv-modes")
    stats = corpus_stats(maps, "cmv-modes")
    assert (stats["documents"], stats["groups"]) == (94, 31)
    assert [m.graph.graph["delta"] for m in maps].count(True) == 39
    assert stats["units_per_kind"] == {"major_claim": 94, "claim": 1300, "premise": 1694, "evidence": 0}
    assert sum(stats["original"]["relations"].values()) == 2628
    assert stats["relations"] == 2628 - 3 and stats["skipped"] == {"relation of a unit to itself": 3}
    assert stats["relations_per_label"] == {"support": 1962, "attack": 663}
    read_as_bytes = sorted(m.source.removeprefix("cmv-modes:") for m in maps if m.graph.graph["byte_offsets"])
    assert read_as_bytes == sorted(
        [f"negative:{n}" for n in (12, 69, 70, 71, 72, 94, 95)] + [f"positive:{n}" for n in (19, 29, 89, 96)]
    )
    for amap in maps:  # every main claim is the title line, shifted ones included
        (major,) = [u for u in amap.units if u.kind == "major_claim"]
        assert amap.unit_text(major) == amap.text.split("\n", 1)[0]
        assert all(amap.unit_text(u) == amap.unit_text(u).strip() for u in amap.units)
    assert_groups_never_straddle_folds(maps)
    fold_sizes = [len(read_cmv_modes(CORPORA / "cmv-modes", f"fold{i}of5")) for i in range(1, 6)]
    assert sum(fold_sizes) == 94 and min(fold_sizes) > 0


# --- CMV units -----------------------------------------------------------------------------------------

def test_cmv_units_fixture_one_map_per_file_grouped_by_folder() -> None:
    maps = read_cmv_units(FIX / "cmv-units")
    assert [m.source for m in maps] == [
        f"cmv-units:{folder}:{part}" for folder in ("007", "012") for part in ("op", "positive", "negative")
    ]
    op, positive, negative = maps[:3]
    assert op.text.startswith("op_id: 7\nop_title: Schools should start at ten. CMV\n\n")
    assert units_of(op) == [
        ("T1", "major_claim", "", "", 0, "Schools should start at ten. CMV"),
        ("T2", "premise", "", "", 1, "Teenagers sleep late by nature."),  # Fact
        ("T3", "claim", "", "", 1, "Schools should start at ten."),  # Policy
        ("T4", "evidence", "anecdote", "", 2, "I was always tired in first period."),  # Testimony
    ]
    assert units_of(positive) == [
        ("T1", "claim", "", "", 1, "Late starts clash with parents' work."),  # Value
        ("T2", "premise", "", "", 1, "Isn't a tired parent worse?"),  # Rhetorical_Statement
    ]
    assert len(negative) == 0 and all(m.relations == [] for m in maps)
    assert op.graph.graph["unit_labels"] == {"T1": "Major_Claim", "T2": "Fact", "T3": "Policy", "T4": "Testimony"}
    assert [(map_group(m), m.graph.graph["part"], m.graph.graph["op_id"]) for m in maps[2:4]] == [
        ("cmv-units:007", "negative", "7"), ("cmv-units:012", "op", "12"),
    ]
    assert_well_formed(maps)
    assert_groups_never_straddle_folds(maps)
    assert read_cmv_units(FIX / "cmv-units" / "dataset" / "brat_fromat") == maps
    # Folds hold whole folders (maps in order of source inside a fold).
    assert [m.source for m in read_cmv_units(FIX / "cmv-units", "fold2of5")] == sorted(m.source for m in maps[3:])


def _units_copy(tmp_path: Path) -> Path:
    shutil.copytree(FIX / "cmv-units", tmp_path / "cmv-units")
    return tmp_path / "cmv-units" / "dataset" / "brat_fromat" / "012"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("T1\tValue 49 69\tSomeone pays anyway.", None),  # the control: the line as the fixture has it
        ("T1\tValue 0 4\tSome", r"negative\.ann: line 1: T1 \(Value 0 4\) does not cover its text 'Some'"),
        ("T1\tClaim 49 69\tSomeone pays anyway.", r"negative\.ann: T1 has label 'Claim', not one of Major_Claim"),
        ("T1\tValue 49 69\tSomeone pays anyway.\nR1\tsupport Arg1:T1 Arg2:T1", r"negative\.ann: has relation \(R\) lines"),
    ],
)
def test_cmv_units_malformed_files_are_named(tmp_path: Path, line: str, message: str | None) -> None:
    folder = _units_copy(tmp_path)
    (folder / "negative.ann").write_text(line, encoding="utf-8")
    if message is None:
        assert units_of(read_cmv_units(tmp_path / "cmv-units")[-1]) == [
            ("T1", "claim", "", "", 1, "Someone pays anyway.")
        ]
        return
    with pytest.raises(CorpusFormatError, match=message):
        read_cmv_units(tmp_path / "cmv-units")


def test_cmv_units_missing_file_and_folder(tmp_path: Path) -> None:
    folder = _units_copy(tmp_path)
    (folder / "positive.txt").unlink()
    with pytest.raises(CorpusFormatError, match=r"012: positive\.txt is missing"):
        read_cmv_units(tmp_path / "cmv-units")
    with pytest.raises(CorpusError, match="no numbered discussion folders"):
        read_cmv_units(folder)


@needs_corpora
def test_cmv_units_published_counts() -> None:
    maps = read_cmv_units(CORPORA / "cmv-units")
    stats = corpus_stats(maps, "cmv-units")
    assert (stats["documents"], stats["groups"], stats["units"]) == (345, 115, 4727)
    assert stats["original"]["labels"] == {
        "Fact": 257, "Major_Claim": 115, "Policy": 140, "Rhetorical_Statement": 727, "Testimony": 354, "Value": 3134,
    }
    assert stats["units_per_kind"] == {"major_claim": 115, "claim": 3274, "premise": 984, "evidence": 354}
    assert stats["relations"] == 0
    assert_well_formed(maps[:30])
    assert_groups_never_straddle_folds(maps)


# --- IBM evidence --------------------------------------------------------------------------------------

def test_ibm_evidence_fixture_claim_and_evidence_pairs() -> None:
    study, mixed, anecdote = read_ibm_evidence(FIX / "ibm-evidence")
    assert [m.source for m in (study, mixed, anecdote)] == ["ibm-evidence:3:2", "ibm-evidence:3:3", "ibm-evidence:8:4"]
    assert study.text == "homework harms young children\n\nA 2010 survey of 900 pupils found that homework raised stress."
    assert units_of(study) == [
        ("C", "claim", "", "", 0, "homework harms young children"),
        ("E", "evidence", "statistics", "", 1, "A 2010 survey of 900 pupils found that homework raised stress."),
    ]
    assert relations_of(study) == {("E", "C", "support")}
    # Several types: untyped evidence, the corpus's types kept in unit_labels.
    assert units_of(mixed)[1][1:3] == ("evidence", "")
    assert mixed.graph.graph["unit_labels"]["E"] == "EXPERT, ANECDOTAL"
    assert units_of(anecdote)[1][2] == "anecdote"
    assert [map_group(m) for m in (study, mixed, anecdote)] == ["ibm-evidence:3", "ibm-evidence:3", "ibm-evidence:8"]
    assert anecdote.graph.graph["motion"] == "This house would make voting compulsory"
    assert_well_formed([study, mixed, anecdote])


def test_ibm_evidence_splits_and_snippets_alone() -> None:
    assert [m.source for m in read_ibm_evidence(FIX / "ibm-evidence", "held-out")] == ["ibm-evidence:8:4"]
    assert len(read_ibm_evidence(FIX / "ibm-evidence", "train")) == 2
    assert_groups_never_straddle_folds(read_ibm_evidence(FIX / "ibm-evidence"))
    (alone,) = read_ibm_evidence(FIX / "ibm-evidence", "held-out", with_claim=False)
    assert alone.text == "In 1924 a small town fined non-voters and its turnout doubled."
    assert units_of(alone) == [("E", "evidence", "anecdote", "", 0, alone.text)] and alone.relations == []
    with pytest.raises(CorpusError, match="no split 'test'; choose None \\(all\\), 'train', 'held-out', 'fold<i>of5'"):
        read_ibm_evidence(FIX / "ibm-evidence", "test")


def _ibm_copy(tmp_path: Path, name: str, old: str, new: str) -> Path:
    root = tmp_path / "ibm-evidence"
    shutil.copytree(FIX / "ibm-evidence", root)
    path = root / "IBM_Debater_(R)_CE-EMNLP-2015.v3" / "current_working_dataset" / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return root


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        ("evidence.txt", "[STUDY]", "[SURVEY]", r"evidence\.txt:2: evidence type '\[SURVEY\]' holds \['SURVEY'\]"),
        ("evidence.txt", "[ANECDOTAL]", "ANECDOTAL", r"evidence\.txt:4: evidence type 'ANECDOTAL' is not a bracketed list"),
        ("evidence.txt", "stress.\t", "stress. ", r"evidence\.txt:2: 3 tab-separated cells, expected 4"),
        ("evidence.txt", "\thomework harms young children\tA 2010", "\t \tA 2010", r"evidence\.txt:2: the claim text is empty"),
        ("evidence.txt", "Topic\t", "Motion\t", r"evidence\.txt:1: the header does not open with 'Topic'"),
        ("motions.txt", "held-out", "dev", r"motions\.txt:3: data-set 'dev'"),
        ("motions.txt", "ban homework", "ban all homework", r"evidence\.txt:2: motion 'This house would ban homework.* not in"),
    ],
)
def test_ibm_evidence_malformed_rows_are_named(tmp_path: Path, name: str, old: str, new: str, message: str) -> None:
    with pytest.raises(CorpusFormatError, match=message):
        read_ibm_evidence(_ibm_copy(tmp_path, name, old, new))


def test_ibm_evidence_not_a_corpus_folder(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="not an IBM evidence folder: no evidence.txt"):
        read_ibm_evidence(tmp_path)


@pytest.mark.slow
@needs_corpora
def test_ibm_evidence_published_counts() -> None:
    maps = read_ibm_evidence(CORPORA / "ibm-evidence")
    stats = corpus_stats(maps, "ibm-evidence")
    assert (stats["documents"], stats["groups"]) == (4692, 58)
    assert stats["evidence_types"] == {"statistics": 1032, "testimony": 2851, "anecdote": 459, "untyped": 350}
    assert stats["relations_per_label"] == {"support": 4692, "attack": 0}
    assert len({m.graph.graph["motion"] for m in read_ibm_evidence(CORPORA / "ibm-evidence", "train")}) == 39
    assert len({m.graph.graph["motion"] for m in read_ibm_evidence(CORPORA / "ibm-evidence", "held-out")}) == 19
    assert_well_formed(maps[::100])
    assert_groups_never_straddle_folds(maps)


# --- suggestbot ----------------------------------------------------------------------------------------

def test_suggestbot_fixture_types_stances_and_quirks() -> None:
    statistical, testimonial, anecdotal, untyped = read_suggestbot(FIX / "suggestbot")
    assert [m.source for m in (statistical, testimonial, anecdotal, untyped)] == [
        "suggestbot:1", "suggestbot:2", "suggestbot:3", "suggestbot:4",
    ]
    assert units_of(statistical) == [
        ("C", "claim", "", "", 0, "Cheaper buses bring more riders."),
        ("E", "evidence", "statistics", "", 1,
         "Bus ridership rose 40 percent after fares were cut, the 2019 city audit reports."),
    ]
    assert relations_of(statistical) == {("E", "C", "support")}
    # Quoted field: the tab that replaced a comma is a comma again; the non-UTF-8 bytes are read as latin-1.
    assert units_of(testimonial) == [
        ("C", "claim", "", "", 0, "So, in short, free buses change habits."),
        ("E", "evidence", "testimony", "", 1, "\x93I stopped driving the day the bus became free,\x94 said one commuter."),
    ]
    assert relations_of(testimonial) == {("E", "C", "attack")}  # info_stance 2: refutes
    assert units_of(anecdotal)[1][2] == "anecdote" and anecdotal.relations == []  # no stance, no relation
    assert anecdotal.graph.graph["skipped"] == {"relation without a stance": 1}
    assert units_of(untyped)[1][1:3] == ("evidence", "")
    assert [map_group(m) for m in (statistical, anecdotal)] == ["suggestbot:501", "suggestbot:502"]
    assert_well_formed([statistical, testimonial, anecdotal, untyped])
    assert read_suggestbot(FIX / "suggestbot" / "additionalinfo.tsv") == [statistical, testimonial, anecdotal, untyped]
    alone = read_suggestbot(FIX / "suggestbot", with_claim=False)[0]
    assert alone.text == units_of(statistical)[1][5] and len(alone) == 1


def _suggestbot_copy(tmp_path: Path, old: bytes, new: bytes) -> Path:
    shutil.copytree(FIX / "suggestbot", tmp_path / "suggestbot")
    tsv = tmp_path / "suggestbot" / "additionalinfo.tsv"
    data = tsv.read_bytes()
    assert old in data
    tsv.write_bytes(data.replace(old, new, 1))
    return tmp_path / "suggestbot"


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (b"\tall\t11", b"\tall\t11\textra", r"row 2: 13 fields, expected 12"),
        (b"\t2\t1\tall\t11", b"\t5\t1\tall\t11", r"row 2: info_type '5' is not 1, 2, 3 or empty"),
        (b"\t2\t1\tall\t11", b"\t2\t0\tall\t11", r"row 2: info_stance '0' is not 1, 2 or empty"),
        (b"info_text", b"snippet", r"the header is not the twelve suggestbot columns"),
        (b"My aunt still drives although her bus is free.", b" ", r"row 4: the evidence text is empty"),
    ],
)
def test_suggestbot_malformed_rows_are_named(tmp_path: Path, old: bytes, new: bytes, message: str) -> None:
    with pytest.raises(CorpusFormatError, match=rf"additionalinfo\.tsv: {message}"):
        read_suggestbot(_suggestbot_copy(tmp_path, old, new))


@needs_corpora
def test_suggestbot_published_counts() -> None:
    maps = read_suggestbot(CORPORA / "suggestbot")
    stats = corpus_stats(maps, "suggestbot")
    assert (stats["documents"], stats["groups"]) == (1414, 943)
    assert stats["evidence_types"] == {"statistics": 937, "testimony": 401, "anecdote": 69, "untyped": 7}
    assert stats["relations_per_label"] == {"support": 1090, "attack": 323}
    assert stats["skipped"] == {"relation without a stance": 1}
    assert not any("\t" in m.text for m in maps)
    assert_well_formed(maps[::20])
    assert_groups_never_straddle_folds(maps)


# --- registry and CLI -----------------------------------------------------------------------------------

WEB_CORPORA = [
    ("webdiscourse", FIX / "webdiscourse"),
    ("cmv-modes", FIX / "cmv-modes"),
    ("cmv-units", FIX / "cmv-units"),
    ("ibm-evidence", FIX / "ibm-evidence"),
    ("suggestbot", FIX / "suggestbot"),
]


@pytest.mark.parametrize(("kind", "path"), WEB_CORPORA)
def test_registered_readers_dispatch_and_reject_bad_splits(kind: str, path: Path, tmp_path: Path) -> None:
    maps = read_corpus(kind, path)
    assert maps == READERS[kind](path, None) and all(m.source.startswith(f"{kind}:") for m in maps)
    with pytest.raises(CorpusError, match="no split 'nonsense'.*fold<i>of5"):
        read_corpus(kind, path, "nonsense")
    with pytest.raises(CorpusError, match="does not exist"):
        read_corpus(kind, tmp_path / "nowhere")


@pytest.mark.parametrize(("kind", "path"), WEB_CORPORA)
def test_cli_stats_on_each_fixture(kind: str, path: Path) -> None:
    result = runner.invoke(app, ["corpus", "stats", kind, str(path), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data == {**corpus_stats(read_corpus(kind, path), kind), "path": str(path), "split": None}
    table = runner.invoke(app, ["corpus", "stats", kind, str(path)], terminal_width=120)
    assert table.exit_code == 0 and f"{kind} corpus" in table.stdout


def test_cli_shows_what_was_skipped() -> None:
    result = runner.invoke(app, ["corpus", "stats", "webdiscourse", str(FIX / "webdiscourse")], terminal_width=120)
    assert "skipped: implicit claim" in result.stdout


def test_cli_malformed_web_corpus_exits_1(tmp_path: Path) -> None:
    root = _web_copy(tmp_path, "</xmi:XMI>", "")
    result = runner.invoke(app, ["corpus", "stats", "webdiscourse", str(root)])
    assert result.exit_code == 1
    assert result.stderr.startswith("argmine: ") and "12.xmi" in result.stderr and len(result.stderr.splitlines()) == 1
