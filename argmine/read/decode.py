"""Turning input bytes into the text argmine maps; every offset refers to the text returned here."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path


class InputError(ValueError):
    """Input argmine cannot map (not text, undecodable, missing); the message says why in one line."""


@dataclass
class Decoded:
    """Decoded input text plus how it was read and what the reader should know."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, name: str = "<input>") -> Decoded:
    """Decode `data` as UTF-8 (with or without BOM); refuse binary data with a clear error."""
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: not a text file (binary data)")
    try:
        return Decoded(data.decode("utf-8-sig"), "utf-8")
    except UnicodeDecodeError as err:
        raise InputError(f"{name}: not valid UTF-8 (byte {err.start})") from None


def read_input(source: str | os.PathLike) -> Decoded:
    """Read and decode a file, or standard input when `source` is `-`."""
    if str(source) == "-":
        return decode_bytes(sys.stdin.buffer.read(), "<stdin>")
    path = Path(source)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a file")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    return decode_bytes(data, str(path))
