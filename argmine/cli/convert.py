"""`argmine convert` (to be written)."""

from argmine.cli.app import app  # noqa: F401
