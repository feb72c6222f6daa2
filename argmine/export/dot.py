"""Graphviz: DOT source, and SVG or PNG drawn by the `dot` program when Graphviz is installed.

The layout stays readable for a long op-ed (`argmine.export.drawing.columns`): the thesis on top, every
unit directly under it heading a column, with that unit's premises and evidence stacked beneath it in
outline order; columns are wrapped into rows of at most `drawing.COLUMNS_PER_ROW`, and the rows after the
first hang from a "THESIS, continued" box so that no arrow has to cross a row. Units not linked to the
thesis come last, under a box saying so. A legend (top left) shows the kinds and the two relation styles.

Nodes are boxes coloured by kind (thesis and major claims purple, claims blue, premises grey-blue, evidence
green) with their full text, wrapped at `WRAP` characters and left-aligned, escaped for DOT strings
(backslashes, quotes; control characters become spaces). Supports are solid green arrows, attacks dashed
red ones with a bar; arrows point at what they support or attack. Nodes are named `n1`, `n2`, ... in
reading order; the unit id is shown in the label. Unit nodes carry the SVG class `unit`, the helper boxes
`connector` or `legend`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess

from argmine.argmap import ArgumentMap
from argmine.errors import OutputError
from argmine.export import drawing
from argmine.export.atomic import write_atomic
from argmine.export.drawing import HELPER_LINE, KIND_FILL, KIND_LINE, RELATION_COLOUR, clean

WRAP = 40
FONT_SIZE = 14
NODE_WIDTH = 4.3  # inches: every box as wide as a wrapped line, so that columns line up
TIMEOUT = 60
EDGE_STYLE = {
    "support": f'color="{RELATION_COLOUR["support"]}", style=solid, arrowtail=normal, penwidth=1.4',
    "attack": f'color="{RELATION_COLOUR["attack"]}", style=dashed, arrowtail=tee, penwidth=1.8',
}


class GraphvizError(OutputError):
    """Graphviz is not installed, or its `dot` program failed to draw the map."""


def _escape(text: str) -> str:
    return clean(text).replace("\\", "\\\\").replace('"', '\\"')


def quote(text: str) -> str:
    """`text` as a double-quoted DOT string (for ids and plain attributes)."""
    return '"' + _escape(text) + '"'


def label(lines: list[str], align: str = "n") -> str:
    """A DOT label showing `lines`, centred (`align="n"`) or left-aligned (`"l"`), with nothing read as an
    escape sequence."""
    end = "\\l" if align == "l" else "\\n"
    body = end.join(_escape(s) for s in lines)
    return '"' + body + ("\\l" if align == "l" else "") + '"'


def node_lines(amap: ArgumentMap, unit_id: str, is_thesis: bool) -> list[str]:
    """A unit's box: its head line (kind and id), then its full text wrapped at `WRAP` characters."""
    unit = amap.unit(unit_id)
    return [f"{drawing.head(unit, is_thesis)} ({unit.id})", *drawing.wrap(amap.unit_text(unit), WRAP)]


def _legend() -> str:
    """One box (an HTML-like label with fixed text only) naming the kinds and the two relation styles."""
    cells = "".join(
        f'<TD BGCOLOR="{KIND_FILL[kind]}" COLOR="{KIND_LINE[kind]}" BORDER="1" STYLE="rounded">{text}</TD>'
        for kind, text in (
            ("major_claim", "THESIS / MAJOR CLAIM"),
            ("claim", "CLAIM"),
            ("premise", "PREMISE"),
            ("evidence", "EVIDENCE · type"),
        )
    )
    support, attack = RELATION_COLOUR["support"], RELATION_COLOUR["attack"]
    relations = (
        f'<TD COLSPAN="2"><FONT COLOR="{support}">&#9664;&#9472;&#9472;&#9472; supports (solid green)</FONT></TD>'
        f'<TD COLSPAN="2"><FONT COLOR="{attack}">&#8866; &#8211; &#8211; &#8211; attacks (dashed red)</FONT></TD>'
    )
    table = (
        '<<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="4">'
        f'<TR><TD COLSPAN="4" ALIGN="LEFT"><B>Legend</B> — arrows point at what a unit supports or attacks</TD></TR>'
        f"<TR>{cells}</TR><TR>{relations}</TR></TABLE>>"
    )
    return f'  legend [shape=plain, style="", fontsize=14, label={table}, class="legend"];'


def to_dot(amap: ArgumentMap) -> str:
    """Serialise `amap` as a DOT digraph (the column layout described in the module docstring)."""
    scene = drawing.scene(amap)
    thesis, name = scene.thesis, scene.name
    title = amap.source or "argument map"
    out = [
        "digraph argmap {",
        f'  graph [rankdir=TB, nodesep=0.3, ranksep=0.35, fontname="Helvetica", fontsize=18, '
        f"label={quote(title)}, labelloc=t, labeljust=l];",
        f'  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize={FONT_SIZE}, '
        f'margin="0.12,0.07", width={NODE_WIDTH}];',
        f'  edge [fontname="Helvetica", fontsize=12, dir=back];',
        _legend(),
    ]
    for u in amap.units:
        is_thesis = scene.is_thesis(u)
        attrs = [
            f"label={label(node_lines(amap, u.id, is_thesis), 'l')}",
            f'fillcolor="{KIND_FILL[u.kind]}"',
            f'color="{KIND_LINE[u.kind]}"',
            f"tooltip={quote(amap.unit_text(u)[:1000])}",
            f'class="unit kind-{u.kind}"',
        ]
        if is_thesis:
            attrs.append("penwidth=2.5")
        out.append(f"  {name[u.id]} [{', '.join(attrs)}];")

    # Rows hang from anchors: the thesis, a "continued" box, or an invisible point. A row's anchor sits
    # below the bottom of every column of the row above (invisible edges), so rows never overlap and no
    # arrow crosses a row; inside a column an invisible chain (heavy weight) keeps the units stacked.
    for anchor in scene.anchors:
        if anchor.role == "continued":
            assert thesis is not None
            out.append(
                f"  {anchor.name} [label={label([f'THESIS ({thesis.id}), continued'])}, "
                f'fillcolor="{KIND_FILL["major_claim"]}", color="{KIND_LINE["major_claim"]}", '
                'style="rounded,filled,dashed", width=3, class="connector"];'
            )
        elif anchor.role == "unlinked":
            if anchor.name == "o0" and thesis is not None:
                out.append(
                    f'  {anchor.name} [label="NOT LINKED TO THE THESIS", fillcolor="#ffffff", color="{HELPER_LINE}", '
                    'style="rounded,dashed", width=3, class="connector"];'
                )
            else:
                out.append(f"  {anchor.name} [shape=point, style=invis, width=0];")
            for column in anchor.row.columns:
                out.append(f"  {anchor.name} -> {name[column[0]]} [style=invis];")
    if thesis is not None:
        out.append(f"  {{ rank=same; legend; {name[thesis.id]}; }}")
        out.append(f"  legend -> {name[thesis.id]} [style=invis, dir=forward];")
    for above, below in zip(scene.anchors, scene.anchors[1:]):
        for column in above.row.columns:
            bottom = name[column[-1]]
            out.append(f"  {bottom} -> {below.name} [style=invis, weight=0];")
        # Each row's first column straight under the one above: rows start at the left edge, not adrift.
        out.append(f"  {name[above.row.columns[0][-1]]} -> {name[below.row.columns[0][0]]} [style=invis, weight=50];")
    adjacent: set[tuple[str, str]] = set()
    for anchor in scene.anchors:
        row_heads = [name[c[0]] for c in anchor.row.columns]
        if len(row_heads) > 1:  # columns left to right in reading order
            out.append(f"  {{ rank=same; {' -> '.join(row_heads)} [style=invis]; }}")
        for column in anchor.row.columns:
            for upper, lower in zip(column, column[1:]):
                out.append(f"  {name[upper]} -> {name[lower]} [style=invis, weight=20];")
                adjacent.add((upper, lower))
    heads = {c[0] for anchor in scene.anchors for c in anchor.row.columns}
    for r in amap.relations:
        # Only a head's arrow to the thesis places it (one rank under its anchor); inside a column the
        # invisible chain does, and the arrows run down the column's side; a second target never moves a
        # box. No arrow pulls boxes sideways (weight=0): the columns alone decide where boxes go.
        if r.source in heads and scene.to_thesis(r):
            extra = ", weight=0"
        elif (r.target, r.source) in adjacent:  # straight down to the box right under it
            extra = ", constraint=false, weight=0, tailport=s, headport=n"
        else:
            extra = ", constraint=false, weight=0, tailport=e, headport=e"
        out.append(f"  {scene.target(r)} -> {name[r.source]} [{EDGE_STYLE[r.relation]}{extra}, class={r.relation}];")
    out.append("}")
    return "\n".join(out) + "\n"


def graphviz_available() -> bool:
    """Whether Graphviz's `dot` program is on the PATH."""
    return shutil.which("dot") is not None


def render(source: str, fmt: str) -> bytes:
    """Run Graphviz `dot` on DOT `source` and return the drawing in `fmt` (`svg`, `png`, ...)."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizError(
            f"cannot write {fmt.upper()}: Graphviz's `dot` program is not installed "
            "(install Graphviz, e.g. `apt-get install graphviz`, or export DOT with -f dot)"
        )
    try:
        proc = subprocess.run(
            [exe, f"-T{fmt}"], input=source.encode("utf-8"), capture_output=True, timeout=TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        raise GraphvizError(f"Graphviz took longer than {TIMEOUT} s to draw the map") from None
    if proc.returncode != 0 or not proc.stdout:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GraphvizError(f"Graphviz failed: {message[0] if message else f'exit code {proc.returncode}'}")
    return proc.stdout


_SVG_COMMENT = re.compile(rb"<!-- Generated by graphviz[^>]*-->\n?")


def to_svg(amap: ArgumentMap) -> str:
    """The map drawn by Graphviz as SVG (needs Graphviz)."""
    # Graphviz stamps its version into a comment; dropping it keeps output identical across machines.
    return _SVG_COMMENT.sub(b"", render(to_dot(amap), "svg")).decode("utf-8")


def to_png(amap: ArgumentMap) -> bytes:
    """The map drawn by Graphviz as PNG (needs Graphviz)."""
    return render(to_dot(amap), "png")


def write_dot(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as DOT, atomically."""
    write_atomic(path, to_dot(amap))


def write_svg(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as SVG via Graphviz, atomically."""
    write_atomic(path, to_svg(amap))


def write_png(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as PNG via Graphviz, atomically."""
    write_atomic(path, to_png(amap))
