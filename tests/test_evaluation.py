"""The evaluator: scores worked out by hand on tiny maps, `evaluate` with fake miners, `argmine evaluate`."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.evaluation import EvaluationError, evaluate, score_maps
from argmine.evaluation import scores
from argmine.export.json import write_json

approx = pytest.approx


def _as_dict(section):
    """A section scorer returning its JSON form: these tests check the keys `--json` prints."""
    return lambda *args, **kwargs: section(*args, **kwargs).to_dict()


central_claim_scores = _as_dict(scores.central_claim_scores)
component_scores = _as_dict(scores.component_scores)
evidence_type_scores = _as_dict(scores.evidence_type_scores)
relation_scores = _as_dict(scores.relation_scores)
segmentation_scores = _as_dict(scores.segmentation_scores)
stance_scores = _as_dict(scores.stance_scores)
# Two paragraphs; each word is a potential unit.
TEXT = "Alpha alpha alpha. Bravo bravo bravo. Charlie charlie.\n\nDelta delta delta. Echo echo echo echo."


def span(snippet: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(snippet)
    return start, start + len(snippet)


def unit(uid: str, snippet: str, kind: str = "premise", text: str = TEXT, **kw) -> Unit:
    start, end = span(snippet, text)
    para = 0 if start < text.index("\n\n") else 1
    return Unit(uid, start, end, kind, paragraph=kw.pop("paragraph", para), **kw)


def amap(units, relations=(), text: str = TEXT) -> ArgumentMap:
    return ArgumentMap(text, units, [Relation(*r) for r in relations])


# --- segmentation -------------------------------------------------------------------------------------------


def test_exact_and_overlap_segmentation():
    gold = amap(
        [unit("g1", "Alpha alpha alpha"), unit("g2", "Bravo bravo bravo"), unit("g3", "Delta delta delta")]
    )
    # p3 covers "Delta delta", 11 of gold's 17 characters: 11/17 = 0.65 >= 0.5, so it counts for overlap only.
    pred = amap([unit("p1", "Alpha alpha alpha"), unit("p2", "Bravo bravo bravo"), unit("p3", "Delta delta")])
    s = segmentation_scores([(gold, pred)])
    # exact: 2 of 3 predicted, 2 of 3 gold -> P = R = F1 = 2/3; overlap: 3 of 3 -> 1.0
    assert (s["precision"], s["recall"], s["f1"]) == (approx(2 / 3), approx(2 / 3), approx(2 / 3))
    assert s["overlap"]["f1"] == 1.0 and s["overlap"]["tp"] == 3


def test_exact_match_ignores_punctuation_and_space_at_the_ends():
    text = '"Alpha alpha," said Bravo. Charlie charlie. Delta delta.'
    gold = amap([Unit("g1", 0, 26, "evidence"), Unit("g2", 27, 43, "claim"), Unit("g3", 44, 56, "claim")],
                text=text)
    # p1 drops the quote mark and the final period, p2 adds a leading space, p3 drops a word.
    pred = amap([Unit("p1", 1, 25, "evidence"), Unit("p2", 26, 42, "claim"), Unit("p3", 44, 49, "claim")],
                text=text)
    s = segmentation_scores([(gold, pred)])
    # exact (cores): p1, p2 -> 2/3; strict (raw offsets): none -> 0; overlap: p3 covers 5/11 < 0.5 -> 2/3
    assert s["f1"] == approx(2 / 3) and s["strict"]["f1"] == 0.0 and s["overlap"]["f1"] == approx(2 / 3)
    assert component_scores([(gold, pred)])["per_label"]["evidence"]["f1"] == 1.0


def test_overlap_below_half_does_not_count():
    gold = amap([unit("g1", "Echo echo echo echo")])  # 19 characters
    pred = amap([unit("p1", "Echo echo")])  # 9/19 = 0.47 < 0.5
    s = segmentation_scores([(gold, pred)])
    assert s["f1"] == 0.0 and s["overlap"]["f1"] == 0.0


def test_overlap_matching_is_one_to_one():
    text = "abcdefghij"
    gold = amap([Unit("g", 0, 10, "claim")], text=text)
    pred = amap([Unit("p1", 0, 5, "claim"), Unit("p2", 5, 10, "claim")], text=text)  # each exactly 0.5
    s = segmentation_scores([(gold, pred)])
    # one match: P = 1/2, R = 1/1, F1 = 2*1/(2+1) = 2/3
    assert s["overlap"]["tp"] == 1
    assert s["overlap"]["precision"] == 0.5 and s["overlap"]["recall"] == 1.0
    assert s["overlap"]["f1"] == approx(2 / 3)


# --- components ---------------------------------------------------------------------------------------------

GOLD_KINDS = amap(
    [
        unit("a", "Alpha alpha alpha", "major_claim"),
        unit("b", "Bravo bravo bravo", "claim"),
        unit("c", "Charlie charlie", "premise"),
        unit("d", "Delta delta delta", "evidence", evidence_type="statistics"),
    ]
)


def test_kind_confusion_and_spurious_unit():
    pred = amap(
        [
            unit("a", "Alpha alpha alpha", "major_claim"),
            unit("b", "Bravo bravo bravo", "premise"),  # claim predicted as premise
            unit("c", "Charlie charlie", "premise"),
            unit("d", "Delta delta delta", "evidence", evidence_type="statistics"),
            unit("e", "Echo echo echo echo", "claim"),  # not in gold
        ]
    )
    s = component_scores([(GOLD_KINDS, pred)])
    # major_claim 1/1 1/1; claim tp 0 (pred e, gold b); premise tp 1 of pred {b, c}, gold {c}; evidence 1/1.
    assert s["per_label"]["major_claim"]["f1"] == 1.0
    assert s["per_label"]["claim"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert s["per_label"]["premise"]["precision"] == 0.5 and s["per_label"]["premise"]["recall"] == 1.0
    assert s["per_label"]["premise"]["f1"] == approx(2 / 3)
    assert s["per_label"]["evidence"]["f1"] == 1.0
    # micro: tp 3, predicted 5, gold 4 -> P 3/5, R 3/4, F1 6/9; macro (1 + 0 + 2/3 + 1) / 4 = 2/3
    assert s["micro"]["precision"] == approx(3 / 5) and s["micro"]["recall"] == approx(3 / 4)
    assert s["micro_f1"] == approx(2 / 3)
    assert s["macro_f1"] == approx(2 / 3)
    assert s["collapse_evidence"] is False


def test_kind_needs_exact_segment():
    pred = amap([unit("a", "Alpha alpha", "major_claim")])  # right kind, wrong end
    s = component_scores([(GOLD_KINDS, pred)])
    assert s["per_label"]["major_claim"]["f1"] == 0.0 and s["micro_f1"] == 0.0


def test_evidence_collapses_to_premise_when_gold_has_none():
    gold = amap(
        [
            unit("a", "Alpha alpha alpha", "major_claim"),
            unit("b", "Bravo bravo bravo", "premise"),
            unit("c", "Charlie charlie", "premise"),
        ]
    )
    pred = amap(
        [
            unit("a", "Alpha alpha alpha", "major_claim"),
            unit("b", "Bravo bravo bravo", "evidence", evidence_type="statistics"),  # counts as premise
            unit("c", "Charlie charlie", "claim"),
        ]
    )
    s = component_scores([(gold, pred)])
    assert s["collapse_evidence"] is True
    assert "evidence" not in s["per_label"]
    # premise: tp 1 (b), predicted 1, gold 2 -> F1 2/3; claim: predicted 1, support 0 -> 0.0
    assert s["per_label"]["premise"] == {"precision": 1.0, "recall": 0.5, "f1": approx(2 / 3), "support": 2}
    assert s["per_label"]["claim"]["support"] == 0
    # micro: tp 2 of 3 and 3 -> 2/3; macro over gold kinds {major_claim, premise}: (1 + 2/3) / 2 = 5/6
    assert s["micro_f1"] == approx(2 / 3)
    assert s["macro_f1"] == approx(5 / 6)
    # Forced off: b is a wrong `evidence` and premise has no true positive; macro (1 + 0) / 2.
    strict = component_scores([(gold, pred)], collapse_evidence=False)
    assert strict["collapse_evidence"] is False
    assert strict["per_label"]["evidence"]["support"] == 0
    assert strict["per_label"]["premise"]["f1"] == 0.0
    assert strict["macro_f1"] == 0.5


# --- relations ----------------------------------------------------------------------------------------------

REL_UNITS = [
    ("A", "Alpha alpha alpha"),
    ("B", "Bravo bravo bravo"),
    ("C", "Charlie charlie"),
    ("D", "Delta delta delta"),  # paragraph 1
    ("E", "Echo echo echo echo"),  # paragraph 1
]
REL_GOLD = amap(
    [unit(uid, snippet) for uid, snippet in REL_UNITS],
    [("B", "A", "support"), ("C", "A", "attack"), ("D", "A", "support"), ("E", "D", "support")],
)
# Prediction with other ids: matching goes by offsets.
REL_PRED = amap(
    [unit(f"p{uid}", snippet) for uid, snippet in REL_UNITS],
    [("pB", "pA", "support"), ("pC", "pB", "attack"), ("pD", "pA", "attack"), ("pE", "pD", "attack")],
)


def test_relation_link_nolink_and_labels():
    s = relation_scores([(REL_GOLD, REL_PRED)])
    # Same-paragraph ordered pairs: 3*2 + 2*1 = 8. In scope: gold {BA, CA, ED}, predicted {BA, CB, ED}.
    assert s["pairs"] == 8
    # link: tp 2 (BA, ED) of 3 and 3 -> 2/3
    assert (s["precision"], s["recall"], s["f1"]) == (approx(2 / 3), approx(2 / 3), approx(2 / 3))
    # labelled: only BA agrees on the label -> 1/3
    assert s["labeled_f1"] == approx(1 / 3)
    # no-link: linked in either map {BA, CA, ED, CB} = 4, so tn = 4 of 5 predicted and 5 gold -> 4/5
    assert s["no_link"]["f1"] == approx(4 / 5)
    assert s["link_macro_f1"] == approx((2 / 3 + 4 / 5) / 2)
    # All 5*4 = 20 pairs: gold 4, predicted 4, tp 3 (BA, DA, ED) -> 3/4; labelled only BA -> 1/4
    assert s["all_pairs_count"] == 20
    assert s["all_pairs_f1"] == approx(3 / 4)
    assert s["all_pairs_labeled"]["f1"] == approx(1 / 4)
    # per label in scope: support gold {BA, ED} pred {BA} -> P 1, R 1/2; attack gold {CA} pred {CB, ED} -> 0
    assert s["per_label"]["support"] == {"precision": 1.0, "recall": 0.5, "f1": approx(2 / 3), "support": 2}
    assert s["per_label"]["attack"]["f1"] == 0.0 and s["per_label"]["attack"]["support"] == 1
    assert s["unmatched_gold"] == s["unmatched_predicted"] == 0


def test_cross_paragraph_pairs_are_excluded():
    gold = amap([unit(uid, snippet) for uid, snippet in REL_UNITS], [("D", "A", "support")])
    pred = amap([unit(uid, snippet) for uid, snippet in REL_UNITS], [("D", "A", "support")])
    s = relation_scores([(gold, pred)])
    # D -> A crosses paragraphs: no link in scope at all (0/0 -> 0.0), but perfect over all pairs.
    assert s["link"]["gold"] == s["link"]["predicted"] == 0
    assert s["f1"] == 0.0
    assert s["all_pairs_f1"] == 1.0
    assert s["no_link"]["f1"] == 1.0  # all 8 same-paragraph pairs are correctly unlinked


def test_relations_with_unmatched_endpoints_count_end_to_end():
    gold = amap(
        [unit("A", "Alpha alpha alpha"), unit("B", "Bravo bravo bravo"), unit("C", "Charlie charlie")],
        [("B", "A", "support"), ("C", "A", "support")],
    )
    # C is missed (cut short), and the prediction links its own cut unit to A.
    pred = amap(
        [unit("A", "Alpha alpha alpha"), unit("B", "Bravo bravo bravo"), unit("C", "Charlie")],
        [("B", "A", "support"), ("C", "A", "support")],
    )
    s = relation_scores([(gold, pred)])
    # tp 1 (BA); C->A gold is a false negative, C'->A predicted a false positive: P = R = 1/2
    assert s["unmatched_gold"] == 1 and s["unmatched_predicted"] == 1
    assert (s["precision"], s["recall"]) == (0.5, 0.5)
    assert s["pairs"] == 2  # only A and B are matched: (A, B) and (B, A)
    # no-link over those 2 pairs: BA linked in both, AB in neither -> no-link 1/1
    assert s["no_link"]["f1"] == 1.0


# --- central claim ------------------------------------------------------------------------------------------


def test_central_claim_accuracy():
    mc, b = "Alpha alpha alpha", "Bravo bravo bravo"
    right = (
        amap([unit("a", mc, "major_claim"), unit("b", b, "claim")], [("b", "a", "support")]),
        amap([unit("a", mc, "major_claim"), unit("b", b, "claim")], [("b", "a", "support")]),
    )
    # The predicted tree is upside down: its root major claim is b.
    wrong = (
        amap([unit("a", mc, "major_claim"), unit("b", b, "claim")], [("b", "a", "support")]),
        amap([unit("a", mc, "claim"), unit("b", b, "major_claim")], [("a", "b", "support")]),
    )
    # A restated thesis in gold; the prediction has no major claim, so its root is its first unlinked unit.
    fallback = (
        amap([unit("a", mc, "major_claim"), unit("b", b, "major_claim")], [("b", "a", "support")]),
        amap([unit("a", mc, "premise"), unit("b", b, "premise")], [("b", "a", "support")]),
    )
    empty_gold = (amap([]), amap([unit("a", mc, "major_claim")]))  # no gold root: not counted
    no_thesis = (amap([unit("a", mc, "claim")]), amap([unit("a", mc, "claim")]))  # no gold major claim: idem
    s = central_claim_scores([right, wrong, fallback, empty_gold, no_thesis])
    assert s["documents"] == 3 and s["correct"] == 2
    assert s["accuracy"] == approx(2 / 3)


# --- evidence types and stance ------------------------------------------------------------------------------


def test_evidence_types_over_matched_units():
    text = "one two three four five six"
    words = text.split()

    def u(i: int, kind: str = "evidence", evidence_type: str = "", stance: str = "") -> Unit:
        start = text.index(words[i])
        return Unit(f"u{i}", start, start + len(words[i]), kind, evidence_type=evidence_type, stance=stance)

    gold = amap([u(0, evidence_type="statistics"), u(1, evidence_type="testimony"),
                 u(2, evidence_type="anecdote"), u(3, "premise"), u(4, evidence_type="testimony")], text=text)
    pred = amap([u(0, evidence_type="statistics"), u(1, evidence_type="anecdote"),
                 u(2, evidence_type="anecdote"), u(3, evidence_type="statistics"), u(4, "premise"),
                 u(5, evidence_type="testimony")], text=text)  # u5 matches nothing: a false positive
    s = evidence_type_scores([(gold, pred)])
    # statistics: tp 1, predicted 2 (u0, u3), gold 1 -> P 1/2, R 1, F1 2/3
    assert s["per_label"]["statistics"] == {
        "precision": 0.5, "recall": 1.0, "f1": approx(2 / 3), "support": 1
    }
    # testimony: tp 0, predicted 1 (u5), gold 2 -> 0
    assert s["per_label"]["testimony"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 2}
    # anecdote: tp 1, predicted 2 (u1, u2), gold 1 -> 2/3; macro (2/3 + 0 + 2/3) / 3 = 4/9
    assert s["per_label"]["anecdote"]["f1"] == approx(2 / 3)
    assert s["macro_f1"] == approx(4 / 9)
    assert s["support"] == 4


def test_evidence_type_macro_averages_types_present_in_gold():
    text = "one two three"
    stat = Unit("s", 0, 3, "evidence", evidence_type="statistics")
    gold = amap([stat, Unit("t", 4, 7, "premise")], text=text)
    pred = amap([stat, Unit("t", 4, 7, "evidence", evidence_type="anecdote")], text=text)
    s = evidence_type_scores([(gold, pred)])
    # Only statistics has gold support (F1 1.0); a spurious anecdote costs anecdote precision, not the macro.
    assert s["macro_f1"] == 1.0
    assert s["per_label"]["anecdote"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    assert evidence_type_scores([(amap([], text=text), pred)])["macro_f1"] == 0.0


def test_stance_accuracy_over_gold_claims_with_stance():
    text = "one two three four five"
    words = text.split()

    def u(i: int, kind: str, stance: str) -> Unit:
        start = text.index(words[i])
        return Unit(f"u{i}", start, start + len(words[i]), kind, stance=stance)

    gold = amap([u(0, "claim", "for"), u(1, "claim", "against"), u(2, "claim", "for"), u(3, "claim", ""),
                 u(4, "premise", "for")], text=text)
    pred = amap([u(0, "claim", "for"), u(1, "claim", "for"), u(2, "premise", ""), u(3, "claim", "for"),
                 u(4, "premise", "against")], text=text)
    # counted: u0 right, u1 wrong, u2 wrong (no stance predicted); u3 has no gold stance, u4 is no claim
    s = stance_scores([(gold, pred)])
    assert s == {"accuracy": approx(1 / 3), "correct": 1, "support": 3}


# --- whole results, empty input, bad input ------------------------------------------------------------------


def _all_numbers(d: dict, prefix: str = "") -> dict[str, float]:
    out = {}
    for key, value in d.items():
        if isinstance(value, dict):
            out.update(_all_numbers(value, f"{prefix}{key}."))
        elif isinstance(value, float):
            out[prefix + key] = value
    return out


FULL_GOLD = amap(
    [
        unit("a", "Alpha alpha alpha", "major_claim"),
        unit("b", "Bravo bravo bravo", "claim", stance="for"),
        unit("c", "Charlie charlie", "premise"),
        unit("d", "Delta delta delta", "claim", stance="against"),
        unit("e", "Echo echo echo echo", "evidence", evidence_type="testimony"),
    ],
    [("b", "a", "support"), ("c", "b", "support"), ("d", "a", "attack"), ("e", "d", "support")],
)


def test_gold_against_itself_scores_one():
    result = score_maps([(FULL_GOLD, FULL_GOLD)])
    numbers = _all_numbers(result)
    perfect = [
        "segmentation.f1", "segmentation.overlap.f1", "components.micro_f1", "components.macro_f1",
        "relations.f1", "relations.labeled_f1", "relations.link_macro_f1", "relations.all_pairs_f1",
        "central_claim.accuracy", "evidence_types.macro_f1", "stance.accuracy",
    ]
    for key in perfect:
        assert numbers[key] == 1.0, key
    assert result["evidence_types"]["per_label"]["testimony"]["f1"] == 1.0
    json.dumps(result)  # JSON-ready


def test_empty_inputs_give_zeros_without_warnings(recwarn):
    result = score_maps([])
    assert result["documents"] == 0
    assert set(_all_numbers(result).values()) == {0.0}
    # Gold units but nothing predicted: zero recall everywhere, still no division error.
    nothing = score_maps([(FULL_GOLD, amap([]))])
    assert nothing["segmentation"]["recall"] == 0.0 and nothing["components"]["micro_f1"] == 0.0
    assert nothing["relations"]["link"]["gold"] == 3 and nothing["relations"]["f1"] == 0.0
    assert nothing["central_claim"]["overlap"] == {"accuracy": 0.0, "correct": 0, "documents": 1}
    assert {k: v for k, v in nothing["central_claim"].items() if k != "overlap"} == nothing["central_claim"][
        "overlap"
    ]
    assert len(recwarn) == 0


def test_pairs_over_different_texts_are_rejected():
    other = ArgumentMap(TEXT + " More.", source="x.txt")
    with pytest.raises(EvaluationError, match="different text"):
        score_maps([(FULL_GOLD, other)])


# --- evaluate() over a small project-JSON corpus ------------------------------------------------------------

# Two short op-eds written for these tests.
DOC1 = (
    "date 2031-04-02 Let the library stay open late\n\n"
    "The town library should keep its doors open until ten at night. Students have nowhere else to work "
    "after the cafés close.\n\n"
    "Last winter, a nurse named Ida Vance studied for her licence exam at the bus station because the "
    "reading room shut at six. Evening visits rose by 40 percent in the one month the library tried later "
    "hours.\n\n"
    "Critics say the extra staff would cost too much. Yet the trial month cost less than the town spends on "
    "flower baskets each summer.\n"
)
DOC2 = (
    "HARLOW BAY — The ferry fare should not rise again this year. Families on the island already pay more "
    "to cross than to heat their homes.\n\n"
    "\"We skip the mainland market now,\" said Owen Pike, who fishes out of the north pier. The council's "
    "own survey found that 3 in 10 islanders cut trips last year.\n"
)


def _unit(text: str, uid: str, snippet: str, kind: str, **kw) -> Unit:
    from argmine.read.layout import ParagraphIndex

    start = text.index(snippet)
    return Unit(uid, start, start + len(snippet), kind, paragraph=ParagraphIndex(text)(start), **kw)


def gold_maps() -> list[ArgumentMap]:
    u = _unit
    doc1 = ArgumentMap(
        DOC1,
        [
            u(DOC1, "u1", "The town library should keep its doors open until ten at night", "major_claim"),
            u(DOC1, "u2", "Students have nowhere else to work after the cafés close", "premise",
              stance="for"),
            u(DOC1, "u3", "Last winter, a nurse named Ida Vance studied for her licence exam at the bus "
              "station", "evidence", evidence_type="anecdote"),
            u(DOC1, "u4", "the reading room shut at six", "premise"),
            u(DOC1, "u5", "Evening visits rose by 40 percent in the one month the library tried later hours",
              "evidence", evidence_type="statistics"),
            u(DOC1, "u6", "Critics say the extra staff would cost too much", "claim", stance="against"),
            u(DOC1, "u7", "the trial month cost less than the town spends on flower baskets each summer",
              "premise"),
        ],
        [Relation("u2", "u1", "support"), Relation("u3", "u2", "support"), Relation("u4", "u3", "support"),
         Relation("u5", "u2", "support"), Relation("u6", "u1", "attack"), Relation("u7", "u6", "attack")],
        source="doc1",
        model="gold",
    )
    doc2 = ArgumentMap(
        DOC2,
        [
            u(DOC2, "a", "The ferry fare should not rise again this year", "major_claim"),
            u(DOC2, "b", "Families on the island already pay more to cross than to heat their homes", "claim",
              stance="for"),
            u(DOC2, "c", "\"We skip the mainland market now,\" said Owen Pike, who fishes out of the north "
              "pier", "evidence", evidence_type="testimony"),
            u(DOC2, "d", "The council's own survey found that 3 in 10 islanders cut trips last year",
              "evidence", evidence_type="statistics"),
        ],
        [Relation("b", "a", "support"), Relation("c", "b", "support"), Relation("d", "b", "support")],
        source="doc2",
        model="gold",
    )
    return [doc1, doc2]


def project_kind() -> str:
    """The registry name of the argmine-JSON reader."""
    return "json"


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    for i, amap in enumerate(gold_maps()):
        write_json(amap, tmp_path / f"doc{i + 1}.json")
    return tmp_path


class OracleMiner:
    """Answers with the gold maps, whatever it is given."""

    name = "oracle"

    def __init__(self) -> None:
        self.gold = {m.text: m for m in gold_maps()}
        self.seen: list[ArgumentMap] = []

    def map_many(self, texts, sources=None):
        return (self.gold[t] for t in texts)

    def classify_many(self, maps):
        maps = list(maps)
        self.seen.extend(maps)
        return (self.gold[m.text] for m in maps)


class EchoMiner:
    """Finds no units end to end; on gold segments it returns what it was given."""

    name = "echo"

    def map_many(self, texts, sources=None):
        return (ArgumentMap(t) for t in texts)

    def classify_many(self, maps):
        return iter(list(maps))


HEADLINE = [
    ("segmentation", "f1"), ("segmentation", "precision"), ("segmentation", "recall"),
    ("components", "micro_f1"), ("components", "macro_f1"), ("relations", "f1"), ("relations", "labeled_f1"),
    ("relations", "link_macro_f1"), ("relations", "all_pairs_f1"), ("central_claim", "accuracy"),
    ("evidence_types", "macro_f1"), ("stance", "accuracy"),
]


@pytest.mark.parametrize("gold_segments", [False, True])
def test_evaluate_oracle_scores_one(corpus_dir, gold_segments):
    kind = project_kind()
    run = evaluate(kind, corpus_dir, gold_segments=gold_segments, miner=OracleMiner())
    assert run.scores.exact.central_claim.accuracy == 1.0 and run.scores.documents == 2
    result = run.to_dict()  # what `argmine evaluate --json` prints
    for section, key in HEADLINE:
        assert result[section][key] == 1.0, (section, key)
    assert result["segmentation"]["overlap"]["f1"] == 1.0
    assert result["documents"] == 2 and result["model"] == "oracle"
    assert result["corpus"] == kind and result["split"] is None and result["gold_segments"] is gold_segments
    assert result["words"] == len(DOC1.split()) + len(DOC2.split())
    assert result["components"]["collapse_evidence"] is False
    assert result["components"]["per_label"]["evidence"]["support"] == 4
    assert result["central_claim"]["documents"] == 2
    assert result["seconds"] >= 0 and result["words_per_second"] >= 0
    assert json.loads(json.dumps(result)) == result


def test_evaluate_nothing_found_scores_zero_recall(corpus_dir):
    result = evaluate(project_kind(), corpus_dir, miner=EchoMiner()).to_dict()
    assert result["segmentation"]["recall"] == 0.0 and result["segmentation"]["gold"] == 11
    assert result["components"]["micro"]["recall"] == 0.0
    assert result["relations"]["recall"] == 0.0 and result["relations"]["unmatched_gold"] == 9
    assert result["central_claim"]["accuracy"] == 0.0


def test_gold_segments_are_blinded(corpus_dir):
    oracle = OracleMiner()
    evaluate(project_kind(), corpus_dir, gold_segments=True, miner=oracle)
    assert [len(m) for m in oracle.seen] == [7, 4]
    for seen, gold in zip(oracle.seen, gold_maps()):
        assert [(u.id, u.start, u.end, u.paragraph) for u in seen.units] == [
            (u.id, u.start, u.end, u.paragraph) for u in gold.units
        ]
        assert {u.kind for u in seen.units} == {"premise"}
        assert {(u.evidence_type, u.stance) for u in seen.units} == {("", "")}
        assert seen.relations == []
    # A miner that echoes its blinded input is a premise-only baseline: 3 premises of 11 units are right.
    result = evaluate(project_kind(), corpus_dir, gold_segments=True, miner=EchoMiner()).to_dict()
    assert result["segmentation"]["f1"] == 1.0
    assert result["components"]["micro_f1"] == approx(3 / 11)
    assert result["relations"]["f1"] == 0.0 and result["relations"]["no_link"]["recall"] == 1.0


def test_evaluate_rejects_misaligned_predictions(corpus_dir):
    class Short(EchoMiner):
        def map_many(self, texts, sources=None):
            return iter([ArgumentMap(next(iter(texts)))])

    class Resegments(EchoMiner):
        def classify_many(self, maps):
            return (m.with_units([Unit("x", 0, 4, "premise")]) for m in maps)

    with pytest.raises(EvaluationError, match="2 documents"):
        evaluate(project_kind(), corpus_dir, miner=Short())
    with pytest.raises(EvaluationError, match="changed the gold segments"):
        evaluate(project_kind(), corpus_dir, gold_segments=True, miner=Resegments())


def test_evaluate_bad_corpus_arguments(corpus_dir, tmp_path):
    from argmine.corpora.errors import CorpusError

    kind = project_kind()
    with pytest.raises(CorpusError):
        evaluate("no-such-corpus", corpus_dir, miner=EchoMiner())
    with pytest.raises(CorpusError):
        evaluate(kind, tmp_path / "missing", miner=EchoMiner())
    with pytest.raises(CorpusError):
        evaluate(kind, corpus_dir, split="test", miner=EchoMiner())


# --- argmine evaluate ---------------------------------------------------------------------------------------

runner = CliRunner()


def _cli(*args: str):
    from argmine.cli import app

    return runner.invoke(app, ["evaluate", *args])


@pytest.fixture
def oracle_cli(monkeypatch):
    module = importlib.import_module("argmine.evaluation.evaluate")
    monkeypatch.setattr(module, "load_miner", lambda model: OracleMiner())


def test_cli_json(corpus_dir, oracle_cli):
    result = _cli(project_kind(), str(corpus_dir), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 2 and data["model"] == "oracle"
    assert data["components"]["micro_f1"] == 1.0 and data["relations"]["f1"] == 1.0


def test_cli_table(corpus_dir, oracle_cli):
    result = _cli(project_kind(), str(corpus_dir), "--gold-segments")
    assert result.exit_code == 0, result.output
    assert "2 documents" in result.stdout and "gold segments" in result.stdout
    assert "components, micro" in result.stdout and "1.000" in result.stdout
    assert "segments, exact" not in result.stdout  # trivially 1.0 on gold segments


def test_cli_table_end_to_end_has_every_section(corpus_dir, oracle_cli):
    result = _cli(project_kind(), str(corpus_dir))
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 2}
    for name in ("segments, exact", "segments, 50% overlap", "components, micro", "components, macro",
                 "relations, link (same paragraph)", "relations, labelled, 50% overlap",
                 "central claim, accuracy", "evidence units, 50% overlap", "evidence types, macro",
                 "claim stance, accuracy"):
        assert name in rows and "1.000" in rows[name], (name, result.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ("no-such-corpus", "{dir}"),
        ("{kind}", "{dir}/missing"),
        ("{kind}", "{dir}", "--split", "test"),
        ("{kind}", "{dir}", "--model", "{dir}/no-model-here"),
    ],
)
def test_cli_errors_are_one_line_exit_2(corpus_dir, args):
    kind = project_kind()
    result = _cli(*(a.format(kind=kind, dir=corpus_dir) for a in args))
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("argmine: ")
    assert "Traceback" not in result.output


def test_cli_rules_baseline(corpus_dir):
    kind = project_kind()
    end_to_end = _cli(kind, str(corpus_dir), "--model", "rules", "--json")
    assert end_to_end.exit_code == 0, end_to_end.output
    data = json.loads(end_to_end.stdout)
    assert data["model"] == "rules" and data["gold_segments"] is False
    scores = {k: v for k, v in _all_numbers(data).items() if k not in ("seconds", "words_per_second")}
    assert scores and all(0.0 <= v <= 1.0 for v in scores.values()), scores
    assert data["words_per_second"] > 0
    on_gold = json.loads(_cli(kind, str(corpus_dir), "--model", "rules", "--gold-segments", "--json").stdout)
    assert on_gold["segmentation"]["f1"] == 1.0
    assert on_gold["components"]["micro"]["predicted"] == 11


# --- matching at 50% overlap for every score (issue 15) -----------------------------------------------------

# Gold in one scheme (whole sentences with connectives and quotes), the prediction in another (clauses).
OV_TEXT = (
    "``The bridge toll should be scrapped this spring.'' Drivers already pay for the road through fuel "
    "taxes. But the council says it needs the money. Its own budget shows a surplus of four million."
)


def _ov(uid: str, snippet: str, kind: str, **kw) -> Unit:
    start = OV_TEXT.index(snippet)
    return Unit(uid, start, start + len(snippet), kind, **kw)


OV_GOLD = ArgumentMap(
    OV_TEXT,
    [
        _ov("g1", "``The bridge toll should be scrapped this spring.''", "major_claim"),
        _ov("g2", "Drivers already pay for the road through fuel taxes.", "premise"),
        _ov("g3", "But the council says it needs the money.", "claim", stance="against"),
        _ov("g4", "Its own budget shows a surplus of four million.", "evidence", evidence_type="statistics"),
    ],
    [Relation("g2", "g1", "support"), Relation("g3", "g1", "attack"), Relation("g4", "g3", "attack")],
)
OV_PRED = ArgumentMap(
    OV_TEXT,
    [
        _ov("p1", "The bridge toll should be scrapped", "major_claim"),  # no quotes, "this spring" cut off
        _ov("p2", "Drivers already pay for the road", "premise"),
        _ov("p3", "the council says it needs the money", "claim", stance="against"),  # "But" dropped
        _ov("p4", "Its own budget shows a surplus", "evidence", evidence_type="statistics"),
    ],
    [Relation("p2", "p1", "support"), Relation("p3", "p1", "attack"), Relation("p4", "p3", "support")],
)


def test_every_score_is_also_given_at_fifty_percent_overlap():
    result = score_maps([(OV_GOLD, OV_PRED)])
    # Exact: only p3 has gold's core (punctuation and "But" are not trimmed, but "But" is a word: no match).
    assert result["segmentation"]["f1"] == 0.0 and result["segmentation"]["overlap"]["f1"] == 1.0
    assert result["components"]["micro_f1"] == 0.0
    assert result["components"]["overlap"]["micro_f1"] == 1.0
    # Links: all three ends match at 50%; the last has the wrong label.
    assert result["relations"]["f1"] == 0.0
    assert result["relations"]["overlap"]["f1"] == 1.0
    assert result["relations"]["overlap"]["labeled_f1"] == approx(2 / 3)
    assert result["central_claim"]["accuracy"] == 0.0
    assert result["central_claim"]["overlap"] == {"accuracy": 1.0, "correct": 1, "documents": 1}
    assert result["evidence"]["overlap"]["f1"] == 1.0 and result["evidence"]["f1"] == 0.0
    assert result["evidence_types"]["overlap"]["macro_f1"] == 1.0
    # Exact evidence types: the unmatched gold statistics unit is a miss, the unmatched prediction a false alarm.
    assert result["evidence_types"]["per_label"]["statistics"] == {
        "precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1
    }


def test_trimming_drops_backtick_quotes():
    # Gold keeps the TeX-style quotes, the prediction drops them: the same unit for exact matching.
    gold = ArgumentMap(OV_TEXT, [_ov("g", "``The bridge toll should be scrapped this spring.''", "claim")])
    pred = ArgumentMap(OV_TEXT, [_ov("p", "The bridge toll should be scrapped this spring", "claim")])
    assert segmentation_scores([(gold, pred)])["f1"] == 1.0


def test_overlap_matching_is_greedy_by_ratio_and_deterministic():
    text = "aaaa bbbb cccc dddd eeee"
    gold = amap([Unit("g1", 0, 9, "claim"), Unit("g2", 10, 24, "claim")], text=text)
    # p1 overlaps g1 fully (ratio 1.0 against 9) and p2 overlaps g1 at 4/9 (< 0.5) and g2 at 9/14.
    pred = amap([Unit("p1", 0, 9, "claim"), Unit("p2", 5, 19, "claim")], text=text)
    pairs = [(g.id, p.id) for g, p in scores.overlap_matches(gold, pred)]
    assert pairs == [("g1", "p1"), ("g2", "p2")]
    # A tie (two halves of one gold unit, both exactly 0.5) goes to the first in reading order, every time.
    halves = amap([Unit("h2", 5, 10, "claim"), Unit("h1", 0, 5, "claim")], text="abcdefghij")
    whole = amap([Unit("w", 0, 10, "claim")], text="abcdefghij")
    assert [(g.id, p.id) for g, p in scores.overlap_matches(whole, halves)] == [("w", "h1")]


def test_central_claim_leaves_out_documents_without_a_gold_thesis_under_both_matchings():
    # An editorial-like gold map: claims and evidence, no major claim; the prediction invents a thesis.
    gold = ArgumentMap(OV_TEXT, [_ov("g2", "Drivers already pay for the road through fuel taxes.", "claim")])
    pred = ArgumentMap(OV_TEXT, [_ov("p1", "Drivers already pay for the road", "major_claim")])
    result = score_maps([(gold, pred), (OV_GOLD, OV_PRED)])
    assert result["central_claim"]["overlap"] == {"accuracy": 1.0, "correct": 1, "documents": 1}


# --- evidence types end to end: a missed gold evidence unit is a miss ---------------------------------------


def test_missed_gold_evidence_unit_costs_recall():
    gold = amap([
        unit("a", "Alpha alpha alpha", "evidence", evidence_type="statistics"),
        unit("d", "Delta delta delta", "evidence", evidence_type="testimony"),
    ])
    pred = amap([unit("a", "Alpha alpha alpha", "evidence", evidence_type="statistics")])  # d not found
    s = evidence_type_scores([(gold, pred)])
    assert s["per_label"]["testimony"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert s["support"] == 2
    assert s["macro_f1"] == 0.5  # (1.0 + 0.0) / 2, not 1.0
    e = score_maps([(gold, pred)])["evidence"]
    assert (e["precision"], e["recall"], e["gold"]) == (1.0, 0.5, 2)


# --- typed results ------------------------------------------------------------------------------------------


def test_scores_are_typed_and_their_json_form_is_score_maps():
    typed = scores.compute_scores([(OV_GOLD, OV_PRED)])
    assert isinstance(typed, scores.Scores)
    assert typed.overlap.components.micro_f1 == 1.0 and typed.exact.components.micro_f1 == 0.0
    assert typed.overlap.relations.labeled_f1 == approx(2 / 3)
    assert typed.overlap.central_claim.accuracy == 1.0 and typed.segmentation.overlap.tp == 4
    assert typed.to_dict() == score_maps([(OV_GOLD, OV_PRED)])
    assert json.loads(json.dumps(typed.to_dict())) == typed.to_dict()


# --- microtexts with implicit EDUs --------------------------------------------------------------------------

# A microtext written for this test, in the corpus's XML format; e6 is an implicit (unstated) central claim.
MICRO_TEXT = (
    "Cities should plant trees along every street. Trees cool the pavement in summer. "
    "Last July the shaded blocks of our town were five degrees cooler. "
    "Some say the roots break the sidewalks. Modern planters keep the roots in check."
)
MICRO_XML = """<?xml version='1.0' encoding='UTF-8'?>
<arggraph id="micro_t001" topic_id="street_trees" stance="pro">
  <edu id="e1"><![CDATA[Cities should plant trees along every street.]]></edu>
  <edu id="e2"><![CDATA[Trees cool the pavement in summer.]]></edu>
  <edu id="e3"><![CDATA[Last July the shaded blocks of our town were five degrees cooler.]]></edu>
  <edu id="e4"><![CDATA[Some say the roots break the sidewalks.]]></edu>
  <edu id="e5"><![CDATA[Modern planters keep the roots in check.]]></edu>
  <edu id="e6" implicit="true"><![CDATA[Greener streets make better towns.]]></edu>
  <adu id="a1" type="pro"/>
  <adu id="a2" type="pro"/>
  <adu id="a3" type="pro"/>
  <adu id="a4" type="pro"/>
  <adu id="a5" type="opp"/>
  <adu id="a6" type="pro"/>
  <edge id="c7" src="e6" trg="a1" type="seg"/>
  <edge id="c8" src="e1" trg="a2" type="seg"/>
  <edge id="c9" src="e2" trg="a3" type="seg"/>
  <edge id="c10" src="e3" trg="a4" type="seg"/>
  <edge id="c11" src="e4" trg="a5" type="seg"/>
  <edge id="c12" src="e5" trg="a6" type="seg"/>
  <edge id="c1" src="a2" trg="a1" type="sup"/>
  <edge id="c2" src="a3" trg="a2" type="sup"/>
  <edge id="c3" src="a4" trg="a3" type="exa"/>
  <edge id="c4" src="a5" trg="a2" type="reb"/>
  <edge id="c5" src="a6" trg="c4" type="und"/>
</arggraph>
"""


@pytest.fixture
def implicit_micro(tmp_path: Path) -> Path:
    folder = tmp_path / "micro"
    folder.mkdir()
    (folder / "micro_t001.xml").write_text(MICRO_XML, encoding="utf-8")
    (folder / "micro_t001.txt").write_text(MICRO_TEXT, encoding="utf-8")
    return folder


def test_microtexts_reader_skips_implicit_edus(implicit_micro):
    from argmine.corpora import read_corpus

    (amap,) = read_corpus("microtexts", implicit_micro)
    assert amap.text == MICRO_TEXT
    kinds = {u.id: (u.kind, u.evidence_type, u.stance) for u in amap.units}
    # a1 (implicit) is gone; the rest keep the roles of the annotated graph; no unit is the central claim.
    assert kinds == {
        "a2": ("claim", "", "for"),
        "a3": ("claim", "", "for"),
        "a4": ("evidence", "anecdote", "for"),
        "a5": ("premise", "", "against"),
        "a6": ("premise", "", "for"),
    }
    assert all(amap.unit_text(u) == amap.text[u.start : u.end] for u in amap.units)
    assert amap.unit_text("a2") == "Cities should plant trees along every street."
    # a2 -> a1 is dropped with a1; the undercut attacks the source of the edge it targets.
    assert {(r.source, r.target, r.relation) for r in amap.relations} == {
        ("a3", "a2", "support"), ("a4", "a3", "support"), ("a5", "a2", "attack"), ("a6", "a5", "attack"),
    }
    # Without the .txt the text is the explicit EDUs joined: the implicit one is not part of it.
    (implicit_micro / "micro_t001.txt").unlink()
    (joined,) = read_corpus("microtexts", implicit_micro)
    assert "Greener" not in joined.text and len(joined.units) == 5


def test_evaluate_microtexts_with_implicit_edus(implicit_micro):
    result = _cli("microtexts", str(implicit_micro), "--model", "sentences", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["documents"] == 1 and data["segmentation"]["gold"] == 5
    assert data["central_claim"]["documents"] == 0  # the thesis is implicit: left out, not a miss
    assert data["segmentation"]["strict"]["f1"] == 1.0  # one sentence per EDU here


# --- the sentence-per-unit baseline -------------------------------------------------------------------------

BASELINE_TEXT = (
    "date 2031-05-09 Keep the night buses\n\n"
    "HARLOW BAY — The county must keep the night buses running. Nurses and cooks depend on them.\n\n"
    "**\n\n"
    "Ridership rose by a third last year. Cutting them would save very little.\n\n"
    "Dana Whitfield is a transport researcher at the Northgate Policy Lab.\n"
)


def test_sentence_baseline_maps_every_sentence_but_title_and_metadata():
    from argmine.nlp import available_models, load

    assert "sentences" in available_models()
    amap = load("sentences").map(BASELINE_TEXT)
    assert amap.model == "sentences"
    assert [(u.kind, amap.unit_text(u)) for u in amap.units] == [
        ("major_claim", "The county must keep the night buses running."),
        ("premise", "Nurses and cooks depend on them."),
        ("premise", "Ridership rose by a third last year."),
        ("premise", "Cutting them would save very little."),
    ]
    thesis = amap.units[0].id
    assert {(r.target, r.relation) for r in amap.relations} == {(thesis, "support")}
    assert len(amap.relations) == 3


def test_sentence_baseline_on_gold_segments_keeps_them(corpus_dir):
    result = _cli(project_kind(), str(corpus_dir), "--model", "sentences", "--gold-segments", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["model"] == "sentences" and data["segmentation"]["f1"] == 1.0
    # The first unit of each document is the gold thesis in both test op-eds.
    assert data["central_claim"]["accuracy"] == 1.0
    assert data["components"]["per_label"]["major_claim"]["f1"] == 1.0


# --- benchmarks/accuracy.py: who may score what -------------------------------------------------------------


def _accuracy_module():
    import importlib.util

    path = Path(__file__).resolve().parent.parent / "benchmarks" / "accuracy.py"
    spec = importlib.util.spec_from_file_location("argmine_benchmark_accuracy", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_benchmark_never_scores_a_model_on_a_part_it_trained_on(tmp_path):
    acc = _accuracy_module()
    micro = next(c for c in acc.CORPORA if c.kind == "microtexts")
    assert micro.protocol == "cv" and {p.holdout for p in micro.parts} == {f"microtexts:{k}/5" for k in range(1, 6)}
    # A folder with one fold model (only its meta.json matters for the lookup) and one unrelated model.
    for name, holdout in (("fold-a", "microtexts:2/5"), ("full", None)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "config.cfg").write_text("", encoding="utf-8")
        meta = {"name": name, "argmine": {"holdout": holdout}}
        (tmp_path / name / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    systems = acc.Systems("models/argmine-en", tmp_path, tmp_path, train_folds=None)
    assert systems._by_holdout == {"microtexts:2/5": tmp_path / "fold-a"}
    # Fold 1 has no held-out model: the row is not measured (the shipped model trained on it is never used).
    assert systems.miner("model", micro.parts[0]) is None
    result = acc.score(micro, "model", systems, gold_segments=False)
    assert "not_measured" in result and "microtexts:1/5" in result["not_measured"]
    # A corpus whose reader is not merged yet is a marked slot, not an error.
    web = next(c for c in acc.CORPORA if c.name.startswith("webdiscourse"))
    if web.kind not in acc.READERS:
        assert "reader" in acc.score(web, "rules", systems, gold_segments=False)["not_measured"]


def test_benchmark_trains_the_five_fold_models_each_holding_out_a_fold_of_every_corpus(tmp_path, monkeypatch):
    acc = _accuracy_module()
    assert acc.fold_holdout("cmv-modes:3/5") == "microtexts:3/5,webdiscourse:3/5,cmv-modes:3/5,corpus:3/5"
    assert acc.fold_holdout("editorials:foxnews") == acc.fold_holdout("corpus:2/5") == (
        "microtexts:2/5,webdiscourse:2/5,cmv-modes:2/5,corpus:2/5,editorials:foxnews")
    assert acc.fold_holdout("aae:dev") == "aae:dev"
    trained = []
    import argmine.training.train as train

    monkeypatch.setattr(train, "train_pipeline", lambda corpora, out, holdout, finder: trained.append(holdout))
    systems = acc.Systems("models/argmine-en", tmp_path, tmp_path, train_folds="full")
    micro = next(c for c in acc.CORPORA if c.kind == "microtexts")
    for part in micro.parts:
        systems._train(part.holdout)
    # one training per fold; the fold model trained for the microtexts also scores the other corpora's fold
    assert trained == [acc.fold_holdout(f"microtexts:{k}/5") for k in range(1, 6)]
    assert systems._by_holdout["webdiscourse:4/5"] == systems._by_holdout["microtexts:4/5"]
    assert systems._by_holdout["editorials:aljazeera"] == systems._by_holdout["corpus:1/5"]


def test_benchmark_first_and_last_paragraph_share():
    acc = _accuracy_module()
    # Title, lede, body, conclusion: the lede's and the conclusion's gold units count, the body's do not.
    text = ("Keep the night buses\n\nThe county must keep the night buses. Nurses depend on them.\n\n"
            "Ridership rose last year.\n\nSo the buses must stay.")
    gold = ArgumentMap(text, [_unit(text, "a", "The county must keep the night buses", "major_claim"),
                              _unit(text, "b", "Nurses depend on them", "premise"),
                              _unit(text, "c", "Ridership rose last year", "premise"),
                              _unit(text, "d", "So the buses must stay", "claim")])
    pred = ArgumentMap(text, [_unit(text, "p", "The county must keep the night", "major_claim"),
                              _unit(text, "q", "Ridership rose last year", "premise")])
    share = acc.first_last_paragraphs([(gold, pred)])
    assert share["first"] == {"found": 1, "gold": 2} and share["last"] == {"found": 0, "gold": 1}
    assert share["share"] == approx(1 / 3)
