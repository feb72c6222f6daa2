"""`argmine evaluate`: score a pipeline against a gold corpus (a table, or the full result as JSON)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Optional

import typer
from rich.console import Console, JustifyMethod
from rich.table import Table

from argmine.cli.app import app
from argmine.cli.errors import reported

if TYPE_CHECKING:  # the command imports the evaluation (and spaCy) only when it runs
    from argmine.evaluation.evaluate import Evaluation
    from argmine.evaluation.scores import PRF, LabelScores


@app.command("evaluate")
def evaluate_command(
    kind: str = typer.Argument(..., help="Corpus format: aae, microtexts, cdcp, editorials or json (argmine JSON)."),
    path: str = typer.Argument(..., help="Corpus folder (or file)."),
    split: Optional[str] = typer.Option(None, "--split", "-s", help="Split to score (train, dev, test...)."),
    gold_segments: bool = typer.Option(
        False, "--gold-segments", help="Give the model the gold segments; score kinds and relations only."
    ),
    model: Optional[str] = typer.Option(
        None, "--model", "-m", help="Model name or folder; 'rules' or 'sentences' = baselines."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the full result as JSON."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Score a model on an annotated corpus: segments, kinds, relations, central claim, evidence types."""
    from argmine.evaluation import evaluate

    with reported(debug):  # a malformed corpus file exits 1, a bad kind, path, split or model 2
        result = evaluate(kind, path, split=split, model=model, gold_segments=gold_segments)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=1))
    else:
        Console().print(render_result(result))


def _num(value: float) -> str:
    return f"{value:.3f}"


def render_result(result: Evaluation) -> Table:
    """The headline scores of an `evaluate` result as a rich table."""
    mode = "gold segments" if result.gold_segments else "end to end"
    split = f" ({result.split})" if result.split else ""
    scores, exact, over = result.scores, result.scores.exact, result.scores.overlap
    table = Table(
        title=f"{result.corpus}{split}: {scores.documents} documents, model {result.model}, {mode}",
        caption=f"{result.words} words in {result.seconds:.1f} s ({result.words_per_second:.0f} words/s)",
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("score", "left"), ("F1 / acc", "right"), ("P", "right"), ("R", "right"), ("support", "right")
    )
    for name, justify in columns:
        table.add_column(name, justify=justify)

    def row(name: str, s: PRF | LabelScores, support: object = "") -> None:
        table.add_row(name, _num(s.f1), _num(s.precision), _num(s.recall), str(support))

    def single(name: str, value: float, support: object = "") -> None:
        table.add_row(name, _num(value), "", "", str(support))

    end_to_end = not result.gold_segments  # on gold segments the two matchings agree
    seg = scores.segmentation
    if end_to_end:
        row("segments, exact", seg.exact, support=seg.exact.gold)
        row("segments, 50% overlap", seg.overlap, support=seg.exact.gold)
        row("segments, raw offsets", seg.strict, support=seg.exact.gold)
    comp = exact.components
    collapsed = " (evidence → premise)" if comp.collapse_evidence else ""
    row(f"components, micro{collapsed}", comp.micro, support=comp.micro.gold)
    single("components, macro", comp.macro_f1)
    for kind, label in comp.per_label.items():
        row(f"  {kind}", label, support=label.support)
    if end_to_end:
        micro = over.components.micro
        row(f"components, micro, 50% overlap{collapsed}", micro, support=micro.gold)
    rel = exact.relations
    if rel.all_pairs.gold:
        row("relations, link (same paragraph)", rel.link, support=rel.link.gold)
        row("relations, labelled", rel.labeled, support=rel.labeled.gold)
        single("relations, link/no-link macro", rel.link_macro_f1, support=rel.pairs)
        row("relations, link (all pairs)", rel.all_pairs, support=rel.all_pairs.gold)
        if end_to_end:
            row("relations, link, 50% overlap", over.relations.link, support=rel.link.gold)
            row("relations, labelled, 50% overlap", over.relations.labeled, support=rel.link.gold)
            row("relations, all pairs, 50% overlap", over.relations.all_pairs, support=rel.all_pairs.gold)
    else:
        table.add_row("relations", "—", "", "", "0 in gold")
    cc = exact.central_claim
    if cc.total:
        single("central claim, accuracy", cc.accuracy, support=cc.total)
        if end_to_end:
            single("central claim, accuracy, 50% overlap", over.central_claim.accuracy, support=cc.total)
    evidence = exact.evidence
    if evidence.gold:
        row("evidence units", evidence, support=evidence.gold)
        if end_to_end:
            row("evidence units, 50% overlap", over.evidence, support=evidence.gold)
    ev = exact.evidence_types
    if ev.support:
        single("evidence types, macro", ev.macro_f1, support=ev.support)
        for name, label in ev.per_label.items():
            row(f"  {name}", label, support=label.support)
        if end_to_end:
            single("evidence types, macro, 50% overlap", over.evidence_types.macro_f1, support=ev.support)
    st = exact.stance
    if st.total:
        single("claim stance, accuracy", st.accuracy, support=st.total)
    return table
