"""Reliability tables and expected calibration error of unit-kind and link scores."""

from __future__ import annotations

import pytest

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.evaluation.calibration import calibration, reliability

TEXT = "Taxes should fall. Growth is slow. Firms invest less. Wages stall."


def _map(kinds_scores, relations) -> ArgumentMap:
    spans = [(0, 17), (19, 33), (35, 52), (54, 65)]
    units = [Unit(f"u{i}", a, b, kind, "", "", 0, score) for i, ((a, b), (kind, score)) in
             enumerate(zip(spans, kinds_scores)) if kind]
    return ArgumentMap(TEXT, units, [Relation(s, t, "support", p) for s, t, p in relations])


def test_ece_by_hand():
    r = reliability([(0.95, True), (0.95, False), (0.55, True), (0.15, False)])
    # bins 0.9-1.0: conf .95 acc .5 (2 of 4); 0.5-0.6: .55 vs 1 (1 of 4); 0.1-0.2: .15 vs 0 (1 of 4)
    assert r.ece == pytest.approx(0.5 * 0.45 + 0.25 * 0.45 + 0.25 * 0.15)
    assert [b.count for b in r.bins if b.count] == [1, 1, 2]
    assert reliability([]).ece == 0.0


def test_kinds_and_links_are_judged_against_the_matched_gold_units():
    gold = _map([("major_claim", 1), ("premise", 1), ("evidence", 1), ("", 1)],
                [("u1", "u0", 1), ("u2", "u1", 1)])
    pred = _map([("major_claim", 0.9), ("claim", 0.8), ("premise", 0.7), ("premise", 0.6)],
                [("u1", "u0", 0.9), ("u2", "u0", 0.4), ("u3", "u0", 0.3)])
    out = calibration([(gold, pred)])
    # kinds: u0 right (.9), u1 wrong (.8), u2 right (.7: evidence counts as premise); u3 matches no gold unit
    assert out["unit_kind"]["count"] == 3
    assert out["unit_kind"]["ece"] == pytest.approx((0.1 + 0.8 + 0.3) / 3, abs=1e-4)
    # links between matched units: u1->u0 right (.9), u2->u0 wrong (.4); u3's link is not judged
    assert out["link"]["count"] == 2
    assert out["link"]["ece"] == pytest.approx((0.1 + 0.4) / 2, abs=1e-4)
