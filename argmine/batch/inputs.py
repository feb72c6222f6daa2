"""Finding the documents of a batch: files, folders (recursive), glob patterns and JSONL record files."""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

# Files a folder or glob contributes; other files (gold `.json` annotations, images...) are left alone.
TEXT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_MAGIC = set("*?[")


@dataclass(frozen=True)
class Document:
    """One document to map: a text file, or one record (a line) of a JSONL file."""

    source: str  # the name maps and the report give it: the file path, or the record's id
    path: str  # the text file, or the JSONL file holding the record
    parts: tuple[str, ...]  # output name: folders under the output folder, then the stem
    line: int = 0  # 1-based line of a JSONL record; 0 for a text file
    id: str | None = None  # the record's own "id", when it has one
    offset: int = 0  # byte offset of that line
    size: int = 0  # bytes, to balance work between workers

    @property
    def is_record(self) -> bool:
        return self.line > 0

    @property
    def input(self) -> str:
        """Where the document comes from, for the report: the file, or `file:line` for a record."""
        return f"{self.path}:{self.line}" if self.is_record else self.path


@dataclass(frozen=True)
class Missing:
    """An input argument that names nothing: no such file, or a pattern that matches nothing."""

    input: str
    reason: str


def discover(inputs: Iterable[str], exclude: str | os.PathLike | None = None) -> Iterator[Document | Missing]:
    """The documents `inputs` name, in argument order (folders sorted), each file or record once.

    `exclude` is a folder never searched (the output folder, when it sits inside an input folder).
    """
    skip = os.path.realpath(exclude) if exclude is not None else None
    seen: set[tuple[str, int]] = set()
    for arg in inputs:
        found = False
        for doc in _expand(arg, skip):
            found = True
            key = (os.path.realpath(doc.path), doc.line)
            if key not in seen:
                seen.add(key)
                yield doc
        if not found:
            yield Missing(arg, _why_nothing(arg))


def _why_nothing(arg: str) -> str:
    path = Path(arg)
    if path.is_dir():
        return f"{arg}: no {'/'.join(TEXT_SUFFIXES + JSONL_SUFFIXES)} files in this folder"
    if path.exists():
        return f"{arg}: not a regular file"
    if _MAGIC & set(arg):
        return f"{arg}: the pattern matches no file"
    return f"{arg}: no such file"


def _expand(arg: str, skip: str | None) -> Iterator[Document]:
    path = Path(arg)
    if path.is_dir():
        yield from _walk(path, path, skip)
    elif path.is_file():
        yield from _file(path, (path.stem,))
    elif _MAGIC & set(arg) and not path.exists():
        base = _static_prefix(arg)
        for match in sorted(glob.glob(arg, recursive=True)):
            m = Path(match)
            if m.is_dir():
                yield from _walk(m, base, skip)
            elif m.is_file() and _wanted(m) and not _under(m, skip):
                yield from _file(m, _rel_parts(m, base))


def _static_prefix(pattern: str) -> Path:
    parts = []
    for part in Path(pattern).parts:
        if _MAGIC & set(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def _walk(folder: Path, base: Path, skip: str | None) -> Iterator[Document]:
    """Files under `folder` in path order (as `find | sort` would list them)."""
    # Symlinked folders are not followed (no loops, no wandering out of the tree); hidden entries are
    # skipped, which also skips argmine's own temporary files.
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".") and not _under(Path(root, d), skip)]
        for name in files:
            file = Path(root, name)
            if not name.startswith(".") and _wanted(file) and file.is_file():
                found.append(file)
    for file in sorted(found, key=lambda f: f.relative_to(folder).parts):
        yield from _file(file, _rel_parts(file, base))


def _under(path: Path, folder: str | None) -> bool:
    if folder is None:
        return False
    real = os.path.realpath(path)
    return os.path.commonpath([real, folder]) == folder


def _wanted(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES + JSONL_SUFFIXES


def _rel_parts(file: Path, base: Path) -> tuple[str, ...]:
    rel = Path(os.path.relpath(file, base))
    return (*rel.parent.parts, rel.stem) if str(rel.parent) != "." else (rel.stem,)


def _file(path: Path, parts: tuple[str, ...]) -> Iterator[Document]:
    name = path.as_posix()
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _records(path, parts[:-1])
    else:
        yield Document(source=name, path=name, parts=parts, size=_size(path))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _records(path: Path, folders: tuple[str, ...]) -> Iterator[Document]:
    """One document per non-blank line; a record without a usable id is named `<file stem>-<line>`."""
    name = path.as_posix()
    try:
        fh = open(path, "rb")
    except OSError:
        # Unreadable: one document that will fail with read_record's message.
        yield Document(source=name, path=name, parts=(*folders, path.stem), line=1)
        return
    with fh:
        offset = 0
        for lineno, raw in enumerate(fh, start=1):
            start, offset = offset, offset + len(raw)
            if not raw.strip():
                continue
            rid = _record_id(raw)
            source = rid if rid is not None else f"{name}:{lineno}"
            stem = rid if rid is not None else f"{path.stem}-{lineno}"
            yield Document(source=source, path=name, parts=(*folders, stem), line=lineno, id=rid,
                           offset=start, size=len(raw))


def _record_id(raw: bytes) -> str | None:
    try:
        record = json.loads(raw)
    except ValueError:
        return None
    rid = record.get("id") if isinstance(record, dict) else None
    if isinstance(rid, bool) or not isinstance(rid, (str, int)):
        return None
    rid = str(rid)
    return rid if rid.strip() else None
