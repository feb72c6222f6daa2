"""The unit finder's greedy decode in numpy: spaCy's transitions, every document of a batch in one step.

The unit finder is spaCy's transition-based `ner`. spaCy decodes it in compiled code, but in this spaCy build
the parser state's accessors (`StateC.B`, `B_`, `safe_get`) take and drop the GIL on every call, and the
validity check of the `ner` moves calls them for each of the 18 moves at every token: `perf` on the finder
put 45% of its time in the GIL's functions, and the finder took a quarter of the pipeline's time. This
decoder takes the same steps with the finder's own weights and spaCy's own rules, in about half the time of
spaCy's decode on batches of op-eds (`benchmarks/RESULTS.md`):

- a document's state is its buffer position and its open unit (first token and label), if any;
- its features are the three tokens spaCy's `ner` state gives (`StateC.set_context_tokens`): the first token
  of the buffer, the open unit's first token and the token before the buffer (padding when no unit is
  open); their rows of the finder's precomputed input layer (computed by the finder's own layers, on the
  same batches spaCy's `Parser.pipe` would use) are summed with the bias in the order spaCy sums them, then
  maxout and the output layer;
- a move is taken only where `BiluoPushDown` allows it (`spacy/pipeline/_parser_internals/ner.pyx`, with no
  preset entities): Begin and In not on the last token nor before a sentence start, Begin and Unit not on
  whitespace, In and Last only for the open unit's label, Out and Begin and Unit only with none open; the
  best-scoring of them, the first of equal scores (`arg_max_if_valid`).

The output layer's products are numpy's, not BLIS's, so scores may differ from spaCy's in the last bits,
as the tok2vec's activations do (`argmine.nlp.blas`); on the texts of `benchmarks/same_maps.py` every unit
came out the same. A finder the rules above do not describe (beam search, no output layer, other
features, a move this module does not know, classes it never saw in training, whose scores spaCy sets from
the other states of its step) or docs that carry preset entities go through spaCy's decode. Which one
decodes is decided at every call (`decodable`), not when the finder is built or read: its settings, moves
and unseen classes change after that (`from_disk` reads the saved `cfg`, `add_label` adds moves, training
marks classes seen), and the check costs a few dictionary look-ups per batch.

The finder is the factory `argmine_unit_finder`: spaCy's `ner` factory (the same settings, defaults, model
and serialisation: a `GreedyFinder` reads the files a `ner` wrote and writes the same) building a
`GreedyFinder`. Models saved before it existed name `factory = "ner"` for their `unit_finder`;
`load_overrides` gives `spacy.load` the one setting that builds them from `argmine_unit_finder` too, so that
they load through spaCy's own path (config, listeners, `from_disk`) and map as they always have.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy
from spacy.attrs import ENT_IOB, IS_SPACE, SENT_START
from spacy.language import Language
from spacy.pipeline import EntityRecognizer
from spacy.pipeline.ner import DEFAULT_NER_MODEL
from spacy.tokens import Doc, Span
from spacy.util import load_config, minibatch
from thinc.api import Model

from argmine.nlp.blas import one_thread

FACTORY = "argmine_unit_finder"
NAME = "unit_finder"  # the finder's name in argmine's pipelines
BEGIN, IN, LAST, UNIT, OUT = range(5)
_MOVES = {"B": BEGIN, "I": IN, "L": LAST, "U": UNIT}


def moves_of(ner: EntityRecognizer) -> tuple[numpy.ndarray, list[str]] | None:
    """Each class's move and label index (into the returned labels; -1: no label), or None when a class is
    not one of BiluoPushDown's B-, I-, L-, U- (with a label or, U- alone, without) and O."""
    moves: list[tuple[int, int]] = []
    names: list[str] = []
    for i in range(ner.moves.n_moves):
        name = ner.moves.get_class_name(i)
        if name == "O":
            moves.append((OUT, -1))
            continue
        kind, _, label = name.partition("-")
        if kind not in _MOVES or (not label and kind != "U"):
            return None
        if label and label not in names:
            names.append(label)
        moves.append((_MOVES[kind], names.index(label) if label else -1))
    return numpy.asarray(moves, dtype="int64").reshape(-1, 2), names


def decodable(ner: EntityRecognizer) -> bool:
    """Whether `ner` is a finder this module decodes as spaCy would (see the module)."""
    model = ner.model
    return (
        ner.cfg.get("beam_width", 1) == 1
        and bool(model.attrs.get("has_upper"))
        and all(model.has_ref(name) for name in ("tok2vec", "lower", "upper"))
        and model.get_ref("lower").get_dim("nF") == 3
        and not model.attrs.get("unseen_classes")
        and moves_of(ner) is not None
    )


class _Units(list):
    """What `GreedyFinder.predict` decoded: per doc, the (start, end, label) of its units."""


class GreedyFinder(EntityRecognizer):
    """spaCy's `ner` with the decode above; training, scoring and serialisation are spaCy's."""

    def pipe(self, docs, *, batch_size: int = 256):
        error_handler = self.get_error_handler()
        for batch in minibatch(docs, size=batch_size):
            batch = list(batch)
            try:
                # The precomputed input layer on the batches spaCy's Parser.pipe makes (docs by length, a
                # quarter of the batch at a time), so that its products are the ones spaCy's decode reads.
                by_length = sorted(batch, key=len)
                groups = [list(g) for g in minibatch(by_length, size=max(batch_size // 4, 2))]
                if not self._ours(batch):
                    for group in groups:
                        EntityRecognizer.set_annotations(self, group, EntityRecognizer.predict(self, group))
                else:
                    ordered = [doc for group in groups for doc in group]
                    self.set_annotations(ordered, self._decode(groups))
                yield from batch
            except Exception as err:  # noqa: BLE001  (spaCy's Parser.pipe hands any error to the handler)
                error_handler(self.name, self, batch, err)

    def predict(self, docs):
        docs = [docs] if isinstance(docs, Doc) else list(docs)
        if not self._ours(docs):
            return EntityRecognizer.predict(self, docs)
        return self._decode([docs])

    def set_annotations(self, docs, states_or_units):
        if not isinstance(states_or_units, _Units):
            return EntityRecognizer.set_annotations(self, docs, states_or_units)
        for doc, units in zip(docs, states_or_units):
            # BiluoPushDown.set_annotations: the units, and every other token outside (all were missing).
            doc.set_ents([Span(doc, s, e, label=label) for s, e, label in units], default="outside")
        return None

    def _ours(self, docs: list[Doc]) -> bool:
        """Whether this module decodes `docs`: a finder it describes, and no token with entity annotation
        already (spaCy's rules for presets then apply)."""
        return decodable(self) and not any(len(doc) and doc.to_array(ENT_IOB).any() for doc in docs)

    def _decode(self, groups: list[list[Doc]]) -> _Units:
        with one_thread():  # the output layer's small products, at every step (see argmine.nlp.blas)
            return self._decode_batch(groups)

    def _decode_batch(self, groups: list[list[Doc]]) -> _Units:
        docs = [doc for group in groups for doc in group]
        found = _Units([] for _ in docs)
        if not any(len(doc) for doc in docs):
            return found
        model = self.model
        tok2vec, lower, upper = (model.get_ref(name) for name in ("tok2vec", "lower", "upper"))
        n_feats, n_hidden, n_pieces = (lower.get_dim(d) for d in ("nF", "nO", "nP"))
        # One table per feature for the whole batch: the padding row (row 0), then every token's row, doc after
        # doc, filled group by group (the memory of spaCy's own precomputed layer for the batch, no more).
        width = n_hidden * n_pieces
        rows = 1 + sum(len(doc) for doc in docs)
        tables = [numpy.empty((rows, width), dtype="float32") for _ in range(n_feats)]
        for table, pad in zip(tables, numpy.asarray(lower.get_param("pad")).reshape(n_feats, width)):
            table[0] = pad
        row = 1
        for group in groups:
            if not any(len(doc) for doc in group):
                continue
            computed = lower.predict(tok2vec.predict(group))
            n = len(computed) - 1
            computed = computed.reshape(n + 1, n_feats, width)
            for f, table in enumerate(tables):
                table[row : row + n] = computed[1:, f]
            row += n
            del computed
        bias = numpy.asarray(lower.get_param("b")).reshape(n_hidden * n_pieces)
        W, b = numpy.asarray(upper.get_param("W")), numpy.asarray(upper.get_param("b"))
        spec = moves_of(self)
        assert spec is not None  # _ours: only a decodable finder comes here
        moves, names = spec
        move, label = moves[:, 0], moves[:, 1]
        n_labels = len(names)
        # Whether each class may be taken, by the state's code: with no unit open, the codes
        # 0-3 say whether the token allows a Begin (not the doc's last token, the next one starts no sentence,
        # no whitespace) and a Unit (no whitespace); with one open, 4 + 2 * its label + whether an In is allowed
        # (not the last token, the next starts no sentence). A U- without label is never valid (no presets).
        codes = 4 + 2 * n_labels
        allowed = numpy.zeros((codes, len(move)), dtype=bool)
        for may_begin in (0, 1):
            for may_unit in (0, 1):
                allowed[2 * may_begin + may_unit] = (
                    (move == OUT)
                    | ((move == BEGIN) & (label >= 0) & bool(may_begin))
                    | ((move == UNIT) & (label >= 0) & bool(may_unit))
                )
        for open_label in range(n_labels):
            for may_go_in in (0, 1):
                same = label == open_label
                allowed[4 + 2 * open_label + may_go_in] = same & ((move == LAST) | ((move == IN) & bool(may_go_in)))
        penalty = numpy.where(allowed, 0.0, -numpy.inf).astype("float32")
        opens, closes = move == BEGIN, (move == LAST) | (move == UNIT)  # what each class does to the open unit

        # Per token of the batch (docs one after the other): what the rules ask of the buffer's first token.
        lengths = numpy.asarray([len(doc) for doc in docs], dtype="int64")
        ends = numpy.cumsum(lengths)
        last = numpy.zeros(int(ends[-1]), dtype=bool)
        last[ends[lengths > 0] - 1] = True
        space = numpy.concatenate([doc.to_array(IS_SPACE).astype(bool) for doc in docs])
        # SENT_START comes back as uint64 (-1 wrapped); int64 gives -1, 0 and 1 back.
        starts = numpy.concatenate([doc.to_array(SENT_START).astype("int64") for doc in docs])
        next_starts = numpy.append(starts[1:] == 1, False) & ~last
        in_ok = ~last & ~next_starts
        no_unit_code = 2 * (in_ok & ~space) + ~space  # the code with no unit open
        # The first feature's rows without the padding row (the buffer is never empty): indexed by token.
        table0, table1, table2 = tables[0][1:], tables[1], tables[2]
        effect = numpy.where(opens, 1, numpy.where(closes, 2, 0))  # per class: 1 opens a unit, 2 closes one

        # The live docs' states, compacted as docs end: the buffer's first token (index into the batch's
        # tokens), whether a unit is open (0/1), the table row of its first token (0: the padding), its label,
        # its code (4 + 2 * label, see `allowed`), the doc's end.
        live = numpy.flatnonzero(lengths > 0)
        at, end = (ends - lengths)[live], ends[live]
        opened = numpy.zeros(len(live), dtype="int64")
        unit_row = numpy.zeros(len(live), dtype="int64")
        unit_label = numpy.zeros(len(live), dtype="int64")
        unit_code = numpy.zeros(len(live), dtype="int64")
        steps = int((end - at).min())  # steps until the next doc ends
        while len(live):
            # The features' rows: the buffer's first token, the open unit's first token, the token before
            # the buffer (row 0, the padding, where there is no unit).
            hidden = table0[at]
            hidden += table1[unit_row]
            hidden += table2[at * opened]
            hidden += bias
            # Maxout as spaCy's Vec.arg_max: the first of equal pieces (a loop: numpy's max over a trailing
            # axis of two is ten times slower).
            pieces = hidden.reshape(len(live), n_hidden, n_pieces)
            maxed = pieces[:, :, 0]
            for p in range(1, n_pieces):
                maxed = numpy.where(pieces[:, :, p] > maxed, pieces[:, :, p], maxed)
            scores = maxed @ W.T
            scores += b
            scores += penalty[numpy.where(opened, unit_code + in_ok[at], no_unit_code[at])]
            best = scores.argmax(axis=1)
            done = effect[best]
            if done.any():
                for k in numpy.flatnonzero(done == 2).tolist():  # a Last or a Unit: a unit found
                    first_token = unit_row[k] - 1 if move[best[k]] == LAST else at[k]
                    base = end[k] - lengths[live[k]]
                    found[live[k]].append((int(first_token - base), int(at[k] - base) + 1, names[label[best[k]]]))
                began, ended = done == 1, done == 2
                opened[began], opened[ended] = 1, 0
                unit_row[began], unit_row[ended] = at[began] + 1, 0
                unit_label[began] = label[best[began]]
                unit_code[began] = 4 + 2 * unit_label[began]
            at += 1
            steps -= 1
            if not steps:
                keep = at < end
                live, at, end = live[keep], at[keep], end[keep]
                opened, unit_row = opened[keep], unit_row[keep]
                unit_label, unit_code = unit_label[keep], unit_code[keep]
                steps = int((end - at).min()) if len(live) else 0
        return found


@Language.factory(
    FACTORY,
    # spaCy's `ner` factory, setting for setting (spacy/pipeline/factories.py in 3.8): the same config reads
    # the same files and trains the same way, and the test suite checks that the two stay equal.
    assigns=["doc.ents", "token.ent_iob", "token.ent_type"],
    default_config={
        "moves": None,
        "update_with_oracle_cut_size": 100,
        "model": DEFAULT_NER_MODEL,
        "incorrect_spans_key": None,
        "scorer": {"@scorers": "spacy.ner_scorer.v1"},
    },
    default_score_weights={"ents_f": 1.0, "ents_p": 0.0, "ents_r": 0.0, "ents_per_type": None},
)
def make_unit_finder(
    nlp: Language,
    name: str,
    model: Model,
    moves,  # a TransitionSystem or None, as for `ner`
    update_with_oracle_cut_size: int,
    incorrect_spans_key: str | None,
    scorer: Callable | None,
) -> GreedyFinder:
    """spaCy's `ner` with the greedy decode of this module (see the module)."""
    return GreedyFinder(
        nlp.vocab,
        model,
        name=name,
        moves=moves,
        update_with_oracle_cut_size=update_with_oracle_cut_size,
        incorrect_spans_key=incorrect_spans_key,
        scorer=scorer,
    )


def load_overrides(path: str | os.PathLike) -> dict[str, str]:
    """The `config` for `spacy.load(path, config=...)` that builds the model's `unit_finder` from
    `argmine_unit_finder` when it was saved with spaCy's `ner` factory (models trained before the factory
    existed); empty otherwise. A config that cannot be read raises the error `spacy.load` would.

    The factories take the same settings and the same files, so the folder is read as it is, and is never
    rewritten (argmine does not write over a model it did not create, and its manifest would no longer
    match): the folder keeps its `ner` and the loaded pipeline, and what it saves, name the new factory."""
    config = load_config(Path(path) / "config.cfg", interpolate=False)
    component = config.get("components", {}).get(NAME, {})
    return {f"components.{NAME}.factory": FACTORY} if component.get("factory") == "ner" else {}
