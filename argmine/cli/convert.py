"""`argmine convert IN OUT`: read a map (GraphML, JSON or AIF) and write it in any format.

`-` is standard input for IN and standard output for OUT. A map read from a file has the format its suffix
names (`--from` overrides it); a map read from stdin has no name, so its format is `--from` or, without it,
sniffed from its first bytes: `<` is GraphML, and a JSON object is AIF when it has AIF's `nodes` with a
`nodeID`, argmine JSON otherwise. Written to stdout, a map is JSON unless `-f` says otherwise.

Errors follow `argmine.cli.errors`: one `argmine: ...` line on stderr, exit 1 for an unreadable map (one that
is not well formed, see `ArgumentMap.from_dict`, or larger than `--max-bytes`) or a failed write (Graphviz
missing for SVG/PNG included), 2 for usage errors (unknown or output-only format, IN that is a text rather
than a map, OUT in a folder that does not exist, an existing OUT without `--force`, OUT the same file as IN).
OUT is written atomically.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer

from argmine.argmap import ArgumentMap, MapError
from argmine.cli.app import app
from argmine.cli.errors import reported
from argmine.cli.output import STDIO, check_output
from argmine.cli.terminal import one_line
from argmine.errors import UsageError
from argmine.graph.confidence import check_min_score, prune_reported
from argmine.export import (
    FORMATS,
    MAX_MAP_BYTES,
    Format,
    UnknownFormat,
    _from_document,
    _looks_like_aif,
    format_for_path,
    get_format,
    map_formats,
    read,
)
from argmine.export.atomic import write_atomic
from argmine.export.readback import load_json, too_large

STDIN_NAME = "<stdin>"


@app.command()
def convert(
    source: str = typer.Argument(..., help="A map: .graphml, .json or .aif (AIF JSON); - for standard input."),
    target: str = typer.Argument(..., help="Where to write (the suffix picks the format); - for standard output."),
    fmt: str | None = typer.Option(
        None, "--format", "-f", metavar="FORMAT",
        help=f"Output format: {', '.join(FORMATS)} (default: from TARGET's suffix; json on stdout).",
    ),
    from_fmt: str | None = typer.Option(
        None, "--from", metavar="FORMAT",
        help=f"Input format: {', '.join(map_formats())} (default: from SOURCE's suffix; sniffed on stdin).",
    ),
    min_score: str | None = typer.Option(
        None, "--min-score", metavar="P",
        help="Drop the units scored under P (0 to 1), never the thesis; what hung on them moves up a level.",
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite TARGET if it exists."),
    max_bytes: int = typer.Option(
        MAX_MAP_BYTES, "--max-bytes", min=1, help="Refuse a map larger than this many bytes, before parsing it."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Convert an argument map between formats (GraphML, JSON, AIF in; every format out).

    `-` reads the map from stdin (its format from --from, or sniffed) or writes it to stdout (JSON unless -f).

    Exit status: 0 converted, 1 the map could not be read or written, 2 usage error.
    """
    with reported(debug):
        threshold = None if min_score is None else check_min_score(min_score, "--min-score")
        out_format = get_format(fmt) if fmt else get_format("json") if target == STDIO else format_for_path(target)
        if from_fmt and get_format(from_fmt).loads is None:
            raise UnknownFormat(f"{from_fmt} is an output-only format; read one of {', '.join(map_formats())}")
        path = None if target == STDIO else Path(target)
        if source != STDIO:
            _check_source(source, target, from_fmt)
        if path is not None:
            check_output(path, source, force)
        elif out_format.name == "png" and sys.stdout.isatty():
            raise UsageError("png is binary and stdout is a terminal; write it to a file")
        amap = _read_stdin(from_fmt, max_bytes) if source == STDIO else read(source, from_fmt, max_bytes=max_bytes)
        amap, left_out = prune_reported(amap, threshold)
        data = out_format.dump(amap, left_out)
        if path is None:
            sys.stdout.flush()
            sys.stdout.buffer.write(data if isinstance(data, bytes) else data.encode("utf-8"))
            sys.stdout.buffer.flush()
        else:
            check_output(path, source, force)  # it may have appeared while we converted
            if out_format.check_target is not None:  # a database argmine did not create is kept, --force or not
                out_format.check_target(path)
            write_atomic(path, data)
    shown = STDIN_NAME if source == STDIO else source
    typer.echo(one_line(f"{shown} -> {'<stdout>' if path is None else target} ({out_format.name}, "
                        f"{len(amap)} units)"), err=True)


def _check_source(source: str, target: str, from_fmt: str | None) -> None:
    """A file that exists and, unless --from names its format, has a map's suffix; a text gets `map`."""
    if not Path(source).is_file():
        raise FileNotFoundError(2, "no such file", source)
    if from_fmt:
        return
    try:
        known: Format | None = format_for_path(source)
    except UnknownFormat:
        known = None
    if known is None or known.loads is None:
        out = "" if target == STDIO else f" -o {shlex.quote(target)}"
        raise UsageError(
            f"{source}: is not a map ({', '.join(map_formats())}); to map a text, use: "
            f"argmine map {shlex.quote(source)}{out} (or give the map's format with --from)"
        )


def _read_stdin(from_fmt: str | None, max_bytes: int) -> ArgumentMap:
    """The map on standard input, at most `max_bytes` of it, in `from_fmt` or the format its bytes show."""
    data = sys.stdin.buffer.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise MapError(f"{STDIN_NAME}: {too_large('the map', len(data), max_bytes)}")
    try:
        if from_fmt:
            fmt = get_format(from_fmt)
        elif data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            fmt = FORMATS["graphml"]
        elif data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{":
            fmt = FORMATS["json"]
        else:
            raise UsageError(f"{STDIN_NAME}: cannot tell the format of the map (neither GraphML nor JSON); pass --from")
        if fmt.name == "graphml":
            return fmt.parser(data, max_bytes=None)
        doc = load_json(data, "AIF JSON" if fmt.name == "aif" else "JSON")  # parsed once, for the sniff too
        if fmt.name == "json" and not from_fmt and _looks_like_aif(doc):
            fmt = FORMATS["aif"]  # as `argmine.export.read` does for a `.json` file
        if not isinstance(doc, dict):
            raise MapError("the top level is not an object")
        return _from_document(fmt, doc)
    except MapError as err:
        raise MapError(f"{STDIN_NAME}: {err}") from None
