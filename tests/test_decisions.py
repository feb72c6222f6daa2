"""The decisions the heads' probabilities feed: a thesis chosen per document, attack and against cutoffs learnt
in training, and links that may cross the paragraphs of a news layout."""

from __future__ import annotations

import json
import re

import numpy
import pytest
import spacy

from argmine.argmap import Unit
from argmine.nlp.doc import get_units, set_gold_segments
from argmine.nlp.features import DocUnits
from argmine.nlp.linear import LinearClassifier
from argmine.nlp.relate import GROUP_MAX_UNITS, RelationScorer, candidate_pairs, link_groups
from argmine.nlp.thesis import document_probs
from argmine.training.heads import best_cutoff


# Every document's right row has the feature "pick" and shares "common" with the others. Row by row, "pick" is
# one positive in many rows and the big documents drown it; listwise, each document is one decision.
def _documents(n_docs: int, rng: numpy.random.Generator):
    docs, gold = [], []
    for _ in range(n_docs):
        size = int(rng.integers(3, 30))
        right = int(rng.integers(size))
        rows = [["common", f"noise={int(rng.integers(50))}"] for _ in range(size)]
        rows[right].append("pick")
        docs.append(rows)
        gold.append(right)
    return docs, gold


def test_a_listwise_head_picks_one_row_per_document():
    rng = numpy.random.default_rng(3)
    train, gold = _documents(200, rng)
    test, test_gold = _documents(50, rng)
    head = LinearClassifier(("other", "thesis"), 2**12)
    head.fit_listwise(train, gold, epochs=10, learn_rate=0.03, batch_size=8)
    hits = sum(int(numpy.argmax(document_probs(head.predict_proba(rows)[:, 1]))) == g
               for rows, g in zip(test, test_gold))
    assert hits == len(test)
    # Saved and read back, it ranks the same.
    again = LinearClassifier.from_bytes(head.to_bytes())
    assert numpy.allclose(again.predict_proba(test[0]), head.predict_proba(test[0]))


def test_listwise_fits_are_reproducible_and_check_runs():
    rng = numpy.random.default_rng(0)
    docs, gold = _documents(30, rng)
    a, b = LinearClassifier(("o", "t"), 2**10), LinearClassifier(("o", "t"), 2**10)
    a.fit_listwise(docs, gold, epochs=2, seed=5)
    b.fit_listwise(docs, gold, epochs=2, seed=5)
    assert numpy.array_equal(a.predict_proba(docs[0]), b.predict_proba(docs[0]))
    with pytest.raises(ValueError, match="runs"):
        a.fit_listwise(docs, gold, runs=0)


def test_the_cutoff_is_the_best_f1_of_the_rare_class():
    p = [0.9, 0.45, 0.3, 0.28, 0.2, 0.1, 0.05, 0.04]
    y = [True, True, True, False, False, False, False, False]
    assert best_cutoff(p, y) == 0.3  # all three attacks, no false one
    assert best_cutoff([0.9, 0.8], [True, True]) == 0.5  # ties keep the highest cutoff
    assert best_cutoff([0.1, 0.9], [False, False]) == 0.5


def test_cutoffs_decide_and_are_saved_with_the_weights(tmp_path):
    scorer = RelationScorer(None, "relate", window=8, root_weight=2.0, length=2**10, fit={})
    assert scorer.relation_type("essay", 0.3) == "support"  # without learnt cutoffs: 0.5
    scorer.cutoffs["essay"] = {"attack": 0.25, "against": 0.2}
    assert scorer.relation_type("essay", 0.3) == "attack" and scorer.relation_type("short", 0.3) == "support"
    assert scorer.stance("essay", 0.2) == "against" and scorer.stance("essay", 0.19) == "for"
    scorer.to_disk(tmp_path)
    assert json.loads((tmp_path / "cutoffs.json").read_text())["essay"] == {"attack": 0.25, "against": 0.2}
    again = RelationScorer(None, "relate", window=8, root_weight=2.0, length=2**10, fit={}).from_disk(tmp_path)
    assert again.cutoffs == scorer.cutoffs
    (tmp_path / "cutoffs.json").unlink()  # a model saved before the cutoffs decides at 0.5
    assert RelationScorer(None, "r", 8, 2.0, 2**10, {}).from_disk(tmp_path).relation_type("essay", 0.49) == "support"


def _units(text: str) -> DocUnits:
    """Every sentence of `text` a unit (gold segments)."""
    nlp = spacy.blank("en")
    doc = nlp.make_doc(text)
    units = [Unit(id=f"u{n}", start=m.start(), end=m.end(), kind="premise")
             for n, m in enumerate(re.finditer(r"[^.\n]+\.", text))]
    set_gold_segments(doc, units)
    return DocUnits(doc, list(get_units(doc)))


NEWS = "\n\n".join(f"Paragraph {n} makes one point about the harbour plan." for n in range(12))
ESSAY = "\n\n".join(
    f"Paragraph {n} says one thing about the harbour plan. It adds a second thing about it." for n in range(5)
)


def test_news_layouts_link_across_paragraphs_and_essays_inside_them():
    news = _units(NEWS)
    assert len(news.by_para) == 12  # a sentence a paragraph, no essay roles
    assert link_groups(news) == [list(range(12))]
    pairs = candidate_pairs(news, window=2)
    assert (5, 3) in pairs and (5, 7) in pairs and (5, 8) not in pairs
    essay = _units(ESSAY)
    assert essay.layout.role_of_paragraphs() & {"intro", "conclusion"}
    assert link_groups(essay) == [essay.by_para[p] for p in sorted(essay.by_para)]
    assert all(essay.views[i].paragraph == essay.views[j].paragraph for i, j in candidate_pairs(essay, 8))


def test_pairs_across_paragraphs_keep_to_their_own_window():
    news = _units(NEWS)  # a sentence a paragraph: every pair crosses a paragraph
    pairs = candidate_pairs(news, window=8, cross_window=3)
    assert (5, 2) in pairs and (5, 8) in pairs and (5, 1) not in pairs and (5, 9) not in pairs
    essay = _units(ESSAY)  # inside a paragraph the window is the window
    assert candidate_pairs(essay, window=8, cross_window=0) == candidate_pairs(essay, window=8)
    scorer = RelationScorer(None, "relate", window=8, root_weight=2.0, length=2**10, fit={}, cross_window=3)
    assert candidate_pairs(news, scorer.window, None, scorer.cross_window) == pairs


def test_link_groups_stay_bounded_on_long_texts():
    long = _units("\n\n".join(f"Paragraph {n} makes one point about the plan." for n in range(3 * GROUP_MAX_UNITS)))
    groups = link_groups(long)
    assert max(map(len, groups)) <= GROUP_MAX_UNITS
    assert sorted(i for g in groups for i in g) == list(range(3 * GROUP_MAX_UNITS))


def test_evidence_of_no_one_type_teaches_the_evidence_head_nothing():
    from argmine.argmap import ArgumentMap
    from argmine.nlp.classify import UnitClassifier
    from argmine.nlp.linear import Fit
    from argmine.training.heads import featurize, train_unit_heads

    text = "Schools should start later. A 2019 study of 9,000 pupils found better marks. Experts agree on it."
    spans = [m.span() for m in re.finditer(r"[^.]+\.", text)]
    spans = [(a + (text[a] == " "), b) for a, b in spans]
    units = [Unit("u0", *spans[0], "claim"), Unit("u1", *spans[1], "evidence", evidence_type="statistics"),
             Unit("u2", *spans[2], "evidence")]  # typed as more than one kind: no type
    amap = ArgumentMap(text=text, units=units, relations=[], source="test")
    fit = Fit(epochs=1, learn_rate=0.01, runs=1, l2=1e-6, batch_size=8)
    classifier = UnitClassifier(None, "c", 1.0, 0.5, 2**10, {"essay": fit, "short": fit})
    examples = featurize(spacy.blank("en"), [amap])
    counts = train_unit_heads(classifier, examples, examples)
    assert counts["kind"] == 3 and counts["evidence"] == 2
