"""Where pipelines come from: the shipped `models/` folder, a path, or a built-in baseline (rules, sentences)."""

from __future__ import annotations

import os
from pathlib import Path

RULES = "rules"
SENTENCES = "sentences"  # the sentence-per-unit baseline (argmine.nlp.baselines)
DEFAULT_MODEL = "argmine-en"


class ModelNotFound(ValueError):
    """A model name or path that does not lead to an argmine pipeline."""


def models_dir() -> Path:
    """The shipped models: inside the installed package (wheel), else the top-level `models/` of a clone."""
    packaged = Path(__file__).resolve().parent.parent / "models"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "models"


def available_models() -> list[str]:
    """Names of the shipped models plus the two baselines."""
    root = models_dir()
    names = sorted(p.name for p in root.iterdir() if (p / "config.cfg").is_file()) if root.is_dir() else []
    return names + [RULES, SENTENCES]


def resolve_model(model: str | os.PathLike | None = None) -> Path | str:
    """The folder of `model` (a shipped name or a path), `RULES` or `SENTENCES` for a baseline; None means the
    default."""
    if model is None:
        model = os.environ.get("ARGMINE_MODEL") or (
            DEFAULT_MODEL if (models_dir() / DEFAULT_MODEL / "config.cfg").is_file() else RULES
        )
    if str(model) in (RULES, SENTENCES):
        return str(model)
    for candidate in (Path(model), models_dir() / str(model)):
        if (candidate / "config.cfg").is_file():
            return candidate
    raise ModelNotFound(f"no argmine model at {str(model)!r}; available: {', '.join(available_models())}")
