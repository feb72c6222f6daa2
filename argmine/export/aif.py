"""AIF JSON, the Argument Interchange Format as AIFdb and OVA exchange it.

Mapping (argmine → AIF):

- each unit is an I-node (`type` "I") whose `text` is the unit's text;
- each `support` relation `a -> b` is an RA-node ("Default Inference") with edges `a -> RA -> b`;
- each `attack` relation `a -> b` is a CA-node ("Default Conflict") with edges `a -> CA -> b`;
- `nodeID` and `edgeID` are decimal strings numbered from 1 (I-nodes in reading order, then one S-node
  per relation); edges carry `fromID`/`toID`; `locutions` and `participants` are empty lists (an essay has
  no dialogue);
- argmine's own data sits in keys AIF consumers ignore: a top-level `"argmine"` object (format, source,
  model, full text) and an `"argmine"` object on each I-node (unit id, kind, offsets, evidence type, stance,
  paragraph, score) and S-node (score). With them, `from_aif(to_aif(m)) == m`.

Reading AIF written elsewhere (no `argmine` data, or the xAIF wrapper `{"AIF": {...}}`): the I-nodes' texts
are joined by blank lines to make the text, the first I-node that is no premise of anything becomes the
`major_claim` and the others `claim`s; RA-nodes become supports and CA-nodes attacks from each of their
premises to each of their conclusions. Nodes of other types (L, YA, TA, MA, PA) and relations that target an
S-node (undercuts) have no counterpart in an argument map and are skipped.
"""

from __future__ import annotations

import json
import os

from argmine.argmap import ArgumentMap, MapError, Relation, Unit
from argmine.export.atomic import write_atomic

FORMAT = "argmine-aif/1"
SCHEME = {"support": ("RA", "Default Inference"), "attack": ("CA", "Default Conflict")}
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
    return {
        "nodes": nodes,
        "edges": edges,
        "locutions": [],
        "participants": [],
        "argmine": {"format": FORMAT, "source": amap.source, "model": amap.model, "text": amap.text},
    }


def to_aif(amap: ArgumentMap) -> str:
    """Serialise `amap` as AIF JSON."""
    return json.dumps(to_aif_dict(amap), ensure_ascii=False, indent=1) + "\n"


def _load(data: str | bytes | dict) -> dict:
    if isinstance(data, dict):
        doc = data
    else:
        try:
            doc = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as err:
            raise MapError(f"not valid AIF JSON: {err}") from None
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


def _relations(body: dict, ids: dict[str, str]) -> list[Relation]:
    """Relations from the S-nodes of `body`; `ids` maps I-node ids to unit ids."""
    types = {str(n["nodeID"]): n.get("type", "") for n in body["nodes"]}
    scores = {str(n["nodeID"]): float((n.get("argmine") or {}).get("score", 1.0)) for n in body["nodes"]}
    into: dict[str, list[str]] = {}
    out_of: dict[str, list[str]] = {}
    for e in body["edges"]:
        a, b = str(e["fromID"]), str(e["toID"])
        if types.get(b) in RELATION_OF and a in ids:
            into.setdefault(b, []).append(ids[a])
        if types.get(a) in RELATION_OF and b in ids:
            out_of.setdefault(a, []).append(ids[b])
    relations = []
    seen = set()
    for sid in sorted(into, key=lambda s: (len(s), s)):
        for premise in into[sid]:
            for conclusion in out_of.get(sid, []):
                if premise != conclusion and (premise, conclusion) not in seen:
                    seen.add((premise, conclusion))
                    relations.append(Relation(premise, conclusion, RELATION_OF[types[sid]], scores[sid]))
    return relations


def from_aif(data: str | bytes | dict) -> ArgumentMap:
    """Parse AIF JSON (written by `to_aif`, AIFdb or OVA) into an `ArgumentMap`."""
    body = _load(data)
    extras = body.get("argmine")
    try:
        inodes = [n for n in body["nodes"] if n.get("type") == "I"]
        if isinstance(extras, dict) and "text" in extras:
            amap = ArgumentMap(extras["text"], source=extras.get("source", ""), model=extras.get("model", ""))
            ids = {}
            for n in inodes:
                x = n.get("argmine")
                if not isinstance(x, dict):
                    raise MapError(f"I-node {n['nodeID']!r} lacks its argmine data")
                unit = Unit(
                    id=str(x["id"]),
                    start=int(x["start"]),
                    end=int(x["end"]),
                    kind=x["kind"],
                    evidence_type=x.get("evidence_type", ""),
                    stance=x.get("stance", ""),
                    paragraph=int(x.get("paragraph", 0)),
                    score=float(x.get("score", 1.0)),
                )
                amap.add_unit(unit)
                if n.get("text") != amap.unit_text(unit):
                    raise MapError(
                        f"I-node {n['nodeID']!r}: its text does not match offsets {unit.start}:{unit.end}"
                    )
                ids[str(n["nodeID"])] = unit.id
        else:
            amap, ids = _foreign_map(body, inodes)
        for rel in _relations(body, ids):
            amap.add_relation(rel)
    except (KeyError, TypeError, ValueError) as err:
        if isinstance(err, MapError):
            raise
        raise MapError(f"not an AIF map argmine can read: {type(err).__name__}: {err}") from None
    return amap


def _foreign_map(body: dict, inodes: list[dict]) -> tuple[ArgumentMap, dict[str, str]]:
    """A map over the I-node texts of AIF that argmine did not write."""
    premises = set()
    types = {str(n["nodeID"]): n.get("type") for n in body["nodes"]}
    for e in body["edges"]:
        if types.get(str(e["toID"])) in RELATION_OF:
            premises.add(str(e["fromID"]))
    parts, spans = [], []
    pos = 0
    for n in inodes:
        text = str(n.get("text", "")).strip()
        if not text:
            continue
        spans.append((str(n["nodeID"]), pos, pos + len(text)))
        parts.append(text)
        pos += len(text) + 2
    amap = ArgumentMap("\n\n".join(parts))
    thesis = next((nid for nid, _, _ in spans if nid not in premises), None)
    ids = {}
    for i, (nid, start, end) in enumerate(spans):
        uid = f"n{nid}"
        amap.add_unit(Unit(uid, start, end, "major_claim" if nid == thesis else "claim", paragraph=i))
        ids[nid] = uid
    return amap, ids


def write_aif(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as AIF JSON, atomically."""
    write_atomic(path, to_aif(amap))


def read_aif(path: str | os.PathLike) -> ArgumentMap:
    """Read an AIF JSON map."""
    with open(path, "rb") as fh:
        return from_aif(fh.read())
