"""Cross-validation folds that never split a group: documents that share text or an author stay together.

A reader whose documents come in groups (the threads of one Reddit original post, the three files of one
CMV-units folder, the evidence of one IBM motion) names each map's group in its graph attribute `group`;
a map without one is a group of its own (the microtexts: one document each). `kfold_split` deals whole
groups, largest first (ties by name), each to the fold holding the fewest maps so far (ties: the first such
fold), so folds come out about equal in size; groups of one map are thereby dealt round-robin in order of
name, exactly as the microtexts were before groups existed. Readers accept the split names `fold<i>of5`
(held-out fold i) and `train<i>of5` (the other four folds) through `check_fold_split` and `fold_split`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from argmine.argmap import ArgumentMap
from argmine.corpora.errors import CorpusError

FOLDS = 5
GROUP = "group"


def map_group(amap: ArgumentMap) -> str:
    """The cross-validation group of `amap`: its `group` graph attribute, or its source."""
    return amap.graph.graph.get(GROUP) or amap.source


def set_group(amap: ArgumentMap, group: str) -> None:
    """Name the group `amap` belongs to (see the module docstring)."""
    amap.graph.graph[GROUP] = group


def document_groups(maps: Iterable[ArgumentMap]) -> list[tuple[str, ArgumentMap]]:
    """(group, map) for every map, in the order given: what a grouped splitter of one's own needs."""
    return [(map_group(m), m) for m in maps]


def kfold_split(maps: list[ArgumentMap], k: int, i: int) -> tuple[list[ArgumentMap], list[ArgumentMap]]:
    """(train, held-out) for fold `i` (1-based) of `k`: whole groups dealt to the folds as the module
    docstring says. Maps keep their order by source inside both parts.
    """
    if not 1 <= i <= k:
        raise CorpusError(f"fold {i} does not exist in a {k}-fold split")
    ordered = sorted(maps, key=lambda m: m.source)
    sizes = Counter(map_group(m) for m in ordered)
    filled = [0] * k
    fold_of = {}
    for group in sorted(sizes, key=lambda g: (-sizes[g], g)):
        fold = min(range(k), key=lambda f: (filled[f], f))
        fold_of[group] = fold
        filled[fold] += sizes[group]
    held = [m for m in ordered if fold_of[map_group(m)] == i - 1]
    train = [m for m in ordered if fold_of[map_group(m)] != i - 1]
    return train, held


def parse_fold(split: str | None) -> tuple[bool, int] | None:
    """`fold3of5` -> (True, 3), `train3of5` -> (False, 3); None for anything else."""
    if split is None:
        return None
    for prefix, held_out in (("fold", True), ("train", False)):
        rest = split[len(prefix) :] if split.startswith(prefix) else ""
        number, _, of = rest.partition("of")
        if number.isdigit() and of == str(FOLDS) and 1 <= int(number) <= FOLDS:
            return held_out, int(number)
    return None


def check_fold_split(split: str | None, what: str, named: Iterable[str] = ()) -> None:
    """Raise a `CorpusError` listing the valid splits unless `split` is None, a fold name or in `named`."""
    named = tuple(named)
    if split is None or split in named or parse_fold(split) is not None:
        return
    others = "".join(f"{name!r}, " for name in named)
    raise CorpusError(
        f"{what} has no split {split!r}; choose None (all), {others}'fold<i>of{FOLDS}' or "
        f"'train<i>of{FOLDS}' with i in 1..{FOLDS}"
    )


def fold_split(maps: list[ArgumentMap], split: str | None) -> list[ArgumentMap]:
    """`maps` restricted to `split`: all for None (or a name `parse_fold` does not know: the reader's own
    split, already applied), the held-out fold for `fold<i>of5`, the other folds for `train<i>of5`."""
    fold = parse_fold(split)
    if fold is None:
        return maps
    held_out, i = fold
    return kfold_split(maps, FOLDS, i)[1 if held_out else 0]
