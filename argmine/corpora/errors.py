"""Errors the corpus readers raise, and the argument checks every reader shares."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from argmine.errors import InputError, UsageError


class CorpusError(UsageError):
    """A corpus that cannot be read as asked: unknown kind, missing path, bad split (a usage error)."""


class CorpusFormatError(InputError, CorpusError):
    """A corpus file that does not follow its format; the message names the file."""


class Malformed(InputError):
    """A record that parses but breaks its format's rules; the reader turns it into a `CorpusFormatError`
    that names the file (the message says what is wrong, without a Python type name)."""


def existing_path(path: str | os.PathLike, what: str) -> Path:
    """`path` as a `Path`, or a `CorpusError` saying which corpus was looked for where."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{what} corpus not found: {path} does not exist")
    return path


def check_split(split: str | None, allowed: Iterable[str | None], what: str) -> None:
    """Raise a `CorpusError` listing the valid splits unless `split` is one of `allowed`."""
    allowed = list(allowed)
    if split not in allowed:
        names = [repr(s) for s in allowed if s is not None]
        choice = f"choose one of {', '.join(names)}, or none for all" if names else "it has no splits"
        raise CorpusError(f"{what} has no split {split!r}; {choice}")
