"""The HTML map in a real browser: headless Chromium runs the page, dumps its DOM and takes a screenshot.

Skipped where Debian's `chromium` is not installed (`.ci/run` installs it). Set ARGMINE_CHROMIUM to use
another Chromium binary.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import subprocess
import zlib
from collections import Counter
from html import unescape
from pathlib import Path

import pytest
from test_exports import PageParser, mermaid_labels, sample_map

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.export import html, mermaid

CHROMIUM = os.environ.get("ARGMINE_CHROMIUM") or shutil.which("chromium")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="headless Chromium not found (apt-get install chromium, or set ARGMINE_CHROMIUM)"
)

CLAIM_FILL = (0xBF, 0xDB, 0xFE)
EVIDENCE_FILL = (0xBB, 0xF7, 0xD0)
MAJOR_FILL = (0xE9, 0xD5, 0xFF)
SELECTED = (0xF5, 0x9E, 0x0B)


def chromium(tmp_path: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """Run headless Chromium with a throwaway profile and no background traffic."""
    profile = tmp_path / "profile"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc


def hostile_map() -> ArgumentMap:
    """Text and ids that would run script or break markup if anything went unescaped."""
    thesis = 'Ban <script>document.body.setAttribute("data-pwned", "1")</script> "now" & forever'
    claim = "<img src=x onerror=\"document.body.setAttribute('data-pwned','2')\"> עברית \u202edesrever 🙂"
    text = f"{thesis}.\n\n{claim}.\r\nEnd."
    units = [
        Unit("u1", 0, len(thesis), "major_claim"),
        Unit(
            '"><svg onload=alert(1)>', len(thesis) + 3, len(thesis) + 3 + len(claim), "evidence", "testimony"
        ),
    ]
    return ArgumentMap(text, units, [Relation(units[1].id, "u1", "attack")], source="<b>evil</b>.txt")


def dump_dom(tmp_path: Path, amap: ArgumentMap, fragment: str = "") -> PageParser:
    page = tmp_path / "map.html"
    html.write_html(amap, page)
    out = chromium(tmp_path, "--virtual-time-budget=3000", "--dump-dom", page.as_uri() + fragment).stdout
    parser = PageParser()
    parser.feed(out)
    parser.close()
    return parser


@pytest.mark.parametrize("make", [sample_map, hostile_map], ids=["sample", "hostile"])
def test_every_unit_appears_in_both_panes_after_scripts_ran(tmp_path, make):
    amap = make()
    first = amap.units[-1].id
    dom = dump_dom(tmp_path, amap, "#unit=" + first.replace("%", "%25").replace("#", "%23"))
    assert dom.body_attrs.get("data-ready") == "true"  # the page's script ran under its own CSP
    assert "data-pwned" not in dom.body_attrs
    ids = {html.sanitize(u.id) for u in amap.units}
    assert {i for i, _ in dom.units["essay"]} == ids
    assert {i for i, _ in dom.units["map"]} == ids
    kinds = {html.sanitize(u.id): u.kind for u in amap.units}
    assert all(kinds[i] == k for i, k in dom.units["essay"] + dom.units["map"])
    # The unit named in the address is selected in both panes.
    assert dom.body_attrs.get("data-selected") == first
    assert dom.scripts and "".join(dom.essay_text) == html.sanitize(amap.text).replace("\r\n", "\n")


def _png_rows(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit RGB or RGBA PNG into its raw rows (stdlib only)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, header
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        if ftype == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif ftype == 2:
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif ftype == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif ftype == 4:
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b, c = prev[i], prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def _colours(rows: list[bytes], bpp: int, x0: int, x1: int) -> Counter[bytes]:
    """How often each colour occurs among every other pixel of every other row in columns x0..x1."""
    return Counter(row[x * bpp : x * bpp + 3] for row in rows[::2] for x in range(x0, x1, 2))


def _near(counts: Counter[bytes], colour: tuple[int, int, int], tolerance: int = 3) -> int:
    return sum(n for px, n in counts.items() if all(abs(a - b) <= tolerance for a, b in zip(px, colour)))


def test_screenshot_shows_both_panes_in_colour(tmp_path):
    page = tmp_path / "map.html"
    html.write_html(sample_map(), page)
    shot = tmp_path / "shot.png"
    chromium(tmp_path, "--window-size=900,600", f"--screenshot={shot}", page.as_uri() + "#unit=u2")
    width, height, bpp, rows = _png_rows(shot.read_bytes())
    assert (width, height) == (900, 600)
    left, right = _colours(rows, bpp, 0, width // 2), _colours(rows, bpp, width // 2, width)
    assert len(left + right) > 50, "the screenshot is (nearly) blank"
    # The stylesheet applied (its CSP hash matched): kind colours fill units in the text and boxes in the map.
    for fill in (CLAIM_FILL, EVIDENCE_FILL, MAJOR_FILL):
        assert _near(left, fill) > 50, f"text pane lacks {fill}"
        assert _near(right, fill) > 50, f"map pane lacks {fill}"
    # The script ran: u2 is selected and outlined in both panes.
    assert _near(left, SELECTED) > 10 and _near(right, SELECTED) > 10


MERMAID_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><pre id="out">pending</pre>
<script src="{script}"></script>
<script>
const diagrams = {diagrams};
mermaid.initialize({{ startOnLoad: false, securityLevel: "strict" }});
(async () => {{
  const results = [];
  for (let i = 0; i < diagrams.length; i++) {{
    try {{
      const r = await mermaid.render("d" + i, diagrams[i]);
      const box = document.createElement("div");
      box.innerHTML = r.svg;
      document.body.appendChild(box);
      results.push({{ nodes: [...box.querySelectorAll("g.node")].map(n => n.textContent),
                      edges: box.querySelectorAll("path.flowchart-link").length }});
      box.remove();
    }} catch (e) {{ results.push({{ error: String(e) }}); }}
  }}
  document.getElementById("out").textContent = JSON.stringify(results);
}})();
</script></body></html>"""


def _mermaid_js() -> Path | None:
    for folder in filter(None, os.environ.get("NODE_PATH", "").split(os.pathsep)):
        candidate = Path(folder) / "mermaid" / "dist" / "mermaid.min.js"
        if candidate.is_file():
            return candidate
    return None


@pytest.mark.skipif(_mermaid_js() is None, reason="mermaid.min.js not found (npm install mermaid; NODE_PATH)")
def test_mermaid_renders_every_node_with_its_text(tmp_path):
    maps = [sample_map(), hostile_map()]
    diagrams = json.dumps([mermaid.to_mermaid(m) for m in maps]).replace("</", "<\\/")
    page = tmp_path / "mermaid.html"
    page.write_text(MERMAID_PAGE.format(script=_mermaid_js().as_uri(), diagrams=diagrams), encoding="utf-8")
    out = chromium(tmp_path, "--virtual-time-budget=30000", "--dump-dom", page.as_uri()).stdout
    start = out.index('<pre id="out">') + len('<pre id="out">')
    results = json.loads(unescape(out[start : out.index("</pre>", start)]))
    for amap, result in zip(maps, results):
        assert "error" not in result, result
        assert len(result["nodes"]) == len(amap) and result["edges"] == len(amap.relations)
        assert len(mermaid_labels(mermaid.to_mermaid(amap))) == len(amap)
        for unit, shown in zip(amap.units, result["nodes"]):
            words = mermaid._clean(amap.unit_text(unit)).split()
            assert "".join(words)[:60] in "".join(shown.split()), (unit.id, shown)
