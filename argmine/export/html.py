"""A self-contained HTML page: the essay with its units highlighted, and the argument map beside it.

One file, no network: the stylesheet and the script are inlined from `html_assets/`. The map is an outline
tree of boxes (the thesis on top, each unit's supporters and attackers indented under it, supports marked
with a green `+ supports`, attacks with a red `− attacks` and a dashed line), each box showing the unit's
full text (clamped to a few lines until hovered, focused or selected).

What the page lets a reader do (`map.js`): zoom (buttons, Ctrl+wheel, `+` `-` `0` keys) and pan (drag or
scroll) the map; collapse and expand any unit's subtree (its ▾ button); filter units by kind, evidence type
and stance, and hide units whose score is under a threshold (slider); see the text left out of the map
(sentences no unit overlaps, `argmine.graph.coverage`) greyed and dashed in the essay, counted in the
header. Every unit element, in the text pane and in the map, carries `data-unit-id` and `data-kind`;
hovering, focusing or clicking one highlights it in both panes, and a click scrolls the other pane to it.
`#unit=<id>` at the end of the page's address selects a unit on opening. Everything works from the keyboard:
controls are buttons and form fields in tab order, unit boxes are focusable and Enter or Space selects one.

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
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources

from argmine.argmap import ArgumentMap, Unit
from argmine.export.atomic import write_atomic
from argmine.graph.analysis import analyse
from argmine.graph.confidence import UNCERTAIN, is_uncertain, score_text
from argmine.graph.coverage import coverage
from argmine.graph.decode import thesis_of
from argmine.graph.tree import outline

KIND_LABEL = {"major_claim": "MAJOR CLAIM", "claim": "CLAIM", "premise": "PREMISE", "evidence": "EVIDENCE"}
_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")

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
    if is_uncertain(unit):
        words.append(f"uncertain (score {score_text(unit.score)})")
    return " ".join(words)


def _open(unit: Unit) -> str:
    uncertain = " uncertain" if is_uncertain(unit) else ""
    return (
        f'<span class="unit k-{unit.kind}{uncertain}" data-unit-id="{esc(unit.id)}" data-kind="{unit.kind}" '
        f'tabindex="0" title="{esc(_describe(unit))}">'
    )


def essay_html(amap: ArgumentMap, unmapped: Sequence[tuple[int, int]] = ()) -> str:
    """The text with one `<span>` per unit; overlapping units nest, or split where they cross.

    `unmapped` spans (text no unit overlaps) are wrapped in `<span class="unmapped">` so that the page can
    show what the map leaves out.
    """
    text = sanitize(amap.text)
    units = amap.units
    left_out = {a: b for a, b in unmapped if 0 <= a < b <= len(text)}
    cuts = sorted(
        {0, len(text), *(u.start for u in units), *(u.end for u in units), *left_out, *left_out.values()}
    )
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
        piece = html.escape(text[a:b], quote=True)
        if not stack and a in left_out:
            # No unit overlaps an unmapped sentence, so no unit boundary falls inside it: one piece.
            piece = f'<span class="unmapped" title="left out of the map">{piece}</span>'
        out.append(piece)
    out.extend("</span>" for _ in stack)
    return "".join(out)


def _head(unit: Unit, is_thesis: bool) -> str:
    head = "THESIS" if is_thesis else KIND_LABEL[unit.kind]
    if unit.evidence_type:
        head += f" · {unit.evidence_type}"
    return head


def map_html(amap: ArgumentMap) -> str:
    """The argument map as a nested list of unit boxes, in outline order (see the module docstring)."""
    steps = outline(amap)
    thesis = thesis_of(amap.units)
    out: list[str] = ['<ul class="tree" role="list">']
    for i, step in enumerate(steps):
        # In an outline a unit's supporters and attackers follow it directly, one level deeper.
        next_depth = steps[i + 1].depth if i + 1 < len(steps) else 0
        has_children = next_depth > step.depth
        u = step.unit
        is_thesis = thesis is not None and u.id == thesis.id and step.depth == 0
        rel = step.via.relation if step.via else ""
        classes = f"node k-{u.kind}" + (" repeat" if step.repeat else "") + (" thesis" if is_thesis else "")
        unsure = is_uncertain(u)  # dashed and faded (map.css), and said in words beside its score
        classes += " uncertain" if unsure else ""
        text = " ".join(sanitize(amap.unit_text(u)).split())
        meta = ["? uncertain"] if unsure else []
        meta += [f"score {score_text(u.score)}"] + ([u.stance] if u.stance else [])
        item = [
            f'<li class="item{" rel-" + rel if rel else ""}">',
            f'<div class="{classes}" data-unit-id="{esc(u.id)}" data-kind="{u.kind}" '
            f'data-etype="{u.evidence_type}" data-stance="{u.stance}" data-score="{u.score:.4f}" '
            f'tabindex="0" role="button" aria-pressed="false" '
            f'title="{esc(_describe(u) + ": " + text)}">',
            '<div class="bar">',
        ]
        if has_children:
            item.append(
                f'<button type="button" class="toggle" aria-expanded="true" aria-controls="sub{i}" '
                f'aria-label="collapse what supports or attacks {esc(u.id)}">▾</button>'
            )
        if rel:
            word = "+ supports" if rel == "support" else "− attacks"
            item.append(f'<span class="rel rel-{rel}">{word}</span>')
        item.append(f'<span class="head">{esc(_head(u, is_thesis))} · {esc(u.id)}</span>')
        item.append(f'<span class="meta">{esc(" · ".join(meta))}</span>')
        item.append("</div>")
        body = f"(shown above) {text}" if step.repeat else text
        item.append(f'<div class="text">{esc(body)}</div></div>')
        out.append("".join(item))
        if has_children:
            out.append(f'<ul class="children" id="sub{i}" role="list">')
        else:
            out.append("</li>" + "</ul></li>" * (step.depth - next_depth))
    out.append("</ul>")
    return "\n".join(out)


def _clip(text: str, limit: int) -> str:
    limit = max(limit, 8)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pruned(dropped: Mapping | None) -> str:
    """The header's line on what `--min-score` dropped (`argmine.graph.confidence.dropped`), if anything was pruned."""
    if dropped is None:
        return ""
    units, relations = dropped["units"], dropped["relations"]
    what = "nothing dropped" if not (units or relations) else (
        f"{units} unit{'s' * (units != 1)} and {relations} relation{'s' * (relations != 1)} dropped "
        "(the thesis is always kept)"
    )
    return f'<p class="pruned" id="pruned">min score {dropped["min_score"]:g}: {what}</p>'


def _header(amap: ArgumentMap, left_out: int, sentences: int, dropped: Mapping | None = None) -> str:
    a = analyse(amap)
    counts = " · ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in a.kinds.items() if n)
    rel = f"{a.relation_types['support']} supports · {a.relation_types['attack']} attacks"
    thesis = "No thesis (no major claim) found."
    if a.thesis:
        unit = amap.unit(a.thesis.id)
        # The header repeats the thesis: an unsure one says so here too, as its box does.
        doubt = f" (? uncertain · score {score_text(unit.score)})" if is_uncertain(unit) else ""
        thesis = f"Thesis{doubt}: {amap.unit_text(unit)}"
    legend = "".join(
        f'<span><i class="swatch k-{kind}"></i>{label.lower()}</span>' for kind, label in KIND_LABEL.items()
    )
    legend += '<span><i class="swatch unmapped"></i>text left out of the map</span>'
    legend += f'<span><i class="swatch uncertain"></i>uncertain (score under {UNCERTAIN:.2f})</span>'
    source = f'<p class="source">{esc(amap.source)}</p>' if amap.source else ""
    gap = f"{left_out} of {sentences} sentences left out of the map" if sentences else "no sentences"
    return (
        f"<header><h1>Argument map</h1>{source}"
        f'<p class="thesis">{esc(_clip(" ".join(thesis.split()), 300))}</p>'
        f'<p class="counts">{esc(counts or "no units")} · {esc(rel)} · depth {a.depth} · '
        f'<span id="left-out">{esc(gap)}</span></p>{_pruned(dropped)}'
        f'<p class="legend">{legend}<span>hover or click a unit to find it in both panes</span></p></header>'
    )


def _checks(name: str, legend: str, options: list[tuple[str, str]]) -> str:
    boxes = "".join(
        f'<label><input type="checkbox" name="{name}" value="{value}" checked> {text}</label>'
        for value, text in options
    )
    return f'<fieldset class="filter" data-filter="{name}"><legend>{legend}</legend>{boxes}</fieldset>'


def _controls() -> str:
    """The toolbar: filters, the score threshold, zoom, collapse, and whether to show the text left out."""
    kinds = [(k, label.lower()) for k, label in KIND_LABEL.items()]
    etypes = [("statistics", "statistics"), ("testimony", "testimony"), ("anecdote", "anecdote"), ("", "untyped")]
    stances = [("for", "for"), ("against", "against"), ("", "neither")]
    return (
        '<nav id="controls" aria-label="Map controls">'
        + _checks("kind", "Kind", kinds)
        + _checks("etype", "Evidence type", etypes)
        + _checks("stance", "Stance", stances)
        + '<fieldset><legend>Confidence</legend><label for="threshold">hide units scored under</label> '
        '<input type="range" id="threshold" min="0" max="1" step="0.05" value="0" '
        'aria-describedby="threshold-value"> <output id="threshold-value" for="threshold">0.00</output>'
        "</fieldset>"
        '<fieldset><legend>View</legend>'
        '<button type="button" id="zoom-out" aria-label="Zoom out">−</button>'
        '<button type="button" id="zoom-reset" aria-label="Reset zoom">100%</button>'
        '<button type="button" id="zoom-in" aria-label="Zoom in">+</button> '
        '<button type="button" id="collapse-all">Collapse all</button>'
        '<button type="button" id="expand-all">Expand all</button> '
        '<label><input type="checkbox" id="show-unmapped" checked> text left out</label>'
        "</fieldset>"
        '<p id="status" role="status" aria-live="polite"></p>'
        "</nav>"
    )


def to_html(amap: ArgumentMap, *, dropped: Mapping | None = None) -> str:
    """Serialise `amap` as one self-contained HTML page; `dropped`, what pruning took out of it
    (`argmine.graph.confidence.dropped`), is said in its header."""
    title = f"{amap.source} — argument map" if amap.source else "Argument map"
    cov = coverage(amap)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{content_security_policy()}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="argmine">\n'
        f"<title>{esc(title)}</title>\n"
        f"<style>{_asset('map.css')}</style>\n"
        "</head>\n<body>\n"
        f"{_header(amap, len(cov.unmapped), cov.sentences, dropped)}\n"
        f"{_controls()}\n"
        "<main>\n"
        f'<section id="essay" class="pane" aria-label="Essay"><div class="text">'
        f"{essay_html(amap, cov.unmapped)}</div></section>\n"
        '<section id="map" class="pane" tabindex="0" '
        'aria-label="Argument map: drag or scroll to pan, + and - to zoom, 0 to reset">'
        f'<div id="canvas">{map_html(amap)}</div></section>\n'
        "</main>\n"
        f"<script>{_asset('map.js')}</script>\n"
        "</body>\n</html>\n"
    )


def write_html(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as a self-contained HTML page, atomically."""
    write_atomic(path, to_html(amap))
