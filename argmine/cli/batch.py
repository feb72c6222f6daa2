"""`argmine batch`: map many inputs into a folder (or one JSON Lines stream), in parallel, resumably."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer

from argmine.cli.app import app
from argmine.cli.errors import EXIT_INTERRUPTED, fail, reported


def _formats() -> list[str]:
    from argmine.export import FORMATS

    return list(FORMATS)


@app.command("batch")
def batch_command(
    inputs: list[str] = typer.Argument(
        ..., help="Text files, folders (searched recursively), glob patterns, JSONL files of {id, text}; - reads "
        "JSONL records from stdin."
    ),
    output: Optional[str] = typer.Option(
        None, "--output", "-o", metavar="PATH",
        help="Output folder, one file per input (required, except with -f jsonl); with -f jsonl a file, or - "
        "(the default) for stdout.",
    ),
    format: str = typer.Option(
        "json", "--format", "-f", metavar="FORMAT",
        help=f"Output format: {', '.join(_formats())} (jsonl: one file or stdout; sqlite: one database, -o maps.db).",
    ),
    workers: Optional[int] = typer.Option(
        None, "--workers", "-w", min=1, help="Worker processes (default: all cores)."
    ),
    force: bool = typer.Option(
        False, "--force", help="Redo outputs argmine wrote, even up-to-date ones (never an input or another file)."
    ),
    model: Optional[str] = typer.Option(
        None, "--model", "-m", help="Model name or folder; 'rules' = baseline."
    ),
    engine: str = typer.Option("local", "--engine", help="local (processes on this machine) or dask."),
    scheduler: Optional[str] = typer.Option(
        None, "--scheduler", metavar="ADDRESS", help="Dask scheduler address, tcp://HOST:PORT."
    ),
    report: Optional[Path] = typer.Option(
        None, "--report", metavar="FILE",
        help="Where to write the report (default: OUTDIR/argmine-report.json; with -f jsonl -o FILE, FILE with "
        "the suffix .report.json; none on stdout).",
    ),
    html: Optional[bool] = typer.Option(
        None, "--html/--no-html", help="Map the visible text of HTML pages, or the markup (default: detect)."
    ),
    max_chars: Optional[int] = typer.Option(
        None, "--max-chars", min=1, help="Fail inputs longer than this many characters (default: 1,000,000)."
    ),
    follow_links: bool = typer.Option(
        False, "--follow-links", help="Follow symbolic links met in folders and globs (loops are detected)."
    ),
    retries: int = typer.Option(
        2, "--retries", min=0, help="Times a document is retried after its worker process dies."
    ),
    index: bool = typer.Option(
        False, "--index", help="Also write index.html (sortable, searchable) and theses.csv into the output folder."
    ),
    min_score: Optional[str] = typer.Option(
        None, "--min-score", metavar="P",
        help="Drop from every map the units scored under P (0 to 1), never the thesis, before it is written "
        "(every format, jsonl, sqlite, the index); a rerun with another P maps again what it would skip.",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Map many op-eds: parallel, resumable, reported.

    Outputs already made from the same input, model and options (--min-score among them) are skipped (--force redoes them); an input or a file argmine did not write is never written over, even with --force.

    Every format but jsonl and sqlite writes one file per input into the folder -o names; -f jsonl writes one
    JSON map per line to the file -o names, or to stdout without -o; -f sqlite writes one database (-o maps.db).

    Exit status: 0 when every input was mapped or skipped, 1 when any failed, 2 for usage errors.
    """
    from argmine.batch import run_batch
    from argmine.batch.progress import ConsoleObserver
    from argmine.graph.confidence import check_min_score

    observer = ConsoleObserver()
    with reported(debug):
        # As `map` and `convert` check it, so the line names the option the user typed.
        threshold = None if min_score is None else check_min_score(min_score, "--min-score")
        try:
            try:
                result = run_batch(
                    inputs, output, fmt=format.lower(), model=model, workers=workers, force=force, engine=engine,
                    scheduler=scheduler, report=report, retries=retries, html=html, max_chars=max_chars,
                    follow_links=follow_links, index=index, min_score=threshold, observer=observer,
                )
            finally:
                observer.stop()  # the progress bar ends before any error line is printed
        except KeyboardInterrupt:
            # What was mapped is kept and recorded: say how to carry on.
            raise fail("interrupted; run the same command again to resume", EXIT_INTERRUPTED) from None
    for error in result.errors:  # the run as a whole: a report or record that could not be written
        print(f"argmine: {error}", file=sys.stderr)
    raise typer.Exit(result.exit_code)
