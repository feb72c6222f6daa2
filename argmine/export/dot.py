"""Graphviz: DOT source, and SVG or PNG drawn by the `dot` program when Graphviz is installed.

Nodes are boxes coloured by kind (thesis and major claims purple, claims blue, premises grey-blue, evidence
green, with the evidence type under the text); supports are solid green arrows, attacks dashed red ones.
The graph is drawn bottom-up (`rankdir=BT`) so the thesis sits on top and arrows point at what they
support or attack. Unit text is wrapped, clipped to `MAX_LABEL` characters and escaped for DOT strings
(backslashes, quotes; control characters become spaces). Nodes are named `n1`, `n2`, ... in reading order;
the unit id is shown in the label.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import textwrap
import unicodedata

from argmine.argmap import ArgumentMap
from argmine.export.atomic import write_atomic
from argmine.graph.decode import thesis_of

MAX_LABEL = 200
WRAP = 36
TIMEOUT = 60
KIND_FILL = {"major_claim": "#e9d5ff", "claim": "#bfdbfe", "premise": "#e2e8f0", "evidence": "#bbf7d0"}
KIND_LINE = {"major_claim": "#7e22ce", "claim": "#1d4ed8", "premise": "#475569", "evidence": "#15803d"}
EDGE_STYLE = {
    "support": 'color="#15803d", style=solid, arrowhead=normal',
    "attack": 'color="#dc2626", style=dashed, arrowhead=tee, penwidth=1.6',
}


class GraphvizError(ValueError):
    """Graphviz is not installed, or its `dot` program failed to draw the map."""


def _clean(text: str) -> str:
    # XML (and so SVG) cannot carry control characters, surrogates or U+FFFE/U+FFFF at all.
    chars = (
        " " if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in "\ufffe\uffff" else c for c in text
    )
    return " ".join("".join(chars).split())


def quote(text: str) -> str:
    """`text` as a double-quoted DOT string (for ids and plain attributes)."""
    return '"' + _clean(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def label(lines: list[str]) -> str:
    """A DOT label showing `lines` centred, one per line, with nothing read as an escape sequence."""
    return '"' + "\\n".join(_clean(s).replace("\\", "\\\\").replace('"', '\\"') for s in lines) + '"'


def _node_lines(amap: ArgumentMap, unit_id: str, is_thesis: bool) -> list[str]:
    unit = amap.unit(unit_id)
    text = _clean(amap.unit_text(unit))
    if len(text) > MAX_LABEL:
        text = text[: MAX_LABEL - 1].rstrip() + "…"
    head = "THESIS" if is_thesis else unit.kind.replace("_", " ").upper()
    if unit.kind == "evidence" and unit.evidence_type:
        head += f" · {unit.evidence_type}"
    return [f"{head} ({unit.id})", *textwrap.wrap(text, WRAP, break_long_words=True, break_on_hyphens=False)]


def to_dot(amap: ArgumentMap) -> str:
    """Serialise `amap` as a DOT digraph."""
    thesis = thesis_of(amap.units)
    title = amap.source or "argument map"
    out = [
        "digraph argmap {",
        f'  graph [rankdir=BT, nodesep=0.35, ranksep=0.5, fontname="Helvetica", label={quote(title)}, labelloc=t];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11, margin="0.15,0.08"];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    # Nodes are named n1, n2, ... in reading order: unit ids may hold anything, DOT names should not.
    name = {u.id: f"n{i + 1}" for i, u in enumerate(amap.units)}
    for u in amap.units:
        is_thesis = thesis is not None and u.id == thesis.id
        attrs = [
            f"label={label(_node_lines(amap, u.id, is_thesis))}",
            f'fillcolor="{KIND_FILL[u.kind]}"',
            f'color="{KIND_LINE[u.kind]}"',
            f"tooltip={quote(amap.unit_text(u)[:1000])}",
            f'class="unit kind-{u.kind}"',
        ]
        if is_thesis:
            attrs.append("penwidth=2.5")
        out.append(f"  {name[u.id]} [{', '.join(attrs)}];")
    for r in amap.relations:
        out.append(f"  {name[r.source]} -> {name[r.target]} [{EDGE_STYLE[r.relation]}, class={r.relation}];")
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
