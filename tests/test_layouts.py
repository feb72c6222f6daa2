"""The shipped model segments every layout commentary comes in, not only the essay's.

The texts are written for these tests. Each case is a layout one training corpus never had: the finder sees
each token's paragraph role, and a role it never trained on used to silence it (a one-paragraph text came
out as one unit, a two-paragraph text as none).
"""

from __future__ import annotations

import pytest

import argmine

MICROTEXT = (
    "The city should not build the new stadium downtown. It would cost taxpayers at least 300 million dollars. "
    "Stadiums rarely bring the jobs their backers promise. Of course, fans would enjoy shorter trips to games. "
    "But that convenience does not justify the public debt."
)

COMMENT = (
    "I disagree with the author. Rent control has been tried in many cities and it usually shrinks the supply "
    "of housing. We should build more homes instead."
)

TWO_PARAGRAPHS = (
    "Public libraries deserve more funding, not less. They are the last indoor places where anyone can stay "
    "without paying.\n\n"
    "Cutting their hours hurts students most, because many of them have no quiet place to study at home. "
    "The council should restore the evening hours."
)

REDDIT = (
    "CMV: Tipping in restaurants should be abolished\n\n"
    "Tipping makes a worker's pay depend on the mood of strangers. Studies have found that tips vary with the "
    "server's race and looks rather than with the service. Restaurants should pay a fair wage and put it in "
    "the menu price.\n\n"
    "I know servers in busy places earn well from tips, but that is luck, not a fair system."
)

OPED = (
    "The Four-Day School Week Is a False Economy\n\n"
    "By Maria Lopez\n\n"
    "Districts across the state are moving to a four-day week to save money.\n\n"
    "They should stop.\n\n"
    "The savings are small.\n\n"
    "A 2021 study of rural districts found that the change cut budgets by only 1.3 percent.\n\n"
    "The costs fall on families.\n\n"
    "Parents who work on Fridays must now pay for childcare or leave their children alone.\n\n"
    "Students lose time that they cannot get back.\n\n"
    "Test scores in math fell in most districts that made the switch.\n\n"
    "Supporters say the shorter week helps districts hire teachers.\n\n"
    "That may be true in a few places.\n\n"
    "But a recruiting gimmick is no reason to shortchange every child in the district.\n\n"
    "Legislators should require a full week of instruction.\n\n"
    "Maria Lopez is a former school board member."
)

LIST = (
    "Three reasons the town should keep its bus line:\n\n"
    "- Older residents depend on it to reach the clinic.\n"
    "- Cutting it would save less than two percent of the budget.\n"
    "- Once a route is gone, it almost never comes back."
)


def sentences_with_a_unit(text: str, amap) -> float:
    """Share of the text's sentence-like lines and sentences that some unit overlaps."""
    import re

    spans = [(m.start(), m.end()) for m in re.finditer(r"[^.!?\n]+[.!?]?", text) if len(m.group().split()) >= 3]
    hit = sum(any(u.start < b and a < u.end for u in amap.units) for a, b in spans)
    return hit / len(spans)




@pytest.mark.parametrize(
    "text, at_least",
    [(MICROTEXT, 4), (COMMENT, 3), (TWO_PARAGRAPHS, 3), (REDDIT, 4),
     (LIST, 3)],
    ids=["microtext", "comment", "two-paragraphs", "reddit", "list"],
)
def test_short_layouts_are_cut_into_their_units(text, at_least):
    amap = argmine.map_text(text)
    assert len(amap.units) >= at_least, [text[u.start : u.end] for u in amap.units]
    assert sentences_with_a_unit(text, amap) >= 0.75


def test_list_items_are_units_without_their_marks_and_the_last_is_no_signature():
    from argmine.read.layout import metadata_spans

    assert metadata_spans(LIST) == []
    assert metadata_spans("We should act now.\n\n— Jane Doe, Springfield") == [(20, 43)]  # a signature still is
    texts = [LIST[u.start : u.end] for u in argmine.map_text(LIST).units]
    assert "Once a route is gone, it almost never comes back." in texts
    assert not any(t.startswith("-") for t in texts)


def test_an_oped_of_one_sentence_paragraphs_is_mapped_to_its_last_paragraph_without_its_byline():
    amap = argmine.map_text(OPED)
    texts = [OPED[u.start : u.end] for u in amap.units]
    assert len(amap.units) >= 10, texts
    assert any("full week of instruction" in t for t in texts)  # the closing call
    assert not any("Maria Lopez" in t for t in texts)  # byline and bio are metadata


def test_an_oped_of_one_sentence_paragraphs_is_mapped_from_its_lede():
    texts = [OPED[u.start : u.end] for u in argmine.map_text(OPED).units]
    assert any("four-day week to save money" in t for t in texts)


@pytest.mark.parametrize(
    "text, roles",
    [
        (COMMENT, ["only"]),
        (TWO_PARAGRAPHS, ["body", "body"]),
        (REDDIT, ["title", "body", "body"]),
        (MICROTEXT + "\n\n" + COMMENT + "\n\n" + TWO_PARAGRAPHS, ["intro", "body", "body", "conclusion"]),
        (OPED, ["title", "meta"] + ["body"] * 12 + ["meta"]),
    ],
    ids=["one", "two", "title-and-two", "four", "news-oped"],
)
def test_only_texts_of_four_to_six_paragraphs_have_an_introduction_and_a_conclusion(text, roles):
    from argmine.nlp.structure import paragraph_roles

    assert paragraph_roles(text)[1] == roles
