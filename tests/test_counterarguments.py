"""Counter-arguments as the shipped model draws them on an op-ed written for this test: a reported opposing view
attacks and is against the thesis, the author's rebuttal attacks it and is for."""

from __future__ import annotations

import pytest

from argmine.argmap import ArgumentMap
from argmine.nlp import load

OPED = """The city should build the tram line to the harbour

By Lena Marsh

The council votes next week on the harbour tram. It should vote yes: the line would serve the fastest-growing part of the city.

Twelve thousand people have moved to the harbour district since 2018, and the only bus there runs every twenty minutes.

Critics say the tram is too expensive for a city of our size. But the state would pay two thirds of the cost, and the line would cost less than the ring road the council built in 2015.

Of course, the building work will close Dock Street for a year. That is a real burden for the shops there, yet the city has promised them rent relief for the whole period.

Some argue that electric buses would do the same job for less. They would not: a bus carries 80 people, a tram 250.

The harbour has waited long enough. The council should build the tram.
"""

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mapped() -> ArgumentMap:
    return load().map(OPED)


def _unit(amap: ArgumentMap, words: str):
    found = [u for u in amap.units if words in amap.text[u.start : u.end]]
    assert len(found) == 1, f"no single unit holds {words!r}"
    return found[0]


def _relation(amap: ArgumentMap, unit) -> str:
    (relation,) = [r.relation for r in amap.relations if r.source == unit.id]
    return relation


@pytest.mark.parametrize("opening", ["Critics say", "Some argue that"])
def test_a_reported_opposing_view_attacks_and_is_against_the_thesis(mapped, opening):
    view = _unit(mapped, opening)
    assert view.stance == "against"
    assert _relation(mapped, view) == "attack"


def test_the_rebuttal_attacks_the_opposing_view_and_is_for_the_thesis(mapped):
    # the rebuttal's "But" is the seam between the two, outside both units (argmine.nlp.trim)
    view, rebuttal = _unit(mapped, "Critics say"), _unit(mapped, "the state would pay")
    assert not mapped.text[rebuttal.start : rebuttal.end].startswith("But")
    assert [r.relation for r in mapped.relations if r.source == rebuttal.id and r.target == view.id] == ["attack"]
    assert rebuttal.stance == "for"
