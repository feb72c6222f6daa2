"""Shared test fixtures: where the public corpora are, and the project's own corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPORA = Path(os.environ.get("ARGMINE_CORPORA", ROOT.parent / "shared" / "corpora"))

needs_corpora = pytest.mark.skipif(
    not CORPORA.is_dir(), reason=f"public corpora not found at {CORPORA} (set ARGMINE_CORPORA)"
)
