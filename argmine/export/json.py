"""The project's JSON format: networkx node-link data with the source text in the graph attributes.

It is both the `json` export and the gold-annotation format of `corpus/`; `networkx.node_link_graph(data,
edges="edges")` loads it as a plain graph.
"""

from __future__ import annotations

import json
import os

from argmine.argmap import ArgumentMap, MapError, Relation, Unit
from argmine.export.atomic import write_atomic

FORMAT = "argmine/1"


def to_json(amap: ArgumentMap) -> str:
    """Serialise `amap` as node-link JSON (units carry their text for readers; offsets stay authoritative)."""
    data = {
        "directed": True,
        "multigraph": False,
        "graph": {"format": FORMAT, "source": amap.source, "model": amap.model, "text": amap.text},
        "nodes": [
            {
                "id": u.id,
                "kind": u.kind,
                "start": u.start,
                "end": u.end,
                "text": amap.unit_text(u),
                "paragraph": u.paragraph,
                "evidence_type": u.evidence_type,
                "stance": u.stance,
                "score": u.score,
            }
            for u in amap.units
        ],
        "edges": [
            {"source": r.source, "target": r.target, "relation": r.relation, "score": r.score}
            for r in amap.relations
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def from_json(data: str | bytes | dict) -> ArgumentMap:
    """Parse node-link JSON written by `to_json` (or annotated by hand) into an `ArgumentMap`."""
    if not isinstance(data, dict):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as err:
            raise MapError(f"not valid JSON: {err}") from None
    try:
        graph = data["graph"]
        text = graph["text"]
        amap = ArgumentMap(text, source=graph.get("source", ""), model=graph.get("model", ""))
        for node in data["nodes"]:
            unit = Unit(
                id=str(node["id"]),
                start=int(node["start"]),
                end=int(node["end"]),
                kind=node["kind"],
                evidence_type=node.get("evidence_type", ""),
                stance=node.get("stance", ""),
                paragraph=int(node.get("paragraph", 0)),
                score=float(node.get("score", 1.0)),
            )
            amap.add_unit(unit)
            if "text" in node and node["text"] != amap.unit_text(unit):
                raise MapError(
                    f"unit {unit.id!r}: text {node['text']!r} does not match offsets "
                    f"{unit.start}:{unit.end} ({amap.unit_text(unit)!r})"
                )
        for edge in data.get("edges", data.get("links", [])):
            amap.add_relation(
                Relation(str(edge["source"]), str(edge["target"]), edge["relation"], float(edge.get("score", 1.0)))
            )
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, MapError):
            raise
        raise MapError(f"not an argmine JSON map: {type(err).__name__}: {err}") from None
    return amap


def write_json(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as JSON, atomically."""
    write_atomic(path, to_json(amap))


def read_json(path: str | os.PathLike) -> ArgumentMap:
    """Read a JSON map written by `write_json` or annotated by hand."""
    with open(path, encoding="utf-8") as fh:
        return from_json(fh.read())
