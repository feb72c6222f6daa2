"""How large unit text shows when a map's SVG drawing is scaled to a screen width (issue 18).

For every `corpus/*.json` op-ed (drawn from its gold map) and for any text given on the command line (mapped
with the default model), draw the SVG with Graphviz and report the smallest effective text size: the font
size of each `<text>` element times 1,600 px over the drawing's width (its viewBox), i.e. the size in CSS
pixels when the picture is shown 1,600 px wide. Legible means 9 px or more.

    python benchmarks/drawings.py [TEXT ...] [--width 1600]

Third-party texts passed here are only read; nothing is written next to them.
"""

from __future__ import annotations

import argparse
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

SVG = "{http://www.w3.org/2000/svg}"
LEGIBLE = 9.0
_SCALE = re.compile(r"scale\(\s*([\d.]+)(?:[\s,]+([\d.]+))?\s*\)")


def text_sizes(svg: str, width: float = 1600) -> tuple[float, list[tuple[float, str]]]:
    """The drawing's width in user units, and (effective px, text) for every `<text>` element.

    The effective size is the element's font size (Graphviz writes it on each `<text>`) times the scale of
    the enclosing groups, times `width` over the viewBox width.
    """
    root = ET.fromstring(svg)
    box = root.get("viewBox")
    view_w = float(box.split()[2]) if box else float(re.sub(r"[a-z]+$", "", root.get("width")))
    out: list[tuple[float, str]] = []

    def walk(el: ET.Element, scale: float) -> None:
        m = _SCALE.search(el.get("transform") or "")
        if m:
            scale *= float(m.group(1))
        if el.tag == SVG + "text":
            size = float(el.get("font-size") or 14)
            out.append((size * scale * width / view_w, "".join(el.itertext())))
        for child in el:
            walk(child, scale)

    walk(root, 1.0)
    return view_w, out


def unit_text_sizes(svg: str, width: float = 1600) -> list[float]:
    """Effective sizes of the text inside unit boxes (`g.node.unit`) only."""
    root = ET.fromstring(svg)
    view_w = float(root.get("viewBox").split()[2])
    sizes = []
    for g in root.iter(SVG + "g"):
        if "unit" in (g.get("class") or "").split():
            sizes += [float(t.get("font-size")) * width / view_w for t in g.iter(SVG + "text")]
    return sizes


def main(argv: list[str] | None = None) -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from argmine.export import dot, json

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("texts", nargs="*", help="texts to map with the default model and measure too")
    ap.add_argument("--width", type=float, default=1600)
    args = ap.parse_args(argv)
    corpus = Path(__file__).resolve().parent.parent / "corpus"
    maps = [(p.name, json.read_json(p)) for p in sorted(corpus.glob("*.json"))]
    if args.texts:
        from argmine import map_text  # noqa: PLC0415 (loads the model only when asked to)

        for t in args.texts:
            maps.append((Path(t).name, map_text(Path(t).read_text(encoding="utf-8"), source=t)))
    print(f"{'op-ed':34} {'units':>5} {'width pt':>9} {'unit text px':>13} {'all text px':>12}")
    worst = float("inf")
    for name, amap in maps:
        svg = dot.to_svg(amap)
        view_w, sizes = text_sizes(svg, args.width)
        unit = min(unit_text_sizes(svg, args.width))
        every = min(s for s, _ in sizes)
        worst = min(worst, every)
        print(f"{name:34} {len(amap):5} {view_w:9.0f} {unit:13.1f} {every:12.1f}")
    print(f"smallest text at {args.width:g} px wide: {worst:.1f} px ({'legible' if worst >= LEGIBLE else 'TOO SMALL'})")
    return 0 if worst >= LEGIBLE else 1


if __name__ == "__main__":
    sys.exit(main())
