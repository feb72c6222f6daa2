"""The HTML map in a real browser: headless Chromium runs the page, dumps its DOM and takes a screenshot,
and drives it: a scenario script added to a copy of the page clicks units, collapses a subtree, applies
filters, moves the score slider and zooms, through the page's own controls and event handlers, and writes
what is shown after each step into the DOM, which the test reads back with `--dump-dom`.

Skipped where Debian's `chromium` is not installed (`.ci/run` installs it). Set ARGMINE_CHROMIUM to use
another Chromium binary.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
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
from argmine.export import drawing, html, mermaid
from argmine.graph.coverage import coverage

CHROMIUM = os.environ.get("ARGMINE_CHROMIUM") or shutil.which("chromium")
pytestmark = [
    pytest.mark.slow,  # a browser per test
    pytest.mark.skipif(
        CHROMIUM is None, reason="headless Chromium not found (apt-get install chromium, or set ARGMINE_CHROMIUM)"
    ),
]

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


# Runs after the page's own script. Every action goes through the page's controls and handlers (click(),
# keyboard events, the slider's input event); after each, the state a reader sees is recorded: which unit
# boxes in the map are rendered (offsetParent is null under display:none), what is selected, the status line.
SCENARIO = r"""
(function () {
  var log = [];
  var nodes = [].slice.call(document.querySelectorAll("#map .node"));
  function node(id) { return nodes.filter(function (n) { return n.getAttribute("data-unit-id") === id; })[0]; }
  function essay(id) {
    return [].slice.call(document.querySelectorAll("#essay .unit"))
      .filter(function (n) { return n.getAttribute("data-unit-id") === id; })[0];
  }
  function box(name, value) {
    return [].slice.call(document.querySelectorAll('input[name="' + name + '"]'))
      .filter(function (b) { return b.value === value; })[0];
  }
  function record(step) {
    log.push({
      step: step,
      shown: nodes.filter(function (n) { return n.offsetParent !== null; })
                  .map(function (n) { return n.getAttribute("data-unit-id"); }),
      selected: document.body.getAttribute("data-selected"),
      status: document.getElementById("status").textContent,
      zoom: getComputedStyle(document.getElementById("canvas")).zoom,
    });
  }
  record("start");
  node("u3").click();
  record("click u3");
  log[log.length - 1].essaySelected = essay("u3").classList.contains("selected");
  log[log.length - 1].pressed = node("u3").getAttribute("aria-pressed");
  node("u5").focus();
  node("u5").dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
  record("enter on u5");
  var toggle = node("u2").querySelector("button.toggle");
  toggle.click();
  record("collapse u2");
  log[log.length - 1].expanded = toggle.getAttribute("aria-expanded");
  toggle.click();
  record("expand u2");
  box("kind", "evidence").click();
  record("hide evidence");
  log[log.length - 1].essayFiltered = essay("u3").classList.contains("filtered");
  box("kind", "evidence").click();
  box("etype", "testimony").click();
  record("hide testimony");
  box("etype", "testimony").click();
  box("stance", "against").click();
  record("hide against");
  box("stance", "against").click();
  var slider = document.getElementById("threshold");
  slider.value = "0.8";
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  record("threshold 0.8");
  log[log.length - 1].shownValue = document.getElementById("threshold-value").textContent;
  slider.value = "0";
  slider.dispatchEvent(new Event("input", { bubbles: true }));
  document.getElementById("zoom-in").click();
  record("zoom in");
  document.getElementById("collapse-all").click();
  record("collapse all");
  document.getElementById("expand-all").click();
  var out = document.createElement("pre");
  out.id = "scenario";
  out.textContent = JSON.stringify({
    log: log,
    unmapped: [].slice.call(document.querySelectorAll("#essay .unmapped")).map(function (s) { return s.textContent; }),
    unmappedColour: getComputedStyle(document.querySelector("#essay .unmapped")).color,
    tabbable: nodes.every(function (n) { return n.tabIndex === 0 && n.getAttribute("role") === "button"; }),
    titles: nodes.map(function (n) { return n.getAttribute("title"); }),
  });
  document.body.appendChild(out);
})();
"""


def drive(tmp_path: Path, amap: ArgumentMap, scenario: str = SCENARIO) -> dict:
    """Open the page with `scenario` appended (the copy's policy also allows it, by its hash) in headless
    Chromium, and return what the scenario recorded in `<pre id="scenario">`."""
    page = html.to_html(amap)
    digest = "'sha256-" + base64.b64encode(hashlib.sha256(scenario.encode()).digest()).decode() + "'"
    page, n = re.subn(r"script-src ('sha256-[^']+')", lambda m: f"script-src {m.group(1)} {digest}", page)
    assert n == 1
    page = page.replace("</body>", f"<script>{scenario}</script>\n</body>")
    path = tmp_path / "driven.html"
    path.write_text(page, encoding="utf-8")
    out = chromium(tmp_path, "--window-size=1200,800", "--virtual-time-budget=5000", "--dump-dom", path.as_uri())
    found = re.search(r'<pre id="scenario">(.*?)</pre>', out.stdout, re.S)
    assert found, "the scenario did not run (or the page's script failed first)"
    return json.loads(unescape(found.group(1)))


def test_driving_the_page_clicks_collapses_filters_and_thresholds(tmp_path):
    amap = sample_map()  # u4 is the one unit scored under 0.8; u5 is `against`; u2 has u3 and u4 under it
    result = drive(tmp_path, amap)
    steps = {entry["step"]: entry for entry in result["log"]}
    every = [u.id for u in amap.units]
    assert sorted(steps["start"]["shown"]) == sorted(every)
    assert steps["start"]["status"] == "8 of 8 units shown"
    assert steps["click u3"]["selected"] == "u3" and steps["click u3"]["essaySelected"]
    assert steps["click u3"]["pressed"] == "true"
    assert steps["enter on u5"]["selected"] == "u5"  # the keyboard selects as the mouse does
    collapsed = steps["collapse u2"]
    assert set(every) - set(collapsed["shown"]) == {"u3", "u4"} and collapsed["expanded"] == "false"
    assert collapsed["status"] == "6 of 8 units shown"
    assert sorted(steps["expand u2"]["shown"]) == sorted(every)
    evidence = {u.id for u in amap.units if u.kind == "evidence"}
    assert set(steps["hide evidence"]["shown"]) == set(every) - evidence
    assert steps["hide evidence"]["essayFiltered"]  # the essay stops highlighting it too
    assert set(every) - set(steps["hide testimony"]["shown"]) == {"u4"}
    assert set(every) - set(steps["hide against"]["shown"]) == {"u5"}  # u6 (for) stays, under it
    low = {u.id for u in amap.units if u.score < 0.8}
    assert low == {"u4"} and set(every) - set(steps["threshold 0.8"]["shown"]) == low
    assert steps["threshold 0.8"]["shownValue"] == "0.80"
    assert float(steps["zoom in"]["zoom"]) == 1.25
    # Collapse all keeps the thesis's own supporters and attackers in view, and nothing under them.
    top = {r.source for r in amap.relations if r.target == "u1"}
    assert set(steps["collapse all"]["shown"]) == top | {"u1"}
    # The text left out of the map is marked as such, exactly the sentences coverage() finds.
    cov = coverage(amap)
    assert result["unmapped"] == [html.sanitize(amap.text[a:b]) for a, b in cov.unmapped] and cov.unmapped
    assert result["unmappedColour"] != "rgb(31, 41, 55)"  # greyed, not body text
    assert result["tabbable"]
    for unit, title in zip(amap.units, result["titles"]):  # full text on hover
        assert " ".join(amap.unit_text(unit).split()) in title


# What the browser draws for each unit box and essay span: its computed opacity and outline, and its title.
STYLES = r"""
(function () {
  function look(n) {
    var css = getComputedStyle(n);
    return { id: n.getAttribute("data-unit-id"), opacity: parseFloat(css.opacity), outline: css.outlineStyle,
             title: n.getAttribute("title"), meta: (n.querySelector(".meta") || {}).textContent || "" };
  }
  var out = document.createElement("pre");
  out.id = "scenario";
  out.textContent = JSON.stringify({
    map: [].slice.call(document.querySelectorAll("#map .node")).map(look),
    essay: [].slice.call(document.querySelectorAll("#essay .unit")).map(look),
  });
  document.body.appendChild(out);
})();
"""


def test_uncertain_units_are_drawn_faded_and_dashed_with_their_score(tmp_path):
    amap = sample_map()
    low = Unit("u4", *[(u.start, u.end) for u in amap.units if u.id == "u4"][0], "evidence", "testimony", score=0.3)
    amap = amap.with_units([low if u.id == "u4" else u for u in amap.units], amap.relations)
    assert [u.id for u in amap.units if u.score < 0.5] == ["u4"]
    result = drive(tmp_path, amap, STYLES)
    for pane in ("map", "essay"):
        shown = {entry["id"]: entry for entry in result[pane]}
        assert shown.keys() == {u.id for u in amap.units}
        assert shown["u4"]["opacity"] < 0.8 and shown["u4"]["outline"] == "dashed", shown["u4"]
        assert "uncertain (score 0.30)" in shown["u4"]["title"]
        for uid in shown.keys() - {"u4"}:
            assert shown[uid]["opacity"] == 1 and shown[uid]["outline"] != "dashed", shown[uid]
    assert "? uncertain · score 0.30" in {e["id"]: e for e in result["map"]}["u4"]["meta"]


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
      // unit nodes are n1, n2, ...; helpers ("continued") and the legend's lg1..lg4 are not units
      const units = [...box.querySelectorAll("g.node")].filter(n => /(^|-)flowchart-n\\d+-/.test(n.id));
      results.push({{ nodes: units.map(n => n.textContent),
                      legend: [...box.querySelectorAll("g.node")].filter(n => /flowchart-lg\\d-/.test(n.id)).length,
                      helpers: box.querySelectorAll("g.node.helper").length,
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
    from test_drawings import wide_map

    maps = [sample_map(), hostile_map(), wide_map()]
    diagrams = json.dumps([mermaid.to_mermaid(m) for m in maps]).replace("</", "<\\/")
    page = tmp_path / "mermaid.html"
    page.write_text(MERMAID_PAGE.format(script=_mermaid_js().as_uri(), diagrams=diagrams), encoding="utf-8")
    out = chromium(tmp_path, "--virtual-time-budget=30000", "--dump-dom", page.as_uri()).stdout
    start = out.index('<pre id="out">') + len('<pre id="out">')
    results = json.loads(unescape(out[start : out.index("</pre>", start)]))
    for amap, result in zip(maps, results):
        assert "error" not in result, result
        assert len(result["nodes"]) == len(amap) and result["edges"] == len(amap.relations) + 3  # + the legend's
        assert len(mermaid_labels(mermaid.to_mermaid(amap))) == len(amap)
        assert result["legend"] == 4
        # the wide map's 27 claims are wrapped into rows under "continued" boxes
        assert result["helpers"] == (len(drawing.columns(amap).rows) - 1 if amap.source == "wide.txt" else 0)
        for unit, shown in zip(amap.units, result["nodes"]):
            words = mermaid._clean(amap.unit_text(unit)).split()
            # the full text (labels are wrapped, never cut); the hostile map's first 60 characters
            full = "".join(words) if amap.source in ("wide.txt", sample_map().source) else "".join(words)[:60]
            assert full in "".join(shown.split()), (unit.id, shown)
