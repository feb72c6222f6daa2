"""What the drawn formats (Graphviz and Mermaid) share: node text, and the column layout of a long map.

Both draw one box per unit headed by its kind (`THESIS` for the thesis, the evidence type after `EVIDENCE`)
and its id, then the unit's full text wrapped at a fixed width: text is never cut, because the facts that
matter are often at the end of a sentence ("scored 12 points lower").

`columns` is the layout that keeps a 70-unit op-ed readable: every unit directly under the thesis heads a
column, and the units beneath it (its premises and evidence, theirs, ...) follow in the column in outline
order; columns are wrapped into rows of at most `COLUMNS_PER_ROW`. Units in trees of their own (not linked
to the thesis) form columns of their own, after the thesis's.

`scene` names what both drawings draw: units are nodes `n1`, `n2`, ... in reading order, and every row hangs
from an anchor (the thesis for the first row, a "THESIS, continued" box `c1`, `c2`, ... for later rows, `o0`,
`o1`, ... for rows not linked to the thesis); an arrow from a later row's head to the thesis ends at its
row's box, so that no arrow crosses a row.
"""

from __future__ import annotations

import textwrap
import unicodedata
from dataclasses import dataclass, field

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.graph.decode import thesis_of
from argmine.graph.tree import outline

COLUMNS_PER_ROW = 5
KIND_FILL = {"major_claim": "#e9d5ff", "claim": "#bfdbfe", "premise": "#e2e8f0", "evidence": "#bbf7d0"}
KIND_LINE = {"major_claim": "#7e22ce", "claim": "#1d4ed8", "premise": "#475569", "evidence": "#15803d"}
KIND_NAME = {"major_claim": "major claim", "claim": "claim", "premise": "premise", "evidence": "evidence"}
RELATION_COLOUR = {"support": "#15803d", "attack": "#dc2626"}
HELPER_LINE = "#6b7280"  # the outline of the "continued" and "not linked" boxes


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


@dataclass(frozen=True)
class Anchor:
    """The node a row hangs from: `role` is "thesis" (the first row), "continued" (`c1`, `c2`, ...: a later
    row's "THESIS, continued" box) or "unlinked" (`o0`, `o1`, ...: rows of units not linked to the thesis)."""

    name: str
    row: Row
    role: str


@dataclass
class Scene:
    """The column layout with node names: what the Graphviz and Mermaid drawings both draw."""

    layout: Layout
    name: dict[str, str]  # unit id -> node name
    anchors: list[Anchor]
    redirect: dict[str, str]  # a later row's head -> its row's "continued" box

    @property
    def thesis(self) -> Unit | None:
        return self.layout.thesis

    def is_thesis(self, unit: Unit) -> bool:
        return self.thesis is not None and unit.id == self.thesis.id

    def to_thesis(self, relation: Relation) -> bool:
        return self.thesis is not None and relation.target == self.thesis.id

    def target(self, relation: Relation) -> str:
        """The node `relation`'s arrow ends at: its target's, or for a later row's head linked to the thesis,
        that row's "continued" box."""
        if self.to_thesis(relation):
            return self.redirect.get(relation.source, self.name[relation.target])
        return self.name[relation.target]


def scene(amap: ArgumentMap, per_row: int = COLUMNS_PER_ROW) -> Scene:
    """`columns(amap)` with node names, row anchors and arrow ends (see the module docstring)."""
    layout = columns(amap, per_row)
    # Nodes are named n1, n2, ... in reading order: unit ids may hold anything, DOT and Mermaid ids may not.
    name = {u.id: f"n{i + 1}" for i, u in enumerate(amap.units)}
    anchors: list[Anchor] = []
    redirect: dict[str, str] = {}
    for i, row in enumerate(layout.rows):
        if i == 0:
            assert layout.thesis is not None  # rows under the thesis exist only when it does
            anchors.append(Anchor(name[layout.thesis.id], row, "thesis"))
        else:
            anchors.append(Anchor(f"c{i}", row, "continued"))
            redirect.update((column[0], f"c{i}") for column in row.columns)
    anchors += [Anchor(f"o{i}", row, "unlinked") for i, row in enumerate(layout.unlinked)]
    return Scene(layout, name, anchors, redirect)
