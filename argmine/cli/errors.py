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

from argmine.cli.terminal import one_line
from argmine.errors import EXIT_FAILED, EXIT_USAGE, ArgmineError
from argmine.errors import OutputExists, UsageError  # noqa: F401  (the commands raise them from here)

EXIT_OK = 0
# EXIT_FAILED (1): some input could not be mapped, or its output not written; EXIT_USAGE (2): bad arguments,
# an unknown format or model, a tampered model, an existing output (both from argmine.errors).
EXIT_INTERRUPTED = 130


def exit_code(err: BaseException) -> int | None:
    """The exit code `err` stands for (every `ArgmineError` carries its own), or None for an error argmine
    does not raise on purpose."""
    return err.exit_code if isinstance(err, ArgmineError) else None


def fail(message: str, code: int) -> typer.Exit:
    """Print `argmine: message` (one line, terminal controls escaped) on stderr and return the exit to raise."""
    print(f"argmine: {one_line(message)}", file=sys.stderr)
    return typer.Exit(code)


def warn(message: str) -> None:
    """Print `argmine: warning: message` (one line, terminal controls escaped) on stderr."""
    print(f"argmine: warning: {one_line(message)}", file=sys.stderr)


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
    """Run a command body, mapping errors to one stderr line and an exit code (tracebacks with `debug`).

    The one place a command's `--debug` is honoured: with it, every error is re-raised as it came.
    """
    try:
        yield
    except (typer.Exit, click.exceptions.Exit, click.ClickException, click.Abort):
        raise
    except (Exception, KeyboardInterrupt) as err:
        if isinstance(err, BrokenPipeError):
            _silence_stdout()  # the reader went away: even with --debug, later flushes must not raise again
        if debug:
            raise
        raise _exit_for(err) from None


def _exit_for(err: BaseException) -> typer.Exit:
    if isinstance(err, KeyboardInterrupt):
        return fail("interrupted", EXIT_INTERRUPTED)
    if isinstance(err, BrokenPipeError):
        return typer.Exit(EXIT_FAILED)  # nobody reads any more: nothing to say
    code = exit_code(err)
    if code is not None:
        return fail(str(err), code)
    if isinstance(err, OSError):
        where = f"{err.filename}: " if err.filename else ""
        return fail(f"{where}{err.strerror or err}", EXIT_FAILED)
    return fail(f"internal error: {type(err).__name__}: {err} (run again with --debug for the traceback)", EXIT_FAILED)
