"""Unit features (the word classes that mark a thesis), discourse markers of short texts' pairs, averaged fits of
the linear heads, and the shipped model reading a short text."""

from __future__ import annotations

import gc
import re
import weakref
from dataclasses import replace

import numpy
import pytest
import spacy
from conftest import ROOT

import argmine.nlp  # noqa: F401  (registers the components)
from argmine.argmap import ArgumentMap, Unit
from argmine.nlp import load
from argmine.nlp.classify import evidence_rows
from argmine.nlp.doc import get_units, set_gold_segments
from argmine.nlp.features import DocUnits, doc_tokens
from argmine.nlp.linear import LinearClassifier, hash_features, join_rows
from argmine.nlp.models import DEFAULT_MODEL
from argmine.nlp.structure import compute_layout, get_layout

# Short texts whose thesis comes last, as a conclusion or a call to act, after premises that open the text.
BIKES = (
    "Bike lanes take space from cars. Traffic is slower on the main road for a while. "
    "But far fewer people are hurt on streets with separate lanes. The city should therefore build more of them."
)
HOMEWORK = (
    "Homework takes up most evenings of a twelve-year-old. Children need time to play and to sleep. "
    "Studies find little gain from homework before secondary school. Primary schools should drop it."
)


def _sentences_as_units(text: str) -> ArgumentMap:
    units = [Unit(f"u{k}", m.start(), m.end(), "premise") for k, m in enumerate(re.finditer(r"[^.\s][^.]*\.", text))]
    return ArgumentMap(text, units)


def _doc_units(amap: ArgumentMap) -> DocUnits:
    doc = spacy.blank("en").make_doc(amap.text)
    set_gold_segments(doc, amap.units)
    return DocUnits(doc, list(get_units(doc)))


def test_thesis_word_classes_are_features_of_the_units_that_hold_them():
    units = _doc_units(_sentences_as_units(BIKES))
    feats = [set(units.unit_features(i)) for i in range(len(units.spans))]
    assert {"lex=conclude", "lex=judge", "lex|place=judge|last"} <= feats[3]
    assert not any(f.startswith("lex") for f in feats[0] | feats[1])
    assert "lex|place=judge|first" not in feats[3]


def test_discourse_markers_are_pair_features_of_short_texts_only():
    units = _doc_units(_sentences_as_units(BIKES))
    assert units.short
    # "But" opens unit 2; "therefore" in unit 3 is its fourth word, past where connectives are read.
    assert [units.markers(i) for i in range(4)] == [["none"], ["none"], ["contrast"], ["none"]]
    to_previous = set(units.pair_features(2, 1, thesis=3))
    assert {"short:smark=contrast|-1", "short:smark|near|thesis=contrast|-1|False", "short:tmark=none|-1"} <= to_previous
    assert "short:smark|thesis=contrast|True" in units.pair_features(2, 3, thesis=3)

    essay = "Bike lanes\n\nCities argue about lanes.\n\n" + BIKES + "\n\nSo lanes are worth it."
    body = essay.index(BIKES)
    amap = _sentences_as_units(BIKES)
    units = _doc_units(ArgumentMap(essay, [replace(u, start=u.start + body, end=u.end + body) for u in amap.units]))
    assert not units.short
    assert not any("mark" in f for f in units.pair_features(2, 1) if isinstance(f, str))


def test_evidence_patterns_are_features_of_the_evidence_head_only():
    text = "Fares should fall. According to the transit authority, ridership fell 12 percent last year."
    pieces = ["Fares should fall.", "According to the transit authority,", "ridership fell 12 percent last year."]
    units = _doc_units(
        ArgumentMap(text, [Unit(f"u{k}", text.index(p), text.index(p) + len(p), "premise") for k, p in enumerate(pieces)])
    )
    found = [set(units.evidence_features(i)) for i in range(3)]
    assert not any("pattern" in f for f in found[0])
    # The quotation marker sits in the unit before the number, but in the same sentence.
    assert {"pattern=testimony", "pattern_sent=testimony", "pattern_sent=statistics"} <= found[1]
    assert "pattern=statistics" not in found[1]
    assert {"pattern=statistics", "pattern_sent=testimony", "pattern_sent=statistics"} <= found[2]
    assert "pattern=testimony" not in found[2]
    feats = [units.unit_features(i) for i in range(3)]
    assert not any(f.startswith("pattern") for row in feats for f in row if isinstance(f, str))
    assert evidence_rows(units, feats)[2] == feats[2] + units.evidence_features(2)
    # The evidence head hashes the shared features once and joins its patterns to them: the same input.
    joined = join_rows(hash_features(feats), hash_features([units.evidence_features(i) for i in range(3)]))
    for part, expected in zip(joined, hash_features(evidence_rows(units, feats)), strict=True):
        assert part.dtype == expected.dtype
        numpy.testing.assert_array_equal(part, expected)


def test_a_docs_tokens_are_read_once_and_only_the_last_doc_is_kept():
    nlp = spacy.blank("en")
    cars, buses = nlp.make_doc("Cars pollute the air."), nlp.make_doc("Buses carry many more people.")
    read = doc_tokens(cars, get_layout(cars))
    assert read.lower == ["cars", "pollute", "the", "air", "."]
    assert doc_tokens(cars, get_layout(cars)) is read  # the components after the first read it again
    assert DocUnits(cars, [cars[0:4]]).lower is read.lower
    other = doc_tokens(buses, get_layout(buses))
    assert other.lower == ["buses", "carry", "many", "more", "people", "."]
    again = doc_tokens(cars, get_layout(cars))  # one doc at a time: read again, the same
    assert again is not read and again == read
    assert doc_tokens(cars, compute_layout(cars)) is not again  # another layout: read again
    gone = weakref.ref(buses)
    del buses, other
    gc.collect()
    assert gone() is None  # the cache holds no doc


def test_what_a_token_has_is_read_from_its_attributes():
    doc = spacy.blank("en").make_doc('In 2024, 61 percent said "no" to 5% of ten ‘plans’, not 1999s.')
    has = doc_tokens(doc, get_layout(doc)).has
    expected = [
        t.like_num * 1 + t.is_quote * 2 + (t.text in ("%", "percent")) * 4 + (t.shape_ == "dddd") * 8 for t in doc
    ]
    assert has == expected and {1, 2, 4, 9} <= set(has)
    units = DocUnits(doc, [doc[0:3], doc[4:9], doc[9:]])
    feats = [{f for f in units.unit_features(i) if isinstance(f, str) and f.startswith("has=")} for i in range(3)]
    assert feats == [{"has=digit", "has=year"}, {"has=percent", "has=quote"}, {"has=digit", "has=percent", "has=quote"}]


def test_joined_rows_are_the_rows_of_the_joined_lists():
    first = [[], ["a", ("w", 0.5)], ["b"], ["c", "d"]]
    then = [["x"], [], [("y", 2.0), "z"], []]
    joined = join_rows(hash_features(first), hash_features(then))
    for part, expected in zip(joined, hash_features([a + b for a, b in zip(first, then)]), strict=True):
        assert part.dtype == expected.dtype
        numpy.testing.assert_array_equal(part, expected)
    with pytest.raises(ValueError, match="cannot join 4 rows with 3"):
        join_rows(hash_features(first), hash_features(then[:3]))


@pytest.mark.skipif(not (ROOT / "models" / DEFAULT_MODEL).is_dir(), reason="no shipped model")
@pytest.mark.parametrize("text", [BIKES, HOMEWORK], ids=["therefore-should", "should"])
def test_the_shipped_model_finds_a_closing_thesis_in_a_short_text(text):
    (mapped,) = load(ROOT / "models" / DEFAULT_MODEL).classify_many([_sentences_as_units(text)])
    kinds = [u.kind for u in mapped.units]
    assert kinds.count("major_claim") == 1
    assert kinds[-1] == "major_claim", kinds
    # Every other unit hangs under the thesis, directly or through another unit.
    thesis = mapped.units[-1].id
    assert all(thesis in _ancestors(mapped, u.id) for u in mapped.units[:-1])


def _ancestors(amap: ArgumentMap, unit_id: str) -> set[str]:
    parents = set(amap.graph.successors(unit_id))
    return parents.union(*(_ancestors(amap, p) for p in parents))


def test_a_classifier_fit_several_times_keeps_the_average_of_its_runs():
    rows = [["bias", f"w={w}"] for w in ("should", "must", "because", "since", "should", "because")]
    labels = ["claim", "claim", "premise", "premise", "claim", "premise"]
    runs = []
    for seed in (6, 7, 8):  # the seeds of runs=3, seed=2
        clf = LinearClassifier(("claim", "premise"), length=64)
        clf.fit(rows, labels, epochs=3, learn_rate=0.1, seed=seed, batch_size=2)
        runs.append(clf.model.layers[0].get_param("W").copy())
    averaged = LinearClassifier(("claim", "premise"), length=64)
    averaged.fit(rows, labels, epochs=3, learn_rate=0.1, seed=2, batch_size=2, runs=3)
    assert not numpy.allclose(runs[0], runs[1])  # the seeds matter, or the average would prove nothing
    numpy.testing.assert_allclose(averaged.model.layers[0].get_param("W"), numpy.mean(runs, axis=0), rtol=1e-5)
    assert averaged.predict_proba([["bias", "w=must"]])[0].argmax() == 0


def test_a_classifier_refuses_to_fit_zero_times():
    with pytest.raises(ValueError, match="runs must be at least 1"):
        LinearClassifier(("claim", "premise"), length=64).fit([["bias"]], ["claim"], runs=0)


def _same_hashed(got, expected):
    for part, want in zip(got, expected, strict=True):
        assert part.dtype == want.dtype and part.shape == want.shape
        numpy.testing.assert_array_equal(part, want)


def test_hashed_features_are_spacys_hashes_of_each_feature_in_order():
    from spacy.strings import hash_string

    rows = [[], ["bias", "w=été", ("shared_v", 0.25)], [("x", numpy.float32(2.5)), ""], ["w=a:b", "bi=中 文"], []]
    keys, values, lengths = hash_features(rows)
    flat = [f for row in rows for f in row]
    assert keys.tolist() == [hash_string(f if isinstance(f, str) else f[0]) for f in flat]
    assert values.tolist() == [1.0, 1.0, 0.25, 2.5, 1.0, 1.0, 1.0]
    assert lengths.tolist() == [0, 3, 2, 2, 0]
    assert (keys.dtype, values.dtype, lengths.dtype) == (numpy.dtype("uint64"), numpy.dtype("float32"),
                                                         numpy.dtype("int32"))
    assert [len(part) for part in hash_features([])] == [0, 0, 0]
    assert rows[1][2] == ("shared_v", 0.25)  # the rows are read, not changed


# A news op-ed's layout (a headline, then one- and two-sentence paragraphs) and a single-paragraph comment: the
# two genres of pair features (the short texts' markers and unit-kind features) and pairs across paragraphs.
OPED = (
    "Keep the night buses running\n\n"
    "The council wants to cut the night buses. That would be a mistake.\n\n"
    "Nurses ride them home after the late shift.\n\n"
    "But the buses run half empty, critics say.\n\n"
    "Yet a bus that is half full still carries forty people.\n\n"
    "A 2023 survey found that 61 percent of riders have no car. For them the bus is the only way home.\n\n"
    "Cutting the lines would save little money.\n\n"
    "The council should therefore keep every line."
)


@pytest.mark.parametrize("text", [OPED, BIKES], ids=["op-ed", "short"])
def test_pair_rows_are_the_hashed_pair_features(text):
    from argmine.nlp.relate import RelationScorer, candidate_pairs

    units = _doc_units(_sentences_as_units(text))
    assert units.short == (text is BIKES)
    n = len(units.spans)
    feats = [units.unit_features(i) for i in range(n)]
    rng = numpy.random.default_rng(0)
    probs = {"kind": rng.dirichlet(numpy.ones(3), n).astype("float32"),
             "stance": rng.dirichlet(numpy.ones(2), n).astype("float32")}
    scorer = RelationScorer(None, "relations", window=8, root_weight=2.0, length=2**10, fit={}, cross_window=3)
    tested = 0
    for thesis in (None, 0, n - 1):
        pairs = candidate_pairs(units, 8, thesis, 3)
        for unit_feats in (feats, None):
            for p in (probs, None):
                rows = scorer.pair_features(units, unit_feats, pairs, thesis, p)
                _same_hashed(scorer.pair_rows(units, unit_feats, pairs, thesis, p), hash_features(rows))
                tested += len(rows)
    crossing = [f for f in rows if any(isinstance(x, str) and x.startswith("xdist=") for x in f)]
    assert tested and bool(crossing) == (text is OPED)  # the op-ed's pairs across paragraphs have their tail
    _same_hashed(units.pair_rows([], feats), hash_features([]))


def test_the_evidence_head_reads_whether_a_unit_tells_of_an_event():
    text = ("Fares should fall. When Riverton Council approved a fare cut in March, ridership jumped. "
            "Cheap fares usually attract riders.")
    pieces = ["Fares should fall.", "When Riverton Council approved a fare cut in March, ridership jumped.",
              "Cheap fares usually attract riders."]
    units = _doc_units(
        ArgumentMap(text, [Unit(f"u{k}", text.index(p), text.index(p) + len(p), "premise") for k, p in enumerate(pieces)])
    )
    found = [{f for f in units.evidence_features(i) if f.startswith("ev:")} for i in range(3)]
    # a dated event with a name and two past-tense "-ed" words, against a general premise
    assert found[1] == {"ev:ed=2", "ev:caps=1", "ev:when"}
    assert found[2] == {"ev:ed=0", "ev:caps=0"}
    said = "The mayor said last year that fares would fall."
    units = _doc_units(ArgumentMap(said, [Unit("u0", 0, len(said), "premise")]))
    assert {"ev:past", "ev:when"} <= set(units.evidence_features(0))
    maybe = "Fares may fall."
    units = _doc_units(ArgumentMap(maybe, [Unit("u0", 0, len(maybe), "premise")]))
    assert "ev:when" not in units.evidence_features(0)
