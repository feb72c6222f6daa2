"""AIF JSON, the Argument Interchange Format as AIFdb and OVA exchange it.

Mapping (argmine → AIF):

- each unit is an I-node (`type` "I") whose `text` is the unit's text;
- each `support` relation `a -> b` is an RA-node ("Default Inference") with edges `a -> RA -> b`;
- each `attack` relation `a -> b` is a CA-node ("Default Conflict") with edges `a -> CA -> b`;
- each unit is also what its author asserts, as OVA and AIFdb record a text: an L-node (`type` "L", the
  unit's text) with a YA-node ("Asserting") and edges `L -> YA -> I`, and one locution per L-node,
  `{"nodeID", "personID", "start", "end"}`, whose `start` and `end` are the unit's character offsets into the
  text (the one participant, `personID` "1", is the text's author: an essay is a monologue);
- `nodeID` and `edgeID` are decimal strings numbered from 1: I-nodes in reading order, then one S-node per
  relation, then each unit's L- and YA-node; edges carry `fromID`/`toID`;
- argmine's own data sits in keys AIF consumers ignore: a top-level `"argmine"` object (format, source,
  model, full text) and an `"argmine"` object on each I-node (unit id, kind, offsets, evidence type, stance,
  paragraph, score) and S-node (score). With them, `from_aif(to_aif(m)) == m`.

Reading AIF written elsewhere (no `argmine` data, or the xAIF wrapper `{"AIF": {...}}`): the I-nodes' texts
are joined by blank lines to make the text, the first I-node that is no premise of anything becomes the
`major_claim` and the others `claim`s; RA-nodes become supports and CA-nodes attacks from each of their
premises to their conclusion (an S-node with more than one conclusion is refused: AIF gives an inference or
a conflict one conclusion, and pairing every premise with every conclusion would be quadratic). Nodes of other types (L, YA, TA, MA, PA), the locutions, and relations that
target an S-node (undercuts) have no counterpart in an argument map and are skipped: argmine's own units
carry their offsets in their `argmine` data, which is what is read back.
"""

from __future__ import annotations

import json
import os

from argmine.argmap import ArgumentMap, MapError
from argmine.export.atomic import write_atomic
from argmine.export.readback import MAX_MAP_BYTES, check_size, load_json, read_limited

FORMAT = "argmine-aif/1"
SCHEME = {"support": ("RA", "Default Inference"), "attack": ("CA", "Default Conflict")}
ASSERTING = "Asserting"  # the YA-node (illocution) between a locution and what it asserts
AUTHOR = {"participantID": "1", "firstname": "Author", "surname": ""}
RELATION_OF = {"RA": "support", "CA": "attack"}


def to_aif_dict(amap: ArgumentMap) -> dict:
    """The AIF document for `amap` as plain data."""
    nodes: list[dict] = []
    edges: list[dict] = []
    node_id: dict[str, str] = {}
    for u in amap.units:
        nid = str(len(nodes) + 1)
        node_id[u.id] = nid
        extras = {
            "id": u.id,
            "kind": u.kind,
            "start": u.start,
            "end": u.end,
            "evidence_type": u.evidence_type,
            "stance": u.stance,
            "paragraph": u.paragraph,
            "score": u.score,
        }
        nodes.append({"nodeID": nid, "text": amap.unit_text(u), "type": "I", "argmine": extras})
    for r in amap.relations:
        kind, scheme = SCHEME[r.relation]
        sid = str(len(nodes) + 1)
        nodes.append({"nodeID": sid, "text": scheme, "type": kind, "argmine": {"score": r.score}})
        for a, b in ((node_id[r.source], sid), (sid, node_id[r.target])):
            edges.append({"edgeID": str(len(edges) + 1), "fromID": a, "toID": b})
    # Numbered after the I- and S-nodes, so that those keep the ids they had before locutions were written.
    locutions = []
    for u in amap.units:
        lid, yid = str(len(nodes) + 1), str(len(nodes) + 2)
        nodes.append({"nodeID": lid, "text": amap.unit_text(u), "type": "L"})
        nodes.append({"nodeID": yid, "text": ASSERTING, "type": "YA"})
        for a, b in ((lid, yid), (yid, node_id[u.id])):
            edges.append({"edgeID": str(len(edges) + 1), "fromID": a, "toID": b})
        locutions.append({"nodeID": lid, "personID": AUTHOR["participantID"], "start": u.start, "end": u.end})
    return {
        "nodes": nodes,
        "edges": edges,
        "locutions": locutions,
        "participants": [dict(AUTHOR)] if locutions else [],
        "argmine": {"format": FORMAT, "source": amap.source, "model": amap.model, "text": amap.text},
    }


def to_aif(amap: ArgumentMap) -> str:
    """Serialise `amap` as AIF JSON."""
    return json.dumps(to_aif_dict(amap), ensure_ascii=False, indent=1) + "\n"


def _load(data: str | bytes | dict, max_bytes: int | None) -> dict:
    if isinstance(data, dict):
        doc = data
    else:
        check_size(data, max_bytes)
        doc = load_json(data, "AIF JSON")
    if not isinstance(doc, dict):
        raise MapError("not an AIF document: the top level is not an object")
    body = doc.get("AIF") or doc.get("aif") or doc  # xAIF wraps the graph, AIFdb does not
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("nodes"), list)
        or not isinstance(body.get("edges"), list)
    ):
        raise MapError("not an AIF document: it needs `nodes` and `edges` lists")
    if "argmine" in doc and "argmine" not in body:
        body = {**body, "argmine": doc["argmine"]}
    return body


def _node_id(value: object, what: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)  # AIFdb numbers its nodes and edges
    if not isinstance(value, str):
        raise MapError(f"not an AIF map argmine can read: {what} must be a string or an integer")
    return value


class _Graph:
    """The nodes of an AIF body by id, and the edges into and out of each: built in one pass over each list."""

    def __init__(self, body: dict) -> None:
        self.nodes: dict[str, dict] = {}
        for n in body["nodes"]:
            if not isinstance(n, dict) or "nodeID" not in n:
                raise MapError("not an AIF map argmine can read: every node must be an object with a `nodeID`")
            nid = _node_id(n["nodeID"], "a nodeID")
            if nid in self.nodes:
                raise MapError(f"not an AIF map argmine can read: two nodes have the nodeID {nid!r}")
            if not isinstance(n.get("type", ""), str):
                raise MapError(f"not an AIF map argmine can read: node {nid!r} has a `type` that is not a string")
            self.nodes[nid] = n
        self.into: dict[str, list[str]] = {}
        self.out_of: dict[str, list[str]] = {}
        for e in body["edges"]:
            if not isinstance(e, dict) or "fromID" not in e or "toID" not in e:
                raise MapError("not an AIF map argmine can read: every edge must be an object with `fromID`, `toID`")
            a, b = _node_id(e["fromID"], "a fromID"), _node_id(e["toID"], "a toID")
            self.into.setdefault(b, []).append(a)
            self.out_of.setdefault(a, []).append(b)

    def type(self, nid: str) -> str:
        return self.nodes[nid].get("type", "") if nid in self.nodes else ""


def _relations(graph: _Graph, ids: dict[str, str]) -> list[dict]:
    """Relations from the RA- and CA-nodes; `ids` maps I-node ids to unit ids.

    An S-node stands for one inference or one conflict: its premises are the I-nodes with an edge into it,
    its conclusion the one I-node its edge leads to. One with several conclusions is refused rather than read
    as every premise relating to every conclusion, which is not what AIF means and would take work quadratic
    in the file. Edges to or from other S-nodes (undercuts, chained schemes) have no counterpart and are skipped.
    """
    relations = []
    seen = set()
    sids = [nid for nid, n in graph.nodes.items() if n.get("type", "") in RELATION_OF]
    for sid in sorted(sids, key=lambda s: (len(s), s)):
        conclusions = list(dict.fromkeys(ids[b] for b in graph.out_of.get(sid, []) if b in ids))
        if len(conclusions) > 1:
            raise MapError(
                f"not an AIF map argmine can read: {graph.type(sid)}-node {sid!r} has {len(conclusions)} "
                "conclusions (an inference or a conflict has one)"
            )
        premises = [ids[a] for a in graph.into.get(sid, []) if a in ids]
        if not conclusions or not premises:
            continue
        extras = graph.nodes[sid].get("argmine", {})
        if not isinstance(extras, dict):
            raise MapError(f"not an AIF map argmine can read: S-node {sid!r} has argmine data that is not an object")
        for premise in premises:
            pair = (premise, conclusions[0])
            if premise != conclusions[0] and pair not in seen:
                seen.add(pair)
                relations.append(
                    {
                        "source": premise,
                        "target": conclusions[0],
                        "relation": RELATION_OF[graph.type(sid)],
                        "score": extras.get("score", 1.0),
                    }
                )
    return relations


def from_aif(data: str | bytes | dict, *, max_bytes: int | None = MAX_MAP_BYTES) -> ArgumentMap:
    """Parse AIF JSON (written by `to_aif`, AIFdb or OVA) into an `ArgumentMap`, checked by
    `ArgumentMap.from_dict`."""
    body = _load(data, max_bytes)
    graph = _Graph(body)
    inodes = [(nid, n) for nid, n in graph.nodes.items() if n.get("type") == "I"]
    extras = body.get("argmine")
    if isinstance(extras, dict) and "text" in extras:
        units, ids = [], {}
        for nid, n in inodes:
            x = n.get("argmine")
            if not isinstance(x, dict):
                raise MapError(f"I-node {nid!r} lacks its argmine data")
            # The I-node's own text is what AIF tools show: it must be the text the offsets cover.
            units.append({**x, "text": n.get("text")})
            if "id" in x:
                ids[nid] = x["id"] if isinstance(x["id"], str) else str(x["id"])
        doc = {"text": extras["text"], "source": extras.get("source", ""), "model": extras.get("model", "")}
    else:
        doc, units, ids = _foreign_map(graph, inodes)
    return ArgumentMap.from_dict({**doc, "units": units, "relations": _relations(graph, ids)})


def _foreign_map(graph: _Graph, inodes: list[tuple[str, dict]]) -> tuple[dict, list[dict], dict[str, str]]:
    """The text, units and ids of a map over the I-node texts of AIF that argmine did not write."""
    premises = {
        a for sid, n in graph.nodes.items() if n.get("type", "") in RELATION_OF for a in graph.into.get(sid, [])
    }
    parts, spans = [], []
    pos = 0
    for nid, n in inodes:
        text = n.get("text", "")
        if not isinstance(text, str):
            raise MapError(f"not an AIF map argmine can read: I-node {nid!r} has a text that is not a string")
        text = text.strip()
        if not text:
            continue
        spans.append((nid, pos, pos + len(text)))
        parts.append(text)
        pos += len(text) + 2
    thesis = next((nid for nid, _, _ in spans if nid not in premises), None)
    units, ids = [], {}
    for i, (nid, start, end) in enumerate(spans):
        uid = f"n{nid}"
        kind = "major_claim" if nid == thesis else "claim"
        units.append({"id": uid, "start": start, "end": end, "kind": kind, "paragraph": i})
        ids[nid] = uid
    return {"text": "\n\n".join(parts)}, units, ids


def write_aif(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as AIF JSON, atomically."""
    write_atomic(path, to_aif(amap))


def read_aif(path: str | os.PathLike, *, max_bytes: int | None = MAX_MAP_BYTES) -> ArgumentMap:
    """Read an AIF JSON map."""
    return from_aif(read_limited(path, max_bytes), max_bytes=None)
