"""Planning a batch: an output name for every input, and what becomes of the file already there.

Each decision in one place, for every output path:
- it is an input of this batch (same path, or the same file through a link): the document fails; argmine
  never writes over its input, `--force` or not;
- nothing there: the output is written;
- a file argmine's record says it wrote (these very bytes): skipped when everything that made it matches
  (input bytes, model, version, options), else written again; `--force` always writes it again;
- any other file (a gold annotation, a file edited since, anything argmine did not write): the document
  fails and the file is kept, `--force` or not.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from argmine.batch.inputs import Document
from argmine.batch.names import UnsafePath, assign_outputs, inside, safe_relpath
from argmine.batch.record import RECORD_NAME, OutputRecord, file_sha256
from argmine.batch.report import Entry
from argmine.read.decode import byte_limit

UP_TO_DATE = "already mapped from the same input, model and options"


def model_name(where: Path | str) -> str:
    """The name the report gives a resolved model: `rules`, or the model's meta name or folder."""
    from argmine.nlp.models import RULES

    if where == RULES:
        return RULES
    try:
        meta = json.loads((Path(where) / "meta.json").read_text(encoding="utf-8"))
        return meta.get("name") or Path(where).name
    except (OSError, ValueError, AttributeError):
        return Path(where).name


class InputSet:
    """The files a batch reads, by real path and by file identity (a hard link is the same file)."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.real: set[str] = set()
        self.ids: set[tuple[int, int]] = set()
        for path in set(paths):
            self.real.add(os.path.realpath(path))
            try:
                info = os.stat(path)
            except OSError:
                continue
            self.ids.add((info.st_dev, info.st_ino))

    def __contains__(self, path: object) -> bool:
        if not isinstance(path, (str, os.PathLike)):
            return False
        if os.path.realpath(path) in self.real:
            return True
        try:
            info = os.stat(path)
        except OSError:
            return False
        return (info.st_dev, info.st_ino) in self.ids


def existing(path: Path) -> tuple[bool, str | None, str]:
    """(exists, sha256 of its bytes or None, why it cannot be argmine's) for the file at `path`."""
    if not os.path.lexists(path):
        return False, None, ""
    if path.is_symlink():
        return True, None, "is a symbolic link"
    if not path.is_file():
        return True, None, "is not a regular file"
    sha = file_sha256(path)
    return True, sha, "" if sha is not None else "cannot be read"


def not_ours(shown: str | os.PathLike, why: str = "", record: OutputRecord | None = None, rel: str = "") -> str:
    """The reason given for a file argmine will not replace."""
    if why:
        return f"{shown}: exists and {why}; argmine did not write it, so it is kept (move it or choose another -o)"
    if record is not None and record.get(rel) is not None:
        return (f"{shown}: exists and has changed since argmine wrote it; it is kept, --force or not "
                "(move it or choose another -o)")
    return (f"{shown}: exists and argmine did not write it (it is not in {RECORD_NAME}); it is kept, --force "
            "or not (move it or choose another -o)")


@dataclass
class Target:
    """Where one document's output goes, and what argmine expects to find there when it writes."""

    path: Path
    rel: str
    expect: str | None = None  # sha256 of argmine's own file being replaced; None: no file there
    meta: dict = field(default_factory=dict)  # what made the output, for the record


def input_sha256(doc: Document, max_chars: int | None) -> str:
    """The hash of what `doc` maps: its file, or its JSONL line (hashed while discovered)."""
    if doc.is_record:
        return doc.sha256
    # A file too large to map fails anyway; it is not read twice to be hashed.
    return file_sha256(doc.path, byte_limit(max_chars)) or ""


def reserved_names(outdir: Path, report_path: Path | None) -> list[PurePosixPath]:
    """The report's name under the output folder, which no output may take."""
    if report_path is None:
        return []
    real_out, real_report = os.path.realpath(outdir), os.path.realpath(report_path)
    if os.path.commonpath([real_out, real_report]) != real_out:
        return []
    return [PurePosixPath(Path(os.path.relpath(real_report, real_out)).as_posix())]


def plan_outputs(
    entries: list[Entry],
    docs: Sequence[tuple[int, Document]],
    outdir: Path,
    suffix: str,
    *,
    record: OutputRecord,
    run: dict,
    inputs: InputSet,
    reserved: Sequence[PurePosixPath] = (),
    force: bool = False,
    max_chars: int | None = None,
) -> dict[int, Target]:
    """Give every document (entry index, document) a safe, unique output under `outdir`, and decide it.

    Fills in each entry's `output`, `note` (renamed on a clash) and, as the module's docstring says,
    status `skipped` (with `words` from the record) or a failure reason. `run` holds the model identity and
    the options, recorded with every output. Returns the target of every document to map.
    """
    wanted = [safe_relpath(doc.parts, suffix) for _, doc in docs]
    targets: dict[int, Target] = {}
    for (index, doc), want, (rel, clash) in zip(docs, wanted, assign_outputs(wanted, reserved)):
        entry = entries[index]
        if clash is not None:
            owner = "the report" if clash < 0 else entries[docs[clash][0]].input
            entry.note = f"output renamed to {rel}: {want} is taken by {owner}"
        try:
            path = inside(outdir, rel)
        except UnsafePath as err:
            entry.reason = str(err)
            continue
        key = rel.as_posix()
        entry.output = key
        if path in inputs:
            entry.reason = (f"{entry.input}: its output {path} is an input of this batch; argmine never writes "
                            "over an input, --force or not (choose another -o)")
            continue
        meta = {"input": entry.input, "input_sha256": input_sha256(doc, max_chars), **run}
        if doc.id is not None:
            meta["id"] = doc.id
        found, sha, why = existing(path)
        if not found:
            targets[index] = Target(path, key, None, meta)
            continue
        if why or not record.owns(key, sha):
            entry.reason = f"{entry.input}: " + not_ours(path, why, record, key)
            continue
        mine = record.get(key) or {}
        if not force and sha == mine.get("sha256") and meta["input_sha256"] and all(
            mine.get(k) == v for k, v in meta.items()
        ):
            entry.status, entry.reason = "skipped", UP_TO_DATE
            entry.words = mine.get("words") if isinstance(mine.get("words"), int) else None
            continue
        targets[index] = Target(path, key, sha, meta)
    return targets


def plan_rows(
    entries: list[Entry],
    docs: Sequence[tuple[int, Document]],
    records: dict[str, dict],
    *,
    run: dict,
    force: bool = False,
    max_chars: int | None = None,
) -> tuple[dict[int, str], dict[int, dict]]:
    """For `-f sqlite`: a unique document name for every document, and which of them to map.

    A database is its own record: `records` holds, by name, what made each document already in it. A
    document is skipped when everything that made it matches (input bytes, model, version, options), as in
    `plan_outputs`; anything else is mapped and replaces the rows of that name. Names are the output names
    a folder would get, without a suffix (`sub/essay`, a record's id), unique in the same way. Returns
    (name by entry index for every document, record to store by entry index for the documents to map).
    """
    wanted = [safe_relpath(doc.parts, "") for _, doc in docs]
    names: dict[int, str] = {}
    todo: dict[int, dict] = {}
    for (index, doc), want, (rel, clash) in zip(docs, wanted, assign_outputs(wanted)):
        entry = entries[index]
        name = names[index] = rel.as_posix()
        if clash is not None:
            entry.note = f"document named {name}: {want} is taken by {entries[docs[clash][0]].input}"
        meta = {"input": entry.input, "record_id": doc.id, "input_sha256": input_sha256(doc, max_chars),
                "model": run["model"], "model_sha256": run["model_sha256"], "argmine": run["argmine"],
                "options": run["options"]}
        mine = records.get(name)
        if not force and mine is not None and meta["input_sha256"] and all(mine.get(k) == v for k, v in meta.items()):
            entry.status, entry.reason = "skipped", UP_TO_DATE
            entry.words = mine.get("words") if isinstance(mine.get("words"), int) else None
            continue
        todo[index] = meta
    return names, todo
