"""A self-contained HTML page: the essay with its units highlighted, and the argument map drawn beside it.

One file, no network: the stylesheet and the script are inlined from `html_assets/`, the map is an inline SVG
laid out here (an outline tree: the thesis on top, each unit's supporters and attackers indented under it,
supports with a green `+`, attacks with a red dashed link, a red `−` and the word "attacks"). Every unit
element, in the text pane and in the map, carries `data-unit-id` and `data-kind`; hovering, focusing or
clicking one highlights it in both panes, and a click scrolls the other pane to it. `#unit=<id>` at the end
of the page's address selects a unit on opening.

Safety: all user text (essay, ids, source name) is HTML-escaped, including inside attributes, and never
placed in the script or the stylesheet. A Content-Security-Policy meta tag allows only the page's own
inline script and stylesheet (by their sha256 hashes) and nothing else: no network, no other scripts, no
inline event handlers. Characters that HTML cannot carry (control characters other than tab and line breaks,
surrogates, U+FFFE/U+FFFF) are shown as U+FFFD, one for one, so offsets still line up.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import os
import re
import textwrap
from functools import cache
from importlib import resources

from argmine.argmap import ArgumentMap, Unit
from argmine.export.atomic import write_atomic
from argmine.graph.analysis import analyse
from argmine.graph.decode import thesis_of
from argmine.graph.tree import Step, outline

KIND_LABEL = {"major_claim": "MAJOR CLAIM", "claim": "CLAIM", "premise": "PREMISE", "evidence": "EVIDENCE"}
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

# Map geometry, in SVG user units (about pixels at the default width).
WIDTH = 600
PAD = 10
INDENT = 40
MIN_BOX = 220
HEAD_H = 20
LINE_H = 17
GAP = 12
CHAR_W = 7.0
MAX_LINES = 6


@cache
def _asset(name: str) -> str:
    return (resources.files("argmine.export") / "html_assets" / name).read_text(encoding="utf-8")


def _csp_hash(source: str) -> str:
    return (
        "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"
    )


def content_security_policy() -> str:
    """The page's policy: only its own inline stylesheet and script, nothing fetched, nothing else run."""
    return (
        f"default-src 'none'; style-src {_csp_hash(_asset('map.css'))}; "
        f"script-src {_csp_hash(_asset('map.js'))}; img-src 'none'; base-uri 'none'; form-action 'none'"
    )


def sanitize(text: str) -> str:
    """`text` with every character HTML cannot carry replaced by U+FFFD (same length, so offsets hold)."""
    return _UNSAFE.sub("\ufffd", text)


def esc(text: str) -> str:
    """`text` sanitised and escaped for HTML text and double-quoted attribute values."""
    return html.escape(sanitize(text), quote=True)


def _describe(unit: Unit) -> str:
    words = [KIND_LABEL[unit.kind].lower(), unit.id]
    if unit.evidence_type:
        words.append(f"({unit.evidence_type})")
    if unit.stance:
        words.append(f"[{unit.stance}]")
    return " ".join(words)


def _open(unit: Unit) -> str:
    return (
        f'<span class="unit k-{unit.kind}" data-unit-id="{esc(unit.id)}" data-kind="{unit.kind}" '
        f'tabindex="0" title="{esc(_describe(unit))}">'
    )


def essay_html(amap: ArgumentMap) -> str:
    """The text with one `<span>` per unit; overlapping units nest, or split where they cross."""
    text = sanitize(amap.text)
    units = amap.units
    cuts = sorted({0, len(text), *(u.start for u in units), *(u.end for u in units)})
    out: list[str] = []
    stack: list[Unit] = []
    for a, b in itertools.pairwise(cuts):
        # Longest first, so that a unit inside another nests within it.
        active = sorted(
            (u for u in units if u.start <= a and b <= u.end), key=lambda u: (u.start, -u.end, u.id)
        )
        keep = 0
        while keep < len(stack) and keep < len(active) and stack[keep].id == active[keep].id:
            keep += 1
        for _ in stack[keep:]:
            out.append("</span>")
        stack = stack[:keep]
        for u in active[keep:]:
            out.append(_open(u))
            stack.append(u)
        out.append(html.escape(text[a:b], quote=True))
    out.extend("</span>" for _ in stack)
    return "".join(out)


def _wrap(text: str, width_units: float, max_lines: int = MAX_LINES) -> list[str]:
    chars = max(12, int(width_units / CHAR_W))
    lines = textwrap.wrap(
        " ".join(sanitize(text).split()), chars, break_long_words=True, break_on_hyphens=False
    )
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: chars - 1].rstrip() + "…"
    return lines or [""]


def map_svg(amap: ArgumentMap) -> str:
    """The argument map as an inline SVG outline tree (see the module docstring)."""
    steps = outline(amap)
    thesis = thesis_of(amap.units)
    depth = max((s.depth for s in steps), default=0)
    width = max(WIDTH, PAD * 2 + depth * INDENT + MIN_BOX)
    boxes: list[tuple[Step, float, float, float, list[str]]] = []  # step, x, y, height, lines
    y = float(PAD)
    for step in steps:
        x = PAD + step.depth * INDENT
        text = amap.unit_text(step.unit)
        lines = ["(shown above) " + " ".join(text.split())] if step.repeat else [text]
        lines = _wrap(lines[0], width - PAD - x - 16, 1 if step.repeat else MAX_LINES)
        height = HEAD_H + LINE_H * len(lines) + 8
        if step.depth == 0 and boxes:
            y += GAP * 2  # a new tree
        boxes.append((step, x, y, height, lines))
        y += height + GAP
    total_h = max(y, 2 * PAD)

    # Links first so boxes draw over them. A link goes from a unit's left edge to the trunk under its parent.
    trail: list[tuple[float, float, float]] = []  # box (x, y, height) on the current path, by depth
    links: list[str] = []
    trunks: dict[tuple[float, float, float], float] = {}
    for step, x, y0, h, _ in boxes:
        del trail[step.depth :]
        if step.depth > 0 and trail:
            px, py, ph = trail[-1]
            trunk = px + 12
            mid = y0 + HEAD_H / 2 + 2
            trunks[(px, py, ph)] = max(trunks.get((px, py, ph), 0.0), mid)
            rel = step.via.relation if step.via else "support"
            links.append(f'<path class="edge {rel}" d="M{trunk:g} {mid:g} H{x:g}"/>')
            mark = "+" if rel == "support" else "−"
            cx = trunk
            links.append(
                f'<circle class="badge {rel}" cx="{cx:g}" cy="{mid:g}" r="7"/>'
                f'<text class="badge-mark" x="{cx:g}" y="{mid + 4:g}" text-anchor="middle">{mark}</text>'
            )
        trail.append((x, y0, h))
    trunk_paths = [
        f'<path class="trunk" d="M{px + 12:g} {py + ph:g} V{end:g}"/>' for (px, py, ph), end in trunks.items()
    ]

    nodes: list[str] = []
    for step, x, y0, h, lines in boxes:
        u = step.unit
        w = width - PAD - x
        is_thesis = thesis is not None and u.id == thesis.id and step.depth == 0
        head = "THESIS" if is_thesis else KIND_LABEL[u.kind]
        if u.evidence_type:
            head += f" · {u.evidence_type}"
        head += f" · {u.id}"
        if u.stance:
            head += f" · {u.stance}"
        classes = f"node k-{u.kind}" + (" repeat" if step.repeat else "") + (" thesis" if is_thesis else "")
        parts = [
            f'<g class="{classes}" data-unit-id="{esc(u.id)}" data-kind="{u.kind}" tabindex="0" role="button">',
            f"<title>{esc(_describe(u) + ': ' + amap.unit_text(u)[:1000])}</title>",
            f'<rect x="{x:g}" y="{y0:g}" width="{w:g}" height="{h:g}" rx="6"/>',
            f'<text class="head" x="{x + 8:g}" y="{y0 + 14:g}">{esc(_clip(head, int((w - 90) / 6.5)))}</text>',
        ]
        if step.via is not None:
            word = "supports ↑" if step.via.relation == "support" else "attacks ↑"
            parts.append(
                f'<text class="head rel-{step.via.relation}" x="{x + w - 8:g}" y="{y0 + 14:g}" '
                f'text-anchor="end">{word}</text>'
            )
        for i, line in enumerate(lines):
            parts.append(f'<text x="{x + 8:g}" y="{y0 + HEAD_H + 12 + i * LINE_H:g}">{esc(line)}</text>')
        parts.append("</g>")
        nodes.append("".join(parts))

    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {total_h:g}" '
        f'width="{width:g}" height="{total_h:g}" role="img" aria-label="Argument map">\n'
        + "\n".join(trunk_paths + links + nodes)
        + "\n</svg>"
    )


def _clip(text: str, limit: int) -> str:
    limit = max(limit, 8)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _header(amap: ArgumentMap) -> str:
    a = analyse(amap)
    counts = " · ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in a.kinds.items() if n)
    rel = f"{a.relation_types['support']} supports · {a.relation_types['attack']} attacks"
    thesis = f"Thesis: {amap.unit_text(a.thesis.id)}" if a.thesis else "No thesis (no major claim) found."
    legend = "".join(
        f'<span><i class="swatch k-{kind}"></i>{label.lower()}</span>' for kind, label in KIND_LABEL.items()
    )
    source = f'<p class="source">{esc(amap.source)}</p>' if amap.source else ""
    return (
        f"<header><h1>Argument map</h1>{source}"
        f'<p class="thesis">{esc(_clip(" ".join(thesis.split()), 300))}</p>'
        f'<p class="counts">{esc(counts or "no units")} · {esc(rel)} · depth {a.depth}</p>'
        f'<p class="legend">{legend}<span>hover or click a unit to find it in both panes</span></p></header>'
    )


def to_html(amap: ArgumentMap) -> str:
    """Serialise `amap` as one self-contained HTML page."""
    title = f"{amap.source} — argument map" if amap.source else "Argument map"
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="argmine">\n'
        f"<title>{esc(title)}</title>\n"
        f"<style>{_asset('map.css')}</style>\n"
        "</head>\n<body>\n"
        f"{_header(amap)}\n"
        "<main>\n"
        f'<section id="essay" class="pane" aria-label="Essay"><div class="text">{essay_html(amap)}</div></section>\n'
        f'<section id="map" class="pane" aria-label="Argument map">{map_svg(amap)}</section>\n'
        "</main>\n"
        f"<script>{_asset('map.js')}</script>\n"
        "</body>\n</html>\n"
    )


def write_html(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as a self-contained HTML page, atomically."""
    write_atomic(path, to_html(amap))
