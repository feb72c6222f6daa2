"""What the drawn formats (Graphviz and Mermaid) share: node text, and the column layout of a long map.

Both draw one box per unit headed by its kind (`THESIS` for the thesis, the evidence type after `EVIDENCE`)
and its id, then the unit's full text wrapped at a fixed width: text is never cut, because the facts that
matter are often at the end of a sentence ("scored 12 points lower").

`columns` is the layout that keeps a 70-unit op-ed readable: every unit directly under the thesis heads a
column, and the units beneath it (its premises and evidence, theirs, ...) follow in the column in outline
order; columns are wrapped into rows of at most `COLUMNS_PER_ROW`. Units in trees of their own (not linked
to the thesis) form columns of their own, after the thesis's.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass, field

from argmine.argmap import ArgumentMap, Unit
from argmine.graph.decode import thesis_of
from argmine.graph.tree import outline

COLUMNS_PER_ROW = 5
KIND_FILL = {"major_claim": "#e9d5ff", "claim": "#bfdbfe", "premise": "#e2e8f0", "evidence": "#bbf7d0"}
KIND_LINE = {"major_claim": "#7e22ce", "claim": "#1d4ed8", "premise": "#475569", "evidence": "#15803d"}
KIND_NAME = {"major_claim": "major claim", "claim": "claim", "premise": "premise", "evidence": "evidence"}
RELATION_COLOUR = {"support": "#15803d", "attack": "#dc2626"}


def clean(text: str) -> str:
    """`text` on one line: control characters, line breaks and runs of spaces become single spaces."""
    # XML (and so SVG) cannot carry control characters, surrogates or U+FFFE/U+FFFF at all.
    chars = (
        " " if unicodedata.category(c) in ("Cc", "Cs", "Zl", "Zp") or c in "\ufffe\uffff" else c for c in text
    )
    return " ".join("".join(chars).split())


def head(unit: Unit, is_thesis: bool) -> str:
    """A box's first line without the id: `THESIS`, `CLAIM`, `EVIDENCE · statistics`, ..."""
    words = "THESIS" if is_thesis else unit.kind.replace("_", " ").upper()
    if unit.kind == "evidence" and unit.evidence_type:
        words += f" · {unit.evidence_type}"
    return words


def wrap(text: str, width: int) -> list[str]:
    """The full `text`, cleaned and wrapped at `width` characters (long words broken, nothing dropped)."""
    return textwrap.wrap(clean(text), width, break_long_words=True, break_on_hyphens=False) or [""]


@dataclass
class Row:
    """Columns drawn side by side. `parent` is the unit their heads link to ("" for unlinked columns)."""

    parent: str
    columns: list[list[str]] = field(default_factory=list)

    @property
    def height(self) -> int:
        """Units in the longest column (ranks the row occupies)."""
        return max((len(c) for c in self.columns), default=0)


@dataclass
class Layout:
    """The thesis (or None), the rows of columns under it, then the rows of units not linked to it."""

    thesis: Unit | None
    rows: list[Row]
    unlinked: list[Row]


def columns(amap: ArgumentMap, per_row: int = COLUMNS_PER_ROW) -> Layout:
    """The map as columns wrapped into rows (see the module docstring); every unit is in exactly one."""
    thesis = thesis_of(amap.units)
    linked: list[list[str]] = []
    others: list[list[str]] = []
    current: list[list[str]] = others
    for step in outline(amap):
        if step.repeat:
            continue  # shown in full where the outline first reached it
        uid = step.unit.id
        if thesis is not None and uid == thesis.id:
            current = linked
            continue
        if step.depth == 0:
            current = others
            others.append([uid])
        elif step.depth == 1 and current is linked:
            linked.append([uid])
        else:
            current[-1].append(uid)

    def rows(cols: list[list[str]], parent: str) -> list[Row]:
        return [Row(parent, cols[i : i + per_row]) for i in range(0, len(cols), per_row)]

    return Layout(thesis, rows(linked, thesis.id if thesis else ""), rows(others, ""))
