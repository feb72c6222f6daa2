"""`argmine batch --index`: a page and a table of the whole batch, in the output folder.

`index.html` has one row per document (title or file, thesis, counts of claims, evidence and attacks, a link
to its map), sortable and searchable offline: one self-contained file, a little inline JavaScript, no
network. `theses.csv` has each document's thesis with its offsets into the document's text. Both come from
the same per-document summary (`argmine.export.summary`) the database and argmine's record keep.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from html import escape
from urllib.parse import quote

INDEX_NAME = "index.html"
THESES_NAME = "theses.csv"
INDEX_NAMES = (INDEX_NAME, THESES_NAME)

THESES_COLUMNS = ("document", "title", "thesis", "start", "end", "output")


@dataclass(frozen=True)
class Row:
    """One document of the index."""

    document: str  # the input: a file, or `file:line` of a JSONL record
    summary: dict  # `argmine.export.summary.summary` of its map
    link: str | None = None  # its output, relative to the index's folder (None: nothing to link to)


def _thesis(row: Row) -> dict:
    return row.summary.get("thesis") or {}


def to_csv(rows: list[Row]) -> bytes:
    """`theses.csv`: document, title, thesis text and its start/end offsets (empty when there is none)."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf, lineterminator="\r\n")  # RFC 4180, as spreadsheets expect
    out.writerow(THESES_COLUMNS)
    for row in rows:
        thesis = _thesis(row)
        out.writerow((row.document, row.summary.get("title") or "", thesis.get("text", ""), thesis.get("start", ""),
                      thesis.get("end", ""), row.link or ""))
    return buf.getvalue().encode("utf-8")


_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5rem;color:#1b1b1b;background:#fff}
h1{font-size:1.3rem;margin:0 0 .3rem}
p.meta{color:#555;margin:0 0 1rem}
input[type=search]{font:inherit;padding:.35rem .5rem;width:min(32rem,100%);margin-bottom:.8rem}
table{border-collapse:collapse;width:100%}
th,td{border-bottom:1px solid #ddd;padding:.4rem .5rem;text-align:left;vertical-align:top}
th button{font:inherit;font-weight:600;border:0;background:none;padding:0;cursor:pointer;color:inherit}
th[aria-sort=ascending] button::after{content:" \\25B2"}
th[aria-sort=descending] button::after{content:" \\25BC"}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td small{display:block;color:#666;word-break:break-all}
tr[hidden]{display:none}
.none{color:#888;font-style:italic}
"""

# Sorting compares numbers as numbers (data-value) and text case-insensitively; search keeps the rows that
# hold every word of the query. `index.html#q=rent&sort=claims&order=descending` opens the page searched and
# sorted (a link to share, and what the browser test drives). Plain DOM, no library: the page works offline.
_JS = """
(function(){
  var table=document.getElementById('docs'),body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
  var heads=Array.prototype.slice.call(table.tHead.rows[0].cells);
  var search=document.getElementById('q'),count=document.getElementById('shown');
  function key(row,i){
    var c=row.cells[i];
    return c.hasAttribute('data-value')?Number(c.getAttribute('data-value')):c.textContent.toLowerCase();
  }
  function sortBy(i,asc){
    heads.forEach(function(o){o.removeAttribute('aria-sort');});
    heads[i].setAttribute('aria-sort',asc?'ascending':'descending');
    rows.sort(function(a,b){var x=key(a,i),y=key(b,i);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
    rows.forEach(function(r){body.appendChild(r);});
  }
  heads.forEach(function(th,i){
    var b=th.querySelector('button');
    if(b)b.addEventListener('click',function(){sortBy(i,th.getAttribute('aria-sort')!=='ascending');});
  });
  function filter(){
    var words=search.value.toLowerCase().split(/\\s+/).filter(Boolean),n=0;
    rows.forEach(function(r){
      var t=r.textContent.toLowerCase();
      var ok=words.every(function(w){return t.indexOf(w)>=0;});
      r.hidden=!ok;if(ok)n++;
    });
    count.textContent=n;
  }
  search.addEventListener('input',filter);
  var asked=new URLSearchParams(location.hash.slice(1));
  if(asked.has('q'))search.value=asked.get('q');
  heads.forEach(function(th,i){
    if(th.getAttribute('data-key')===asked.get('sort'))sortBy(i,asked.get('order')!=='descending');
  });
  filter();
})();
"""


def to_html(rows: list[Row], title: str = "argmine batch") -> bytes:
    """`index.html`: the table of documents, sortable and searchable, self-contained."""
    head = (
        '<th scope="col" class="n" data-key="position"><button type="button">#</button></th>'
        '<th scope="col" data-key="document"><button type="button">Document</button></th>'
        '<th scope="col" data-key="thesis"><button type="button">Thesis</button></th>'
        '<th scope="col" class="n" data-key="claims"><button type="button">Claims</button></th>'
        '<th scope="col" class="n" data-key="evidence"><button type="button">Evidence</button></th>'
        '<th scope="col" class="n" data-key="attacks"><button type="button">Attacks</button></th>'
    )
    body = []
    for i, row in enumerate(rows, 1):
        s = row.summary
        name = s.get("title") or row.document
        shown = escape(name)
        if row.link is not None:
            shown = f'<a href="{escape(quote(row.link))}">{shown}</a>'
        if s.get("title"):
            shown += f"<small>{escape(row.document)}</small>"
        thesis = _thesis(row)
        thesis_cell = escape(thesis["text"]) if thesis else '<span class="none">no thesis found</span>'
        counts = "".join(
            f'<td class="n" data-value="{int(s.get(k) or 0)}">{int(s.get(k) or 0)}</td>'
            for k in ("claim_count", "evidence_count", "attack_count")
        )
        body.append(f'<tr><td class="n" data-value="{i}">{i}</td><td>{shown}</td><td>{thesis_cell}</td>{counts}</tr>')
    page = (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        # Nothing on this page may load from anywhere: it is read offline, from a folder of maps.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">\n"
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{escape(title)}</h1>\n"
        f'<p class="meta">{len(rows)} documents; <span id="shown">{len(rows)}</span> shown. '
        "Click a column to sort; theses with their offsets are in "
        f'<a href="{THESES_NAME}">{THESES_NAME}</a>.</p>\n'
        '<label for="q">Search </label><input type="search" id="q" placeholder="words in a title, file or thesis">\n'
        f'<table id="docs">\n<thead><tr>{head}</tr></thead>\n<tbody>\n' + "\n".join(body) + "\n</tbody>\n</table>\n"
        f"<script>{_JS}</script>\n</body>\n</html>\n"
    )
    return page.encode("utf-8")
