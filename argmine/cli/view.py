"""The terminal view of a map: the argument as an indented tree, and the analysis as numbers.

Labels are built as `rich.text.Text`, never as markup strings, so text such as `[bold]` in an essay prints
as itself; ids and texts go through `argmine.cli.terminal.printable`, so escape sequences, bidi overrides and
invisible characters in an essay print as visible escapes (`\\x1b`, `\\u202e`) and never act on the terminal.
"""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from argmine.argmap import ArgumentMap, Relation, Unit
from argmine.cli.terminal import printable
from argmine.graph.analysis import Analysis
from argmine.graph.confidence import is_uncertain, score_text
from argmine.graph.tree import outline

KIND_STYLE = {"major_claim": "bold magenta", "claim": "bold cyan", "premise": "blue", "evidence": "green"}
KIND_LABEL = {"major_claim": "MAJOR CLAIM", "claim": "CLAIM", "premise": "PREMISE", "evidence": "EVIDENCE"}
# How a unit relates to the one it is listed under; attacks stand out even without colour.
SUPPORT_MARK = ("+ support", "green")
ATTACK_MARK = ("✗ attack ", "bold red")
MAX_TEXT = 240


def _clip(text: str, limit: int = MAX_TEXT) -> str:
    # Rich passes ESC, bidi overrides and the rest through: they are escaped after clipping (the limit
    # counts the text's own characters), so a cut never leaves half an escape.
    flat = " ".join(text.split())
    return printable(flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…")


def _label(
    amap: ArgumentMap, unit: Unit, via: Relation | None, *, thesis: bool = False, seen: bool = False
) -> Text:
    label = Text()
    if via is not None:
        mark, style = SUPPORT_MARK if via.relation == "support" else ATTACK_MARK
        label.append(mark, style=style)
        label.append(" ")
    # An uncertain unit is dimmed and marked `?` with its score, so the mark survives without colour.
    unsure = is_uncertain(unit)
    dim = " dim" if unsure else ""
    label.append("THESIS" if thesis else KIND_LABEL[unit.kind], style=KIND_STYLE[unit.kind] + dim)
    if unsure:
        label.append(f"? ({score_text(unit.score)})", style="bold yellow")
    if unit.kind == "evidence":
        label.append(f" ({unit.evidence_type or 'untyped'})", style="green" + dim)
    label.append(f" {printable(unit.id)}", style="dim")
    if unit.stance:
        label.append(f" ({unit.stance})", style="yellow" + dim)
    label.append(": ")
    if seen:
        label.append("(shown above)", style="dim italic")
    else:
        style = "red" if via is not None and via.relation == "attack" else ""
        label.append(_clip(amap.unit_text(unit)), style=(style + dim).strip())
    return label


def render_tree(amap: ArgumentMap, analysis: Analysis) -> RenderableType:
    """The argument as a tree: the thesis first, what supports or attacks each unit indented under it."""
    thesis_id = analysis.thesis.id if analysis.thesis else None
    parts: list[RenderableType] = []
    if thesis_id is None:
        parts.append(Text("No thesis found (no major claim).", style="bold yellow"))
    lone = Tree(Text("Unattached", style="bold yellow"), guide_style="dim")
    branch: list[Tree] = []  # branch[d] is the tree node at depth d on the current path
    for step in outline(amap):
        if step.depth == 0:
            label = _label(amap, step.unit, None, thesis=step.unit.id == thesis_id)
            if amap.graph.degree(step.unit.id) == 0 and step.unit.id != thesis_id:
                lone.add(label)
                continue
            branch = [Tree(label, guide_style="dim")]
            parts.append(branch[0])
            continue
        node = branch[step.depth - 1].add(_label(amap, step.unit, step.via, seen=step.repeat))
        del branch[step.depth :]
        branch.append(node)
    if lone.children:
        parts.append(lone)
    parts.append(render_findings(analysis, amap))
    return Group(*parts)


def _ref(amap: ArgumentMap | None, uid: str) -> str:
    # A unit named again in the findings carries the tree's `?` mark: the doubt must not vanish there.
    unit = amap.unit(uid) if amap is not None else None
    mark = f"? ({score_text(unit.score)})" if unit is not None and is_uncertain(unit) else ""
    return printable(uid) + mark


def render_findings(analysis: Analysis, amap: ArgumentMap | None = None) -> RenderableType:
    """The analysis as short findings: unsupported and undefended claims, claims carrying most evidence; with
    `amap`, a unit scored under `UNCERTAIN` is marked as in the tree."""
    out = Text()
    out.append(f"\nDepth {analysis.depth}", style="bold")
    out.append(f" · {analysis.units} units · {analysis.relations} relations\n")
    for title, refs in (
        ("Unsupported claims", analysis.unsupported_claims),
        ("Attacked and never defended", analysis.undefended_claims),
    ):
        out.append(f"{title}: ", style="bold")
        out.append(f"{len(refs)}\n" if refs else "none\n")
        for ref in refs:
            out.append(f"  {_ref(amap, ref.id)}: {_clip(ref.text, 100)}\n")
    ranked = [e for e in analysis.evidence_ranking if e.evidence > 0][:3]
    out.append("Most evidence: ", style="bold")
    out.append("\n" if ranked else "none\n")
    for load in ranked:
        types = ", ".join(f"{n} {t}" for t, n in sorted(load.by_type.items()))
        out.append(f"  {_ref(amap, load.claim.id)} ({load.evidence}: {types}): {_clip(load.claim.text, 80)}\n")
    out.rstrip()
    return out


def render_summary(analysis: Analysis) -> RenderableType:
    """Only the numbers of the analysis, as a two-column table."""
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    cov = analysis.coverage
    rows: list[tuple[str, int]] = [("sentences", cov.sentences), ("  mapped", cov.mapped),
                                   ("  left out", len(cov.unmapped))]
    rows += [("units", analysis.units), ("relations", analysis.relations)]
    rows += [(f"  {name}", n) for name, n in analysis.relation_types.items()]
    rows += [(kind.replace("_", " "), n) for kind, n in analysis.kinds.items()]
    rows += [(f"  evidence: {name}", n) for name, n in analysis.evidence_types.items()]
    rows += [
        ("unsupported claims", len(analysis.unsupported_claims)),
        ("attacked, undefended claims", len(analysis.undefended_claims)),
        ("unattached units", len(analysis.unattached)),
        ("tree depth", analysis.depth),
        ("most evidence on one claim", max((e.evidence for e in analysis.evidence_ranking), default=0)),
    ]
    for name, n in rows:
        table.add_row(name, str(n))
    return table


def show(
    amap: ArgumentMap, analysis: Analysis, *, summary: bool = False, console: Console | None = None
) -> None:
    """Print the tree view (or, with `summary`, only the numbers) to `console` (stdout by default)."""
    console = console or Console()
    console.print(render_summary(analysis) if summary else render_tree(amap, analysis))
