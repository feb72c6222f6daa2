"""The relation decoder's spanning-tree search against networkx's Chu-Liu/Edmonds."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from argmine.nlp.relate import _arborescence

ROOT = -1


@st.composite
def paragraphs(draw):
    """Incoming edges of 1-7 units: each may hang from the root, and from some of the other units."""
    n = draw(st.integers(1, 7))
    weight = st.floats(-8.0, 0.0, allow_nan=False)
    return {
        i: [(ROOT, draw(weight))] + [(j, draw(weight)) for j in range(n) if j != i and draw(st.booleans())]
        for i in range(n)
    }


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(paragraphs())
def test_the_decoder_finds_the_maximum_spanning_arborescence(incoming):
    tree, weight = _arborescence(incoming, ROOT)
    graph = nx.DiGraph()
    graph.add_node(ROOT)
    for i, edges in incoming.items():
        for j, w in edges:
            graph.add_edge(j, i, weight=w)
    best = nx.maximum_spanning_arborescence(graph, attr="weight")
    assert abs(weight - best.size(weight="weight")) < 1e-9
    # The answer is a tree under the root made of given edges.
    assert set(tree) == set(incoming)
    chosen = nx.DiGraph((parent, child) for child, parent in tree.items())
    assert nx.is_arborescence(chosen) and ROOT in chosen
    assert all(any(j == tree[i] for j, _ in incoming[i]) for i in tree)
    assert abs(sum(w for i in tree for j, w in incoming[i] if j == tree[i]) - weight) < 1e-9
