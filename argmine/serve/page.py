"""The page `GET /` serves: a form, no script. It posts to `/api/map` into a frame below it, which shows
the map as `argmine.export.html` draws it (that page keeps its own policy), or downloads it in any format.

The form is `novalidate`: the server checks every field, with the CLI's messages (shown in the frame), so
the browser neither refuses a minimum score the CLI takes (0.33 is off the field's 0.05 steps) nor says it
otherwise. Since the form posts into the frame, the page stays, and every field keeps what was entered."""

from __future__ import annotations

import base64
import hashlib
from html import escape

STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1f2937;background:#f8fafc}
header{padding:.6rem 1rem;background:#1e293b;color:#f8fafc}
header h1{font-size:1.1rem;margin:0;display:inline}
header span{margin-left:1rem;opacity:.8;font-size:.9rem}
form{padding:.8rem 1rem;display:grid;gap:.5rem}
textarea{width:100%;box-sizing:border-box;min-height:9rem;font:14px/1.4 ui-monospace,monospace}
.row{display:flex;flex-wrap:wrap;gap:.6rem;align-items:center}
button{padding:.35rem .9rem;font-size:.95rem}
input[type=number]{width:5.5rem}
iframe{width:100%;height:75vh;border:0;border-top:1px solid #cbd5e1;background:#fff}
""".strip()


def style_hash() -> str:
    """The stylesheet's CSP source ('sha256-...'), so the page needs no 'unsafe-inline'."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii") + "'"


def page(models: list[str], formats: list[str], max_chars: int) -> str:
    """The HTML of the page, for the loaded `models` and the `formats` this server can write."""
    model_options = "".join(f'<option value="{escape(m)}">{escape(m)}</option>' for m in models)
    format_options = "".join(
        f'<option value="{escape(f)}"{" selected" if f == "json" else ""}>{escape(f)}</option>' for f in formats
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>argmine</title><style>{STYLE}</style></head>
<body>
<header><h1>argmine</h1><span>paste or upload an essay or op-ed (up to {max_chars:,} characters);
the map appears below</span></header>
<form id="map-form" method="post" action="/api/map" enctype="multipart/form-data" target="map" novalidate>
<label for="text">Text</label>
<textarea id="text" name="text" placeholder="Paste a text here, or choose a file below."></textarea>
<div class="row">
<label>or a file (text or HTML):
<input id="file" type="file" name="file" accept=".txt,.text,.md,.html,.htm,text/*"></label>
<label>model <select id="model" name="model">{model_options}</select></label>
<label id="min-score-label">drop units scored under
<input id="min-score" type="number" name="min_score" min="0" max="1" step="0.05" placeholder="0 to 1">
(never the thesis; empty keeps every unit)</label>
</div>
<div class="row">
<button id="show" type="submit" name="format" value="html">Map it</button>
<label>download as <select id="download-format" name="download-format">{format_options}</select></label>
<button id="download" type="submit" name="action" value="download">Download</button>
</div>
</form>
<iframe id="map" name="map" title="argument map"></iframe>
</body></html>
"""
