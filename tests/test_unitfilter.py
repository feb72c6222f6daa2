"""Units a reader accepts: no metadata, no wordless or predicate-less fragments, negated framings kept."""

from __future__ import annotations

import pytest

import argmine
from argmine.nlp.rules import rules_pipeline
from argmine.nlp.unitfilter import _words, filter_units


@pytest.fixture(scope="module")
def nlp():
    return rules_pipeline()


def filtered(nlp, text: str, pieces: list[str]) -> list[str]:
    """The filter's units when a segmenter proposed `pieces` (substrings of `text`, in order)."""
    doc = nlp.make_doc(text)
    for name in ("argmine_sentences", "argmine_structure"):
        doc = nlp.get_pipe(name)(doc)
    spans, at = [], 0
    for piece in pieces:
        start = text.index(piece, at)
        at = start + len(piece)
        spans.append(doc.char_span(start, at, label="premise", alignment_mode="expand"))
    return [s.text for s in filter_units(doc, spans)]


def test_a_clause_head_cut_before_its_object_joins_the_clause(nlp):
    text = "The second problem is that teachers cannot tell who wrote what. Bans fail."
    units = filtered(nlp, text, ["The second problem is that", "teachers cannot tell who wrote what", "Bans fail"])
    assert units == ["The second problem is that teachers cannot tell who wrote what", "Bans fail"]


def test_a_purpose_phrase_ending_in_a_comma_joins_its_main_clause(nlp):
    text = "In order to achieve this, the city must hire more inspectors."
    units = filtered(nlp, text, ["In order to achieve this,", "the city must hire more inspectors"])
    assert units == ["In order to achieve this, the city must hire more inspectors"]


def test_a_negated_framing_stays_with_the_claim_it_negates(nlp):
    text = "None of this means the current timetable is perfect. Delays are likely."
    units = filtered(nlp, text, ["the current timetable is perfect", "Delays are likely"])
    assert units == ["None of this means the current timetable is perfect", "Delays are likely"]


def test_a_framing_without_negation_is_left_out_as_the_segmenter_cut_it(nlp):
    text = "I firmly believe that the current timetable is realistic."
    assert filtered(nlp, text, ["the current timetable is realistic"]) == ["the current timetable is realistic"]


def test_a_reporting_tail_joins_the_quotation_before_it(nlp):
    text = '"We will not back down," the minister told reporters last week.'
    units = filtered(nlp, text, ['"We will not back down,"', "told reporters last week"])
    assert units == ['"We will not back down," the minister told reporters last week']


def test_a_name_alone_is_no_unit(nlp):
    text = "Many families still remember World War II and its rationing."
    assert filtered(nlp, text, ["World War II"]) == []


def test_a_short_whole_sentence_is_a_unit(nlp):
    text = "Schools should teach AI. Bans fail."
    assert filtered(nlp, text, ["Schools should teach AI", "Bans fail"]) == ["Schools should teach AI", "Bans fail"]


def test_wordless_units_and_metadata_are_dropped(nlp):
    text = "By Jane Doe\n\nSchools should teach AI (and soon). Because bans fail.\n\nRead more: our series on schools"
    pieces = ["By Jane Doe", "Schools should teach AI", ")", "Because bans fail", "Read more: our series on schools"]
    assert filtered(nlp, text, pieces) == ["Schools should teach AI", "Because bans fail"]


OPED = """Schools Should Teach AI, Not Ban It

By Jane Doe | March 3, 2026

Our district blocked AI writing tools last fall. The ban has failed, and schools should teach students to use the tools well.

Students have phones. A survey the district ran found that 71 percent of students used an AI tool anyway.

Jane Doe teaches English at Lincoln High School.
"""


@pytest.mark.parametrize("model", [None, "rules"])
def test_no_unit_of_a_map_lies_in_metadata_or_has_no_word(model):
    from argmine.read.layout import metadata_spans

    from argmine.nlp import load

    assert "argmine_unit_filter" in load(model).nlp.pipe_names
    amap = argmine.map_text(OPED, model=model)
    meta = metadata_spans(OPED)
    assert meta and amap.units
    for unit in amap.units:
        assert any(ch.isalnum() for ch in OPED[unit.start : unit.end])
        assert not any(a < unit.end and unit.start < b for a, b in meta), OPED[unit.start : unit.end]


def test_a_date_prefix_glued_to_the_lede_is_cut_off_and_the_lede_kept(nlp):
    text = "date 2026-02-12 More than a year after the vote, the council still has no plan for the river."
    units = filtered(nlp, text, [text[:-1]])
    assert units == ["More than a year after the vote, the council still has no plan for the river"]


def test_a_clause_cut_at_a_comma_with_nothing_after_it_becomes_its_sentence(nlp):
    text = "I know servers in busy places earn well from tips, but that is luck, not a fair system."
    units = filtered(nlp, text, ["I know servers in busy places earn well from tips,"])
    assert units == ["I know servers in busy places earn well from tips, but that is luck, not a fair system"]


def test_a_short_clause_cut_at_a_comma_keeps_the_uncovered_rest_of_its_sentence(nlp):
    # A comment's concession: dropped as a fragment, it took its counter-point with it.
    text = "They took away the parking. Cycling is great, but the side streets would have been safer anyway."
    units = filtered(nlp, text, ["They took away the parking", "Cycling is great,"])
    assert units == ["They took away the parking",
                     "Cycling is great, but the side streets would have been safer anyway"]
    # a short fragment whose sentence has no more words stays out
    assert filtered(nlp, "Well, maybe, yes.", ["Well, maybe,"]) == []


def test_a_clause_cut_at_its_comma_leaves_the_next_units_connective_to_that_unit(nlp):
    # The finder cut "because" out of both units: it is the lead of the second, never the last word of the first.
    text = "Banning cars would make the streets safer, because most pedestrian deaths involve cars."
    units = filtered(nlp, text, ["Banning cars would make the streets safer,", "most pedestrian deaths involve cars"])
    assert units == ["Banning cars would make the streets safer,", "most pedestrian deaths involve cars"]
    # a clause head that dangles on its word still joins what follows ("... said today that in March")
    text = "The council said today that in March many libraries will close their doors early."
    units = filtered(nlp, text, ["The council said today that", "many libraries will close their doors early"])
    assert units[0] == "The council said today that in March"


def test_a_label_is_no_unit_even_as_a_whole_sentence(nlp):
    text = "Point 7.\n\nBans fail."
    assert filtered(nlp, text, ["Point 7", "Bans fail"]) == ["Bans fail"]


def test_a_dangling_clause_never_grows_over_the_next_unit_of_its_sentence(nlp):
    text = "The city council said today that in March many libraries will close their doors early."
    units = filtered(nlp, text, ["The city council said today that", "many libraries will close their doors early"])
    assert units[-1] == "many libraries will close their doors early"
    assert all(text.index(a) + len(a) <= text.index(b) for a, b in zip(units, units[1:]))


def test_docs_of_the_same_length_each_keep_their_own_words(nlp):
    # The filter reads a doc's words once (for the last doc it saw): another doc is read again.
    first, second = nlp.make_doc("Bans fail ** often."), nlp.make_doc("Taxes work ( well.")
    for _ in range(2):
        assert _words(first[0:5]) == ["bans", "fail", "often"]
        assert _words(second[1:4]) == ["work", "well"]
