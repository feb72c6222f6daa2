"""`argmine map`: one essay in, one argument map out (a file, stdout, or a tree on the terminal)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from argmine.cli.app import app
from argmine.cli.errors import reported


@app.command("map")
def map_command(
    input: str = typer.Argument(..., help="Text file to map, or - for standard input."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the map here (format from suffix)."),
    format: Optional[str] = typer.Option(
        None, "--format", "-f", help="Output format (graphml, json, ...); without -o, writes it to stdout."
    ),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model name or folder; 'rules' = baseline."),
    summary: bool = typer.Option(False, "--summary", help="Print only the analysis numbers."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Map the argument of one essay: thesis, claims, premises, evidence, support and attack."""
    from argmine import export
    from argmine.nlp import load
    from argmine.read.decode import read_input

    with reported(debug):
        fmt = export.get_format(format) if format else export.format_for_path(output) if output else None
        decoded = read_input(input)
        for warning in decoded.warnings:
            print(f"argmine: warning: {warning}", file=sys.stderr)
        amap = load(model).map(decoded.text, source="<stdin>" if input == "-" else input)
        if output is not None:
            output.parent.mkdir(parents=True, exist_ok=True)
            export.write(amap, output, fmt.name)
        elif fmt is not None:
            data = fmt.dumps(amap)
            sys.stdout.buffer.write(data if isinstance(data, bytes) else data.encode("utf-8"))
        else:
            _show(amap, summary)


def _show(amap, summary: bool) -> None:
    from argmine.cli.view import render_summary, render_tree
    from argmine.graph.analysis import analyse

    console = Console()
    analysis = analyse(amap)
    console.print(render_summary(analysis) if summary else render_tree(amap, analysis))
