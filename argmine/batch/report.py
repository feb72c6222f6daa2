"""`argmine-report.json`: what happened to every input of a batch, and the totals."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from argmine.export.atomic import write_atomic

REPORT_NAME = "argmine-report.json"
REPORT_FORMAT = "argmine-report/1"
MAX_RUNS = 100  # earlier runs a report keeps (with their documents): a nightly resume must not grow it forever
STATUSES = ("ok", "failed", "skipped")


@dataclass
class Entry:
    """One input of the batch: where it came from, where its output went, and how it went."""

    input: str
    status: str = "failed"
    output: str | None = None  # relative to the output folder
    id: str | None = None  # JSONL records only
    reason: str = ""
    words: int | None = None
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    note: str = ""

    def to_dict(self) -> dict:
        """Plain data for the report (empty optional fields left out)."""
        data: dict = {"input": self.input}
        if self.id is not None:
            data["id"] = self.id
        data.update(output=self.output, status=self.status, reason=self.reason, words=self.words,
                    seconds=round(self.seconds, 4))
        if self.warnings:
            data["warnings"] = self.warnings
        if self.note:
            data["note"] = self.note
        return data


@dataclass
class Report:
    """Every input's entry in input order, plus what the run was."""

    entries: list[Entry] = field(default_factory=list)
    model: str = ""
    output_format: str = ""
    engine: str = "local"
    workers: int = 1
    seconds: float = 0.0
    restarts: int = 0  # worker deaths survived
    path: Path | None = None  # where the report was written
    model_sha256: str = ""
    options: dict = field(default_factory=dict)  # what changes a map: format, html, max_chars, min_score if given
    runs: list[dict] = field(default_factory=list)  # the earlier runs' reports, oldest first
    errors: list[str] = field(default_factory=list)  # what went wrong for the run as a whole (a full disk)

    def count(self, status: str) -> int:
        """How many inputs ended with `status`."""
        return sum(1 for e in self.entries if e.status == status)

    @property
    def exit_code(self) -> int:
        """0 when every input was mapped or skipped, 1 when any failed or the run could not record itself."""
        return 1 if self.count("failed") or self.errors else 0

    @property
    def words(self) -> int:
        """Words mapped in this run (skipped inputs not counted)."""
        return sum(e.words or 0 for e in self.entries if e.status == "ok")

    def totals(self) -> dict:
        """Counts by status, words mapped, wall-clock seconds, throughput and worker restarts."""
        return {
            "documents": len(self.entries),
            **{status: self.count(status) for status in STATUSES},
            "words": self.words,
            "seconds": round(self.seconds, 3),
            "words_per_second": round(self.words / self.seconds, 1) if self.seconds > 0 else 0.0,
            "worker_restarts": self.restarts,
        }

    def run_dict(self) -> dict:
        """This run as plain data (without the earlier runs)."""
        last = self.runs[-1].get("run") if self.runs else 0
        data = {
            "run": (last if isinstance(last, int) else len(self.runs)) + 1,
            "model": self.model,
            "model_sha256": self.model_sha256,
            "output_format": self.output_format,
            "options": self.options,
            "engine": self.engine,
            "workers": self.workers,
            "totals": self.totals(),
            "documents": [e.to_dict() for e in self.entries],
        }
        if self.errors:
            data["errors"] = self.errors
        return data

    def to_dict(self) -> dict:
        """The report as plain data: this run, then every earlier run into the same place (`runs`)."""
        return {"format": REPORT_FORMAT, **self.run_dict(), "runs": self.runs}

    def write(self, path: str | os.PathLike) -> None:
        """Write the report as JSON, atomically.

        Lone surrogates (a JSONL id `"\\ud800"`, a file name with undecodable bytes) are written as the
        `\\udXXX` escapes JSON has for them: the report is always valid UTF-8 and reads back as it was.
        """
        data = json.dumps(self.to_dict(), ensure_ascii=False, indent=1) + "\n"
        write_atomic(path, data.encode("utf-8", "backslashreplace"))
        self.path = Path(path)

    def summary(self) -> str:
        """One line: counts, words and speed."""
        t = self.totals()
        counts = f"{t['ok']} mapped, {t['skipped']} skipped, {t['failed']} failed"
        return (f"{t['documents']} documents: {counts}; "
                f"{t['words']} words in {t['seconds']:.1f} s ({t['words_per_second']:.0f} words/s)")


def is_report(path: str | os.PathLike) -> bool:
    """Whether the file at `path` is an argmine report (judged by its start, never read whole)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return head.replace(b" ", b"").replace(b"\n", b"").startswith(b'{"format":"argmine-report/')


def earlier_runs(path: str | os.PathLike) -> list[dict]:
    """The runs an earlier report at `path` holds (its own run last), for the next report to keep."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict) or data.get("format") != REPORT_FORMAT:
        return []
    runs = data.pop("runs", [])
    runs = [r for r in runs if isinstance(r, dict)] if isinstance(runs, list) else []
    data.pop("format", None)
    data.setdefault("run", len(runs) + 1)
    return [*runs, data][-MAX_RUNS:]
