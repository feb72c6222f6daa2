"""Errors that stop a whole batch (per-document failures never raise; they go to the report)."""

from __future__ import annotations

from argmine.errors import ModelError, UsageError


class BatchUsageError(UsageError):
    """Arguments that make the batch impossible (no output folder, unknown engine...): exit status 2."""


class ModelLoadError(ModelError):
    """The model could not be loaded by a worker, so no document can be mapped."""
