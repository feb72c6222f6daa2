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
    assert len(maps) == 280
    stats = corpus_stats(maps, "webdiscourse")
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


# --- registry and CLI -----------------------------------------------------------------------------------

WEB_CORPORA = [
    ("webdiscourse", FIX / "webdiscourse"),
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
    assert result.stderr.startswith("error: ") and "12.xmi" in result.stderr and len(result.stderr.splitlines()) == 1
