"""What every map reader shares before `ArgumentMap.from_dict` checks the map: a size limit applied before a
file is read or parsed, and a JSON parser that answers every malformed document with `MapError`.

A map of the longest text argmine maps by default (1,000,000 characters, at most 4 MB as UTF-8) carries that
text twice (the text, and each unit's own text), a few hundred bytes per unit, and escaping can triple a text
full of control characters or markup: well under `MAX_MAP_BYTES`. A bigger file is refused unread, so reading
a map never takes more memory than a few times that limit (`max_bytes=None` lifts it).
"""

from __future__ import annotations

import json
import math
import os
import stat
from typing import Any

from argmine.argmap import MapError

MAX_MAP_BYTES = 64 * 2**20


def too_large(what: str, size: int, max_bytes: int) -> MapError:
    return MapError(
        f"{what} is too large to read back ({size:,} bytes, over the limit of {max_bytes:,}); "
        "raise the limit (max_bytes, --max-bytes) to read it anyway"
    )


def check_size(data: str | bytes, max_bytes: int | None, what: str = "the map") -> None:
    """Refuse in-memory data over `max_bytes` before it is parsed (a parse tree takes many times the bytes)."""
    if max_bytes is not None and len(data) > max_bytes:
        raise too_large(what, len(data), max_bytes)


def read_limited(path: str | os.PathLike, max_bytes: int | None = MAX_MAP_BYTES) -> bytes:
    """The bytes of `path`, refused with `MapError` when there are more than `max_bytes` (checked before
    reading a regular file, and while reading anything else, so a pipe cannot fill the memory either)."""
    with open(path, "rb") as fh:
        if max_bytes is None:
            return fh.read()
        info = os.fstat(fh.fileno())
        if stat.S_ISREG(info.st_mode) and info.st_size > max_bytes:
            raise too_large(str(path), info.st_size, max_bytes)
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise too_large(str(path), len(data), max_bytes)
    return data


def _no_constant(name: str) -> Any:
    raise MapError(f"{name} is not a number JSON allows")


def _finite_float(literal: str) -> float:
    number = float(literal)
    if not math.isfinite(number):  # 1e999 parses as infinity
        raise MapError(f"the number {literal[:40]} is out of range")
    return number


def load_json(data: str | bytes, what: str = "JSON") -> Any:
    """Parse a JSON document strictly: UTF-8 (a byte-order mark allowed), no NaN or Infinity, no number out
    of range; every failure, a document nested too deeply for the parser included, is one `MapError` line."""
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise MapError(f"not UTF-8 text ({err.reason} at byte {err.start})") from None
    try:
        return json.loads(data, parse_constant=_no_constant, parse_float=_finite_float)
    except RecursionError:
        raise MapError(f"not valid {what}: nested too deeply") from None
    except ValueError as err:  # JSONDecodeError, MapError from the hooks, integers over Python's digit limit
        raise MapError(f"not valid {what}: {' '.join(str(err).split())[:200]}") from None
