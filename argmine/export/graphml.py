"""GraphML, the stable contract for yEd, Gephi and scripts.

Graph attributes: `source`, `model` and the full `text`. Node attributes: `kind`, `text`, `start`, `end`,
`paragraph` (integers), `score` (double), `evidence_type`, `stance`. Edge attributes: `relation`
(`support` | `attack`) and `score`. Edges point from the supporting or attacking unit to its target.

XML 1.0 cannot carry most C0 control characters, not even escaped: the writer replaces each one with
U+FFFD, one character for one, so offsets still index the text. Carriage returns are written as `&#13;` so
that readers do not normalise line endings. Unit ids XML cannot carry are refused (`MapError`).
"""

from __future__ import annotations

import io
import os
import re
import warnings

import networkx as nx

from argmine.argmap import ArgumentMap, MapError
from argmine.export.atomic import write_atomic
from argmine.export.readback import MAX_MAP_BYTES, check_size, read_limited

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(value: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", value)


def to_graph(amap: ArgumentMap) -> nx.DiGraph:
    """The GraphML-ready graph: contract attributes only, every node carrying its text."""
    g: nx.DiGraph[str] = nx.DiGraph(
        source=_xml_safe(amap.source), model=_xml_safe(amap.model), text=_xml_safe(amap.text)
    )
    for u in amap.units:
        if _XML_ILLEGAL.search(u.id):  # an id cannot be replaced like text without breaking its edges
            raise MapError(f"unit id {u.id!r} contains characters XML cannot carry")
        g.add_node(
            u.id,
            kind=u.kind,
            text=_xml_safe(amap.unit_text(u)),
            start=u.start,
            end=u.end,
            paragraph=u.paragraph,
            score=float(u.score),
            evidence_type=u.evidence_type,
            stance=u.stance,
        )
    for r in amap.relations:
        g.add_edge(r.source, r.target, relation=r.relation, score=float(r.score))
    return g


def to_graphml(amap: ArgumentMap) -> str:
    """Serialise `amap` as a GraphML document."""
    buf = io.BytesIO()
    nx.write_graphml(to_graph(amap), buf, encoding="utf-8", prettyprint=True)
    # XML readers turn "\r\n" and lone "\r" in text into "\n", which would shift every later offset;
    # a character reference survives. The writer itself emits no "\r", so every one is the user's.
    return buf.getvalue().decode("utf-8").replace("\r", "&#13;")


def from_graphml(data: str | bytes, *, max_bytes: int | None = MAX_MAP_BYTES) -> ArgumentMap:
    """Parse GraphML written by `to_graphml` back into an `ArgumentMap`, checked by `ArgumentMap.from_dict`:
    attributes must have the contract's types (`start` typed `string` is refused, not converted), a node's
    `text` must match its offsets, and the graph must be directed (`edgedefault="directed"`)."""
    check_size(data, max_bytes)
    try:
        with warnings.catch_warnings():  # networkx warns about yEd ports; the map does not need them
            warnings.simplefilter("ignore")
            # ElementTree parses bytes as well (the XML declaration then names the encoding); the stub says str.
            g = nx.parse_graphml(data, node_type=str)  # type: ignore[arg-type]
    except Exception as err:  # networkx raises bare XML, Key and Value errors on malformed input
        raise MapError(f"not valid GraphML: {type(err).__name__}: {' '.join(str(err).split())[:200]}") from None
    if not g.is_directed():
        # An undirected edge has no source and target: reading it either way round could reverse a relation.
        raise MapError('not an argmine GraphML map: the graph is undirected (it needs edgedefault="directed")')
    return ArgumentMap.from_dict(
        {
            "text": g.graph.get("text"),
            "source": g.graph.get("source", ""),
            "model": g.graph.get("model", ""),
            "units": [{**d, "id": node} for node, d in g.nodes(data=True)],
            "relations": [{**d, "source": s, "target": t} for s, t, d in g.edges(data=True)],
        }
    )


def write_graphml(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as GraphML, atomically."""
    write_atomic(path, to_graphml(amap))


def read_graphml(path: str | os.PathLike, *, max_bytes: int | None = MAX_MAP_BYTES) -> ArgumentMap:
    """Read a GraphML map written by `write_graphml`."""
    return from_graphml(read_limited(path, max_bytes), max_bytes=None)
