"""`-f sqlite`: one map (`export.write`), a whole batch in one database, resume, refusal, the README's queries."""

from __future__ import annotations

import asyncio
import hashlib
import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

import argmine
from argmine import export
from argmine.batch import BatchUsageError, run_batch
from argmine.batch.record import FolderLock
from argmine.cli import app
from argmine.export.sqlite import NotArgmineDatabase, is_argmine_database, read_sqlite

ROOT = Path(__file__).resolve().parent.parent

# Three short op-eds written for these tests: the rule baseline finds a thesis in each, and between them
# statistics, testimony, attacks and the word "rent".
RENT = (
    "Rent control must end\n\n"
    "Our city has capped rents for forty years. I believe the city should end rent control now.\n\n"
    "Because landlords cannot cover repairs, buildings decay. According to a 2019 Stanford study, rents rose "
    "5 percent near controlled buildings.\n\n"
    "Critics say tenants need protection. However, vouchers protect tenants better than caps.\n\n"
    "In short, the city should end rent control.\n"
)
CREEKS = (
    "Open the creeks\n\n"
    "Most towns bury their creeks in pipes. I believe towns must stop paving their creeks.\n\n"
    "Because culverts flood in every big storm, repairs cost more than the roads they protect. A 2022 county "
    "study counted 14 floods in ten years at one culvert alone.\n\n"
    "Admittedly, open creeks take space. But a creek park costs less than one flood.\n\n"
    "Towns must stop paving their creeks.\n"
)
LIBRARIES = (
    "Our libraries should stay open until nine. Because most working parents finish late, daytime hours shut "
    "them out. Critics say the staff costs are too high. However, evening visits rose 35 percent in the pilot "
    "branches.\n"
)


def _archive(tmp_path: Path) -> Path:
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "rent-control.txt").write_text(RENT, encoding="utf-8")
    (archive / "creeks.txt").write_text(CREEKS, encoding="utf-8")
    (archive / "libraries.txt").write_text(LIBRARIES, encoding="utf-8")
    return archive


def _batch(archive: Path, db: Path, **kw):
    return run_batch([str(archive)], db, fmt="sqlite", model="rules", workers=1, **kw)


def _rows(db: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def readme_queries() -> list[str]:
    """The SQL blocks of README.md's "A database of maps", in order: what the tests run is what users read."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## A database of maps", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, re.S)


# ---- one map ------------------------------------------------------------------------------------------


def test_one_map_round_trips_with_offsets_types_and_fts(tmp_path):
    amap = argmine.map_text(RENT, source="rent-control.txt", model="rules")
    path = tmp_path / "one.db"
    export.write(amap, path)
    assert export.format_for_path(tmp_path / "x.sqlite").name == "sqlite"
    assert is_argmine_database(path)
    assert read_sqlite(path) == [amap]

    (doc_id, name, title, units, text), = _rows(path, "SELECT id, name, title, unit_count, text FROM documents")
    assert (name, title, units, text) == ("rent-control.txt", "Rent control must end", len(amap), RENT)
    # Offsets are truth: every unit's text is its document's text at its offsets, and SQL can check it.
    bad = _rows(path, "SELECT count(*) FROM units u JOIN documents d ON d.id = u.document_id "
                      "WHERE substr(d.text, u.start + 1, u.end - u.start) != u.text")
    assert bad == [(0,)]
    types = _rows(path, "SELECT DISTINCT typeof(start), typeof(end), typeof(paragraph), typeof(score), "
                        "typeof(kind), typeof(is_thesis) FROM units")
    assert types == [("integer", "integer", "integer", "real", "text", "integer")]
    assert _rows(path, "SELECT typeof(evidence_type) FROM units WHERE kind = 'claim' LIMIT 1") == [("null",)]
    thesis = _rows(path, "SELECT text FROM units WHERE is_thesis = 1")
    assert thesis == [("I believe the city should end rent control now",)]

    conn = sqlite3.connect(path)
    fks = {(row[2], row[3]) for row in conn.execute("PRAGMA foreign_key_list(relations)")}
    assert fks == {("documents", "document_id"), ("units", "source_id"), ("units", "target_id")}
    assert ("documents", "document_id") in {(r[2], r[3]) for r in conn.execute("PRAGMA foreign_key_list(units)")}
    indexed = {row[1] for row in conn.execute("PRAGMA index_list(units)")}
    assert {"units_document", "units_kind"} <= indexed
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("INSERT INTO units_fts(units_fts) VALUES ('integrity-check')").rowcount is not None
    hits = conn.execute("SELECT u.text FROM units_fts JOIN units u ON u.id = units_fts.rowid "
                        "WHERE units_fts MATCH 'stanford'").fetchall()
    assert hits == [("According to a 2019 Stanford study, rents rose 5 percent near controlled buildings",)]
    conn.close()


def test_write_never_replaces_a_file_that_is_not_an_argmine_database(tmp_path):
    amap = argmine.map_text(LIBRARIES, source="libraries.txt", model="rules")
    notes = tmp_path / "notes.db"
    notes.write_text("my notes, not a database\n", encoding="utf-8")
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE documents (id INTEGER PRIMARY KEY, text TEXT)")  # same table name, not ours
    conn.commit()
    conn.close()
    other_bytes = other.read_bytes()
    for path, before in ((notes, notes.read_bytes()), (other, other_bytes)):
        with pytest.raises(NotArgmineDatabase, match="not an argmine database"):
            export.write(amap, path)
        assert path.read_bytes() == before
    link = tmp_path / "link.db"
    link.symlink_to(notes)
    with pytest.raises(NotArgmineDatabase):
        export.write(amap, link)
    assert notes.read_text(encoding="utf-8") == "my notes, not a database\n"

    mine = tmp_path / "mine.db"
    export.write(amap, mine)
    again = argmine.map_text(CREEKS, source="creeks.txt", model="rules")
    export.write(again, mine)  # argmine's own database: replaced whole, atomically
    assert read_sqlite(mine) == [again]
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


# ---- a batch ------------------------------------------------------------------------------------------


def test_batch_writes_one_database_and_the_readme_queries_answer(tmp_path):
    archive = _archive(tmp_path)
    db = tmp_path / "maps.db"
    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(archive), "-o", str(db), "-f", "sqlite", "--model", "rules",
                                 "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "maps.report.json").is_file()
    names = [r[0] for r in _rows(db, "SELECT name FROM documents ORDER BY name")]
    assert names == ["creeks", "libraries", "rent-control"]
    maps = {m.source: m for m in read_sqlite(db)}
    assert maps[str(archive / "rent-control.txt")] == argmine.map_text(
        RENT, source=str(archive / "rent-control.txt"), model="rules")

    queries = readme_queries()
    assert len(queries) == 5
    theses, evidence, attacked, search, one_doc = queries
    params = {"query": "rent", "name": "rent-control"}

    rows = _rows(db, theses)
    assert [(r[0], r[1], r[2]) for r in rows] == [
        ("creeks", "Open the creeks", "I believe towns must stop paving their creeks"),
        ("libraries", None, "Our libraries should stay open until nine"),
        ("rent-control", "Rent control must end", "I believe the city should end rent control now"),
    ]
    for name, _, thesis, start, end in rows:
        text = (archive / f"{name}.txt").read_text(encoding="utf-8")
        assert text[start:end] == thesis

    by_type = _rows(db, evidence)
    assert ("rent-control", "testimony", 1) in by_type
    counted = dict(_rows(db, "SELECT name, evidence_count FROM documents"))
    for name in counted:
        assert sum(n for doc, _, n in by_type if doc == name) == counted[name]

    most = _rows(db, attacked)
    assert most and all(kind in ("major_claim", "claim") for _, kind, _, _ in most)
    assert [n for *_, n in most] == sorted((n for *_, n in most), reverse=True)
    attacks = _rows(db, "SELECT count(*) FROM relations r JOIN units c ON c.id = r.target_id "
                        "WHERE r.relation = 'attack' AND c.kind IN ('major_claim', 'claim')")
    assert sum(n for *_, n in most) == attacks[0][0]

    found = _rows(db, search, params)
    assert found and {r[0] for r in found} == {"rent-control"}
    assert all("rent" in r[3].lower() for r in found)  # porter stemming: "rents" too

    units = _rows(db, one_doc, params)
    amap = maps[str(archive / "rent-control.txt")]
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in units] == [
        (u.id, u.kind, u.start, u.end, amap.unit_text(u)) for u in amap.units]


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 shell is not installed")
def test_readme_queries_run_in_the_sqlite3_shell(tmp_path):
    archive = _archive(tmp_path)
    db = tmp_path / "maps.db"
    assert _batch(archive, db).exit_code == 0
    for sql in readme_queries():
        setup = [".parameter set :query 'rent'", ".parameter set :name 'rent-control'"]
        out = subprocess.run(["sqlite3", "-bail", "-csv", str(db), *setup, sql], capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0 and not out.stderr, out.stderr
        assert out.stdout.strip(), sql


@pytest.mark.slow
def test_readme_queries_through_datasette(tmp_path):
    datasette_app = pytest.importorskip("datasette.app")
    archive = _archive(tmp_path)
    db = tmp_path / "maps.db"
    assert _batch(archive, db).exit_code == 0
    ds = datasette_app.Datasette([str(db)])

    async def ask(path: str, **params) -> dict:
        response = await ds.client.get(path, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def main():
        answers = []
        for sql in readme_queries():
            named = {k: v for k, v in (("query", "rent"), ("name", "rent-control")) if f":{k}" in sql}
            answers.append(await ask("/maps.json", sql=sql, _shape="array", **named))
        # Datasette finds the FTS table on its own and searches units with it.
        searched = await ask("/maps/units.json", _search="stanford", _shape="array")
        tables = await ask("/maps.json")
        return answers, searched, tables

    answers, searched, tables = asyncio.run(main())
    assert [a["thesis"] for a in answers[0]] == ["I believe towns must stop paving their creeks",
                                                 "Our libraries should stay open until nine",
                                                 "I believe the city should end rent control now"]
    assert all(answers), "every README query returns rows"
    assert {a["name"] for a in answers[3]} == {"rent-control"}
    assert [s["text"] for s in searched] == [
        "According to a 2019 Stanford study, rents rose 5 percent near controlled buildings"]
    units = next(t for t in tables["tables"] if t["name"] == "units")
    assert units["fts_table"] == "units_fts"


def test_resume_skips_what_matches_and_replaces_what_changed(tmp_path):
    archive = _archive(tmp_path)
    db = tmp_path / "maps.db"
    first = _batch(archive, db)
    assert [e.status for e in first.entries] == ["ok"] * 3
    ids = dict(_rows(db, "SELECT name, id FROM documents"))

    again = _batch(archive, db)
    assert [e.status for e in again.entries] == ["skipped"] * 3
    assert dict(_rows(db, "SELECT name, id FROM documents")) == ids  # nothing rewritten

    (archive / "creeks.txt").write_text(CREEKS.replace("14 floods", "19 floods"), encoding="utf-8")
    changed = _batch(archive, db)
    status = {Path(e.input).stem: e.status for e in changed.entries}
    assert status == {"creeks": "ok", "libraries": "skipped", "rent-control": "skipped"}
    assert _rows(db, "SELECT count(*) FROM documents WHERE name = 'creeks'") == [(1,)]
    text = _rows(db, "SELECT text FROM documents WHERE name = 'creeks'")[0][0]
    assert "19 floods" in text
    fts = "SELECT count(*) FROM units_fts WHERE units_fts MATCH ?"
    assert _rows(db, fts, ("19",)) == [(1,)] and _rows(db, fts, ("14",)) == [(0,)]  # the index followed
    assert _rows(db, "SELECT count(*) FROM units u LEFT JOIN documents d ON d.id = u.document_id "
                     "WHERE d.id IS NULL") == [(0,)]
    sha = hashlib.sha256((archive / "creeks.txt").read_bytes()).hexdigest()
    assert _rows(db, "SELECT input_sha256 FROM documents WHERE name = 'creeks'") == [(sha,)]

    forced = _batch(archive, db, force=True)
    assert [e.status for e in forced.entries] == ["ok"] * 3
    assert _rows(db, "SELECT count(*) FROM documents") == [(3,)]
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.execute("INSERT INTO units_fts(units_fts) VALUES ('integrity-check')")  # raises when out of sync
    conn.close()


def test_batch_refuses_a_file_that_is_not_its_database_or_is_an_input(tmp_path):
    archive = _archive(tmp_path)
    notes = tmp_path / "notes.db"
    notes.write_bytes(b"SQLite format 3\x00 but really my notes")
    with pytest.raises(BatchUsageError, match="not an argmine database"):
        _batch(archive, notes)
    assert notes.read_bytes() == b"SQLite format 3\x00 but really my notes"

    runner = CliRunner()
    result = runner.invoke(app, ["batch", str(archive), "-o", str(notes), "-f", "sqlite", "--model", "rules",
                                 "--force"])
    assert result.exit_code == 2 and "not an argmine database" in result.output
    assert notes.read_bytes() == b"SQLite format 3\x00 but really my notes"

    named = archive / "rent-control.txt"
    before = named.read_bytes()
    with pytest.raises(BatchUsageError, match="is an input"):
        run_batch([str(named)], named, fmt="sqlite", model="rules", workers=1)
    assert named.read_bytes() == before

    with pytest.raises(BatchUsageError, match="give its path with -o"):
        run_batch([str(archive)], None, fmt="sqlite", model="rules", workers=1)


def test_batch_database_takes_the_folder_lock(tmp_path):
    archive = _archive(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    with FolderLock(out):
        with pytest.raises(BatchUsageError, match="another argmine batch"):
            _batch(archive, out / "maps.db")
    assert not (out / "maps.db").exists()
    assert _batch(archive, out / "maps.db").exit_code == 0


def test_bad_input_fails_alone_and_nothing_of_it_is_stored(tmp_path):
    archive = _archive(tmp_path)
    (archive / "empty.txt").write_text("   \n", encoding="utf-8")
    db = tmp_path / "maps.db"
    report = _batch(archive, db)
    status = {Path(e.input).stem: e.status for e in report.entries}
    assert status.pop("empty") == "failed" and set(status.values()) == {"ok"}
    assert report.exit_code == 1
    assert _rows(db, "SELECT count(*) FROM documents") == [(3,)]


@pytest.mark.slow
def test_worker_processes_give_the_same_database_as_one_process(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    for i in range(12):  # over two chunks' worth of text, so the pool really gets two
        text = (RENT, CREEKS, LIBRARIES)[i % 3].replace("forty", f"{40 + i}")
        (archive / f"oped-{i:02d}.txt").write_text(text + "\n" + "Filler sentence for size. " * 20, encoding="utf-8")
    dumps = []
    for workers in (1, 2):
        db = tmp_path / f"maps-{workers}.db"
        report = run_batch([str(archive)], db, fmt="sqlite", model="rules", workers=workers)
        assert report.exit_code == 0 and report.count("ok") == 12
        dumps.append(_rows(db, "SELECT d.name, d.title, d.claim_count, d.attack_count, u.unit_id, u.kind, u.start, "
                               "u.end, u.is_thesis FROM documents d JOIN units u ON u.document_id = d.id "
                               "ORDER BY d.name, u.start"))
    assert dumps[0] == dumps[1] and dumps[0]


@pytest.mark.parametrize("command", ["map", "convert"])
def test_the_cli_never_replaces_a_file_that_is_not_an_argmine_database(tmp_path, command):
    from typer.testing import CliRunner

    from argmine.cli import app

    text = tmp_path / "oped.txt"
    text.write_text("Schools should teach AI. Because bans fail.\n", encoding="utf-8")
    source = tmp_path / "oped.json"
    CliRunner().invoke(app, ["map", str(text), "--model", "rules", "-o", str(source)])
    target = tmp_path / "notes.db"
    target.write_bytes(b"my own notes, not a database")
    args = [str(text), "--model", "rules"] if command == "map" else [str(source)]
    result = CliRunner().invoke(app, [command, *args, str(target) if command == "convert" else "-o", *(
        [] if command == "convert" else [str(target)]), "--force"])
    assert result.exit_code == 2 and "Traceback" not in result.output  # an existing output: a usage error
    assert target.read_bytes() == b"my own notes, not a database"
