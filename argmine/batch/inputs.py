"""Finding the documents of a batch: files, folders (recursive), glob patterns, JSONL record files and `-`,
JSONL records on standard input (`spool_stdin` copies them to a temporary file that the workers read).

Links: a file or folder named on the command line is used as named (links followed, as any command does);
inside a folder walk or a glob, symbolic links to files and folders are skipped unless `follow_links`, so
an archive cannot pull `/etc/passwd` into the outputs or send the walk out of its tree. With `follow_links`
every folder is entered once by its real identity, so a link loop ends the walk instead of hanging it.
"""

from __future__ import annotations

import contextlib
import fnmatch
import hashlib
import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, overload

from argmine.read.decode import DEFAULT_MAX_CHARS

# Files a folder or glob contributes; other files (gold `.json` annotations, images...) are left alone.
TEXT_SUFFIXES = (".txt", ".text", ".md", ".html", ".htm")
JSONL_SUFFIXES = (".jsonl", ".ndjson")
_MAGIC = set("*?[")
_LINE_CHUNK = 1 << 20
# Lone surrogates: a JSON `"\ud800"` or a file name with undecodable bytes (os.fsdecode's surrogateescape).
LONE_SURROGATES = re.compile("[\ud800-\udfff]")
STDIN = "-"


@overload
def record_byte_limit(max_chars: int) -> int: ...
@overload
def record_byte_limit(max_chars: None) -> None: ...
def record_byte_limit(max_chars: int | None) -> int | None:
    """The longest JSONL line (bytes) that can hold a text of `max_chars` characters.

    JSON may escape every character as `\\uXXXX` (12 bytes for one astral character as a surrogate pair),
    and the record has an id and other fields beside its text; a longer line is refused unread.
    """
    return None if max_chars is None else 12 * max_chars + 65_536


def clean_name(name: str) -> str:
    """`name` with lone surrogates as U+FFFD: a map's `source` must be valid Unicode to be written."""
    return LONE_SURROGATES.sub("\ufffd", name)


@dataclass(frozen=True)
class Document:
    """One document to map: a text file, or one record (a line) of a JSONL file."""

    source: str  # the name maps and the report give it: the file path, or the record's id
    path: str  # the text file, or the JSONL file holding the record
    parts: tuple[str, ...]  # output name: folders under the output folder, then the stem
    line: int = 0  # 1-based line of a JSONL record; 0 for a text file
    id: str | None = None  # the record's own "id", when it has one
    offset: int = 0  # byte offset of that line
    size: int = 0  # bytes, to balance work between workers (a record: its line, newline included)
    sha256: str = ""  # a record's line, hashed while it was found (files are hashed when planned)
    shown: str = ""  # the name the report gives `path` when it is not the user's: `-` for standard input

    @property
    def is_record(self) -> bool:
        return self.line > 0

    @property
    def input(self) -> str:
        """Where the document comes from, for the report: the file, or `file:line` for a record."""
        name = self.shown or self.path
        return f"{name}:{self.line}" if self.is_record else name


@dataclass(frozen=True)
class Missing:
    """An input argument that names nothing: no such file, or a pattern that matches nothing."""

    input: str
    reason: str


def discover(
    inputs: Iterable[str],
    exclude: str | os.PathLike | None = None,
    *,
    follow_links: bool = False,
    max_chars: int | None = DEFAULT_MAX_CHARS,
    stdin: Path | None = None,
) -> Iterator[Document | Missing]:
    """The documents `inputs` name, in argument order (folders sorted), each file or record once; `-` names
    the records of `stdin` (the file `spool_stdin` copied standard input to).

    `exclude` is a folder never searched (the output folder, when it sits inside an input folder).
    `follow_links` follows symbolic links met in folders and globs (see the module's docstring).
    JSONL lines longer than `record_byte_limit(max_chars)` are never read whole; they fail when mapped.
    """
    skip = os.path.realpath(exclude) if exclude is not None else None
    seen: set[tuple[str, int]] = set()
    limit = record_byte_limit(max_chars)
    for arg in inputs:
        found = False
        if arg == STDIN:
            if stdin is None:
                yield Missing(arg, "-: standard input is read only by run_batch (or `argmine batch -`)")
                continue
            expanded: Iterable[Document] = _records(stdin, (), limit, shown=STDIN)
        else:
            expanded = _expand(arg, skip, follow_links, limit)
        for doc in expanded:
            found = True
            key = (os.path.realpath(doc.path), doc.line)
            if key not in seen:
                seen.add(key)
                yield doc
        if not found:
            why = "-: no JSON Lines record on standard input" if arg == STDIN else _why_nothing(arg, follow_links)
            yield Missing(arg, why)


@contextlib.contextmanager
def spool_stdin(stream: BinaryIO | None = None) -> Iterator[Path]:
    """Standard input (or `stream`) copied, in bounded chunks, to `stdin.jsonl` in a temporary folder that is
    removed afterwards: workers read records by their offsets, which a pipe cannot give them."""
    source = stream if stream is not None else sys.stdin.buffer
    with tempfile.TemporaryDirectory(prefix="argmine-stdin-") as folder:
        path = Path(folder, "stdin.jsonl")
        with open(path, "wb") as out:
            shutil.copyfileobj(source, out, _LINE_CHUNK)
        yield path


def _why_nothing(arg: str, follow_links: bool) -> str:
    path = Path(arg)
    if path.is_dir():
        links = "" if follow_links else " (symbolic links are skipped without --follow-links)"
        return f"{arg}: no {'/'.join(TEXT_SUFFIXES + JSONL_SUFFIXES)} files in this folder{links}"
    if path.exists():
        return f"{arg}: not a regular file"
    if _MAGIC & set(arg):
        return f"{arg}: the pattern matches no file"
    return f"{arg}: no such file"


def _expand(arg: str, skip: str | None, follow: bool, limit: int | None) -> Iterator[Document]:
    path = Path(arg)
    if path.is_dir():
        yield from _walk(path, path, skip, follow, limit)
    elif path.is_file():
        yield from _file(path, (path.stem,), limit)
    elif _MAGIC & set(arg) and not path.exists():
        base = _static_prefix(arg)
        for match in sorted(set(_glob(arg, follow))):
            m = Path(match)
            if m.is_dir():
                yield from _walk(m, base, skip, follow, limit)
            elif m.is_file() and _wanted(m) and not _under(m, skip):
                yield from _file(m, _rel_parts(m, base), limit)


def _static_prefix(pattern: str) -> Path:
    parts = []
    for part in Path(pattern).parts:
        if _MAGIC & set(part):
            break
        parts.append(part)
    return Path(*parts) if parts else Path(".")


def _glob(pattern: str, follow: bool) -> Iterator[str]:
    """What `glob.glob(pattern, recursive=True)` matches, without following links it meets (unless `follow`).

    `glob` follows symlinked folders under `**`, so a link to `.` makes it recurse until the paths grow too
    long: two such links take exponential time. Here `**` enters each real folder once.
    """
    parts = Path(pattern).parts
    fixed = 0
    while fixed < len(parts) and not _MAGIC & set(parts[fixed]):
        fixed += 1
    start = os.path.join(*parts[:fixed]) if fixed else ""
    yield from _match(start, parts[fixed:], follow)


def _match(folder: str, parts: tuple[str, ...], follow: bool) -> Iterator[str]:
    if not parts:
        if folder and os.path.lexists(folder):
            yield folder
        return
    head, rest = parts[0], parts[1:]
    if head == "**":
        for sub in _folders(folder or ".", follow):
            here = _join(folder, sub)
            if rest:
                yield from _match(here, rest, follow)
                continue
            # A final `**` matches everything below, as glob's does: folders and files
            if here:
                yield here
            yield from _match(here, ("*",), follow)
        return
    if not _MAGIC & set(head):  # a fixed part below a pattern: named by the user, taken as named
        yield from _match(_join(folder, head), rest, follow)
        return
    try:
        with os.scandir(folder or ".") as it:
            entries = list(it)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith(".") and not head.startswith("."):
            continue  # glob's rule: wildcards do not match hidden names
        if not fnmatch.fnmatchcase(entry.name, head):
            continue
        if entry.is_symlink() and not follow:
            continue
        if rest and not _is_dir(entry):
            continue
        yield from _match(_join(folder, entry.name), rest, follow)


def _join(folder: str, name: str) -> str:
    return os.path.join(folder, name) if folder else name


def _is_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _folders(root: str, follow: bool, skip: str | None = None) -> Iterator[str]:
    """`root` itself ("") and every non-hidden folder below it, relative, each real folder once.

    A folder that resolves into `skip` is neither listed nor entered."""
    visited: set[tuple[int, int]] = set()
    stack = [""]
    while stack:
        rel = stack.pop()
        here = os.path.join(root, rel) if rel else root
        try:
            info = os.stat(here)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in visited:  # a link loop, or a second link to one folder
            continue
        if rel and _under(Path(here), skip):
            continue
        visited.add((info.st_dev, info.st_ino))
        yield rel
        try:
            with os.scandir(here) as it:
                entries = sorted(it, key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or not _is_dir(entry):
                continue
            if entry.is_symlink() and not follow:
                continue
            stack.append(os.path.join(rel, entry.name) if rel else entry.name)


def _walk(folder: Path, base: Path, skip: str | None, follow: bool, limit: int | None) -> Iterator[Document]:
    """Files under `folder` in path order (as `find | sort` would list them)."""
    # Hidden entries are skipped, which also skips argmine's own temporary files and its record of outputs;
    # links only with `follow` (see the module's docstring).
    found = []
    for sub in _folders(str(folder), follow, skip):
        here = Path(folder, sub)
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or (entry.is_symlink() and not follow):
                continue
            file = here / entry.name
            if _wanted(file) and entry.is_file():
                found.append(file)
    for file in sorted(found, key=lambda f: f.relative_to(folder).parts):
        yield from _file(file, _rel_parts(file, base), limit)


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


def _file(path: Path, parts: tuple[str, ...], limit: int | None) -> Iterator[Document]:
    name = path.as_posix()
    if path.suffix.lower() in JSONL_SUFFIXES:
        yield from _records(path, parts[:-1], limit)
    else:
        yield Document(source=clean_name(name), path=name, parts=parts, size=_size(path))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_line(fh, limit: int | None) -> tuple[bytes | None, int]:
    """The next line of `fh` and its length in bytes; the line is None (skipped, never held) over `limit`."""
    if limit is None:
        line = fh.readline()
        return line, len(line)
    line = fh.readline(limit + 1)
    if len(line) <= limit or line.endswith(b"\n"):
        return line, len(line)
    size = len(line)
    del line
    while True:  # consume the rest of the line a chunk at a time
        part = fh.readline(_LINE_CHUNK)
        size += len(part)
        if not part or part.endswith(b"\n"):
            return None, size


def _records(path: Path, folders: tuple[str, ...], limit: int | None, shown: str = ""
             ) -> Iterator[Document]:
    """One document per non-blank line; a record without a usable id is named `<file stem>-<line>` (its
    source `<file>:<line>`, with `shown` for the file where it is not the user's)."""
    name = path.as_posix()
    try:
        fh = open(path, "rb")
    except OSError:
        # Unreadable: one document that will fail with read_record's message.
        yield Document(source=clean_name(shown or name), path=name, parts=(*folders, path.stem), line=1,
                       shown=shown)
        return
    with fh:
        offset = 0
        lineno = 0
        while True:
            raw, size = read_line(fh, limit)
            if size == 0:
                break
            lineno += 1
            start, offset = offset, offset + size
            if raw is not None and not raw.strip():
                continue
            # An over-long line is not parsed for its id: it fails, unread, when it is mapped.
            rid = _record_id(raw) if raw is not None else None
            source = clean_name(rid) if rid is not None else clean_name(f"{shown or name}:{lineno}")
            stem = rid if rid is not None else f"{path.stem}-{lineno}"
            digest = hashlib.sha256(raw).hexdigest() if raw is not None else ""
            yield Document(source=source, path=name, parts=(*folders, stem), line=lineno, id=rid,
                           offset=start, size=size, sha256=digest, shown=shown)


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
