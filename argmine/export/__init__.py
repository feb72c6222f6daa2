"""Exports: one module per format, each with `to_*`/`write_*` and, for map formats, `from_*`/`read_*`."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError
from argmine.errors import UsageError
from argmine.export import aif, argdown, dot, graphml, html, json, jsonl, mermaid, sqlite
from argmine.export.atomic import write_atomic
from argmine.export.readback import MAX_MAP_BYTES, load_json, read_limited


class Loads(Protocol):
    """A map format's parser: the bytes (or text) of a map, which it checks against `max_bytes` (the JSON
    formats' parsers also take a parsed document: `_from_document`)."""

    def __call__(self, data: str | bytes, /, *, max_bytes: int | None = ...) -> ArgumentMap: ...


@dataclass(frozen=True)
class Format:
    """An output format: its name, file suffixes, serialiser and (for map formats) parser."""

    name: str
    suffixes: tuple[str, ...]
    dumps: Callable[[ArgumentMap], str | bytes]
    loads: Loads | None = None
    # Raises when the file already at a path may not be replaced by this format (a database argmine did not
    # create); None: any file may be, as `--force` decides.
    check_target: Callable[[str | os.PathLike], None] | None = None
    # One map per line: a batch writes all its maps into one file (or stdout), not one file per input.
    stream: bool = False
    # The serialiser of a format that says in the map itself what `--min-score` dropped (HTML, in its header;
    # the other formats carry the pruned map alone).
    dumps_pruned: Callable[[ArgumentMap, Mapping], str | bytes] | None = None

    def dump(self, amap: ArgumentMap, dropped: Mapping | None = None) -> str | bytes:
        """`amap` serialised; `dropped` (`argmine.graph.confidence.dropped`) is said where the format can."""
        if dropped is not None and self.dumps_pruned is not None:
            return self.dumps_pruned(amap, dropped)
        return self.dumps(amap)

    @property
    def suffix(self) -> str:
        return self.suffixes[0]

    @property
    def parser(self) -> Loads:
        """`loads`; `UnknownFormat` for an output-only format."""
        if self.loads is None:
            raise UnknownFormat(f"{self.name} is an output-only format and cannot be read back")
        return self.loads


FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("graphml", (".graphml",), graphml.to_graphml, graphml.from_graphml),
        Format("json", (".json",), json.to_json, json.from_json),
        Format("aif", (".aif", ".aif.json"), aif.to_aif, aif.from_aif),
        Format("argdown", (".argdown", ".ad"), argdown.to_argdown),
        Format("dot", (".dot", ".gv"), dot.to_dot),
        Format("svg", (".svg",), dot.to_svg),
        Format("png", (".png",), dot.to_png),
        Format("mermaid", (".mmd", ".mermaid"), mermaid.to_mermaid),
        Format("html", (".html", ".htm"), html.to_html,
               dumps_pruned=lambda amap, dropped: html.to_html(amap, dropped=dropped)),
        Format("jsonl", (".jsonl",), jsonl.to_jsonl, stream=True),
        Format("sqlite", (".db", ".sqlite", ".sqlite3"), sqlite.to_sqlite, check_target=sqlite.check_replaceable),
    )
}
"""Every format by name. `graphml`, `json` and `aif` are map formats (read back); `jsonl` holds one map per
line (`export.jsonl.read_jsonl` reads a file of many, `export.read` one map per file); `svg` and `png` need
Graphviz (`argmine.export.dot.GraphvizError` when it is missing); `sqlite` is a database (`export.sqlite`) that
is never written over a file that is not an argmine database."""


class UnknownFormat(UsageError):
    """A format name or file suffix argmine does not know."""


def get_format(name: str) -> Format:
    """The format called `name`."""
    try:
        return FORMATS[name.lower()]
    except KeyError:
        raise UnknownFormat(f"unknown format {name!r}; choose from {', '.join(FORMATS)}") from None


def format_for_path(path: str | os.PathLike) -> Format:
    """The format a file name's suffix asks for."""
    name = Path(path).name.lower()
    # Longest suffix first, so that `map.aif.json` is AIF and `map.json` project JSON.
    by_length = sorted(((s, f) for f in FORMATS.values() for s in f.suffixes), key=lambda sf: -len(sf[0]))
    for suffix, fmt in by_length:
        if name.endswith(suffix) and len(name) > len(suffix):
            return fmt
    raise UnknownFormat(f"cannot tell the format of {str(path)!r} from its suffix; pass --format")


def write(amap: ArgumentMap, path: str | os.PathLike, fmt: str | None = None) -> None:
    """Write `amap` to `path` atomically, in `fmt` or the format the suffix names."""
    f = get_format(fmt) if fmt else format_for_path(path)
    if f.check_target is not None:
        f.check_target(path)
    write_atomic(path, f.dumps(amap))


def read(path: str | os.PathLike, fmt: str | None = None, *, max_bytes: int | None = MAX_MAP_BYTES) -> ArgumentMap:
    """Read a map from `path` in `fmt` or the format the suffix names.

    Whatever the file holds, the answer is a well-formed map (`ArgumentMap.from_dict`) or one `MapError`
    line naming the file; a file over `max_bytes` is refused before it is read.
    """
    f = get_format(fmt) if fmt else format_for_path(path)
    if f.loads is None and f.stream:
        raise UnknownFormat(f"{f.name} holds many maps; read them with argmine.export.{f.name}.read_{f.name}")
    parse = f.parser  # an output-only format is refused before the file is read
    try:
        data = read_limited(path, max_bytes)
        if f.name in ("json", "aif"):
            doc = load_json(data, "AIF JSON" if f.name == "aif" else "JSON")  # parsed once, for the sniff too
            if f.name == "json" and not fmt and _looks_like_aif(doc):
                f = FORMATS["aif"]  # AIFdb and OVA save AIF as plain `.json`
            if not isinstance(doc, dict):
                what = "an AIF document" if f.name == "aif" else "an argmine JSON map"
                raise MapError(f"not {what}: the top level is not an object")
            return _from_document(f, doc)
        return parse(data, max_bytes=None)
    except MapError as err:
        raise MapError(f"{path}: {err}") from None


def _looks_like_aif(doc: object) -> bool:
    if not isinstance(doc, dict) or "graph" in doc:
        return False
    body = doc.get("AIF") or doc.get("aif") or doc
    nodes = body.get("nodes") if isinstance(body, dict) else None
    return isinstance(nodes, list) and any(isinstance(n, dict) and "nodeID" in n for n in nodes[:1])


def _from_document(f: Format, doc: dict) -> ArgumentMap:
    """The map in `doc`, a JSON document already parsed by `load_json` (once, for the AIF sniff too): the JSON
    formats' parsers take it as well as bytes, which `Loads` (bytes or text, for every format) does not say."""
    if f.name == "aif":
        return aif.from_aif(doc)
    if f.name == "json":
        return json.from_json(doc)
    raise UnknownFormat(f"{f.name} is not a JSON format")


def map_formats() -> list[str]:
    """Names of the formats that can be read back into a map."""
    return [name for name, f in FORMATS.items() if f.loads is not None]


__all__ = [
    "FORMATS",
    "MAX_MAP_BYTES",
    "Format",
    "UnknownFormat",
    "format_for_path",
    "get_format",
    "map_formats",
    "read",
    "write",
]
