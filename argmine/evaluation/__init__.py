"""Scoring predicted argument maps against gold ones."""
