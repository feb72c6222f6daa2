"""argmine's error family: every exception class argmine defines derives from `ArgmineError` and says what kind
of failure it is.

    ArgmineError                    a failure argmine explains in one line (exit status 1)
    ├── UsageError                  arguments that cannot work (exit status 2)
    │   └── OutputExists            an output file that exists, without --force
    ├── InputError                  an input that cannot be read or mapped (exit status 1)
    ├── ModelError                  a model that is not there, not intact or does not load (exit status 2)
    └── OutputError                 an output that cannot be written (exit status 1)

Each class carries its exit status as `exit_code`, so the command line needs no table of classes: any
`ArgmineError` becomes `argmine: <message>` on stderr and its `exit_code` (`argmine.cli.errors`). The
modules' own classes take one of these as their base (`argmine.argmap.MapError` is an `InputError`,
`argmine.nlp.models.ModelNotFound` a `ModelError`, `argmine.batch.BatchUsageError` a `UsageError`, ...);
`argmine.read.decode.InputError` is `InputError` itself. All are `ValueError`s, as argmine's errors have
always been, so `except ValueError` keeps working; the few that are also `OSError`s or an `ImportError`
(`NotArgmineDatabase`, `OutputChanged`, `ServeExtraMissing`) keep that base too.
"""

from __future__ import annotations

EXIT_FAILED = 1
EXIT_USAGE = 2


class ArgmineError(ValueError):
    """A failure argmine explains in one line."""

    exit_code = EXIT_FAILED


class UsageError(ArgmineError):
    """Arguments that cannot work together or with the files they name."""

    exit_code = EXIT_USAGE


class OutputExists(UsageError):
    """An output file that already exists, and the user did not pass `--force`."""


class InputError(ArgmineError):
    """Input argmine cannot read or map (not text, undecodable, too large, missing, a malformed map or corpus
    file); the message says why in one line."""

    # Set here, not only inherited: a class that is an input error and another kind (a malformed corpus file
    # is a `CorpusError` too) takes the exit status of the base it names first.
    exit_code = EXIT_FAILED


class ModelError(ArgmineError):
    """A model that cannot be found, fails its integrity check, or does not load."""

    exit_code = EXIT_USAGE


class OutputError(ArgmineError):
    """An output that cannot be written."""

    exit_code = EXIT_FAILED


__all__ = ["ArgmineError", "InputError", "ModelError", "OutputError", "OutputExists", "UsageError"]
