"""Mermaid: a `flowchart` that GitHub, GitLab and most Markdown viewers draw (write-only).

Nodes are `n1`, `n2`, ... in reading order (unit ids may be anything; Mermaid ids may not). The thesis is a
stadium-shaped node on top, other units boxes; `classDef`s colour them by kind. Supports are solid arrows
labelled `supports`, attacks dotted arrows labelled `attacks` and coloured red with `linkStyle`.

Labels are double-quoted, and every character that could end the string or be read as markup is written as
a Mermaid entity code: `#quot;` `#amp;` `#lt;` `#gt;` and `#<decimal>;` for `#` `[` `]` `(` `)` `{` `}` `|`
`;` `` ` `` `*` `_` `~` `\\` `%` and `$` (with a word joiner, U+2060, between two dollars so that
Mermaid does not typeset `$$...$$` as maths). Line breaks and control characters become spaces; the full text
is wrapped at `WRAP` characters with `<br>` (never cut: the facts that matter are often at the end), as in the
Graphviz drawing (`argmine.export.drawing`).
"""

from __future__ import annotations

import os

from argmine.argmap import ArgumentMap
from argmine.export import drawing
from argmine.export.atomic import write_atomic
from argmine.export.drawing import clean as _clean
from argmine.graph.decode import thesis_of

WRAP = 40
_NAMED = {'"': "#quot;", "&": "#amp;", "<": "#lt;", ">": "#gt;"}
_CODED = "#[](){}|;`*_~\\%$"
_ESCAPES = {**_NAMED, **{c: f"#{ord(c)};" for c in _CODED}}
CLASS_DEF = {
    kind: f"fill:{drawing.KIND_FILL[kind]},stroke:{drawing.KIND_LINE[kind]},"
    + ("stroke-width:2px," if kind == "major_claim" else "")
    + "color:#1f2937"
    for kind in drawing.KIND_FILL
}


def escape(text: str) -> str:
    """`text` on one line with every character Mermaid could read as syntax written as an entity code."""
    # Mermaid typesets `$$...$$` as KaTeX even when the dollars are entity codes; an invisible word joiner
    # between two dollars keeps them text.
    text = _clean(text).replace("$$", "$\u2060$").replace("$$", "$\u2060$")
    return "".join(_ESCAPES.get(c, c) for c in text)


def _label(amap: ArgumentMap, unit_id: str, is_thesis: bool) -> str:
    unit = amap.unit(unit_id)
    lines = [f"{drawing.head(unit, is_thesis)} · {unit.id}", *drawing.wrap(amap.unit_text(unit), WRAP)]
    return "<br>".join(escape(line) for line in lines)


def to_mermaid(amap: ArgumentMap) -> str:
    """Serialise `amap` as a Mermaid flowchart."""
    thesis = thesis_of(amap.units)
    node = {u.id: f"n{i + 1}" for i, u in enumerate(amap.units)}
    out = ["flowchart BT"]
    for u in amap.units:
        is_thesis = thesis is not None and u.id == thesis.id
        open_, close = ('(["', '"])') if is_thesis else ('["', '"]')
        out.append(f"  {node[u.id]}{open_}{_label(amap, u.id, is_thesis)}{close}")
    attacks = []
    for i, r in enumerate(amap.relations):
        arrow = "-->|supports|" if r.relation == "support" else "-.->|attacks|"
        out.append(f"  {node[r.source]} {arrow} {node[r.target]}")
        if r.relation == "attack":
            attacks.append(str(i))
    for kind, style in CLASS_DEF.items():
        out.append(f"  classDef {kind} {style}")
    for kind in CLASS_DEF:
        members = [node[u.id] for u in amap.units if u.kind == kind]
        if members:
            out.append(f"  class {','.join(members)} {kind}")
    if attacks:
        out.append(f"  linkStyle {','.join(attacks)} stroke:#dc2626,stroke-width:2px,color:#dc2626")
    return "\n".join(out) + "\n"


def to_markdown(amap: ArgumentMap) -> str:
    """The flowchart inside a ```mermaid fence, ready to paste into a GitHub issue or README."""
    return f"```mermaid\n{to_mermaid(amap)}```\n"


def write_mermaid(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as a Mermaid flowchart, atomically."""
    write_atomic(path, to_mermaid(amap))
