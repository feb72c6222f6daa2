"""`argmine evaluate`: score a pipeline against a gold corpus (a table, or the full result as JSON)."""

from __future__ import annotations

import json
from typing import Optional

import typer
from rich.console import Console, JustifyMethod
from rich.table import Table

from argmine.cli.app import app
from argmine.cli.errors import reported


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
        typer.echo(json.dumps(result, indent=1))
    else:
        Console().print(render_result(result))


def _num(value: float) -> str:
    return f"{value:.3f}"


def render_result(result: dict) -> Table:
    """The headline scores of an `evaluate` result as a rich table."""
    mode = "gold segments" if result["gold_segments"] else "end to end"
    split = f" ({result['split']})" if result["split"] else ""
    table = Table(
        title=f"{result['corpus']}{split}: {result['documents']} documents, model {result['model']}, {mode}",
        caption=f"{result['words']} words in {result['seconds']:.1f} s "
        f"({result['words_per_second']:.0f} words/s)",
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("score", "left"), ("F1 / acc", "right"), ("P", "right"), ("R", "right"), ("support", "right")
    )
    for name, justify in columns:
        table.add_column(name, justify=justify)

    def row(name: str, s: dict, key: str = "f1", support: object = "") -> None:
        table.add_row(name, _num(s[key]), _num(s["precision"]), _num(s["recall"]), str(support))

    seg = result["segmentation"]
    if not result["gold_segments"]:
        row("segments, exact", seg, support=seg["gold"])
        row("segments, 50% overlap", seg["overlap"], support=seg["gold"])
        row("segments, raw offsets", seg["strict"], support=seg["gold"])
    comp = result["components"]
    collapsed = " (evidence → premise)" if comp["collapse_evidence"] else ""
    row(f"components, micro{collapsed}", comp["micro"], support=comp["micro"]["gold"])
    table.add_row("components, macro", _num(comp["macro_f1"]), "", "", "")
    for kind, s in comp["per_label"].items():
        row(f"  {kind}", s, support=s["support"])
    end_to_end = not result["gold_segments"]
    if end_to_end:  # on gold segments the two matchings agree
        over = comp["overlap"]
        row(f"components, micro, 50% overlap{collapsed}", over["micro"], support=over["micro"]["gold"])
    rel = result["relations"]
    if rel["all_pairs"]["gold"]:
        row("relations, link (same paragraph)", rel["link"], support=rel["link"]["gold"])
        row("relations, labelled", rel["labeled"], support=rel["labeled"]["gold"])
        table.add_row("relations, link/no-link macro", _num(rel["link_macro_f1"]), "", "", str(rel["pairs"]))
        row("relations, link (all pairs)", rel["all_pairs"], support=rel["all_pairs"]["gold"])
        if end_to_end:
            row("relations, link, 50% overlap", rel["overlap"]["link"], support=rel["link"]["gold"])
            row("relations, labelled, 50% overlap", rel["overlap"]["labeled"], support=rel["link"]["gold"])
            row("relations, all pairs, 50% overlap", rel["overlap"]["all_pairs"],
                support=rel["all_pairs"]["gold"])
    else:
        table.add_row("relations", "—", "", "", "0 in gold")
    cc = result["central_claim"]
    if cc["documents"]:
        table.add_row("central claim, accuracy", _num(cc["accuracy"]), "", "", str(cc["documents"]))
        if end_to_end:
            table.add_row("central claim, accuracy, 50% overlap", _num(cc["overlap"]["accuracy"]), "", "",
                          str(cc["documents"]))
    evidence = result["evidence"]
    if evidence["gold"]:
        row("evidence units", evidence, support=evidence["gold"])
        if end_to_end:
            row("evidence units, 50% overlap", evidence["overlap"], support=evidence["gold"])
    ev = result["evidence_types"]
    if ev["support"]:
        table.add_row("evidence types, macro", _num(ev["macro_f1"]), "", "", str(ev["support"]))
        for name, s in ev["per_label"].items():
            row(f"  {name}", s, support=s["support"])
        if end_to_end:
            table.add_row("evidence types, macro, 50% overlap", _num(ev["overlap"]["macro_f1"]), "", "",
                          str(ev["support"]))
    st = result["stance"]
    if st["support"]:
        table.add_row("claim stance, accuracy", _num(st["accuracy"]), "", "", str(st["support"]))
    return table
