"""`argmine batch --index`: index.html (parsed back with html.parser) and theses.csv (read with csv)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import pytest
from typer.testing import CliRunner

from argmine import export
from argmine.batch import BatchUsageError, run_batch
from argmine.cli import app
from test_sqlite import CREEKS, LIBRARIES, RENT, _archive


class IndexPage(HTMLParser):
    """The index's table as data: one dict per row (cells' text, the link), and every URL the page names."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[dict] = []
        self.urls: list[str] = []
        self.scripts: list[dict] = []
        self.headers: list[str] = []
        self._cells: list[str] | None = None
        self._in: str | None = None
        self._link: str | None = None
        self._values: list[str | None] = []
        self._hidden = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("href", "src", "action"):
            if key in a:
                self.urls.append(a[key])
        if tag == "script":
            self.scripts.append(a)
        if tag == "tr":
            self._cells, self._link, self._values = [], None, []
            self._hidden = "hidden" in a
        elif tag in ("td", "th") and self._cells is not None:
            self._in = tag
            self._cells.append("")
            self._values.append(a.get("data-value"))
        elif tag == "a" and self._in == "td" and self._link is None:
            self._link = a.get("href")

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._in = None
        elif tag == "tr" and self._cells is not None:
            if self._values and all(v is None for v in self._values) and not self.headers:
                self.headers = self._cells
            else:
                self.rows.append({"cells": self._cells, "link": self._link, "values": self._values,
                                  "hidden": self._hidden})
            self._cells = None

    def handle_data(self, data):
        if self._in and self._cells is not None:
            self._cells[-1] += data


def _page(folder: Path) -> IndexPage:
    page = IndexPage()
    page.feed((folder / "index.html").read_text(encoding="utf-8"))
    page.close()
    return page


def _theses(folder: Path) -> list[dict]:
    with open(folder / "theses.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_html_batch_index_links_every_map_page_and_counts_match_the_maps(tmp_path):
    archive = _archive(tmp_path)
    out = tmp_path / "maps"
    result = CliRunner().invoke(app, ["batch", str(archive), "-o", str(out), "-f", "html", "--model", "rules",
                                      "--workers", "1", "--index"])
    assert result.exit_code == 0, result.output
    page = _page(out)
    assert page.headers[:6] == ["#", "Document", "Thesis", "Claims", "Evidence", "Attacks"]
    assert len(page.rows) == 3
    # Offline: nothing but relative links to files in the folder, inline script only.
    assert all(not s.get("src") for s in page.scripts) and page.scripts
    assert all("://" not in u and not u.startswith("//") for u in page.urls)

    # The same maps in JSON, to check every number the index shows.
    maps_json = tmp_path / "json"
    assert run_batch([str(archive)], maps_json, fmt="json", model="rules", workers=1).exit_code == 0
    by_title = {}
    for row in page.rows:
        link = unquote(row["link"])
        assert (out / link).is_file() and link.endswith(".html")  # the document's map page
        amap = export.read(maps_json / link.replace(".html", ".json"))
        kinds = [u.kind for u in amap.units]
        attacks = sum(r.relation == "attack" for r in amap.relations)
        assert [int(v) for v in row["values"][3:6]] == [kinds.count("claim"), kinds.count("evidence"), attacks]
        by_title[row["cells"][1]] = row
    assert "Rent control must end" + str(archive / "rent-control.txt") in by_title  # title, then the file
    rent = by_title["Rent control must end" + str(archive / "rent-control.txt")]
    assert rent["cells"][2] == "I believe the city should end rent control now"

    theses = _theses(out)
    assert [t["document"] for t in theses] == [r.input for r in run_batch(
        [str(archive)], maps_json, fmt="json", model="rules", workers=1).entries]
    for t in theses:
        text = Path(t["document"]).read_text(encoding="utf-8")
        assert text[int(t["start"]):int(t["end"])] == t["thesis"] != ""
        assert (out / t["output"]).is_file()
    assert {t["title"] for t in theses} == {"Rent control must end", "Open the creeks", ""}


def test_rerun_that_skips_everything_still_indexes_every_document(tmp_path):
    archive = _archive(tmp_path)
    out = tmp_path / "maps"
    first = run_batch([str(archive)], out, fmt="html", model="rules", workers=1, index=True)
    assert first.exit_code == 0
    before = (out / "index.html").read_bytes(), (out / "theses.csv").read_bytes()
    again = run_batch([str(archive)], out, fmt="html", model="rules", workers=1, index=True)
    assert [e.status for e in again.entries] == ["skipped"] * 3
    # Same bytes: the summaries of skipped outputs come from argmine's record (an HTML page is not read back).
    assert ((out / "index.html").read_bytes(), (out / "theses.csv").read_bytes()) == before

    (archive / "libraries.txt").write_text(LIBRARIES.replace("until nine", "until ten"), encoding="utf-8")
    run_batch([str(archive)], out, fmt="html", model="rules", workers=1, index=True)
    theses = {Path(t["document"]).stem: t["thesis"] for t in _theses(out)}
    assert theses["libraries"] == "Our libraries should stay open until ten"
    assert len(_page(out).rows) == 3


def test_sqlite_batch_index_comes_from_the_database(tmp_path):
    archive = _archive(tmp_path)
    db = tmp_path / "out" / "maps.db"
    assert run_batch([str(archive)], db, fmt="sqlite", model="rules", workers=1, index=True).exit_code == 0
    first = _theses(db.parent)
    again = run_batch([str(archive)], db, fmt="sqlite", model="rules", workers=1, index=True)
    assert [e.status for e in again.entries] == ["skipped"] * 3
    assert _theses(db.parent) == first
    assert {Path(t["document"]).stem: t["thesis"] for t in first} == {
        "creeks": "I believe towns must stop paving their creeks",
        "libraries": "Our libraries should stay open until nine",
        "rent-control": "I believe the city should end rent control now",
    }
    page = _page(db.parent)
    assert len(page.rows) == 3 and all(r["link"] is None for r in page.rows)  # no per-document file to link


def test_index_beside_a_database_in_the_archive_is_not_an_input_next_time(tmp_path):
    archive = _archive(tmp_path)
    db = archive / "maps.db"
    assert run_batch([str(archive)], db, fmt="sqlite", model="rules", workers=1, index=True).exit_code == 0
    assert (archive / "index.html").is_file()
    again = run_batch([str(archive)], db, fmt="sqlite", model="rules", workers=1, index=True)
    assert again.exit_code == 0
    assert sorted(Path(e.input).name for e in again.entries) == ["creeks.txt", "libraries.txt", "rent-control.txt"]
    assert [e.status for e in again.entries] == ["skipped"] * 3


def test_jsonl_file_index(tmp_path):
    archive = _archive(tmp_path)
    stream = tmp_path / "out" / "maps.jsonl"
    assert run_batch([str(archive)], stream, fmt="jsonl", model="rules", workers=1, index=True).exit_code == 0
    assert len(_theses(stream.parent)) == 3
    with pytest.raises(BatchUsageError, match="--index"):
        run_batch([str(archive)], None, fmt="jsonl", model="rules", workers=1, index=True)


def test_index_never_replaces_a_file_argmine_did_not_write(tmp_path):
    archive = _archive(tmp_path)
    out = tmp_path / "maps"
    out.mkdir()
    (out / "index.html").write_text("<p>my own page</p>\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["batch", str(archive), "-o", str(out), "--model", "rules", "--workers", "1",
                                      "--index", "--force"])
    assert result.exit_code == 2 and "index.html" in result.output
    assert (out / "index.html").read_text(encoding="utf-8") == "<p>my own page</p>\n"
    assert not (out / "theses.csv").exists()
    # An edited index is not argmine's any more either.
    (out / "index.html").unlink()
    assert run_batch([str(archive)], out, model="rules", workers=1, index=True).exit_code == 0
    with open(out / "theses.csv", "a", encoding="utf-8") as fh:
        fh.write("my,own,row,,,\n")
    with pytest.raises(BatchUsageError, match="theses.csv"):
        run_batch([str(archive)], out, model="rules", workers=1, index=True)
    assert (out / "theses.csv").read_text(encoding="utf-8").endswith("my,own,row,,,\n")


def test_a_document_called_index_does_not_take_the_index_page(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "index.txt").write_text(RENT, encoding="utf-8")
    (archive / "creeks.txt").write_text(CREEKS, encoding="utf-8")
    out = tmp_path / "maps"
    report = run_batch([str(archive)], out, fmt="html", model="rules", workers=1, index=True)
    assert report.exit_code == 0
    entry = next(e for e in report.entries if e.input.endswith("index.txt"))
    assert entry.output == "index-2.html" and "index.html" in entry.note
    page = _page(out)
    assert sorted(unquote(r["link"]) for r in page.rows) == ["creeks.html", "index-2.html"]
    assert "Rent control must end" in (out / "index.html").read_text(encoding="utf-8")
    assert json.loads((out / "argmine-report.json").read_text(encoding="utf-8"))["totals"]["ok"] == 2


def test_index_escapes_what_documents_hold(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "x.txt").write_text(
        "<script>alert(1)</script> &amp; more\n\n" + RENT.split("\n\n", 1)[1], encoding="utf-8")
    out = tmp_path / "maps"
    assert run_batch([str(archive)], out, model="rules", workers=1, index=True).exit_code == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html
    page = _page(out)
    assert page.rows[0]["cells"][1].startswith("<script>alert(1)</script> &amp; more")  # shown as text
    rows = list(csv.reader(io.StringIO((out / "theses.csv").read_text(encoding="utf-8"), newline="")))
    assert rows[1][1] == "<script>alert(1)</script> &amp; more"


CHROMIUM = os.environ.get("ARGMINE_CHROMIUM") or shutil.which("chromium")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium not found (apt-get install chromium)")
def test_index_sorts_and_searches_in_a_real_browser(tmp_path):
    archive = _archive(tmp_path)
    out = tmp_path / "maps"
    assert run_batch([str(archive)], out, fmt="html", model="rules", workers=1, index=True).exit_code == 0

    def shown(fragment: str) -> list[IndexPage]:
        url = (out / "index.html").resolve().as_uri() + "#" + fragment
        proc = subprocess.run(
            [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", url],
            capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        page = IndexPage()
        page.feed(proc.stdout)
        visible = [r for r in page.rows if not r["hidden"]]
        return [unquote(r["link"]) for r in visible]

    everything = shown("")
    assert sorted(everything) == ["creeks.html", "libraries.html", "rent-control.html"]
    assert shown("q=creeks") == ["creeks.html"]  # a word of the title and file
    assert shown("q=stop%20paving") == ["creeks.html"]  # words of the thesis, every one of them
    assert shown("q=nowhere") == []
    claims = {r["link"]: int(r["values"][3]) for r in _page(out).rows}
    by_claims = shown("sort=claims&order=descending")
    assert [claims[link] for link in by_claims] == sorted(claims.values(), reverse=True)
    assert shown("sort=document") == sorted(everything, key=lambda link: _title(out, link))


def _title(out: Path, link: str) -> str:
    row = next(r for r in _page(out).rows if unquote(r["link"]) == link)
    return row["cells"][1].lower()
