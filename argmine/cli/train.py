"""`argmine train`: rebuild a model from the public corpora."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from argmine.cli.app import app
from argmine.cli.errors import reported


@app.command("train")
def train_command(
    corpora: Path = typer.Option(..., "--corpora", help="Folder of the public corpora (../shared/corpora)."),
    output: Path = typer.Option(..., "--output", "-o", help="Model folder to write, e.g. models/argmine-en."),
    seed: int = typer.Option(0, "--seed", help="Random seed; the same seed rebuilds the same model."),
    holdout: Optional[str] = typer.Option(
        None,
        "--holdout",
        help="Leave out parts for cross-validation or model selection, comma-separated: microtexts:K/N, editorials:OUTLET, "
        "aae:dev.",
    ),
    finder: Optional[Path] = typer.Option(
        None, "--finder", help="Reuse the unit finder of this model instead of training one (5 minutes instead of 13)."
    ),
    finder_steps: Optional[int] = typer.Option(None, "--finder-steps", help="Training steps of the unit finder."),
    vectors: Optional[bool] = typer.Option(
        None, "--vectors/--no-vectors",
        help="Give the unit finder GloVe 6B 50d static vectors (needs the 'train' extra); default: off.",
    ),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Train the argmine pipeline on the training parts of every corpus and save it with a manifest."""
    import json

    from argmine.training.train import FINDER_STEPS, train_pipeline

    with reported(debug):
        report = train_pipeline(
            corpora, output, seed=seed, holdout=holdout, finder=finder, finder_steps=finder_steps or FINDER_STEPS,
            vectors=vectors,
        )
        typer.echo(json.dumps(report, indent=1))
