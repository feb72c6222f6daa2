"""Where a command may write one output file: checked before the work, and again just before the write."""

from __future__ import annotations

import os
from pathlib import Path

from argmine.errors import OutputExists, UsageError

STDIO = "-"  # stdin for an input, stdout for an output, in every command


def check_output_folder(path: Path) -> None:
    """Refuse an output whose folder does not exist: argmine creates no folders for one file (a typo in a
    path would otherwise leave a tree of folders behind)."""
    parent = path.parent
    if not parent.exists():
        raise UsageError(f"{path}: the folder {parent} does not exist; create it first")
    if not parent.is_dir():
        raise UsageError(f"{path}: {parent} is not a folder")


def check_output(path: Path, input: str | os.PathLike, force: bool) -> None:
    """Refuse an output that is a folder, is the input itself, exists without `--force`, or whose folder is
    missing."""
    if path.is_dir():
        raise UsageError(f"{path}: is a folder; give a file name for the map")
    if not path.exists():
        check_output_folder(path)
        return
    if str(input) != STDIO and os.path.exists(input) and os.path.samefile(path, input):
        raise UsageError(f"{path}: is the input file; refusing to overwrite it")
    if not force:
        raise OutputExists(f"{path}: already exists; pass --force to overwrite it")
