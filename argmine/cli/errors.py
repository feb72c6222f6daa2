"""One place that turns argmine's exceptions into one-line messages and documented exit codes.

Exit codes: 0 ok; 1 some input could not be mapped or an output could not be written (bad input, an I/O
error, a failing exporter, an unexpected error); 2 usage: bad arguments, an unknown format or model, a model
that fails its integrity check or cannot be loaded, an output that exists without `--force`; 130 interrupted.
Every failure is one `argmine: ...` line on stderr; `--debug` re-raises it with its traceback instead.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator

import click
import typer

from argmine.argmap import MapError
from argmine.cli.terminal import one_line
from argmine.corpora.errors import CorpusError, CorpusFormatError
from argmine.evaluation.scores import EvaluationError
from argmine.export import UnknownFormat
from argmine.nlp.manifest import ModelIntegrityError
from argmine.nlp.models import ModelLoadError, ModelNotFound
from argmine.read.decode import InputError
from argmine.training.data import RecipeError

EXIT_OK = 0
EXIT_FAILED = 1  # some input could not be mapped, or its output not written
EXIT_USAGE = 2  # bad arguments, unknown format or model, a tampered model, an existing output
EXIT_INTERRUPTED = 130


class UsageError(ValueError):
    """Arguments that cannot work together or with the files they name (exit status 2)."""


class OutputExists(UsageError):
    """An output file that already exists, and the user did not pass `--force`."""


USAGE_ERRORS = (
    UnknownFormat, ModelNotFound, ModelIntegrityError, ModelLoadError, UsageError, CorpusError, RecipeError,
    EvaluationError,
)
INPUT_ERRORS = (InputError, MapError, CorpusFormatError)  # checked first: CorpusFormatError is a CorpusError


def fail(message: str, code: int) -> typer.Exit:
    """Print `argmine: message` (one line, terminal controls escaped) on stderr and return the exit to raise."""
    print(f"argmine: {one_line(message)}", file=sys.stderr)
    return typer.Exit(code)


def warn(message: str) -> None:
    """Print `argmine: warning: message` (one line, terminal controls escaped) on stderr."""
    print(f"argmine: warning: {one_line(message)}", file=sys.stderr)


def _is_own(err: BaseException) -> bool:
    # argmine's own errors carry messages written for users; anything else is a bug worth a hint.
    return type(err).__module__.startswith("argmine.") and isinstance(err, ValueError)


def _silence_stdout() -> None:
    # The reader went away (`argmine map ... | head`); later flushes must not raise again at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


@contextlib.contextmanager
def reported(debug: bool = False) -> Iterator[None]:
    """Run a command body, mapping errors to one stderr line and an exit code (tracebacks with `debug`)."""
    try:
        yield
    except (typer.Exit, click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except KeyboardInterrupt:
        if debug:
            raise
        raise fail("interrupted", EXIT_INTERRUPTED) from None
    except BrokenPipeError:
        _silence_stdout()
        if debug:
            raise
        raise typer.Exit(EXIT_FAILED) from None
    except INPUT_ERRORS as err:
        if debug:
            raise
        raise fail(str(err), EXIT_FAILED) from None
    except USAGE_ERRORS as err:
        if debug:
            raise
        raise fail(str(err), EXIT_USAGE) from None
    except OSError as err:
        if debug:
            raise
        where = f"{err.filename}: " if err.filename else ""
        raise fail(f"{where}{err.strerror or err}", EXIT_FAILED) from None
    except Exception as err:
        if debug:
            raise
        if _is_own(err):
            raise fail(str(err), EXIT_FAILED) from None
        raise fail(
            f"internal error: {type(err).__name__}: {err} (run again with --debug for the traceback)", EXIT_FAILED
        ) from None
