"""Argdown, the plain-text argument mapping syntax (argdown.org): write-only.

The thesis comes first as a statement `[Thesis]: text`; under each statement, indented by two spaces per
level, `+ [Title]: text` lines support it and `- [Title]: text` lines attack it. Other roots follow as
separate trees, and units with no relation as lone statements. A unit with a second target is defined once
and referred to as `+ [Title]` under the other. Kinds and evidence types become tags (`#claim`,
`#evidence #statistics`).

Titles are `Thesis` or the kind and unit id (`Claim u3`), reduced to letters, digits, `_` and `-`, and made
unique. Unit text goes on one line (line breaks and control characters become spaces) with every character
Argdown would read as syntax backslash-escaped: `\\ @ # * _ [ ] < > / { } =`, and `.` or `:` where they would
open a special-character name such as `.U.` or `:x:`.
"""

from __future__ import annotations

import os
import re
import unicodedata

from argmine.argmap import ArgumentMap, Unit
from argmine.export.atomic import write_atomic
from argmine.graph.decode import thesis_of
from argmine.graph.tree import outline

_SYNTAX = re.compile(r"[\\@#*_\[\]<>/{}=]|\.(?=[^\s.]+\.)|:(?=[^\s:]+:)")
_TITLE_UNSAFE = re.compile(r"[^\w-]+")
KIND_TITLE = {"major_claim": "Major claim", "claim": "Claim", "premise": "Premise", "evidence": "Evidence"}
KIND_TAG = {"major_claim": "#major-claim", "claim": "#claim", "premise": "#premise", "evidence": "#evidence"}
MARK = {"support": "+", "attack": "-"}


def _one_line(text: str) -> str:
    chars = (" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text)
    return " ".join("".join(chars).split())


def escape(text: str) -> str:
    """`text` on one line, with every character Argdown would parse as syntax backslash-escaped."""
    return _SYNTAX.sub(lambda m: "\\" + m.group(0), _one_line(text))


def titles(amap: ArgumentMap) -> dict[str, str]:
    """A unique, syntax-safe Argdown title for every unit id."""
    thesis = thesis_of(amap.units)
    out: dict[str, str] = {}
    used: set[str] = set()
    for u in amap.units:
        if thesis is not None and u.id == thesis.id:
            base = "Thesis"
        else:
            ident = _TITLE_UNSAFE.sub("-", u.id).strip("-") or "unit"
            base = f"{KIND_TITLE[u.kind]} {ident}"
        title, n = base, 2
        while title.lower() in used:
            title, n = f"{base} {n}", n + 1
        used.add(title.lower())
        out[u.id] = title
    return out


def _statement(amap: ArgumentMap, unit: Unit, title: str) -> str:
    tags = KIND_TAG[unit.kind]
    if unit.kind == "evidence" and unit.evidence_type:
        tags += f" #{unit.evidence_type}"
    body = escape(amap.unit_text(unit))
    return f"[{title}]: {body} {tags}" if body else f"[{title}]: {tags}"


def to_argdown(amap: ArgumentMap) -> str:
    """Serialise `amap` as an Argdown document."""
    title = titles(amap)
    lines = [
        "// Argument map written by argmine: `+` lines support the statement above them, `-` lines attack it."
    ]
    for step in outline(amap):
        if step.depth == 0:
            lines.append("")  # an empty line closes the previous tree
            lines.append(_statement(amap, step.unit, title[step.unit.id]))
            continue
        assert step.via is not None  # only a root (depth 0) has no relation
        prefix = "  " * step.depth + MARK[step.via.relation] + " "
        if step.repeat:
            lines.append(prefix + f"[{title[step.unit.id]}]")
        else:
            lines.append(prefix + _statement(amap, step.unit, title[step.unit.id]))
    return "\n".join(lines) + "\n"


def write_argdown(amap: ArgumentMap, path: str | os.PathLike) -> None:
    """Write `amap` to `path` as Argdown, atomically."""
    write_atomic(path, to_argdown(amap))
