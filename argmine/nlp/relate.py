"""`argmine_relation_scorer`: links between units, decoded jointly with the claim/premise decision.

A linear model scores every candidate pair (source, target) inside a link group (an essay's paragraph, or a
run of a news op-ed's paragraphs: `link_groups`) and a bounded window, so cost grows linearly with document
length. Each group is then decoded as a maximum spanning arborescence under a virtual root: a unit either
hangs from the virtual root — it is a claim (or the thesis) — or attaches to one target as a premise, with
weights log P(kind) + log P(link). That is the joint claim/link decision of Stab & Gurevych's ILP, solved
exactly per group by Chu-Liu/Edmonds. The group roots then attach to the thesis: claims by their stance
(support or attack, from learnt cutoffs), later major claims as restatements (support).

What it decides: each unit's kind among major claim, claim and premise (a premise the unit classifier gave an
evidence type is an evidence unit; the evidence decision is the classifier's), one proposed relation per unit,
and the stances the proposals imply. What it proposes is then decoded once more over the whole text by
`argmine.graph.decode` (`argmine.nlp.miner.well_formed`), which owns the map's final relations and stances.

The scores it sets (each unit's, each proposed relation's) are the heads' probabilities as they are, unless
the model holds a post-hoc calibration (`calibration.json` in this component's folder, `argmine.nlp.calibrator`):
then they go through its curves last, and nothing else changes.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy
import srsly
from spacy.language import Language
from spacy.tokens import Doc, Span

from argmine.errors import ModelError
from argmine.nlp.calibrator import Calibration, read_calibration, write_calibration
from argmine.nlp.classify import GENRES, HEAD_SETTINGS, KIND_LABELS, STANCE_LABELS, genre_of
from argmine.nlp.doc import get_units
from argmine.nlp.features import DocUnits
from argmine.nlp.linear import Fit, Hashed, LinearClassifier, load_heads, save_heads

LINK_LABELS = ("no", "link")
TYPE_LABELS = ("support", "attack")
_ROOT = -1
_EPS = 1e-6
_SETTLED = 0.05
DEFAULT_CUTOFFS = {"attack": 0.5, "against": 0.5}
CUTOFFS_FILE = "cutoffs.json"
GROUP_MAX_UNITS = 60


def link_groups(units: DocUnits) -> list[list[int]]:
    """The runs of units a relation may stay inside: a paragraph of an essay (introduction, body and conclusion
    roles) or of a single-paragraph text; in any other multi-paragraph text — news op-eds and editorials, one
    sentence a paragraph, comments and forum posts — consecutive paragraphs taken together up to
    `GROUP_MAX_UNITS` units (a premise there backs a claim one or more paragraphs up: 1,221 of the 3,727 gold
    relations of corpus/ and the annotated editorials cross paragraphs to a unit other than the thesis). The
    bound keeps the decode's cost linear in the text's length."""
    paras = [units.by_para[p] for p in sorted(units.by_para)]
    if units.short or units.layout.role_of_paragraphs() & {"intro", "conclusion"}:
        return paras
    groups: list[list[int]] = []
    for idx in paras:
        if groups and len(groups[-1]) + len(idx) <= GROUP_MAX_UNITS:
            groups[-1] = groups[-1] + idx
        else:
            groups.append(list(idx))
    return groups


def candidate_pairs(
    units: DocUnits, window: int, thesis: int | None = None, cross_window: int | None = None
) -> list[tuple[int, int]]:
    """Ordered pairs (i, j), i != j, in the same link group (`link_groups`) and at most `window` units apart
    (`cross_window` when they sit in different paragraphs); in short (single-paragraph) texts also every
    unit's pair with the thesis, which may sit anywhere."""
    pairs = []
    views = units.views
    cross = window if cross_window is None else cross_window
    for idx in link_groups(units):
        for a, i in enumerate(idx):
            near = idx[max(0, a - window) : a + window + 1]
            for j in near:
                if i != j and (abs(i - j) <= cross or views[i].paragraph == views[j].paragraph):
                    pairs.append((i, j))
            if units.short and thesis is not None and thesis not in near:
                pairs.append((i, thesis))
    return pairs


class RelationScorer:
    """Link and relation-type heads plus the joint decoder."""

    def __init__(
        self, nlp: Language | None, name: str, window: int, root_weight: float, length: int, fit: dict[str, Fit],
        cross_window: int | None = None,
    ) -> None:
        self.name = name
        self.window = window
        # Pairs across paragraphs (a news op-ed's link groups) at most this many units apart: at 3 the relation
        # scorer takes half the time it takes at 8, and the shipped heads (trained at 8) scored within 0.05 of
        # it on attacks and stances of the held-out folds (model card).
        self.cross_window = window if cross_window is None else cross_window
        self.root_weight = root_weight
        self.length = length
        self.fit = fit
        self.heads = {
            g: {"link": LinearClassifier(LINK_LABELS, length), "type": LinearClassifier(TYPE_LABELS, length)}
            for g in GENRES
        }
        # Post-hoc curves for the scores set here (`argmine.nlp.calibrator`): from `calibration.json` in this
        # component's folder when the model has one, else the scores stay raw.
        self.calibration: Calibration | None = None
        # The probability from which a relation is an attack and a claim is against the thesis, per genre:
        # learnt with the weights (`cutoffs.json`, chosen on cross-fitted predictions by argmine's trainer,
        # `argmine.training.heads.choose_cutoffs`). Attacks are 8% of the training relations, and at 0.5 the
        # heads found a third of them on op-eds; a model saved without the file decides at 0.5.
        self.cutoffs = {g: dict(DEFAULT_CUTOFFS) for g in GENRES}

    def relation_type(self, genre: str, p_attack: float) -> str:
        """`attack` or `support`, from the type head's probability of attack."""
        return "attack" if p_attack >= self.cutoffs[genre]["attack"] else "support"

    def stance(self, genre: str, p_against: float) -> str:
        """`against` or `for` the thesis, from the stance head's probability of against."""
        return "against" if p_against >= self.cutoffs[genre]["against"] else "for"

    def pair_features(
        self, units: DocUnits, unit_feats: list, pairs: list[tuple[int, int]], thesis: int | None,
        probs: dict | None,
    ) -> list[list]:
        """Features of each candidate pair (`DocUnits.pair_features` and `tail`); what the heads read is
        `pair_rows`, the same hashed."""
        return [units.pair_features(i, j, unit_feats, thesis, probs) + self.tail(units, i, j) for i, j in pairs]

    def pair_rows(
        self, units: DocUnits, unit_feats: list, pairs: list[tuple[int, int]], thesis: int | None,
        probs: dict | None,
    ) -> Hashed:
        """`hash_features(self.pair_features(...))`, built without hashing each unit's copies once per pair."""
        tails = [self.tail(units, i, j) for i, j in pairs]
        return units.pair_rows(pairs, unit_feats, thesis, probs, tails)

    def tail(self, units: DocUnits, i: int, j: int) -> list[str]:
        """A pair's last features: across paragraphs (see `link_groups`), how many units apart."""
        if units.views[i].paragraph != units.views[j].paragraph:
            return [f"xdist={max(-self.window, min(self.window, j - i))}"]
        return []

    def __call__(self, doc: Doc) -> Doc:
        spans = list(get_units(doc))
        if not spans:
            doc._.arg_relations = []
            doc._.arg_relation_origins = []
            doc._.arg_relation_context = []
            return doc
        probs, unit_feats = doc._.arg_unit_probs, doc._.arg_unit_features
        if probs is None or unit_feats is None or len(unit_feats) != len(spans):
            raise ModelError(
                f"{self.name} needs the unit classifier's distributions for the units of the doc "
                "(doc._.arg_unit_probs): put argmine_unit_classifier before it in the pipeline, and do not disable it"
            )
        units = DocUnits(doc, spans)
        genre = genre_of(units)
        kind_probs = probs["kind"]
        if units.short:
            thesis, pairs, link, rtype, kinds, parents = self.decode_short(units, unit_feats, probs)
        else:
            pairs, link, rtype = self.score_pairs(units, unit_feats, None, probs)
            kinds, parents = self.decode_essay(units, kind_probs, pairs, link, probs.get("kind_heads"))
            essay = bool(units.layout.role_of_paragraphs() & {"intro", "conclusion"})
            thesis = self.choose_thesis(kinds, parents, kind_probs, None if essay else doc._.arg_thesis_probs)
        pair_index = {p: n for n, p in enumerate(pairs)}
        relations = []
        new_spans = []
        for i, span in enumerate(spans):
            # The span keeps what the classifier set on it (its evidence type): extension values belong to
            # the span's offsets, not to the Span object.
            new = Span(doc, span.start, span.end, label=kinds[i])
            new._.unit_score = float(kind_probs[i][KIND_LABELS.index(kinds[i])])
            # A unit's stance before the map is decoded: the stance head's for a unit the classifier read as a
            # claim, else none; a claim of an essay's paragraph roots takes the side its relation to the thesis
            # takes. Decoding gives every unit that reaches the thesis its stance relative to it; this one is
            # kept by a unit that does not, and keeps a unit against the thesis from being read as its
            # restatement (`argmine.graph.decode`).
            p_against = float(probs["stance"][i][STANCE_LABELS.index("against")])
            stance = self.stance(genre, p_against) if span.label_ == "claim" else ""
            parent = parents[i]
            if i == thesis:
                pass
            elif parent == _ROOT:  # a paragraph root of an essay: a claim, or a restated thesis
                if kinds[i] == "major_claim":
                    relations.append((i, thesis, "support", float(kind_probs[i][0])))
                elif kinds[i] == "premise":
                    relations.append((i, thesis, "support", float(kind_probs[i][2])))
                else:
                    stance = self.stance(genre, p_against)
                    relations.append((i, thesis, "attack" if stance == "against" else "support",
                                      max(p_against, 1.0 - p_against)))
            else:
                n = pair_index[(i, parent)]
                relations.append((i, parent, self.relation_type(genre, float(rtype[n][1])), float(link[n])))
            new._.stance = stance
            new_spans.append(new)
        doc.spans["units"] = new_spans
        doc._.arg_relations = relations
        # Which branch above proposed each relation: a pair's link probability, or a paragraph root's kind or
        # stance probability; the two mean different things and are calibrated apart.
        doc._.arg_relation_origins = ["root" if parents[i] == _ROOT else "link" for i, *_ in relations]
        doc._.arg_relation_context = relation_context(units, pairs, link, relations)
        if self.calibration is not None:
            self.calibration.apply(doc, genre, units)
        return doc

    @staticmethod
    def choose_thesis(kinds: list[str], parents: list[int], kind_probs: numpy.ndarray,
                      thesis_probs: numpy.ndarray | None) -> int:
        """The thesis of a multi-paragraph text: the thesis scorer's most probable unit (`argmine.nlp.thesis`),
        which becomes a paragraph root and a major claim whatever the paragraph decode made it. The decode's
        later major claims stay, as restatements; earlier ones become claims, since the map's thesis is its
        first major claim (`argmine.graph.decode`). Without the scorer's probabilities — a model before it, or
        an essay laid out as introduction, body and conclusion, whose decode knows where an essay states its
        thesis (on AAE test gold segments the scorer's choice cost component macro-F1 0.864 -> 0.807) — the
        decode's surest major claim."""
        if thesis_probs is None or len(thesis_probs) != len(kinds):
            return max((i for i, k in enumerate(kinds) if k == "major_claim"), key=lambda i: kind_probs[i][0])
        thesis = int(numpy.argmax(thesis_probs))
        for i in range(thesis):
            if kinds[i] == "major_claim":
                kinds[i] = "claim"
        kinds[thesis], parents[thesis] = "major_claim", _ROOT
        return thesis

    def decode_essay(
        self,
        units: DocUnits,
        kind_probs: numpy.ndarray,
        pairs: list[tuple[int, int]],
        link: numpy.ndarray,
        thesis_probs: numpy.ndarray | None = None,
    ) -> tuple[list[str], list[int]]:
        """Kinds and parents (`_ROOT` for paragraph roots) maximising the joint score per paragraph;
        `thesis_probs` (default `kind_probs`) picks the thesis when no unit is one."""
        n = len(units.spans)
        kinds = ["premise"] * n
        parents = [_ROOT] * n
        by_source = _by_source(pairs, link)
        for idx in link_groups(units):
            incoming = {}
            for i in idx:
                root_p = kind_probs[i][0] + kind_probs[i][1]
                premise = math.log(kind_probs[i][2] + _EPS)
                incoming[i] = [(_ROOT, self.root_weight * math.log(root_p + _EPS))] + [
                    (j, premise + math.log(p + _EPS)) for j, p in by_source.get(i, ())
                ]
            tree, _ = _arborescence(incoming, _ROOT)
            for i in idx:
                parent = tree[i]
                parents[i] = parent
                # A paragraph root is a claim or the thesis, unless the kind is settled as premise (the finder's
                # vote, end to end): then it is a premise whose paragraph has no claim, attached to the thesis.
                if parent == _ROOT and kind_probs[i][0] + kind_probs[i][1] > _SETTLED:
                    kinds[i] = "major_claim" if kind_probs[i][0] > kind_probs[i][1] else "claim"
        if "major_claim" not in kinds:
            # Every map has a thesis: the likeliest one is promoted and cut from its parent.
            best = int(numpy.argmax((kind_probs if thesis_probs is None else thesis_probs)[:, 0]))
            kinds[best], parents[best] = "major_claim", _ROOT
        return kinds, parents

    def score_pairs(self, units: DocUnits, unit_feats: list, thesis: int | None, probs: dict):
        """Candidate pairs with their link probabilities and support/attack distributions."""
        pairs = candidate_pairs(units, self.window, thesis, self.cross_window)
        if not pairs:
            return pairs, numpy.zeros(0), numpy.zeros((0, 2))
        feats = self.pair_rows(units, unit_feats, pairs, thesis, probs)
        heads = self.heads[genre_of(units)]
        return pairs, heads["link"].predict_proba(feats)[:, 1], heads["type"].predict_proba(feats)

    def decode_short(self, units: DocUnits, unit_feats: list, probs: dict):
        """A single-paragraph text is one tree under its thesis: the unit likeliest to be the major claim, with
        the tree that maximises the links' log-likelihood under it (the pair features see which unit it is)."""
        n = len(units.spans)
        # argsort, not argmax: of two equally likely theses the one argsort puts first, as the maps always had.
        thesis = int(numpy.argsort(-probs["kind"][:, 0])[0])
        pairs, link, rtype = self.score_pairs(units, unit_feats, thesis, probs)
        incoming: dict[int, list[tuple[int, float]]] = {i: [] for i in range(n) if i != thesis}
        for (i, j), p in zip(pairs, link):
            if i != thesis:
                incoming[i].append((j, math.log(float(p) + _EPS)))
        tree, _ = _arborescence(incoming, thesis)
        parents = [tree.get(i, _ROOT) for i in range(n)]
        has_children = {p for p in parents if p != _ROOT}
        kinds = ["claim" if i in has_children else "premise" for i in range(n)]
        kinds[thesis] = "major_claim"
        return thesis, pairs, link, rtype, kinds, parents

    def to_disk(self, path: str | Path, exclude: tuple = ()) -> None:
        # The settings are in config.cfg alone: the cfg.json that models saved before also wrote, with the same
        # values, is not read (it took precedence over the config, so an override of `window` did nothing).
        save_heads(self.heads, path)
        srsly.write_json(Path(path) / CUTOFFS_FILE, self.cutoffs)
        if self.calibration is not None:
            write_calibration(self.calibration, path)

    def from_disk(self, path: str | Path, exclude: tuple = ()) -> RelationScorer:
        load_heads(self.heads, path, self.length)
        cutoffs = Path(path) / CUTOFFS_FILE
        if cutoffs.exists():
            saved = srsly.read_json(cutoffs)
            self.cutoffs = {g: {**DEFAULT_CUTOFFS, **saved.get(g, {})} for g in GENRES}
        self.calibration = read_calibration(path)
        return self


def relation_context(
    units: DocUnits, pairs: list[tuple[int, int]], link: numpy.ndarray, relations: list[tuple]
) -> list[dict]:
    """What the scorer knew of each proposed relation's source besides the relation's own score, for its
    calibration (`argmine.nlp.calibrator.link_inputs`): how many targets the source could take, the link
    probability of the likeliest one it did not take, and how many units its link group holds."""
    by_source = _by_source(pairs, link)
    group_size = {i: len(idx) for idx in ([list(range(len(units.spans)))] if units.short else link_groups(units))
                  for i in idx}
    out = []
    for s, t, *_ in relations:
        others = [p for j, p in by_source.get(s, ()) if j != t]
        out.append({"candidates": len(by_source.get(s, ())), "best_other": round(max(others, default=0.0), 6),
                    "group": group_size.get(s, 0)})
    return out


def _arborescence(incoming: dict[int, list[tuple[int, float]]], root: int) -> tuple[dict[int, int], float]:
    """The maximum spanning arborescence under `root`, given each other node's weighted incoming edges
    (parent, weight): {node: parent} and the total weight.

    Each node's best incoming edge is already the optimum when those edges form no cycle, which is what
    most paragraphs give; a cycle is contracted and solved again (Chu-Liu/Edmonds). Paragraphs have a few
    dozen units at most, so plain dicts beat a general graph library here by an order of magnitude."""
    edges: dict[int, dict[int, float]] = {i: {} for i in incoming}
    for i, parents in incoming.items():
        for j, w in parents:
            if j not in edges[i] or w > edges[i][j]:
                edges[i][j] = w
    tree = _edmonds(edges, root)
    return tree, sum(edges[i][j] for i, j in tree.items())


def _edmonds(edges: dict[int, dict[int, float]], root: int) -> dict[int, int]:
    """Chu-Liu/Edmonds on {node: {parent: weight}}; raises ValueError when some node cannot be reached."""
    if any(not parents for parents in edges.values()):
        raise ValueError("no spanning arborescence: a node has no incoming edge")
    best = {i: max(parents, key=parents.__getitem__) for i, parents in edges.items()}
    cycle = _find_cycle(best, root)
    if not cycle:
        return best
    merged = 1 + max(max(edges), root)  # the contracted cycle's id, unused so far
    kept = {i: edges[i][best[i]] for i in cycle}
    contracted: dict[int, dict[int, float]] = {merged: {}}
    enters: dict[int, int] = {}  # outside parent -> the cycle node its best edge enters
    leaves: dict[int, int] = {}  # outside child -> the cycle node its best edge leaves
    for i, parents in edges.items():
        if i in cycle:
            for j, w in parents.items():
                if j not in cycle and w - kept[i] > contracted[merged].get(j, -math.inf):
                    contracted[merged][j], enters[j] = w - kept[i], i
            continue
        contracted[i] = {}
        for j, w in parents.items():
            key = merged if j in cycle else j
            if w > contracted[i].get(key, -math.inf):
                contracted[i][key] = w
                if j in cycle:
                    leaves[i] = j
    tree: dict[int, int] = {}
    for i, parent in _edmonds(contracted, root).items():
        if i == merged:
            tree.update((c, best[c]) for c in cycle)
            tree[enters[parent]] = parent
        else:
            tree[i] = leaves[i] if parent == merged else parent
    return tree


def _find_cycle(parent: dict[int, int], root: int) -> set[int]:
    """The nodes of one cycle of the parent pointers, or an empty set."""
    done: set[int] = {root}
    for start in parent:
        path: list[int] = []
        on_path: set[int] = set()
        node = start
        while node not in done and node in parent:
            if node in on_path:
                return set(path[path.index(node):])
            path.append(node)
            on_path.add(node)
            node = parent[node]
        done |= on_path
    return set()


def _by_source(pairs: list[tuple[int, int]], link: numpy.ndarray) -> dict[int, list[tuple[int, float]]]:
    out: dict[int, list[tuple[int, float]]] = {}
    for (i, j), p in zip(pairs, link):
        out.setdefault(i, []).append((j, float(p)))
    return out


@Language.factory(
    "argmine_relation_scorer",
    default_config={"window": 8, "cross_window": 3, "root_weight": 2.0, **copy.deepcopy(HEAD_SETTINGS)},
    requires=["doc.spans", "doc._.arg_unit_probs", "doc._.arg_unit_features"],
    assigns=["doc.spans", "span._.stance", "span._.unit_score", "doc._.arg_relations", "doc._.arg_relation_origins",
             "doc._.arg_relation_context"],
)
def make_relation_scorer(
    nlp: Language, name: str, window: int, cross_window: int, root_weight: float, length: int, fit: dict[str, Fit]
) -> RelationScorer:
    """Build an (untrained) relation scorer; weights come from `from_disk` or argmine's trainer."""
    return RelationScorer(nlp, name, window, root_weight, length, fit, cross_window)
