"""What a table of maps shows about one map: its title, its thesis and its counts.

The SQLite database (`documents`), the batch index (`index.html`, `theses.csv`) and argmine's record of a
batch's outputs all take these from here, so the three never disagree about what a document's thesis is.
"""

from __future__ import annotations

from collections import Counter

from argmine.argmap import KINDS, ArgumentMap
from argmine.graph.decode import thesis_of


def title_of(text: str) -> str:
    """The text's title paragraph (a short first line that is not a sentence), or "" when it has none.

    The rule is the pipeline's own (`argmine.nlp.structure.paragraph_roles`), so a table shows as the title
    exactly the paragraph the model treated as one.
    """
    from argmine.nlp.structure import paragraph_roles
    from argmine.read.layout import metadata_spans

    metadata = metadata_spans(text)
    spans, roles = paragraph_roles(text, metadata)
    for (start, end), role in zip(spans, roles):
        if role == "title":
            # A date prefix can share the first line with the title (`date 2025-05-01 Title`).
            for ms, me in metadata:
                if ms <= start < me:
                    start = me
            return " ".join(text[start:end].split())
    return ""


def summary(amap: ArgumentMap, title: str | None = None) -> dict:
    """Plain data for one row: title, thesis (text and offsets, or None) and counts by kind and relation.

    `title` when the caller already knows it (it needs the pipeline's layout code to compute).
    """
    thesis = thesis_of(amap.units)
    kinds = Counter(u.kind for u in amap.units)
    relations = Counter(r.relation for r in amap.relations)
    return {
        "title": title_of(amap.text) if title is None else title,
        "thesis": None if thesis is None else {
            "id": thesis.id, "text": amap.unit_text(thesis), "start": thesis.start, "end": thesis.end,
        },
        **{f"{kind}_count": kinds.get(kind, 0) for kind in KINDS},
        "support_count": relations.get("support", 0),
        "attack_count": relations.get("attack", 0),
    }
