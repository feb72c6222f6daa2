"""The `argmine` command line: a thin Typer layer over the library."""

from argmine.cli import batch, convert, corpus, evaluate, map, serve, train  # noqa: F401  (each registers its commands)
from argmine.cli.app import app


def main() -> None:
    """Console-script entry point."""
    app()


__all__ = ["app", "main"]
