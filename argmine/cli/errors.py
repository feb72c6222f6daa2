"""One place that turns argmine's exceptions into one-line messages and documented exit codes."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator

import typer

from argmine.argmap import MapError
from argmine.export import UnknownFormat
from argmine.nlp.models import ModelNotFound
from argmine.read.decode import InputError

EXIT_OK = 0
EXIT_FAILED = 1  # some input could not be mapped
EXIT_USAGE = 2  # bad arguments, unknown format or model

USAGE_ERRORS = (UnknownFormat, ModelNotFound)
INPUT_ERRORS = (InputError, MapError)


def fail(message: str, code: int) -> typer.Exit:
    """Print `argmine: message` on stderr and return the exit to raise."""
    print(f"argmine: {message}", file=sys.stderr)
    return typer.Exit(code)


@contextlib.contextmanager
def reported(debug: bool = False) -> Iterator[None]:
    """Run a command body, mapping known errors to one stderr line and an exit code (tracebacks with --debug)."""
    try:
        yield
    except typer.Exit:
        raise
    except USAGE_ERRORS as err:
        if debug:
            raise
        raise fail(str(err), EXIT_USAGE) from None
    except INPUT_ERRORS as err:
        if debug:
            raise
        raise fail(str(err), EXIT_FAILED) from None
    except OSError as err:
        if debug:
            raise
        raise fail(f"{err.filename or ''}: {err.strerror}".lstrip(": "), EXIT_FAILED) from None
