"""Mermaid: a `flowchart` that GitHub, GitLab and most Markdown viewers draw (write-only).

Nodes are `n1`, `n2`, ... in reading order (unit ids may be anything; Mermaid ids may not). The thesis is a
stadium-shaped node on top, other units boxes; `classDef`s colour them by kind. Supports are solid arrows
labelled `supports`, attacks dotted arrows labelled `attacks` and coloured red with `linkStyle`. The layout
is the Graphviz drawing's (`argmine.export.drawing.columns`): units under the thesis head columns with their
premises and evidence beneath (held there by invisible `~~~` links), wrapped into rows that hang from a
`THESIS · id, continued` box (`c1`, `c2`, ...); units not linked to the thesis come under `o0`.

Labels are double-quoted, and every character that could end the string or be read as markup is written as
a Mermaid entity code: `#quot;` `#amp;` `#lt;` `#gt;` and `#<decimal>;` for `#` `[` `]` `(` `)` `{` `}` `|`
`;` `` ` `` `*` `_` `~` `\\` `%` and `$` (with a word joiner, U+2060, between two dollars so that
Mermaid does not typeset `$$...$$` as maths). Line breaks and control characters become spaces; the label is
the head line (kind and id), `<br>`, then the unit's full text (never cut: the facts that matter are often at
the end), which Mermaid wraps to its box.
"""

from __future__ import annotations

import os

from argmine.argmap import ArgumentMap
from argmine.export import drawing
from argmine.export.atomic import write_atomic
from argmine.export.drawing import clean as _clean

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


LEGEND = {"major_claim": "lg1", "claim": "lg2", "premise": "lg3", "evidence": "lg4"}


def _label(amap: ArgumentMap, unit_id: str, is_thesis: bool) -> str:
    unit = amap.unit(unit_id)
    # Mermaid wraps a label to its box (200 px) itself: breaking lines here too would break them twice.
    lines = [f"{drawing.head(unit, is_thesis)} · {unit.id}", _clean(amap.unit_text(unit))]
    return "<br>".join(escape(line) for line in lines)


def to_mermaid(amap: ArgumentMap) -> str:
    """Serialise `amap` as a Mermaid flowchart, laid out in columns (`argmine.export.drawing.columns`)."""
    scene = drawing.scene(amap)
    thesis, node = scene.thesis, scene.name
    out = ["flowchart BT"]
    for u in amap.units:
        is_thesis = scene.is_thesis(u)
        open_, close = ('(["', '"])') if is_thesis else ('["', '"]')
        out.append(f"  {node[u.id]}{open_}{_label(amap, u.id, is_thesis)}{close}")
    # Later rows hang from a "continued" box under the row above (as in the Graphviz drawing), so that
    # a thesis with 27 claims is not drawn as one 27-box strip.
    helpers: list[str] = []
    for anchor in scene.anchors:
        if anchor.role == "continued":
            assert thesis is not None
            out.append(f'  {anchor.name}(["{escape(f"THESIS · {thesis.id}, continued")}"])')
        elif anchor.role == "unlinked":
            out.append(f'  {anchor.name}["{"not linked to the thesis" if anchor.name == "o0" else "(continued)"}"]')
        else:
            continue
        helpers.append(anchor.name)
    links: list[str] = []  # every link in order: `linkStyle` refers to links by their number
    attacks: list[str] = []
    for r in amap.relations:
        arrow = "-->|supports|" if r.relation == "support" else "-.->|attacks|"
        if r.relation == "attack":
            attacks.append(str(len(links)))
        links.append(f"  {node[r.source]} {arrow} {scene.target(r)}")
    # Invisible links (`~~~`; in a bottom-to-top chart a link's source is drawn below its target) stack each
    # column and put every row below the longest column of the row above.
    for above, below in zip(scene.anchors, scene.anchors[1:]):
        links += [f"  {below.name} ~~~ {node[column[-1]]}" for column in above.row.columns]
        if below.role == "unlinked":
            links += [f"  {node[column[0]]} ~~~ {below.name}" for column in below.row.columns]
    for anchor in scene.anchors:
        for column in anchor.row.columns:
            links += [f"  {node[lower]} ~~~ {node[upper]}" for upper, lower in zip(column, column[1:])]
    out += links
    # The legend: a small chart of its own naming the kinds (in their colours) and the two link styles.
    attacks.append(str(len(links) + 1))
    out += [
        '  subgraph legend ["Legend: arrows point at what a unit supports or attacks"]',
        '    lg1(["THESIS / MAJOR CLAIM"])',
        '    lg2["CLAIM"]',
        '    lg3["PREMISE"]',
        '    lg4["EVIDENCE · type"]',
        "    lg2 -->|supports| lg1",
        "    lg3 -.->|attacks| lg2",
        "    lg4 -->|supports| lg2",
        "  end",
    ]
    for kind, style in CLASS_DEF.items():
        out.append(f"  classDef {kind} {style}")
    out.append(f"  classDef helper fill:#ffffff,stroke:{drawing.HELPER_LINE},stroke-dasharray:4 3,color:#374151")
    for kind in CLASS_DEF:
        members = [node[u.id] for u in amap.units if u.kind == kind] + [LEGEND[kind]]
        if members:
            out.append(f"  class {','.join(members)} {kind}")
    if helpers:
        out.append(f"  class {','.join(helpers)} helper")
    if attacks:  # always: the legend has one
        red = drawing.RELATION_COLOUR["attack"]
        out.append(f"  linkStyle {','.join(attacks)} stroke:{red},stroke-width:2px,color:{red}")
    return "\n".join(out) + "\n"


def to_markdown(amap: ArgumentMap) -> str:
    """The flowchart inside a ```mermaid fence, ready to paste into a GitHub issue or README."""
    return f"```mermaid\n{to_mermaid(amap)}```\n"


def write_mermaid(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as a Mermaid flowchart, atomically."""
    write_atomic(path, to_mermaid(amap))
