"""The `argmine batch` progress bar (documents, words/s, ETA) on a terminal, and one line per failure.

Every line goes through `argmine.cli.terminal.one_line`: failure reasons and the report path carry input
names and ids, which must not reach the terminal as escape sequences.
"""

from __future__ import annotations

import sys
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from argmine.batch.report import Entry, Report
from argmine.batch.run import Observer
from argmine.cli.terminal import one_line


class WordsPerSecond(ProgressColumn):
    """Words mapped per second of wall-clock time so far."""

    def render(self, task: Task) -> Text:
        elapsed = task.finished_time if task.finished else task.elapsed
        words = task.fields.get("words", 0)
        rate = words / elapsed if elapsed else 0.0
        return Text(f"{rate:,.0f} words/s", style="progress.data.speed")


class ConsoleObserver(Observer):
    """A rich progress bar when `stream` is a terminal; otherwise quiet but for failures and a summary."""

    def __init__(self, stream: TextIO | None = None, bar: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.bar = self.stream.isatty() if bar is None else bar
        self.console = Console(file=self.stream, highlight=False, soft_wrap=True)
        self.progress: Progress | None = None
        self.task: TaskID | None = None
        self.words = 0

    def start(self, total: int, skipped: int) -> None:
        if not self.bar:
            return
        self.progress = Progress(
            TextColumn("mapping"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("documents"),
            WordsPerSecond(),
            TimeRemainingColumn(),
            console=self.console,
            transient=False,
        )
        self.progress.start()
        self.task = self.progress.add_task("mapping", total=total, completed=skipped, words=0)

    def done(self, entry: Entry) -> None:
        if entry.status == "failed":
            self.console.print(Text(f"argmine: {one_line(entry.reason)}"))
        if entry.status == "ok":
            self.words += entry.words or 0
        if self.progress is not None and self.task is not None:  # both set by `start`
            self.progress.update(self.task, advance=1, words=self.words)

    def finish(self, report: Report) -> None:
        self.stop()
        where = f" (report: {report.path})" if report.path else ""
        self.console.print(Text(f"argmine: {one_line(report.summary() + where)}"))

    def stop(self) -> None:
        """Take the bar off the terminal (also on interruption)."""
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
