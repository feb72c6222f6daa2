"""Shared test fixtures: where the public corpora are, and the project's own corpus."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from corpus_fixtures import write_public_fixtures

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CORPORA = Path(os.environ.get("ARGMINE_CORPORA", ROOT.parent / "shared" / "corpora"))

_CORPORA_PRESENT = pytest.mark.skipif(
    not CORPORA.is_dir(), reason=f"public corpora not found at {CORPORA} (set ARGMINE_CORPORA)"
)


def needs_corpora(test):
    """For a test that reads the public corpora: skipped without them, and slow (it reads a whole corpus;
    `pytest -m "not slow"` leaves it out, the full run keeps it)."""
    return pytest.mark.slow(_CORPORA_PRESENT(test))


def _fixture_corpora() -> Path:
    """One folder per test session with the small corpora in every supported format: the public corpora's
    formats written by `corpus_fixtures`, the project's JSON format from `fixtures/json`."""
    root = Path(tempfile.mkdtemp(prefix="argmine-fixture-corpora-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    write_public_fixtures(root)
    shutil.copytree(FIXTURES / "json", root / "json")
    return root


FIXTURE_CORPORA = _fixture_corpora()
