"""`argmine info`: the versions, and which model `map` would use, where it is and what its card says.

Like `spacy info`, it reports what is on disk and loads nothing: the model's `meta.json` (name, version, the
unit finder's F1 on its development data), `training.json` (seed, held-out part, the corpus parts it was
trained on, time taken) and the headline of its card (README.md): the held-out, end-to-end scores of the
card's results table (`| measure | <model> | ...`, written from `benchmarks/accuracy.py`), all of them with
`--json`.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any, Optional

import typer

import argmine
from argmine.cli.app import app
from argmine.cli.errors import reported
from argmine.cli.terminal import printable


def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}  # info reports what is there; a missing or unreadable file is shown as absent
    return data if isinstance(data, dict) else {}


# The card's rows `argmine info` prints (all are in --json): end to end, one per corpus and question.
HEADLINE = ("segment F1 (50%)", "unit F1 (50%)", "component micro-F1 (exact)", "claim accuracy (50%)",
            "thesis accuracy (50%)")


def card_numbers(card: Path, name: str) -> dict[str, float]:
    """The model's column of the card's results table (`| measure | name | ...`), measure by measure."""
    try:
        lines = card.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return {}
    numbers: dict[str, float] = {}
    inside = False
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if not inside:
            inside = len(cells) > 1 and cells[0] == "measure" and cells[1] == name
            continue
        if not line.startswith("|"):
            break  # the table ends at its first line that is not a row
        try:
            numbers[cells[0]] = float(cells[1])
        except (IndexError, ValueError):
            continue  # the |---| rule, or a row without a number
    return numbers


def model_info(model: str | None) -> dict[str, Any]:
    """What is on disk about `model` (None: the one `argmine map` uses without --model)."""
    from argmine.nlp.models import ENV, RULES, SENTENCES, resolve_model

    where = resolve_model(model)
    chosen_by = "--model" if model is not None else (ENV if os.environ.get(ENV) else "default")
    if where in (RULES, SENTENCES):
        return {"name": where, "chosen_by": chosen_by, "path": None, "version": None,
                "description": "built-in baseline (no trained weights)"}
    path = Path(where)
    meta = _read_json(path / "meta.json")
    training = _read_json(path / "training.json")
    perf = meta.get("performance")
    if not isinstance(perf, dict):
        perf = {}
    card = path / "README.md"
    return {
        "name": meta.get("name", path.name),
        "chosen_by": chosen_by,
        "path": str(path),
        "version": meta.get("version"),
        "description": meta.get("description"),
        "spacy_version": meta.get("spacy_version"),
        "license": meta.get("license"),
        "pipeline": meta.get("pipeline"),
        "unit_finder_f1": perf.get("ents_f"),
        "unit_finder_precision": perf.get("ents_p"),
        "unit_finder_recall": perf.get("ents_r"),
        "trained_on": training.get("sources"),
        "holdout": training.get("holdout"),
        "seed": training.get("seed"),
        "training_seconds": training.get("seconds"),
        "card": str(card) if card.is_file() else None,
        "card_numbers": card_numbers(card, meta.get("name", path.name)) or None,
    }


def info_dict(model: str | None) -> dict[str, Any]:
    """Everything `argmine info` shows, as plain data."""
    try:
        from importlib.metadata import version

        spacy_version = version("spacy")
    except Exception:  # noqa: BLE001  (no metadata: say so rather than fail)
        spacy_version = None
    return {
        "argmine": argmine.__version__,
        "location": str(Path(argmine.__file__).resolve().parent),
        "python": platform.python_version(),
        "spacy": spacy_version,
        "platform": platform.platform(),
        "model": model_info(model),
    }


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    if isinstance(value, dict):
        return ", ".join(f"{k} {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


@app.command("info")
def info_command(
    model: Optional[str] = typer.Option(
        None, "--model", "-m", help="Model name or folder (default: the one `argmine map` uses)."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the information as JSON."),
    debug: bool = typer.Option(False, "--debug", help="Show tracebacks."),
) -> None:
    """Show argmine's version and the model `map` uses: where it is, its version and its card's numbers.

    Reads the model's meta.json, training.json and the results table of its card (README.md); loads nothing.

    Exit status: 0 shown, 2 unknown model.
    """
    with reported(debug):
        info = info_dict(model)
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False, indent=1))
        return
    m = info.pop("model")
    numbers = m.pop("card_numbers", None) or {}
    rows = [(k, v) for k, v in info.items()]
    rows += [("model", m.pop("name")), *((f"  {k.replace('_', ' ')}", v) for k, v in m.items())]
    width = max(len(k) for k, _ in rows)
    for key, value in rows:
        if value is not None:
            sys.stdout.write(f"{key:<{width}}  {printable(_fmt(value))}\n")
    headline = {k: v for k, v in numbers.items() if "end to end" in k and k.endswith(HEADLINE)}
    if headline:
        sys.stdout.write("  held out, from the card (every row: --json)\n")
        width = max(map(len, headline))
        for key, number in headline.items():
            sys.stdout.write(f"    {printable(key):<{width}}  {number:.3f}\n")
