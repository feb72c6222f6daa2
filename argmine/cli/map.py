"""`argmine map`: one essay in, one argument map out (a file, stdout, or a tree on the terminal).

The output is serialised completely before anything is written, and a file is written atomically (a temporary
file renamed into place), so a failure at any point leaves either the old file or no file, never a partial
one. An existing output is kept unless `--force`. Warnings and errors go to stderr, one line each.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from argmine.cli.app import app
from argmine.cli.errors import OutputExists, UsageError, reported, warn
from argmine.read.decode import DEFAULT_MAX_CHARS

STDIO = "-"


@app.command("map")
def map_command(
    input: str = typer.Argument(..., help="Text or HTML file to map, or - for standard input."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", help="Write the map here (format from the suffix); - for stdout (JSON by default)."
    ),
    format: Optional[str] = typer.Option(
        None, "--format", "-f", help="Output format (json, graphml, html, ...); without -o, writes it to stdout."
    ),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model name or folder; 'rules' = baseline."),
    html: Optional[bool] = typer.Option(
        None, "--html/--no-html", help="Map the visible text of an HTML page, or its raw markup [default: detect]."
    ),
    max_chars: int = typer.Option(
        DEFAULT_MAX_CHARS, "--max-chars", min=1, help="Refuse inputs longer than this many characters."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    summary: bool = typer.Option(False, "--summary", help="Print only the analysis numbers."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Map the argument of one essay: thesis, claims, premises, evidence, support and attack.

    Exit status: 0 mapped, 1 the input could not be mapped or the output not written, 2 usage error.
    """
    from argmine import export
    from argmine.export.atomic import write_atomic
    from argmine.nlp import load
    from argmine.read.decode import read_input

    with reported(debug):
        to_stdout = output == STDIO or (output is None and format is not None)
        if format:
            fmt = export.get_format(format)
        elif output and output != STDIO:
            fmt = export.format_for_path(output)
        else:
            fmt = export.get_format("json") if to_stdout else None
        path = None if output is None or output == STDIO else Path(output)
        if path is not None:
            _check_output(path, input, force)
        elif fmt is not None and fmt.name in ("png",) and sys.stdout.isatty():
            raise UsageError(f"{fmt.name} is binary and stdout is a terminal; write it to a file with -o")

        decoded = read_input(input, html=html, max_chars=max_chars)
        for message in decoded.warnings:
            warn(message)
        miner = load(model)
        # spaCy refuses texts over nlp.max_length; --max-chars is the limit the user chose.
        miner.nlp.max_length = max(miner.nlp.max_length, max_chars)
        amap = miner.map(decoded.text, source="<stdin>" if input == STDIO else input)

        if fmt is None:
            _show(amap, summary)
            return
        data = fmt.dumps(amap)
        payload = data if isinstance(data, bytes) else data.encode("utf-8")
        if path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
            return
        _check_output(path, input, force)  # it may have appeared while we mapped
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, payload)
        except OSError as err:
            # A full disk fails in write() or fsync(), whose errors carry no file name (or the temporary
            # file's): the line must say which output was not written.
            raise OSError(err.errno, f"cannot write the map: {err.strerror or err}", str(path)) from err


def _check_output(path: Path, input: str, force: bool) -> None:
    """Refuse an output that is a folder, is the input itself, or exists without `--force`."""
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name for the map")
    if not path.exists():
        return
    if input != STDIO and os.path.exists(input) and os.path.samefile(path, input):
        raise UsageError(f"{path}: is the input file; refusing to overwrite it")
    if not force:
        raise OutputExists(f"{path}: already exists; pass --force to overwrite it")


def _show(amap, summary: bool) -> None:
    from argmine.cli.view import show
    from argmine.graph.analysis import analyse

    show(amap, analyse(amap), summary=summary)
