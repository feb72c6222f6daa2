"""Corpus readers: hand-checked fixtures in each format, error cases, the CLI, and the published counts."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import pytest
from conftest import CORPORA, FIXTURE_CORPORA, needs_corpora
from typer.testing import CliRunner

from argmine import corpora
from argmine.argmap import ArgumentMap, Relation
from argmine.cli import app
from argmine.corpora import CorpusError, CorpusFormatError, corpus_stats, kfold_split, read_corpus
from argmine.corpora.aae import detokenize, read_aae
from argmine.corpora.cdcp import read_cdcp
from argmine.corpora.editorials import join_segments, read_editorials
from argmine.corpora.microtexts import read_microtexts
from argmine.corpora.project import read_project
from argmine.export.json import from_json, to_json
from argmine.read.layout import ParagraphIndex, paragraph_spans

FIX = FIXTURE_CORPORA
runner = CliRunner()


def units_of(amap: ArgumentMap) -> list[tuple]:
    """(id, kind, evidence type, stance, paragraph, text) per unit, in reading order."""
    return [(u.id, u.kind, u.evidence_type, u.stance, u.paragraph, amap.unit_text(u)) for u in amap.units]


def relations_of(amap: ArgumentMap) -> set[tuple[str, str, str]]:
    return {(r.source, r.target, r.relation) for r in amap.relations}


def assert_well_formed(maps: list[ArgumentMap]) -> None:
    """Offsets hold trimmed, non-empty text; paragraphs agree with the layout; JSON round-trips."""
    for amap in maps:
        paragraph_of = ParagraphIndex(amap.text)
        for unit in amap.units:
            text = amap.text[unit.start : unit.end]
            assert text and text == text.strip(), (amap.source, unit)
            paragraphs = (paragraph_of(unit.start), paragraph_of(unit.end - 1))
            assert paragraphs == (unit.paragraph, unit.paragraph), (amap.source, unit)
        assert from_json(to_json(amap)) == amap


# --- AAE ----------------------------------------------------------------------------------------------

def test_detokenize_joins_punctuation_clitics_and_quotes() -> None:
    tokens = "He said \" don ' t ( ever ) co - operate \" , twice .".split()
    text, offsets = detokenize(tokens)
    assert text == "He said \"don't (ever) co-operate\", twice."
    assert [text[s:e] for s, e in offsets] == tokens


def test_detokenize_possessive_plural_and_single_quotes() -> None:
    text, offsets = detokenize("students ' lives and the ' best ' way - - now".split())
    assert text == "students' lives and the 'best' way - - now"
    assert len(offsets) == 12


def test_aae_fixture_units_relations_and_text() -> None:
    first, second = read_aae(FIX / "aae", "train")
    assert first.source == "aae:train:0" and second.source == "aae:train:1"
    assert first.text == (
        "Should cities ban cars?\n\n"
        "Traffic fills our streets. I believe that cities should ban private cars from their centres.\n\n"
        'First, cars pollute the air (especially diesel ones). Doctors\' reports say that "dirty air" harms '
        "children. However, some shop-owners fear losing customers.\n\n"
        "In short, a car-free centre is healthier."
    )
    assert units_of(first) == [
        ("T1", "major_claim", "", "", 1, "cities should ban private cars from their centres"),
        ("T2", "claim", "", "for", 2, "cars pollute the air (especially diesel ones)"),
        ("T3", "premise", "", "", 2, 'Doctors\' reports say that "dirty air" harms children'),
        ("T4", "premise", "", "", 2, "some shop-owners fear losing customers"),
        ("T5", "major_claim", "", "", 3, "a car-free centre is healthier"),
    ]
    # The claim relates to the FIRST major claim only; premises count targets inside their paragraph.
    assert relations_of(first) == {("T2", "T1", "support"), ("T3", "T2", "support"), ("T4", "T2", "attack")}
    assert second.text.endswith("Play teaches skills that aren't learned at a desk.")
    assert units_of(second) == [
        ("T1", "premise", "", "", 1, "Children need time for play"),
        ("T2", "claim", "", "against", 1, "long evenings of homework harm them"),
        ("T3", "premise", "", "", 1, "Play teaches skills that aren't learned at a desk"),
    ]
    # No major claim in the essay: the claim keeps its stance but relates to nothing.
    assert relations_of(second) == {("T1", "T2", "support"), ("T3", "T1", "support")}
    assert_well_formed([first, second])


def test_aae_groups_paragraphs_by_where_the_next_essay_opens(tmp_path: Path) -> None:
    # The fixture's Essay_Level splits "customers" in two and its Paragraph_Level has no extra blank line
    # between essays: only matching the next essay's opening gives 4 + 2 paragraphs.
    first, second = read_aae(FIX / "aae", "train")
    assert (len(paragraph_spans(first.text)), len(paragraph_spans(second.text))) == (4, 2)

    broken = tmp_path / "aae"
    shutil.copytree(FIX / "aae", broken)
    essay_file = broken / "Essay_Level" / "train.dat"
    essay_file.write_text(essay_file.read_text().replace("\tIs\t", "\tWas\t"))
    with pytest.raises(CorpusFormatError, match=r"Paragraph_Level/train\.dat.*essay 1"):
        read_aae(broken, "train")


def test_aae_malformed_line_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "aae"
    shutil.copytree(FIX / "aae", broken)
    para_file = broken / "Paragraph_Level" / "train.dat"
    para_file.write_text("1 Should _ _ O\n" + para_file.read_text())
    with pytest.raises(CorpusFormatError, match=r"Paragraph_Level/train\.dat:1:"):
        read_aae(broken, "train")


def test_aae_all_splits_need_every_split_file() -> None:
    with pytest.raises(CorpusError, match=r"dev\.dat is missing"):
        read_aae(FIX / "aae")


# --- microtexts -----------------------------------------------------------------------------------------

def test_microtexts_fixture_resolves_undercut_and_additional_premise() -> None:
    graph, joined = read_microtexts(FIX / "microtexts")
    assert graph.source == "microtexts:micro_t01"
    assert units_of(graph) == [
        ("a1", "major_claim", "", "", 0, "Cities should plant more trees."),
        ("a2", "claim", "", "for", 0, "Trees cool the streets in summer."),
        ("a3", "evidence", "anecdote", "for", 1,
         "In Vienna, a shaded square was four degrees cooler than its neighbour."),
        ("a4", "premise", "", "against", 1, "Some say trees cost too much to maintain,"),
        # a5 spans a joint of two EDUs; it is a claim because the `add` premise a6 ends up supporting it.
        ("a5", "claim", "", "for", 1, "but the savings on cooling outweigh that cost,"),
        ("a6", "premise", "", "for", 1, "and volunteers can share the work."),
    ]
    assert relations_of(graph) == {
        ("a2", "a1", "support"),  # sup
        ("a3", "a2", "support"),  # exa
        ("a4", "a1", "attack"),  # reb
        ("a5", "a4", "attack"),  # und on a4 -> a1 lands on a4
        ("a6", "a5", "support"),  # add on the und edge, declared after it, lands on a5
    }
    # Without a .txt the EDUs are joined with single spaces, their inner whitespace collapsed.
    assert joined.text == "The night bus should not be cut. Nurses rely on it after late shifts."
    assert units_of(joined) == [
        ("a1", "major_claim", "", "", 0, "The night bus should not be cut."),
        ("a2", "premise", "", "for", 0, "Nurses rely on it after late shifts."),
    ]
    assert_well_formed([graph, joined])


def test_microtexts_reads_a_single_file() -> None:
    (amap,) = read_microtexts(FIX / "microtexts" / "micro_t02.xml")
    assert amap.source == "microtexts:micro_t02"


def test_kfold_split_is_a_deterministic_round_robin_partition() -> None:
    maps = [ArgumentMap("text", source=f"doc{n:02d}") for n in (7, 3, 11, 0, 5, 9, 1)]
    train, held = kfold_split(maps, 3, 2)
    assert [m.source for m in held] == ["doc01", "doc07"]
    assert [m.source for m in train] == ["doc00", "doc03", "doc05", "doc09", "doc11"]
    held_all = [m.source for i in (1, 2, 3) for m in kfold_split(maps, 3, i)[1]]
    assert sorted(held_all) == sorted(m.source for m in maps)
    with pytest.raises(CorpusError):
        kfold_split(maps, 3, 4)


def test_microtexts_fold_splits() -> None:
    assert [m.source for m in read_microtexts(FIX / "microtexts", "fold1of5")] == ["microtexts:micro_t01"]
    assert [m.source for m in read_microtexts(FIX / "microtexts", "train1of5")] == ["microtexts:micro_t02"]
    assert read_microtexts(FIX / "microtexts", "fold3of5") == []


@pytest.mark.parametrize("split", ["fold0of5", "fold6of5", "fold1of4", "train", "foldXof5", ""])
def test_microtexts_bad_split(split: str) -> None:
    with pytest.raises(CorpusError, match="fold<i>of5"):
        read_microtexts(FIX / "microtexts", split)


def test_microtexts_malformed_files_are_named(tmp_path: Path) -> None:
    bad = tmp_path / "micro_x.xml"
    bad.write_text("<arggraph id='micro_x'><edu id='e1'>Unclosed")
    with pytest.raises(CorpusFormatError, match=r"micro_x\.xml: not well-formed XML"):
        read_microtexts(bad)
    shutil.copy(FIX / "microtexts" / "micro_t01.xml", tmp_path / "micro_t01.xml")
    (tmp_path / "micro_t01.txt").write_text("A different text altogether.")
    with pytest.raises(CorpusFormatError, match=r"micro_t01\.xml: EDU e1 .* not in micro_t01\.txt"):
        read_microtexts(tmp_path / "micro_t01.xml")


# --- CDCP -----------------------------------------------------------------------------------------------

def test_cdcp_fixture_expands_ranges_and_maps_values() -> None:
    comment, other = read_cdcp(FIX / "cdcp")
    assert comment.source == "cdcp:train:00001" and other.source == "cdcp:test:00002"
    assert units_of(comment) == [
        ("P0", "premise", "", "", 0, "The late fee is unfair."),  # a value that supports something
        ("P1", "evidence", "testimony", "", 0, "I paid it twice last year"),
        ("P2", "premise", "", "", 0, "and my bank never explained it."),
        ("P3", "claim", "", "", 0, "Lenders should publish every fee up front."),
        ("P4", "evidence", "", "", 1, "See the agency's 2012 report on bank fees."),
    ]
    assert relations_of(comment) == {
        ("P1", "P0", "support"),  # the reason range [1, 2] -> 0
        ("P2", "P0", "support"),
        ("P0", "P3", "support"),
        ("P4", "P3", "support"),  # evidence
    }
    # A value that is supported and supports nothing is a claim.
    assert units_of(other)[0] == ("P0", "claim", "", "", 0, "Hidden fees hurt poor families most.")
    assert_well_formed([comment, other])
    assert [m.source for m in read_cdcp(FIX / "cdcp", "test")] == ["cdcp:test:00002"]


def _cdcp_copy(tmp_path: Path, ann: dict | str) -> Path:
    root = tmp_path / "cdcp"
    shutil.copytree(FIX / "cdcp", root)
    (root / "train" / "00001.ann.json").write_text(ann if isinstance(ann, str) else json.dumps(ann))
    return root


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("{not json", "not valid JSON"),
        ({"prop_labels": ["fact"], "prop_offsets": [[0, 10]], "reasons": [], "evidences": []}, None),
        ({"prop_labels": ["opinion"], "prop_offsets": [[0, 10]], "reasons": []}, "unknown label 'opinion'"),
        ({"prop_labels": ["fact"], "prop_offsets": [[0, 10]], "reasons": [[[0, 0], 3]]}, "does not exist"),
        ({"prop_labels": ["fact"], "prop_offsets": [[0, 9999]], "reasons": []}, "outside the text"),
        ({"prop_labels": ["fact"]}, "KeyError"),
    ],
)
def test_cdcp_malformed_annotations(tmp_path: Path, ann: dict | str, message: str | None) -> None:
    root = _cdcp_copy(tmp_path, ann)
    if message is None:  # the control case: a well-formed annotation reads
        assert len(read_cdcp(root, "train")[0]) == 1
        return
    with pytest.raises(CorpusFormatError, match=rf"00001\.ann\.json: .*{message}"):
        read_cdcp(root, "train")


# --- editorials -----------------------------------------------------------------------------------------

def test_join_segments_spacing() -> None:
    text, spans = join_segments([["A title."], ["One", ",", "two", "-", "three", " four", "."]])
    assert text == "A title.\n\nOne, two - three four."
    segments = [[text[s:e] for s, e in par] for par in spans]
    assert segments == [["A title."], ["One", ",", "two", "-", "three", " four", "."]]


def test_editorials_fixture_units() -> None:
    aljazeera, foxnews = read_editorials(FIX / "editorials")
    assert aljazeera.source == "editorials:aljazeera:001-harbourbridgetolls"
    assert aljazeera.text == (
        "Tolls on the harbour bridge.\n\n"
        "Last week the council doubled the toll on the harbour bridge. Traffic fell by 12 percent in three "
        "days, according to the port authority.\n\n"
        "The toll is a tax on people who cannot work from home - and the council knows it. "
        '"We had no other way to pay for repairs," the mayor said. Everyone agrees that the bridge must be '
        "safe; Subscribe to our newsletter"
    )
    assert units_of(aljazeera) == [
        ("S2", "evidence", "anecdote", "", 1, "Last week the council doubled the toll on the harbour bridge"),
        ("S4", "evidence", "statistics", "", 1, "Traffic fell by 12 percent in three days"),
        ("S8", "claim", "", "", 2, "The toll is a tax on people who cannot work from home"),
        ("S10", "claim", "", "", 2, "and the council knows it"),  # the segment's leading space is trimmed
        ("S12", "evidence", "testimony", "", 2, '"We had no other way to pay for repairs," the mayor said'),
        ("S14", "premise", "", "", 2, "Everyone agrees that the bridge must be safe"),
    ]
    assert aljazeera.relations == []
    assert foxnews.text == "Free school meals work.\n\nHungry children cannot learn."
    assert_well_formed([aljazeera, foxnews])
    foxnews_only = read_editorials(FIX / "editorials", "foxnews")
    assert [m.source for m in foxnews_only] == ["editorials:foxnews:002-schoolmeals"]


def test_editorials_malformed_files_are_named(tmp_path: Path) -> None:
    (tmp_path / "aljazeera").mkdir()
    (tmp_path / "foxnews").mkdir()
    bad = tmp_path / "foxnews" / "009-bad.json"
    bad.write_text(json.dumps({"paragraphs": [[{"number": 1, "text": "Hi", "label": "opinion"}]]}))
    with pytest.raises(CorpusFormatError, match=r"009-bad\.json: .*unknown label 'opinion'"):
        read_editorials(tmp_path)
    bad.write_text(json.dumps({"segments": []}))
    with pytest.raises(CorpusFormatError, match=r"009-bad\.json: .*KeyError"):
        read_editorials(tmp_path, "foxnews")


# --- project JSON ---------------------------------------------------------------------------------------

def test_project_json_folder_sorted_by_file_name() -> None:
    no_source, library = read_project(FIX / "json")
    assert no_source.source == "json:a-no-source.json"  # filled in so that errors can be traced
    assert library.source == "fixture/library-hours.txt"
    assert units_of(library) == [
        ("T1", "major_claim", "", "", 0, "Libraries should open on Sundays."),
        ("T2", "premise", "", "for", 1, "Many parents work all week."),
        ("T3", "claim", "", "for", 1, "A Sunday visit is their only chance."),
    ]
    assert library.unit("T3").score == 0.75
    assert library.relations == [Relation("T2", "T3", "support"), Relation("T3", "T1", "support")]
    assert read_project(FIX / "json" / "b-library-hours.json") == [library]
    assert_well_formed([no_source, library])


def test_project_json_malformed_file_is_named(tmp_path: Path) -> None:
    shutil.copy(FIX / "json" / "b-library-hours.json", tmp_path / "good.json")
    data = json.loads((tmp_path / "good.json").read_text())
    data["nodes"][0]["end"] = 5
    (tmp_path / "z-bad.json").write_text(json.dumps(data))
    with pytest.raises(CorpusFormatError, match=r"z-bad\.json: unit 'T1': text .* does not match"):
        read_project(tmp_path)


# --- registry, errors, stats ----------------------------------------------------------------------------

FIXTURE_CORPORA = [
    ("aae", FIX / "aae", "train"),
    ("microtexts", FIX / "microtexts", None),
    ("cdcp", FIX / "cdcp", None),
    ("editorials", FIX / "editorials", None),
    ("json", FIX / "json", None),
]


@pytest.mark.parametrize(("kind", "path", "split"), FIXTURE_CORPORA)
def test_read_corpus_dispatches_to_the_registered_reader(kind: str, path: Path, split: str | None) -> None:
    maps = read_corpus(kind, path, split)
    assert maps == corpora.CORPORA[kind](path, split)
    assert maps and all(m.source for m in maps)


@pytest.mark.parametrize(("kind", "path", "split"), FIXTURE_CORPORA)
def test_missing_path_and_bad_split(kind: str, path: Path, split: str | None, tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist") as err:
        read_corpus(kind, tmp_path / "nowhere")
    assert not isinstance(err.value, CorpusFormatError)
    with pytest.raises(CorpusError, match="no split 'nonsense'|fold<i>of5"):
        read_corpus(kind, path, "nonsense")


def test_unknown_kind() -> None:
    with pytest.raises(CorpusError, match="unknown corpus kind 'brat'; .*aae, microtexts, cdcp, editorials"):
        read_corpus("brat", FIX)
    assert issubclass(CorpusError, ValueError)


def test_corpus_stats_on_the_aae_fixture() -> None:
    stats = corpus_stats(read_aae(FIX / "aae", "train"), "aae")
    assert stats["documents"] == 2
    assert stats["paragraphs"] == 6
    assert stats["units"] == 8
    assert stats["units_per_kind"] == {"major_claim": 2, "claim": 2, "premise": 4, "evidence": 0}
    assert stats["stances"] == {"for": 1, "against": 1}
    assert stats["relations_per_label"] == {"support": 4, "attack": 1}
    assert stats["relations_per_source_kind"] == {
        "claim": {"support": 1, "attack": 0},
        "premise": {"support": 3, "attack": 1},
    }
    assert stats["original"] == {
        "labels": {"Claim:Against": 1, "Claim:For": 1, "MajorClaim": 2, "Premise": 4},
        "relations": {"Attack": 1, "Support": 3},
    }


def test_corpus_stats_counts_cdcp_links_as_published_and_words() -> None:
    stats = corpus_stats(read_cdcp(FIX / "cdcp"), "cdcp")
    # Four [range, target] entries in the two comments; the range [1, 2] expands to two relations.
    assert stats["original"]["relations"] == {"evidence": 1, "reason": 3}
    assert stats["relations"] == 5
    assert stats["evidence_types"] == {"statistics": 0, "testimony": 1, "anecdote": 0, "untyped": 1}
    assert stats["original"]["labels"] == {"fact": 2, "policy": 1, "reference": 1, "testimony": 1, "value": 2}
    assert corpus_stats(read_editorials(FIX / "editorials", "foxnews"), "editorials")["words"] == 8


# --- CLI ------------------------------------------------------------------------------------------------

def test_cli_stats_table_and_json() -> None:
    args = ["corpus", "stats", "aae", str(FIX / "aae"), "--split", "train"]
    result = runner.invoke(app, args, terminal_width=120)
    assert result.exit_code == 0, result.output
    assert "aae corpus (train)" in result.stdout
    assert "original label: MajorClaim" in result.stdout
    result = runner.invoke(app, ["corpus", "stats", "editorials", str(FIX / "editorials"), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 2
    assert data["units_per_kind"] == {"major_claim": 0, "claim": 3, "premise": 1, "evidence": 3}
    assert data["original"]["labels"]["no-unit"] == 9


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["brat", str(FIX)], 2, "unknown corpus kind 'brat'"),
        (["cdcp", str(FIX / "missing")], 2, "does not exist"),
        (["cdcp", str(FIX / "cdcp"), "--split", "dev"], 2, "no split 'dev'"),
        (["aae", str(FIX / "cdcp")], 2, "not an AAE CoNLL folder"),
        (["microtexts", str(FIX / "json")], 2, "no microtext XML files"),
    ],
)
def test_cli_usage_errors(args: list[str], code: int, message: str) -> None:
    result = runner.invoke(app, ["corpus", "stats", *args])
    assert result.exit_code == code
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("argmine: ") and message in lines[0]
    assert "Traceback" not in result.output


def test_cli_malformed_file_exits_1_naming_it(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{")
    result = runner.invoke(app, ["corpus", "stats", "json", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.startswith("argmine: ") and "broken.json" in result.stderr
    assert len(result.stderr.splitlines()) == 1


# --- the public corpora ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def aae_maps() -> dict[str, list[ArgumentMap]]:
    """All AAE essays, read at once (the reader must manage that in under 5 s), grouped by split."""
    start = time.perf_counter()
    everything = read_aae(CORPORA / "aae2-conll")
    assert time.perf_counter() - start < 5
    maps: dict[str, list[ArgumentMap]] = {"train": [], "dev": [], "test": []}
    for amap in everything:
        maps[amap.source.split(":")[1]].append(amap)
    return maps


@needs_corpora
def test_aae_published_counts(aae_maps: dict[str, list[ArgumentMap]]) -> None:
    assert {split: len(maps) for split, maps in aae_maps.items()} == {"train": 286, "dev": 36, "test": 80}
    assert {s: sum(len(paragraph_spans(m.text)) for m in maps) for s, maps in aae_maps.items()} == {
        "train": 1587,
        "dev": 199,
        "test": 449,
    }
    stats = corpus_stats([m for maps in aae_maps.values() for m in maps], "aae")
    assert stats["units_per_kind"] == {"major_claim": 751, "claim": 1506, "premise": 3832, "evidence": 0}
    assert stats["relations_per_source_kind"]["premise"] == {"support": 3613, "attack": 219}
    labels = {"Claim:Against": 278, "Claim:For": 1228, "MajorClaim": 751, "Premise": 3832}
    assert stats["original"]["labels"] == labels
    assert aae_maps["dev"][3].source == "aae:dev:3"


@needs_corpora
def test_aae_one_split_is_its_part_of_the_whole(aae_maps: dict[str, list[ArgumentMap]]) -> None:
    assert read_aae(CORPORA / "aae2-conll", "dev") == aae_maps["dev"]
    assert [m.source for m in aae_maps["test"]] == [f"aae:test:{i}" for i in range(80)]


@needs_corpora
def test_aae_units_fall_on_spacy_token_boundaries(aae_maps: dict[str, list[ArgumentMap]]) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    total = aligned = 0
    for maps in aae_maps.values():
        assert_well_formed(maps[:20])
        for amap in maps:
            doc = nlp.make_doc(amap.text)
            for unit in amap.units:
                total += 1
                aligned += doc.char_span(unit.start, unit.end) is not None
    assert aligned / total >= 0.995


@needs_corpora
def test_microtexts_published_counts() -> None:
    maps = read_microtexts(CORPORA / "microtexts")
    stats = corpus_stats(maps, "microtexts")
    assert (stats["documents"], stats["units"], stats["relations"]) == (112, 576, 464)
    assert stats["units_per_kind"]["major_claim"] == 112
    assert stats["original"]["relations"] == {"add": 21, "exa": 9, "reb": 108, "sup": 263, "und": 63}
    folds = [read_microtexts(CORPORA / "microtexts", f"fold{i}of5") for i in range(1, 6)]
    assert sorted(m.source for fold in folds for m in fold) == sorted(m.source for m in maps)
    assert len(read_microtexts(CORPORA / "microtexts", "train1of5")) == 112 - len(folds[0])
    assert_well_formed(maps[:40])


@needs_corpora
def test_cdcp_published_counts() -> None:
    train, test = read_cdcp(CORPORA / "cdcp", "train"), read_cdcp(CORPORA / "cdcp", "test")
    assert (len(train), len(test)) == (581, 150)
    stats = corpus_stats(train + test, "cdcp")
    assert stats["units"] == 4932
    assert sum(stats["original"]["relations"].values()) == 1221
    labels = {"fact": 786, "policy": 815, "reference": 32, "testimony": 1117, "value": 2182}
    assert stats["original"]["labels"] == labels
    assert_well_formed(train[:50])


@needs_corpora
def test_editorials_published_counts() -> None:
    maps = read_editorials(CORPORA / "editorials")
    assert len(maps) == 181
    assert len(read_editorials(CORPORA / "editorials", "aljazeera")) == 96
    stats = corpus_stats(maps, "editorials")
    assert stats["original"]["labels"]["title"] == 181
    unit_labels = ("assumption", "common-ground", "statistics", "testimony", "anecdote")
    assert stats["units"] == sum(stats["original"]["labels"][label] for label in unit_labels)
    assert_well_formed(maps[:10])


@needs_corpora
def test_cli_stats_on_the_published_aae() -> None:
    args = ["corpus", "stats", "aae", str(CORPORA / "aae2-conll"), "--split", "dev", "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 36 and data["split"] == "dev"
