"""Exports: one module per format, each with `to_*`/`write_*` and, for map formats, `from_*`/`read_*`."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from argmine.argmap import ArgumentMap
from argmine.export import graphml, json
from argmine.export.atomic import write_atomic


@dataclass(frozen=True)
class Format:
    """An output format: its name, file suffixes, serialiser and (for map formats) parser."""

    name: str
    suffixes: tuple[str, ...]
    dumps: Callable[[ArgumentMap], str | bytes]
    loads: Callable[[str | bytes], ArgumentMap] | None = None

    @property
    def suffix(self) -> str:
        return self.suffixes[0]


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("graphml", (".graphml",), graphml.to_graphml, graphml.from_graphml),
        Format("json", (".json",), json.to_json, json.from_json),
    )
}


class UnknownFormat(ValueError):
    """A format name or file suffix argmine does not know."""


def get_format(name: str) -> Format:
    """The format called `name`."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise UnknownFormat(f"unknown format {name!r}; choose from {', '.join(FORMATS)}") from None


def format_for_path(path: str | os.PathLike) -> Format:
    """The format a file name's suffix asks for."""
    suffix = Path(path).suffix.lower()
    for fmt in FORMATS.values():
        if suffix in fmt.suffixes:
            return fmt
    raise UnknownFormat(f"cannot tell the format of {str(path)!r} from its suffix; pass --format")


def write(amap: ArgumentMap, path: str | os.PathLike, fmt: str | None = None) -> None:
    """Write `amap` to `path` atomically, in `fmt` or the format the suffix names."""
    f = get_format(fmt) if fmt else format_for_path(path)
    write_atomic(path, f.dumps(amap))


def read(path: str | os.PathLike, fmt: str | None = None) -> ArgumentMap:
    """Read a map from `path` in `fmt` or the format the suffix names."""
    f = get_format(fmt) if fmt else format_for_path(path)
    if f.loads is None:
        raise UnknownFormat(f"{f.name} is an output-only format and cannot be read back")
    return f.loads(Path(path).read_bytes())


__all__ = ["FORMATS", "Format", "UnknownFormat", "format_for_path", "get_format", "read", "write"]
