"""Batch mapping: many inputs to many outputs, in parallel, resumable, with a report.

`run_batch` is what `argmine batch` runs; `map_parallel` is what `argmine.map_many(workers=N)` runs.
The local engine is a pool of processes forked from a fork server that holds the loaded model (`pool`,
`preload`); the Dask engine (`dask_engine`) runs the same worker code on a cluster; both follow one retry
and split policy (`engine`).
"""

from argmine.batch.errors import BatchUsageError, ModelLoadError
from argmine.batch.inputs import JSONL_SUFFIXES, TEXT_SUFFIXES, Document, discover
from argmine.batch.names import UnsafePath, safe_component
from argmine.batch.parallel import map_parallel
from argmine.batch.record import LOCK_NAME, RECORD_NAME
from argmine.batch.pool import WorkerDied, WorkerPool, WorkerStartError, default_workers
from argmine.batch.report import REPORT_NAME, Entry, Report
from argmine.batch.run import ENGINES, Observer, run_batch
from argmine.export.jsonl import from_jsonl, read_jsonl, to_jsonl  # the README's `argmine.batch.read_jsonl`

__all__ = [
    "ENGINES",
    "JSONL_SUFFIXES",
    "LOCK_NAME",
    "RECORD_NAME",
    "REPORT_NAME",
    "TEXT_SUFFIXES",
    "BatchUsageError",
    "Document",
    "Entry",
    "ModelLoadError",
    "Observer",
    "Report",
    "UnsafePath",
    "WorkerDied",
    "WorkerPool",
    "WorkerStartError",
    "default_workers",
    "discover",
    "from_jsonl",
    "map_parallel",
    "read_jsonl",
    "run_batch",
    "safe_component",
    "to_jsonl",
]
