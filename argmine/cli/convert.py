"""`argmine convert IN OUT`: read a map (GraphML, JSON or AIF) and write it in any format.

Errors follow `argmine.cli.errors`: one `argmine: ...` line on stderr, exit 1 for an unreadable map (one that
is not well formed, see `ArgumentMap.from_dict`, or larger than `--max-bytes`) or a failed write (Graphviz missing for SVG/PNG included), 2 for usage errors (unknown or output-only format,
an existing OUT without `--force`, OUT the same file as IN). OUT is written atomically.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from argmine.cli.app import app
from argmine.cli.errors import OutputExists, UsageError, reported
from argmine.cli.terminal import one_line
from argmine.export import (
    FORMATS,
    MAX_MAP_BYTES,
    UnknownFormat,
    format_for_path,
    get_format,
    map_formats,
    read,
)
from argmine.export.atomic import write_atomic


@app.command()
def convert(
    source: Path = typer.Argument(..., help="A map: .graphml, .json or .aif (AIF JSON).", show_default=False),
    target: Path = typer.Argument(
        ..., help="Where to write; the suffix picks the format.", show_default=False
    ),
    fmt: str | None = typer.Option(
        None, "--format", "-f", help=f"Output format: {', '.join(FORMATS)} [default: from OUT's suffix]."
    ),
    from_fmt: str | None = typer.Option(
        None, "--from", help=f"Input format: {', '.join(map_formats())} [default: from IN's suffix]."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite OUT if it exists."),
    max_bytes: int = typer.Option(
        MAX_MAP_BYTES, "--max-bytes", min=1, help="Refuse a map file larger than this, before reading it."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Convert an argument map between formats (GraphML, JSON, AIF in; every format out).

    Exit status: 0 converted, 1 the map could not be read or written, 2 usage error.
    """
    with reported(debug):
        out_format = get_format(fmt) if fmt else format_for_path(target)
        if from_fmt and get_format(from_fmt).loads is None:
            raise UnknownFormat(
                f"{from_fmt} is an output-only format; read one of {', '.join(map_formats())}"
            )
        if not source.is_file():
            raise FileNotFoundError(2, "no such file", str(source))
        if target.is_dir():
            raise UsageError(f"{target}: is a folder; give a file name for the map")
        if target.exists():
            if os.path.samefile(source, target):
                raise UsageError(f"{target}: is the input file; refusing to overwrite it")
            if not force:
                raise OutputExists(f"{target}: already exists; pass --force to overwrite it")
        amap = read(source, from_fmt, max_bytes=max_bytes)
        write_atomic(target, out_format.dumps(amap))
    typer.echo(one_line(f"{source} -> {target} ({out_format.name}, {len(amap)} units)"), err=True)
