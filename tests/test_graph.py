"""The graph layer: decoding candidates into a well-formed map, stance propagation, analysis, terminal view."""

from __future__ import annotations

import io
import json
import random
import time

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from argmine.argmap import KINDS, ArgumentMap, MapError, Relation, Unit
from argmine.cli.view import render_summary, render_tree
from argmine.graph import analyse, decode, decode_map, propagate_stance
from argmine.graph.decode import SECOND_TARGET_THRESHOLD, restatement_score
from argmine.graph.tree import outline

# A short op-ed written for these tests.
TEXT = """date 2026-03-01 Keep the night buses running

Riverton should keep its night bus network, because the people who ride it have no other way home. The council's plan to cut it saves little and costs a lot.

Nearly 4,200 riders use the three night lines every week, according to the transit office's own count. "Without the 2 a.m. bus I would lose my job," said Dana Ortiz, a hospital cleaner.

Critics say the buses run half empty after midnight. That is true on weekdays, but the Friday and Saturday runs are full.

Last winter, a cook named Luis walked four miles home in the snow after a trial cut. In short, Riverton should keep the night buses running.

Priya Natarajan chairs the Riverton Riders Union.
"""


def span(snippet: str) -> tuple[int, int]:
    start = TEXT.index(snippet)
    return start, start + len(snippet)


UNITS = [
    Unit("u1", *span("Riverton should keep its night bus network"), "major_claim"),
    Unit("u2", *span("the people who ride it have no other way home"), "claim", stance="for"),
    Unit("u3", *span("The council's plan to cut it saves little and costs a lot"), "claim", stance="for"),
    Unit(
        "u4",
        *span("Nearly 4,200 riders use the three night lines every week"),
        "evidence",
        evidence_type="statistics",
    ),
    Unit(
        "u5",
        *span('"Without the 2 a.m. bus I would lose my job," said Dana Ortiz'),
        "evidence",
        evidence_type="testimony",
    ),
    Unit("u6", *span("the buses run half empty after midnight"), "claim", stance="against"),
    Unit("u7", *span("the Friday and Saturday runs are full"), "premise"),
    Unit(
        "u8",
        *span("Last winter, a cook named Luis walked four miles home"),
        "evidence",
        evidence_type="anecdote",
    ),
    Unit("u9", *span("Riverton should keep the night buses running"), "major_claim"),
]
GOLD = [
    Relation("u2", "u1", "support"),
    Relation("u3", "u1", "support"),
    Relation("u4", "u2", "support"),
    Relation("u5", "u2", "support"),
    Relation("u6", "u1", "attack"),
    Relation("u7", "u6", "attack"),
    Relation("u8", "u2", "support"),
    Relation("u9", "u1", "support"),
]


def gold_map() -> ArgumentMap:
    return ArgumentMap(TEXT, UNITS, GOLD, source="riverton.txt", model="gold")


def edges(relations: list[Relation]) -> set[tuple[str, str, str]]:
    return {(r.source, r.target, r.relation) for r in relations}


# --- decode -----------------------------------------------------------------------------------------------


def test_decode_takes_each_units_best_target_and_links_the_restated_thesis():
    candidates = [
        Relation("u2", "u1", "support", 0.8),
        Relation("u2", "u3", "support", 0.4),  # weaker second option: dropped
        Relation("u4", "u2", "support", 0.7),
        Relation("u4", "u6", "attack", 0.6),
        Relation("u6", "u1", "attack", 0.9),
        Relation("u7", "u6", "attack", 0.5),
        Relation("u9", "u6", "attack", 0.99),  # a restatement of the thesis never attacks anything
        Relation("u1", "u2", "support", 0.99),  # the thesis is a root
    ]
    out = decode(UNITS, candidates, text=TEXT)
    assert edges(out) == {
        ("u2", "u1", "support"),
        ("u4", "u2", "support"),
        ("u6", "u1", "attack"),
        ("u7", "u6", "attack"),
        ("u9", "u1", "support"),
    }
    assert {r.source: r.score for r in out}["u2"] == 0.8


def test_decode_drops_self_loops_and_breaks_a_cycle_at_its_weakest_edge():
    candidates = [
        Relation("u2", "u2", "support", 1.0),
        Relation("u2", "u3", "support", 0.9),
        Relation("u3", "u7", "support", 0.8),
        Relation("u7", "u2", "attack", 0.3),  # closes u2 -> u3 -> u7 -> u2: the weakest, so it goes
        Relation("u7", "u1", "support", 0.2),  # u7's next best option is taken instead
    ]
    out = decode(UNITS, candidates)
    assert edges(out) == {
        ("u2", "u3", "support"),
        ("u3", "u7", "support"),
        ("u7", "u1", "support"),
        ("u9", "u1", "support"),
    }


def test_decode_keeps_a_second_target_only_when_very_confident():
    base = [Relation("u4", "u2", "support", 0.95), Relation("u2", "u1", "support", 0.9)]
    weak = decode(UNITS, [*base, Relation("u4", "u3", "support", SECOND_TARGET_THRESHOLD - 0.01)])
    strong = decode(UNITS, [*base, Relation("u4", "u3", "support", SECOND_TARGET_THRESHOLD)])
    assert [r.target for r in weak if r.source == "u4"] == ["u2"]
    assert sorted(r.target for r in strong if r.source == "u4") == ["u2", "u3"]
    third = decode(
        UNITS, [*base, Relation("u4", "u3", "support", 0.97), Relation("u4", "u7", "support", 0.96)]
    )
    assert len([r for r in third if r.source == "u4"]) == 2
    # A confident second target that would close a cycle is refused too.
    cyc = decode(
        UNITS,
        [
            Relation("u2", "u3", "support", 0.95),
            Relation("u3", "u4", "support", 0.94),
            Relation("u4", "u8", "support", 0.99),
            Relation("u3", "u2", "support", 0.93),
        ],
    )
    assert nx.is_directed_acyclic_graph(nx.DiGraph([(r.source, r.target) for r in cyc]))


def test_decode_keeps_the_strongest_of_two_relations_between_the_same_units():
    out = decode(UNITS[:-1], [Relation("u7", "u6", "support", 0.4), Relation("u7", "u6", "attack", 0.6)])
    assert edges(out) == {("u7", "u6", "attack")}


def test_restatements_by_word_overlap_are_linked_but_denials_and_concessions_are_not():
    text = (
        "Riverton should keep its night bus network running. "
        "Riverton should keep the night bus network running, in short. "
        "Riverton should not keep its night bus network running. "
        "Critics say Riverton should keep its night bus network running."
    )
    a, b, c, d = (
        text.index(s)
        for s in ("Riverton should keep its", "Riverton should keep the", "Riverton should not", "Critics")
    )
    units = [
        Unit("t", a, text.index(".", a), "major_claim"),
        Unit("same", b, text.index(".", b), "claim"),
        Unit("denial", c, text.index(".", c), "claim"),
        Unit("concession", d, text.index(".", d), "claim", stance="against"),
    ]
    out = decode(units, [Relation("same", "denial", "attack", 0.9)], text=text)
    assert ("same", "t", "support") in edges(out)
    assert not any(r.source == "same" and r.target != "t" for r in out)  # restatements get nothing else
    assert not any(r.source in ("denial", "concession") for r in out)
    assert restatement_score("cats sleep all day long", "cats do not sleep all day long") == 0.0
    # Without the text only later major claims count as restatements.
    assert decode(units, []) == []


def test_decode_is_independent_of_candidate_order_and_rejects_unknown_units():
    rng = random.Random(7)
    cands = [
        Relation(a.id, b.id, rng.choice(["support", "attack"]), round(rng.random(), 3))
        for a in UNITS
        for b in UNITS
        if a.id != b.id
    ]
    first = decode(UNITS, cands, text=TEXT)
    rng.shuffle(cands)
    assert decode(UNITS, cands, text=TEXT) == first
    with pytest.raises(MapError, match="unknown unit 'nope'"):
        decode(UNITS, [Relation("u2", "nope", "support")])


@st.composite
def candidate_graphs(draw):
    n = draw(st.integers(1, 14))
    kinds = draw(st.lists(st.sampled_from(KINDS), min_size=n, max_size=n))
    units = [Unit(f"u{i}", 2 * i, 2 * i + 1, kind) for i, kind in enumerate(kinds)]
    pairs = st.tuples(
        st.integers(0, n - 1),
        st.integers(0, n - 1),
        st.sampled_from(["support", "attack"]),
        st.floats(0, 1, allow_nan=False),
    )
    cands = [
        Relation(f"u{s}", f"u{t}", rel, score) for s, t, rel, score in draw(st.lists(pairs, max_size=40))
    ]
    return units, cands


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidate_graphs())
def test_decode_guarantees_on_random_candidate_graphs(graph):
    units, cands = graph
    out = decode(units, cands)
    g = nx.DiGraph()
    g.add_nodes_from(u.id for u in units)
    g.add_edges_from((r.source, r.target) for r in out)
    kinds = {u.id: u.kind for u in units}
    majors = sorted((u for u in units if u.kind == "major_claim"), key=lambda u: u.start)

    assert len(out) == g.number_of_edges()  # one relation per pair
    assert all(r.source != r.target for r in out)
    assert nx.is_directed_acyclic_graph(g)
    ArgumentMap("x" * 40, units, out)  # a valid map
    offered = {(c.source, c.target, c.relation, c.score) for c in cands}
    best = {}
    for c in cands:
        best[(c.source, c.target)] = max(best.get((c.source, c.target), 0.0), c.score)
    for r in out:
        if kinds[r.source] == "major_claim":  # a restatement link, to the thesis
            assert (r.target, r.relation) == (majors[0].id, "support")
        else:
            assert (r.source, r.target, r.relation, r.score) in offered
            assert r.score == best[(r.source, r.target)]
    for u in units:
        targets = [r for r in out if r.source == u.id]
        if majors and u.id == majors[0].id:
            assert targets == []  # the thesis is a root
        elif u.kind == "major_claim":
            assert len(targets) == 1
        assert len(targets) <= 2
        if len(targets) == 2:
            assert min(r.score for r in targets) >= SECOND_TARGET_THRESHOLD
        if not targets and u.kind != "major_claim":
            # Left a root only if every candidate it had would have closed a cycle.
            for c in cands:
                if c.source == u.id and c.target != u.id:
                    assert nx.has_path(g, c.target, u.id)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candidate_graphs(), st.data())
def test_a_well_formed_map_is_the_decoded_map_with_propagated_stances(graph, data):
    from argmine.nlp.miner import well_formed

    units, cands = graph
    stances = data.draw(st.lists(st.sampled_from(["", "for", "against"]), min_size=len(units), max_size=len(units)))
    units = [Unit(u.id, u.start, u.end, u.kind, stance=s) for u, s in zip(units, stances)]
    # A proposal holds one relation per pair of units, as the pipeline's do.
    proposal = ArgumentMap("x" * 40, units, list({(c.source, c.target): c for c in cands if c.source != c.target}.values()))
    proposal.thesis_candidates = [(units[0].id, 0.5)]
    expected = propagate_stance(decode_map(proposal))
    assert well_formed(proposal).to_dict() == expected.to_dict()


def test_decode_stays_fast_on_many_candidates():
    rng = random.Random(3)
    units = [Unit(f"u{i}", i, i + 1, "major_claim" if i == 0 else rng.choice(KINDS[1:])) for i in range(2000)]
    cands = [
        Relation(f"u{rng.randrange(2000)}", f"u{rng.randrange(2000)}", "support", rng.random())
        for _ in range(20000)
    ]
    start = time.perf_counter()
    out = decode(units, cands)
    assert time.perf_counter() - start < 5.0
    assert nx.is_directed_acyclic_graph(nx.DiGraph([(r.source, r.target) for r in out]))


def test_decode_map_replaces_relations_and_keeps_units():
    amap = gold_map().with_units(
        UNITS, [Relation("u2", "u1", "support", 0.7), Relation("u1", "u2", "support", 0.9)]
    )
    decoded = decode_map(amap)
    assert decoded.units == amap.units and decoded.text == amap.text
    assert edges(decoded.relations) == {("u2", "u1", "support"), ("u9", "u1", "support")}


# --- stance -----------------------------------------------------------------------------------------------


def test_propagate_stance_follows_support_and_flips_on_attack():
    blank = [Unit(**{**u.__dict__, "stance": ""}) for u in UNITS]
    extra = Unit(
        "u10", *span("Priya Natarajan chairs the Riverton Riders Union"), "premise", stance="against"
    )
    rels = [*GOLD, Relation("u5", "u6", "support", 0.1)]  # u5's stronger relation is its support of u2
    amap = ArgumentMap(TEXT, [*blank, extra], rels)
    stance = {u.id: u.stance for u in propagate_stance(amap).units}
    assert stance == {
        "u1": "",
        "u2": "for",
        "u3": "for",
        "u9": "for",
        "u4": "for",
        "u5": "for",
        "u8": "for",
        "u6": "against",  # attacks the thesis
        "u7": "for",  # attacks a unit that is against the thesis
        "u10": "against",  # not connected: keeps its own stance
    }
    assert propagate_stance(amap).relations == amap.relations


def test_propagate_stance_without_a_thesis_changes_nothing():
    amap = ArgumentMap(TEXT, [u for u in UNITS if u.kind != "major_claim"], [Relation("u4", "u2", "support")])
    assert propagate_stance(amap) == amap


# --- analysis ---------------------------------------------------------------------------------------------


def test_analysis_of_the_gold_map():
    a = analyse(gold_map())
    assert a.thesis.id == "u1" and a.thesis.text == "Riverton should keep its night bus network"
    assert a.kinds == {"major_claim": 2, "claim": 3, "premise": 1, "evidence": 3}
    assert a.evidence_types == {"statistics": 1, "testimony": 1, "anecdote": 1, "untyped": 0}
    assert a.relation_types == {"support": 6, "attack": 2}
    assert [r.id for r in a.unsupported_claims] == ["u3", "u6"]
    assert [r.id for r in a.undefended_claims] == ["u6"]
    assert a.depth == 2
    assert [(e.claim.id, e.evidence) for e in a.evidence_ranking] == [("u2", 3), ("u3", 0), ("u6", 0)]
    assert a.evidence_ranking[0].by_type == {"statistics": 1, "testimony": 1, "anecdote": 1}
    data = json.loads(json.dumps(a.to_dict()))
    assert data["thesis"]["id"] == "u1" and data["undefended_claims"][0]["text"].startswith("the buses")


def test_a_claim_is_defended_by_support_or_by_attacking_its_attacker():
    extra = Unit("u10", *span("That is true on weekdays"), "premise")
    supported = ArgumentMap(TEXT, [*UNITS, extra], [*GOLD, Relation("u10", "u6", "support")])
    assert analyse(supported).undefended_claims == []
    counter = ArgumentMap(TEXT, [*UNITS, extra], [*GOLD, Relation("u10", "u7", "attack")])
    assert analyse(counter).undefended_claims == []
    assert analyse(counter).depth == 3


def test_analysis_of_empty_and_cyclic_maps():
    empty = analyse(ArgumentMap(""))
    assert (empty.thesis, empty.units, empty.depth, empty.unsupported_claims) == (None, 0, 0, [])
    cyclic = ArgumentMap(TEXT, UNITS[1:4], [Relation("u2", "u3", "support"), Relation("u3", "u2", "attack")])
    a = analyse(cyclic)
    assert a.depth == 0 and [r.id for r in a.unattached] == ["u4"]


# --- outline and terminal view ----------------------------------------------------------------------------


def test_outline_shows_every_unit_once_even_with_second_targets_and_cycles():
    rels = [*GOLD, Relation("u4", "u3", "support", 0.95)]
    lone = Unit("u10", *span("Priya Natarajan chairs"), "premise")
    steps = outline(ArgumentMap(TEXT, [*UNITS, lone], rels))
    assert steps[0].unit.id == "u1" and steps[0].depth == 0
    full = [s.unit.id for s in steps if not s.repeat]
    assert sorted(full) == sorted(u.id for u in [*UNITS, lone])
    assert [(s.unit.id, s.parent) for s in steps if s.repeat] == [("u4", "u3")]
    cyc = outline(
        ArgumentMap(TEXT, UNITS[1:3], [Relation("u2", "u3", "support"), Relation("u3", "u2", "support")])
    )
    assert [(s.unit.id, s.depth, s.repeat) for s in cyc] == [
        ("u2", 0, False),
        ("u3", 1, False),
        ("u2", 2, True),
    ]


def render(renderable) -> str:
    console = Console(record=True, width=100, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def test_render_tree_puts_the_thesis_first_and_indents_supports_and_attacks():
    amap = gold_map()
    out = render(render_tree(amap, analyse(amap)))
    lines = out.splitlines()
    assert lines[0].startswith("THESIS u1: Riverton should keep its night bus network")
    claim = next(line for line in lines if "CLAIM u2" in line)
    evidence = next(line for line in lines if "u4:" in line)
    attack = next(line for line in lines if "CLAIM u6" in line)
    rebuttal = next(line for line in lines if "PREMISE u7" in line)
    def indent(line: str) -> int:
        return len(line) - len(line.lstrip("│├└─ "))

    assert indent(evidence) > indent(claim) > 0 and indent(rebuttal) > indent(attack)
    assert "+ support" in claim and "(for)" in claim
    assert "✗ attack" in attack and "✗ attack" in rebuttal
    assert "EVIDENCE (statistics) u4" in evidence
    assert "EVIDENCE (testimony) u5" in out and "EVIDENCE (anecdote) u8" in out
    assert lines.index(claim) < lines.index(evidence) < lines.index(attack) < lines.index(rebuttal)
    assert "Attacked and never defended: 1" in out and "u6: the buses run half empty" in out


def test_render_tree_prints_markup_and_escape_sequences_as_text():
    text = "We [bold]must[/bold] act now. \x1b[31mRed\x1b[0m alert matters."
    units = [
        Unit("t", 0, text.index("."), "major_claim"),
        Unit("c", text.index("\x1b"), len(text) - 1, "claim"),
    ]
    amap = ArgumentMap(text, units, [Relation("c", "t", "attack")])
    console = Console(record=True, width=100, force_terminal=True, file=io.StringIO())
    console.print(render_tree(amap, analyse(amap)))
    out = console.export_text(styles=False)
    assert "We [bold]must[/bold] act now" in out
    assert "\x1b" not in out and "\\x1b[31mRed" in out  # escaped, visibly (argmine.cli.terminal)


def test_render_tree_lists_unattached_units_and_maps_without_thesis():
    amap = ArgumentMap(TEXT, UNITS[1:3], [])
    out = render(render_tree(amap, analyse(amap)))
    assert "No thesis found" in out and "Unattached" in out and "CLAIM u3" in out


def test_render_summary_shows_only_numbers():
    amap = gold_map()
    out = render(render_summary(analyse(amap)))
    rows = dict(line.rsplit(None, 1) for line in out.splitlines() if line.strip())
    rows = {k.strip(): int(v) for k, v in rows.items()}
    assert rows["units"] == 9 and rows["relations"] == 8 and rows["attack"] == 2
    assert rows["evidence: statistics"] == 1 and rows["unsupported claims"] == 2
    assert rows["attacked, undefended claims"] == 1 and rows["tree depth"] == 2
    assert rows["most evidence on one claim"] == 3
    assert "Riverton" not in out
