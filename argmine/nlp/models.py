"""Where pipelines come from: the shipped `models/` folder, a path, or a built-in baseline (rules, sentences).

A model is code as much as data (see `argmine.nlp.manifest`), so where it comes from must never depend on
the folder a command happens to run in. A bare name (`argmine-en`) names a shipped model and nothing else;
the file system is searched only for what looks like a path: it contains a separator, starts with `.` or
`~`, or is absolute (`./argmine-en`, `models/mine`, `/opt/models/x`). `ARGMINE_MODEL` follows the same rule,
and so does `os.PathLike`, which is a path by type.
"""

from __future__ import annotations

import os
from pathlib import Path

from argmine.errors import ModelError

RULES = "rules"
SENTENCES = "sentences"  # the sentence-per-unit baseline (argmine.nlp.baselines)
DEFAULT_MODEL = "argmine-en"
ENV = "ARGMINE_MODEL"


class ModelNotFound(ModelError):
    """A model name or path that does not lead to an argmine pipeline."""


class ModelLoadError(ModelError):
    """A model folder that passed its integrity check but that spaCy could not load (a broken config, a
    missing component): the message says which model and why, in one line."""


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


def looks_like_path(model: str) -> bool:
    """Whether a `--model` value names a folder (and not a shipped model): it contains a path separator,
    starts with `.` or `~`, or is absolute."""
    seps = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return any(sep in model for sep in seps) or model.startswith((".", "~")) or os.path.isabs(model)


def model_spec(model: str | os.PathLike | None) -> str | None:
    """`model` as a string that resolves to the same model (for caches and for worker processes): a path
    given as `os.PathLike` stays a path, `./name` when its string has no separator (`Path("./m")` is "m")."""
    if model is None or not isinstance(model, os.PathLike):
        return None if model is None else str(model)
    text = os.fspath(model)
    text = text.decode() if isinstance(text, bytes) else text
    return text if looks_like_path(text) else os.path.join(".", text)


def resolve_model(model: str | os.PathLike | None = None) -> Path | str:
    """The folder of `model` (a shipped name or a path), `RULES` or `SENTENCES` for a baseline; None means
    `ARGMINE_MODEL`, else the shipped default (the rule baseline when no model is shipped)."""
    if model is None:
        model = os.environ.get(ENV) or (
            DEFAULT_MODEL if (models_dir() / DEFAULT_MODEL / "config.cfg").is_file() else RULES
        )
    if isinstance(model, os.PathLike):
        return _folder(Path(model), str(model))
    model = str(model)
    if model in (RULES, SENTENCES):
        return model
    if looks_like_path(model):
        return _folder(Path(model).expanduser(), model)
    shipped = models_dir() / model
    if model and (shipped / "config.cfg").is_file():
        return shipped
    # A same-named folder here is never used in its place: say so, or the user would wonder.
    here = ""
    if model and Path(model).is_dir():
        here = f"; the folder {model!r} here is not used unless given as a path, ./{model}"
    raise ModelNotFound(
        f"no argmine model named {model!r}; available: {', '.join(available_models())} "
        f"(give a model folder by its path, e.g. ./{model or 'my-model'}){here}"
    )


def _folder(path: Path, given: str) -> Path:
    if (path / "config.cfg").is_file():
        return path
    raise ModelNotFound(
        f"no argmine model at {given!r} (no config.cfg there); available: {', '.join(available_models())}"
    )
