"""`argmine corpus`: inspect the annotated corpora the models train and are evaluated on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from argmine.cli.app import App, Group, app
from argmine.cli.errors import reported
from argmine.corpora import CORPORA, corpus_stats, read_corpus

corpus_app = App(
    name="corpus",
    cls=Group,
    help="Read the public corpora and the project's JSON corpus.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(corpus_app, name="corpus")

@corpus_app.command("stats")
def stats(
    kind: Annotated[str, typer.Argument(help=f"Corpus kind: {', '.join(CORPORA)}.", show_default=False)],
    path: Annotated[
        Path, typer.Argument(help="Corpus folder (or file, for json, microtexts, webdiscourse and suggestbot).")
    ],
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="Split to count (e.g. train, test, fold1of5: by group where a corpus has groups); all when omitted.",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
) -> None:
    """Count documents, units, evidence types, stances, relations and the corpus's original labels.

    Exit status: 0 counted, 1 a corpus file is malformed (the message names it), 2 usage error (unknown kind,
    missing path, bad split).
    """
    # A bad kind, path or split is a CorpusError (usage, 2); a malformed file a CorpusFormatError (input, 1).
    with reported(debug):
        maps = read_corpus(kind, path, split)
        counts = corpus_stats(maps, kind)
    counts["path"] = str(path)
    counts["split"] = split
    if as_json:
        typer.echo(json.dumps(counts, indent=1))
    else:
        Console().print(stats_table(counts))


def stats_table(counts: dict) -> Table:
    """A rich table of `corpus_stats` output, one section per group of counts."""
    title = f"{counts['kind']} corpus" + (f" ({counts['split']})" if counts.get("split") else "")
    table = Table(title=title, show_header=True, header_style="bold")
    table.add_column("count")
    table.add_column("n", justify="right")
    for name in ("documents", "groups", "paragraphs", "words", "units"):
        if name in counts:
            table.add_row(name, f"{counts[name]:,}")
    table.add_section()
    for name, n in counts["units_per_kind"].items():
        table.add_row(f"units: {name}", f"{n:,}")
    for name, n in counts["evidence_types"].items():
        table.add_row(f"evidence: {name}", f"{n:,}")
    for name, n in counts["stances"].items():
        table.add_row(f"stance: {name}", f"{n:,}")
    table.add_section()
    table.add_row("relations", f"{counts['relations']:,}")
    for name, n in counts["relations_per_label"].items():
        table.add_row(f"relations: {name}", f"{n:,}")
    for source_kind, per_label in counts["relations_per_source_kind"].items():
        for name, n in per_label.items():
            table.add_row(f"relations: {source_kind} {name}", f"{n:,}")
    if counts.get("skipped"):
        table.add_section()
        for reason, n in counts["skipped"].items():
            table.add_row(f"skipped: {reason}", f"{n:,}")
    original = counts.get("original")
    if original:
        table.add_section()
        for name, n in original["labels"].items():
            table.add_row(f"original label: {name}", f"{n:,}")
        for name, n in original["relations"].items():
            table.add_row(f"original relation: {name}", f"{n:,}")
    return table
