"""The document model keeps its invariants: offsets inside the text, known labels, edges between units."""

from __future__ import annotations

import pytest

from argmine.argmap import ArgumentMap, MapError, Relation, Unit

TEXT = "Cities should tax cars. Traffic fell 30% in Oslo. Critics disagree."


def sample() -> ArgumentMap:
    return ArgumentMap(
        TEXT,
        [
            Unit("t", 0, 22, "major_claim"),
            Unit("e", 24, 48, "evidence", evidence_type="statistics"),
            Unit("c", 50, 66, "claim", stance="against"),
        ],
        [Relation("e", "t", "support", 0.9), Relation("c", "t", "attack")],
        source="x.txt",
        model="gold",
    )


def test_views_follow_the_graph():
    amap = sample()
    assert [u.id for u in amap.units] == ["t", "e", "c"]
    assert amap.unit_text("e") == "Traffic fell 30% in Oslo"
    assert [r.source for r in amap.children("t")] == ["e", "c"]
    assert amap.targets("e") == [Relation("e", "t", "support", 0.9)]
    assert [u.id for u in amap.roots()] == ["t"]
    assert amap.graph.graph == {"source": "x.txt", "model": "gold"}


@pytest.mark.parametrize(
    "unit",
    [
        Unit("x", 5, 5, "claim"),
        Unit("x", -1, 4, "claim"),
        Unit("x", 0, len(TEXT) + 1, "claim"),
        Unit("x", 0, 4, "thesis"),
        Unit("x", 0, 4, "evidence", evidence_type="rumour"),
        Unit("x", 0, 4, "claim", stance="maybe"),
        Unit("t", 0, 4, "claim"),
    ],
)
def test_bad_units_are_refused(unit):
    with pytest.raises(MapError):
        sample().add_unit(unit)


@pytest.mark.parametrize(
    "relation", [Relation("e", "nope", "support"), Relation("e", "e", "support"), Relation("e", "c", "undercut")]
)
def test_bad_relations_are_refused(relation):
    with pytest.raises(MapError):
        sample().add_relation(relation)


def test_equality_compares_content():
    assert sample() == sample()
    other = sample()
    other.add_relation(Relation("c", "e", "attack"))
    assert other != sample()
