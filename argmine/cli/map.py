"""`argmine map`: one essay in, one argument map out (a file, stdout, or a tree on the terminal).

The output is serialised completely before anything is written, and a file is written atomically (a temporary
file renamed into place), so a failure at any point leaves either the old file or no file, never a partial
one. An existing output is kept unless `--force`, and an output's folder must exist (a mistyped path is
refused, not created). Warnings and errors go to stderr, one line each.

What `map` does not do it refuses with the command that does (exit 2): a map (`convert`), a folder or many
inputs (`batch`), a URL (argmine fetches nothing).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from pathlib import Path
from typing import Optional

import typer

from argmine.cli.app import app
from argmine.cli.errors import reported, warn
from argmine.cli.output import STDIO, check_output
from argmine.errors import UsageError
from argmine.read.decode import DEFAULT_MAX_CHARS

# `http://...`, `https://...`, `ftp://...`: argmine reads files, it fetches nothing.
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def _format_help() -> str:
    from argmine.export import FORMATS

    return f"Output format: {', '.join(FORMATS)}; without -o, writes it to stdout."


@app.command("map")
def map_command(
    input: str = typer.Argument(..., help="Text or HTML file to map, or - for standard input."),
    extra: Optional[list[str]] = typer.Argument(None, hidden=True),  # caught to suggest `argmine batch`
    output: Optional[str] = typer.Option(
        None, "--output", "-o", metavar="FILE",
        help="Write the map here (format from the suffix; its folder must exist); - for stdout (JSON by default).",
    ),
    format: Optional[str] = typer.Option(None, "--format", "-f", metavar="FORMAT", help=_format_help()),
    model: Optional[str] = typer.Option(None, "--model", "-m", help="Model name or folder; 'rules' = baseline."),
    html: Optional[bool] = typer.Option(
        None, "--html/--no-html", help="Map the visible text of an HTML page, or its raw markup (default: detect)."
    ),
    max_chars: int = typer.Option(
        DEFAULT_MAX_CHARS, "--max-chars", min=1, help="Refuse inputs longer than this many characters."
    ),
    min_score: Optional[str] = typer.Option(
        None, "--min-score", metavar="P",
        help="Drop the units scored under P (0 to 1), never the thesis; what hung on them moves up a level.",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite the output file if it exists."),
    summary: bool = typer.Option(
        False, "--summary",
        help="Print the analysis numbers instead of the tree; with a map on stdout (-f, -o -), on stderr.",
    ),
    as_json: bool = typer.Option(False, "--json", help="With --summary: the analysis as JSON."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Map the argument of one essay: thesis, claims, premises, evidence, support and attack.

    Without -o or -f, the map is shown as a tree on the terminal; --summary shows the analysis numbers instead.

    --summary goes with -o and -f: the map is written as asked, the summary printed on stdout (on stderr when the map goes to stdout). --summary --json prints the analysis as JSON.

    Exit status: 0 mapped, 1 the input could not be mapped or the output not written, 2 usage error.
    """
    from argmine import export
    from argmine.export.atomic import write_atomic
    from argmine.graph.confidence import check_min_score, prune_reported
    from argmine.nlp import load
    from argmine.read.decode import read_input

    with reported(debug):
        _check_input(input, extra or [])
        if as_json and not summary:
            raise UsageError("--json goes with --summary (for the map as JSON, use -f json)")
        threshold = None if min_score is None else check_min_score(min_score, "--min-score")
        to_stdout = output == STDIO or (output is None and format is not None)
        fmt: export.Format | None
        if format:
            fmt = export.get_format(format)
        elif output and output != STDIO:
            fmt = export.format_for_path(output)
        else:
            fmt = export.get_format("json") if to_stdout else None
        path = None if output is None or output == STDIO else Path(output)
        if path is not None:
            check_output(path, input, force)
        elif fmt is not None and fmt.name in ("png",) and sys.stdout.isatty():
            raise UsageError(f"{fmt.name} is binary and stdout is a terminal; write it to a file with -o")

        decoded = read_input(input, html=html, max_chars=max_chars)
        for message in decoded.warnings:
            warn(message)
        miner = load(model, max_chars=max_chars)
        amap = miner.map(decoded.text, source="<stdin>" if input == STDIO else input)
        amap, left_out = prune_reported(amap, threshold)  # before any output: every format, the tree, --summary

        if fmt is None:
            if summary:
                _summary(amap, as_json, sys.stdout)
            else:
                _show(amap)
            return
        data = fmt.dump(amap, left_out)
        payload = data if isinstance(data, bytes) else data.encode("utf-8")
        if path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        else:
            check_output(path, input, force)  # it may have appeared while we mapped
            if fmt.check_target is not None:  # a database argmine did not create is kept, --force or not
                fmt.check_target(path)
            try:
                write_atomic(path, payload)
            except OSError as err:
                # A full disk fails in write() or fsync(), whose errors carry no file name (or the temporary
                # file's): the line must say which output was not written.
                raise OSError(err.errno, f"cannot write the map: {err.strerror or err}", str(path)) from err
        if summary:
            # The map owns stdout when it goes there; the summary must not corrupt it.
            _summary(amap, as_json, sys.stderr if path is None else sys.stdout)


def _check_input(input: str, extra: list[str]) -> None:
    """Refuse, with the command that does it, what `map` does not do: many inputs, a folder, a map, a URL."""
    from argmine.export import UnknownFormat, format_for_path

    if extra:
        names = " ".join(shlex.quote(n) for n in [input, *extra])
        raise UsageError(f"map takes one input; to map many, use: argmine batch {names} -o maps/")
    if input == STDIO:
        return
    if URL.match(input) and not os.path.exists(input):
        raise UsageError(f"{input}: argmine does not fetch URLs; save the page and map the file")
    if os.path.isdir(input):
        raise UsageError(
            f"{input}: is a folder; to map the files in it, use: argmine batch {shlex.quote(input)} -o maps/"
        )
    try:
        fmt = format_for_path(input)
    except UnknownFormat:
        return
    # graphml, json, aif, and it reads like one (prose saved as .json is still mapped).
    if fmt.loads is not None and _starts_like_markup_or_json(input):
        raise UsageError(
            f"{input}: is already an argument map ({fmt.name}); to change its format, use: "
            f"argmine convert {shlex.quote(input)} OUT"
        )


def _starts_like_markup_or_json(path: str) -> bool:
    try:
        with open(path, "rb") as fh:
            head = fh.read(256)
    except OSError:
        return False  # read_input says what is wrong with it
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"[", b"<")


def _summary(amap, as_json: bool, stream) -> None:
    from argmine.graph.analysis import analyse

    analysis = analyse(amap)
    if as_json:
        stream.write(json.dumps(analysis.to_dict(), ensure_ascii=False, indent=1) + "\n")
        stream.flush()
        return
    from rich.console import Console

    from argmine.cli.view import show

    show(amap, analysis, summary=True, console=Console(file=stream))


def _show(amap) -> None:
    from argmine.cli.view import show
    from argmine.graph.analysis import analyse

    show(amap, analyse(amap))
