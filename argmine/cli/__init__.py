"""The `argmine` command line: a thin Typer layer over the library."""

from argmine.cli import (  # noqa: F401  (each registers its commands)
    batch,
    convert,
    corpus,
    evaluate,
    info,
    map,
    serve,
    train,
)
from argmine.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
