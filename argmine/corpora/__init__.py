"""Corpus readers: every public corpus and the project JSON format into `ArgumentMap`s."""
