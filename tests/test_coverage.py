"""What a map leaves out is visible: sentence coverage and the unmapped spans."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from argmine.argmap import ArgumentMap, Unit
from argmine.cli import app
from argmine.graph.analysis import analyse
from argmine.graph.coverage import coverage, sentence_spans

TEXT = (
    "By Ann Lee\n\n"
    "Cities should ban cars downtown. Traffic kills. “It is a crisis,” the mayor said.\n\n"
    "Some shops will lose customers. Still, the streets would be safer."
)


def _unit(uid: str, piece: str, kind: str = "premise") -> Unit:
    start = TEXT.index(piece)
    return Unit(uid, start, start + len(piece), kind)


def test_sentences_leave_out_metadata_and_keep_offsets():
    spans = [TEXT[a:b] for a, b in sentence_spans(TEXT)]
    assert spans == [
        "Cities should ban cars downtown.",
        "Traffic kills.",
        "“It is a crisis,” the mayor said.",
        "Some shops will lose customers.",
        "Still, the streets would be safer.",
    ]


def test_coverage_counts_sentences_some_unit_overlaps_and_lists_the_others():
    amap = ArgumentMap(TEXT, [_unit("u1", "Cities should ban cars downtown", "major_claim"),
                              _unit("u2", "the streets would be safer")])
    cov = coverage(amap)
    assert (cov.sentences, cov.mapped, cov.share) == (5, 2, 0.4)
    assert [TEXT[a:b] for a, b in cov.unmapped] == [
        "Traffic kills.", "“It is a crisis,” the mayor said.", "Some shops will lose customers."
    ]
    assert analyse(amap).to_dict()["coverage"]["unmapped"][0] == {"start": TEXT.index("Traffic"),
                                                                 "end": TEXT.index("Traffic") + 14}


def test_an_empty_map_covers_nothing_and_an_empty_text_everything():
    assert coverage(ArgumentMap(TEXT)).share == 0.0
    assert coverage(ArgumentMap("")).share == 1.0


def test_summary_shows_the_coverage(tmp_path):
    path = tmp_path / "oped.txt"
    path.write_text(TEXT, encoding="utf-8")
    result = CliRunner().invoke(app, ["map", str(path), "--summary", "--model", "rules"])
    assert result.exit_code == 0, result.output
    rows = dict(line.rsplit(None, 1) for line in result.output.splitlines() if line.strip())
    rows = {k.strip(): int(v) for k, v in rows.items()}
    assert rows["sentences"] == 5 and rows["mapped"] + rows["left out"] == 5 and rows["mapped"] >= 3


def test_the_json_map_lists_the_unmapped_spans_and_reads_back_without_them():
    from argmine import export

    amap = ArgumentMap(TEXT, [_unit("u1", "Cities should ban cars downtown", "major_claim")])
    data = json.loads(export.get_format("json").dumps(amap))
    cov = data["graph"]["coverage"]
    assert (cov["sentences"], cov["mapped"], cov["share"]) == (5, 1, 0.2)
    assert [TEXT[s["start"] : s["end"]] for s in cov["unmapped"]][0] == "Traffic kills."
    assert export.get_format("json").loads(json.dumps(data)).units == amap.units
