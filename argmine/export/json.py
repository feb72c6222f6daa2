"""The project's JSON format: networkx node-link data with the source text in the graph attributes.

It is both the `json` export and the gold-annotation format of `corpus/`; `networkx.node_link_graph(data,
edges="edges")` loads it as a plain graph.
"""

from __future__ import annotations

import json
import os

from argmine.argmap import ArgumentMap, MapError
from argmine.export.atomic import write_atomic
from argmine.export.readback import MAX_MAP_BYTES, check_size, load_json, read_limited
from argmine.graph.coverage import coverage

FORMAT = "argmine/1"


def to_json(amap: ArgumentMap) -> str:
    """Serialise `amap` as node-link JSON (units carry their text for readers; offsets stay authoritative)."""
    return json.dumps(node_link(amap), ensure_ascii=False, indent=1) + "\n"


def node_link(amap: ArgumentMap) -> dict:
    """The plain data `to_json` writes (JSON Lines writes the same data on one line)."""
    return {
        "directed": True,
        "multigraph": False,
        "graph": {
            "format": FORMAT,
            "source": amap.source,
            "model": amap.model,
            "text": amap.text,
            # derived from the text and the units, for readers; ignored when the map is read back
            "coverage": coverage(amap).to_dict(),
            # the thesis scorer's top candidates (trained models only), also ignored when read back
            **({"thesis_candidates": [{"unit": uid, "probability": p} for uid, p in amap.thesis_candidates]}
               if amap.thesis_candidates else {}),
        },
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


def from_json(data: str | bytes | dict, *, max_bytes: int | None = MAX_MAP_BYTES) -> ArgumentMap:
    """Parse node-link JSON written by `to_json` (or annotated by hand) into an `ArgumentMap`, checked by
    `ArgumentMap.from_dict` (`MapError` for anything that is not a well-formed map)."""
    if isinstance(data, dict):
        doc = data
    else:
        check_size(data, max_bytes)
        doc = load_json(data)
    if not isinstance(doc, dict):
        raise MapError("not an argmine JSON map: the top level is not an object")
    graph, nodes = doc.get("graph"), doc.get("nodes")
    if not isinstance(graph, dict) or not isinstance(nodes, list):
        raise MapError("not an argmine JSON map: it needs a `graph` object (with the text) and a `nodes` list")
    if doc.get("directed", True) is not True:
        # Every relation points from the supporting or attacking unit to its target; without a direction
        # `source` and `target` mean nothing.
        raise MapError("not an argmine JSON map: the graph is not directed")
    return ArgumentMap.from_dict(
        {
            "text": graph.get("text"),
            "source": graph.get("source", ""),
            "model": graph.get("model", ""),
            "units": nodes,
            "relations": doc.get("edges", doc.get("links", [])),
        }
    )


def write_json(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as JSON, atomically."""
    write_atomic(path, to_json(amap))


def read_json(path: str | os.PathLike, *, max_bytes: int | None = MAX_MAP_BYTES) -> ArgumentMap:
    """Read a JSON map written by `write_json` or annotated by hand."""
    return from_json(read_limited(path, max_bytes), max_bytes=None)
