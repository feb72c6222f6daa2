"""Planning a batch: an output name for every input, and which outputs are already up to date."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePosixPath

from argmine.batch.inputs import Document
from argmine.batch.names import UnsafePath, assign_outputs, inside, safe_relpath
from argmine.batch.report import Entry

UP_TO_DATE = "output is newer than the input and the model"


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


def model_mtime(where: Path | str) -> float:
    """When the model last changed: its newest file, or for the rule baseline its code."""
    from argmine.nlp.models import RULES

    if where == RULES:
        import argmine.nlp

        files: Iterable[Path] = Path(argmine.nlp.__file__).parent.glob("*.py")
    else:
        files = (p for p in Path(where).rglob("*") if p.is_file())
    return max((p.stat().st_mtime for p in files), default=0.0)


def up_to_date(output: Path, source: str, newest_model: float) -> bool:
    """Whether `output` exists and is newer than both its input file and the model."""
    try:
        out = output.stat().st_mtime
        return out > os.stat(source).st_mtime and out > newest_model
    except OSError:
        return False


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
    reserved: Sequence[PurePosixPath] = (),
    newest_model: float = 0.0,
    force: bool = False,
    previous: dict[tuple[str, str | None], int] | None = None,
) -> dict[int, Path]:
    """Give every document (entry index, document) a safe, unique output under `outdir`.

    Fills in each entry's `output`, `note` (renamed on a clash) and, for an up-to-date output unless
    `force`, status `skipped` (with `words` from the `previous` report). An unsafe name fails the entry.
    Returns the output path of every entry that got one.
    """
    previous = previous or {}
    wanted = [safe_relpath(doc.parts, suffix) for _, doc in docs]
    targets: dict[int, Path] = {}
    for (index, doc), want, (rel, clash) in zip(docs, wanted, assign_outputs(wanted, reserved)):
        entry = entries[index]
        if clash is not None:
            owner = "the report" if clash < 0 else entries[docs[clash][0]].input
            entry.note = f"output renamed to {rel}: {want} is taken by {owner}"
        try:
            targets[index] = inside(outdir, rel)
        except UnsafePath as err:
            entry.reason = str(err)
            continue
        entry.output = rel.as_posix()
        if not force and up_to_date(targets[index], doc.path, newest_model):
            entry.status, entry.reason = "skipped", UP_TO_DATE
            entry.words = previous.get((entry.input, entry.output))
    return targets
