"""SQLite: maps as a database that Datasette, sqlite-utils and the `sqlite3` shell can query.

Tables (column types as sqlite-utils would create them: INTEGER offsets and counts, TEXT labels, REAL scores;
a label that is empty in the map, such as a claim's evidence type, is NULL):

- `documents`: one row per map. `id`, `name` (unique: the batch's output name, or the map's source), `source`,
  `title` (NULL when the text has none), `model`, `words`, counts (`unit_count`, `major_claim_count`,
  `claim_count`, `premise_count`, `evidence_count`, `support_count`, `attack_count`), what made it (`input`,
  `record_id`, `input_sha256`, `model_sha256`, `argmine`, `options` as JSON; NULL for a map written alone),
  and the `text`.
- `units`: `id`, `document_id` -> documents, `unit_id` (the map's id), `kind`, `evidence_type`, `stance`,
  `is_thesis` (0/1), `start`, `end` (offsets into the document's text: `substr(text, start + 1, end - start)`),
  `paragraph`, `score`, `text`.
- `relations`: `id`, `document_id`, `source_id` and `target_id` -> units (the supporting or attacking unit
  and its target), `relation` (`support` or `attack`), `score`.
- `units_fts`: an FTS5 index over `units.text`, external content kept in sync by triggers (the layout
  sqlite-utils' `enable_fts(create_triggers=True)` makes, which Datasette finds and offers as search).
- `argmine_meta`: what the file is (`format` = `argmine-sqlite/1`); with `PRAGMA application_id` it marks the
  file as argmine's, so argmine never writes into or over a database it did not create.

One writer at a time (the batch's folder lock); every document is replaced in one transaction, so a reader
or a kill sees a document's rows whole or not at all.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

from argmine.argmap import ArgumentMap, MapError
from argmine.errors import UsageError
from argmine.export.atomic import open_temporary
from argmine.export.summary import summary as summarise

FORMAT = "argmine-sqlite/1"
SCHEMA_VERSION = 1
APPLICATION_ID = 0x41524D44  # "ARMD": `PRAGMA application_id`, stored at byte 68 of the file's header
_MAGIC = b"SQLite format 3\x00"

_COUNTS = ("unit_count", "major_claim_count", "claim_count", "premise_count", "evidence_count",
           "support_count", "attack_count")
_RECORD = ("input", "record_id", "input_sha256", "model_sha256", "argmine", "options")

SCHEMA = f"""
CREATE TABLE argmine_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE documents (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    title TEXT,
    model TEXT NOT NULL,
    words INTEGER NOT NULL,
    {", ".join(f"{c} INTEGER NOT NULL" for c in _COUNTS)},
    input TEXT,
    record_id TEXT,
    input_sha256 TEXT,
    model_sha256 TEXT,
    argmine TEXT NOT NULL,
    options TEXT,
    text TEXT NOT NULL
);
CREATE TABLE units (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    unit_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    evidence_type TEXT,
    stance TEXT,
    is_thesis INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    score REAL NOT NULL,
    text TEXT NOT NULL,
    UNIQUE (document_id, unit_id)
);
CREATE INDEX units_document ON units (document_id, start);
CREATE INDEX units_kind ON units (kind, evidence_type);
CREATE TABLE relations (
    id INTEGER PRIMARY KEY,
    document_id INTEGER NOT NULL REFERENCES documents(id),
    source_id INTEGER NOT NULL REFERENCES units(id),
    target_id INTEGER NOT NULL REFERENCES units(id),
    relation TEXT NOT NULL,
    score REAL NOT NULL,
    UNIQUE (source_id, target_id)
);
CREATE INDEX relations_document ON relations (document_id);
CREATE INDEX relations_target ON relations (target_id, relation);
CREATE VIRTUAL TABLE [units_fts] USING FTS5 ([text], content=[units], tokenize='porter unicode61');
CREATE TRIGGER [units_ai] AFTER INSERT ON [units] BEGIN
    INSERT INTO [units_fts] (rowid, [text]) VALUES (new.rowid, new.[text]);
END;
CREATE TRIGGER [units_ad] AFTER DELETE ON [units] BEGIN
    INSERT INTO [units_fts] ([units_fts], rowid, [text]) VALUES ('delete', old.rowid, old.[text]);
END;
CREATE TRIGGER [units_au] AFTER UPDATE ON [units] BEGIN
    INSERT INTO [units_fts] ([units_fts], rowid, [text]) VALUES ('delete', old.rowid, old.[text]);
    INSERT INTO [units_fts] (rowid, [text]) VALUES (new.rowid, new.[text]);
END;
"""


class NotArgmineDatabase(FileExistsError, UsageError):
    """A file is where a database would go, and argmine did not create it: it is kept."""

    def __str__(self) -> str:
        return self.strerror or super().__str__()  # one line, without `[Errno 17]`


def _header_says_ours(path: str | os.PathLike) -> bool:
    # The header is read before SQLite opens anything: a file that is not argmine's is never opened by
    # SQLite read-write (which could roll back a journal into it).
    try:
        with open(path, "rb") as fh:
            head = fh.read(100)
    except OSError:
        return False
    return len(head) == 100 and head.startswith(_MAGIC) and int.from_bytes(head[68:72], "big") == APPLICATION_ID


def _check_ours(conn: sqlite3.Connection, shown: str) -> None:
    """Raise `NotArgmineDatabase` unless the open database is an argmine database this version can write."""
    try:
        (app_id,) = conn.execute("PRAGMA application_id").fetchone()
        (version,) = conn.execute("PRAGMA user_version").fetchone()
        row = conn.execute("SELECT value FROM argmine_meta WHERE key = 'format'").fetchone()
    except sqlite3.DatabaseError:
        row, app_id, version = None, 0, 0
    if app_id != APPLICATION_ID or row is None or row[0] != FORMAT:
        raise NotArgmineDatabase(errno.EEXIST, f"{shown}: exists and is not an argmine database; argmine did not "
                                               "write it, so it is kept (move it or choose another -o)")
    if version > SCHEMA_VERSION:
        raise NotArgmineDatabase(errno.EEXIST, f"{shown}: was written by a newer argmine (schema {version}); "
                                               "it is kept (upgrade argmine or choose another -o)")


def is_argmine_database(path: str | os.PathLike) -> bool:
    """Whether the regular file at `path` is an argmine database (never follows a symbolic link)."""
    if os.path.islink(path) or not os.path.isfile(path) or not _header_says_ours(path):
        return False
    try:
        with contextlib.closing(sqlite3.connect(path)) as conn:
            _check_ours(conn, str(path))
    except (NotArgmineDatabase, sqlite3.Error):
        return False
    return True


def check_replaceable(path: str | os.PathLike) -> None:
    """Raise `NotArgmineDatabase` when something is at `path` that argmine may not write over."""
    if os.path.lexists(path) and not is_argmine_database(path):
        raise NotArgmineDatabase(errno.EEXIST, f"{path}: exists and is not an argmine database; argmine did not "
                                               "write it, so it is kept (move it or choose another -o)")


def _connect(path: str | os.PathLike) -> sqlite3.Connection:
    # isolation_level=None: transactions are the writer's own explicit BEGIN/COMMIT, nothing implicit.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def _create_schema(conn: sqlite3.Connection) -> None:
    import argmine

    # Statement by statement inside one transaction (`executescript` would commit on its own).
    conn.execute("BEGIN")
    for statement in _statements(SCHEMA):
        conn.execute(statement)
    conn.execute("INSERT INTO argmine_meta (key, value) VALUES ('format', ?), ('argmine', ?)",
                 (FORMAT, argmine.__version__))
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    conn.execute("COMMIT")


def _statements(script: str) -> Iterator[str]:
    """The statements of `script`, a trigger body (`BEGIN ... END;`) kept whole."""
    buf = ""
    for line in script.splitlines(keepends=True):
        buf += line
        if buf.strip() and sqlite3.complete_statement(buf):
            yield buf.strip()
            buf = ""


def _inserted(cur: sqlite3.Cursor) -> int:
    """The id of the row an INSERT on `cur` just wrote (typeshed allows None: a cursor before any insert)."""
    assert cur.lastrowid is not None
    return cur.lastrowid


class Database:
    """An argmine database open for writing. One writer: the batch's main process, or `to_sqlite`."""

    def __init__(self, conn: sqlite3.Connection, path: str) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | os.PathLike) -> Database:
        """Open the argmine database at `path`, creating it when nothing is there.

        A new database is built in a temporary file and linked into place, which fails if a file appeared
        meanwhile; an existing file is opened only when it is an argmine database (`NotArgmineDatabase`).
        """
        path = Path(path)
        if not os.path.lexists(path):
            _create_at(path)
        if path.is_symlink() or not path.is_file() or not _header_says_ours(path):
            check_replaceable(path)  # raises with the reason
        conn = _connect(path)
        try:
            _check_ours(conn, str(path))
        except BaseException:
            conn.close()
            raise
        return cls(conn, str(path))

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction: everything in it is committed together, or rolled back."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def records(self) -> dict[str, dict]:
        """What made each document, by name: the batch's record (`input_sha256`, `model`, ...) and `words`."""
        cols = ("name", "model", "words", *_RECORD)
        out = {}
        for row in self.conn.execute(f"SELECT {', '.join(cols)} FROM documents"):
            data = dict(zip(cols, row))
            try:
                data["options"] = json.loads(data["options"]) if data["options"] is not None else None
            except ValueError:
                data["options"] = None  # never matches: the document is mapped again
            out[data.pop("name")] = data
        return out

    def summaries(self) -> dict[str, dict]:
        """Each document's `summary` (title, thesis, counts), by name, as the batch index shows it."""
        out: dict[str, dict] = {}
        cols = ("name", "title", *_COUNTS[1:])
        for row in self.conn.execute(f"SELECT {', '.join(cols)} FROM documents"):
            data = dict(zip(cols, row))
            data["title"] = data["title"] or ""
            data["thesis"] = None
            out[data.pop("name")] = data
        theses = self.conn.execute(
            "SELECT d.name, u.unit_id, u.text, u.start, u.end FROM units u JOIN documents d ON d.id = u.document_id "
            "WHERE u.is_thesis = 1"
        )
        for name, uid, text, start, end in theses:
            out[name]["thesis"] = {"id": uid, "text": text, "start": start, "end": end}
        return out

    def delete(self, name: str) -> None:
        """Remove the document called `name` and its units and relations (the FTS index follows)."""
        row = self.conn.execute("SELECT id FROM documents WHERE name = ?", (name,)).fetchone()
        if row is None:
            return
        self.conn.execute("DELETE FROM relations WHERE document_id = ?", row)
        self.conn.execute("DELETE FROM units WHERE document_id = ?", row)
        self.conn.execute("DELETE FROM documents WHERE id = ?", row)

    def put(self, name: str, amap: ArgumentMap, record: dict | None = None, summary: dict | None = None) -> int:
        """Store `amap` as the document called `name`, replacing any document of that name; its row id.

        `record` holds what made it (`input`, `input_sha256`, `model_sha256`, `options`...); `summary` is
        `argmine.export.summary.summary(amap)` when the caller already has it. Call inside `transaction`.
        """
        import argmine

        record = dict(record or {})
        summary = summary or summarise(amap)
        self.delete(name)
        thesis = (summary.get("thesis") or {}).get("id")
        options = record.get("options")
        values = {
            "name": name,
            "source": amap.source,
            "title": summary.get("title") or None,
            "model": amap.model,
            "words": record.get("words") if isinstance(record.get("words"), int) else len(amap.text.split()),
            "unit_count": len(amap),
            **{c: summary[c] for c in _COUNTS[1:]},
            **{k: record.get(k) for k in _RECORD},
            "argmine": record.get("argmine") or argmine.__version__,
            "options": None if options is None else json.dumps(options, sort_keys=True),
            "text": amap.text,
        }
        cur = self.conn.execute(
            f"INSERT INTO documents ({', '.join(values)}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
        doc_id = _inserted(cur)
        rowid: dict[str, int] = {}
        for unit in amap.units:
            cur = self.conn.execute(
                "INSERT INTO units (document_id, unit_id, kind, evidence_type, stance, is_thesis, start, end, "
                "paragraph, score, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (doc_id, unit.id, unit.kind, unit.evidence_type or None, unit.stance or None, int(unit.id == thesis),
                 unit.start, unit.end, unit.paragraph, float(unit.score), amap.unit_text(unit)),
            )
            rowid[unit.id] = _inserted(cur)
        self.conn.executemany(
            "INSERT INTO relations (document_id, source_id, target_id, relation, score) VALUES (?, ?, ?, ?, ?)",
            [(doc_id, rowid[r.source], rowid[r.target], r.relation, float(r.score)) for r in amap.relations],
        )
        return doc_id

    def maps(self) -> Iterator[tuple[str, ArgumentMap]]:
        """Every document as (name, map), read back through `ArgumentMap.from_dict` (offsets checked)."""
        docs = self.conn.execute("SELECT id, name, source, model, text FROM documents ORDER BY id").fetchall()
        for doc_id, name, source, model, text in docs:
            units = self.conn.execute(
                "SELECT id, unit_id, kind, evidence_type, stance, start, end, paragraph, score, text FROM units "
                "WHERE document_id = ? ORDER BY start, end", (doc_id,)).fetchall()
            ids = {row[0]: row[1] for row in units}
            relations = self.conn.execute(
                "SELECT source_id, target_id, relation, score FROM relations WHERE document_id = ?", (doc_id,))
            try:
                yield name, ArgumentMap.from_dict({
                    "source": source, "model": model, "text": text,
                    "units": [{"id": uid, "kind": kind, "evidence_type": et or "", "stance": st or "", "start": s,
                               "end": e, "paragraph": p, "score": sc, "text": t}
                              for _, uid, kind, et, st, s, e, p, sc, t in units],
                    "relations": [{"source": ids.get(a), "target": ids.get(b), "relation": rel, "score": sc}
                                  for a, b, rel, sc in relations],
                })
            except MapError as err:
                raise MapError(f"{self.path}: document {name!r}: {err}") from None


def _create_at(path: Path) -> None:
    """A new, empty argmine database at `path`, built aside and linked into place (never over a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = open_temporary(path)
    os.close(fd)
    try:
        with contextlib.closing(_connect(tmp)) as conn:
            _create_schema(conn)
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise NotArgmineDatabase(errno.EEXIST, f"{path}: a file appeared there; argmine did not write it, "
                                                   "so it is kept") from None
        except OSError:
            if os.path.lexists(path):  # no hard links on this file system: check, then rename
                raise NotArgmineDatabase(errno.EEXIST, f"{path}: a file appeared there; argmine did not write "
                                                       "it, so it is kept") from None
            os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def to_sqlite(amap: ArgumentMap) -> bytes:
    """A whole argmine database holding `amap` alone (named after its source), as the bytes of the file."""
    with tempfile.TemporaryDirectory(prefix="argmine-sqlite-") as tmp:
        # A file rather than `:memory:` + `serialize()`, which Python 3.10 lacks; the bytes are the same.
        where = os.path.join(tmp, "map.db")
        with contextlib.closing(_connect(where)) as conn:
            _create_schema(conn)
            db = Database(conn, where)
            with db.transaction():
                db.put(amap.source or "document", amap)
        with open(where, "rb") as fh:
            return fh.read()


def write_sqlite(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` as a one-document database at `path`, atomically; never over a file that is not one."""
    from argmine.export.atomic import write_atomic

    check_replaceable(path)
    write_atomic(path, to_sqlite(amap))


def read_sqlite(path: str | os.PathLike) -> list[ArgumentMap]:
    """Every map an argmine database holds, in the order they were written."""
    if not is_argmine_database(path):
        raise MapError(f"{path}: not an argmine database")
    with contextlib.closing(sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)) as conn:
        return [amap for _, amap in Database(conn, str(path)).maps()]


__all__ = [
    "APPLICATION_ID",
    "FORMAT",
    "SCHEMA",
    "Database",
    "NotArgmineDatabase",
    "check_replaceable",
    "is_argmine_database",
    "read_sqlite",
    "to_sqlite",
    "write_sqlite",
]
