"""argmine's error family: every error argmine raises on purpose says what kind of failure it is.

    ArgmineError                    a failure argmine explains in one line (exit status 1)
    ├── UsageError                  arguments that cannot work (exit status 2)
    │   └── OutputExists            an output file that exists, without --force
    ├── InputError                  an input that cannot be read or mapped (exit status 1)
    ├── ModelError                  a model that is not there, not intact or does not load (exit status 2)
    └── OutputError                 an output that cannot be written (exit status 1)

Each class carries its exit status as `exit_code`, so the command line needs no table of classes: any
`ArgmineError` becomes `argmine: <message>` on stderr and its `exit_code`. All are `ValueError`s, as
argmine's errors have always been, so `except ValueError` keeps working.

The classes that predate this module (`argmine.read.decode.InputError`, `argmine.argmap.MapError`,
`argmine.nlp.models.ModelNotFound`, ...) join the family by taking one of these as their base; until they
do, `argmine.cli.errors.EXIT_CODES` lists them.
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
    """An input that cannot be read or mapped."""


class ModelError(ArgmineError):
    """A model that cannot be found, fails its integrity check, or does not load."""

    exit_code = EXIT_USAGE


class OutputError(ArgmineError):
    """An output that cannot be written."""


__all__ = ["ArgmineError", "InputError", "ModelError", "OutputError", "OutputExists", "UsageError"]
