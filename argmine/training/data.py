"""Which corpus part trains which component: the training recipe, and the held-out parts it never sees.

- unit finder (segments + kind): AAE train + dev (essays segmented at clause level, the scheme argmine
  follows); the other corpora segment differently (whole sentences with final punctuation in microtexts and
  CDCP, editorial segments) and would blur the boundaries it learns;
- kind and stance heads: AAE train + dev and the arg-microtexts;
- link and relation-type heads: AAE train + dev, arg-microtexts, CDCP train;
- evidence-type head: the Webis editorials (both outlets) and the microtexts' example units.
AAE test and CDCP test are never read. `holdout` removes one more part for cross-validation:
`microtexts:K/N` (fold K of N) or `editorials:OUTLET`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from argmine.argmap import ArgumentMap
from argmine.corpora import read_corpus
from argmine.corpora.microtexts import kfold_split


class RecipeError(ValueError):
    """A holdout specification or corpus folder the recipe cannot use."""


@dataclass
class TrainingData:
    """Gold maps for each component, with where they came from."""

    finder_train: list[ArgumentMap] = field(default_factory=list)
    finder_dev: list[ArgumentMap] = field(default_factory=list)
    kinds: list[ArgumentMap] = field(default_factory=list)
    links: list[ArgumentMap] = field(default_factory=list)
    evidence: list[ArgumentMap] = field(default_factory=list)
    sources: dict[str, int] = field(default_factory=dict)


def parse_holdout(holdout: str | None) -> tuple[str, str] | None:
    """`microtexts:2/5` → ("microtexts", "2/5"); `editorials:foxnews` → ("editorials", "foxnews")."""
    if not holdout:
        return None
    corpus, _, part = holdout.partition(":")
    if corpus == "microtexts" and part.count("/") == 1 and all(x.isdigit() for x in part.split("/")):
        k, n = map(int, part.split("/"))
        if 1 <= k <= n:
            return corpus, part
    if corpus == "editorials" and part in ("aljazeera", "foxnews"):
        return corpus, part
    raise RecipeError(f"bad holdout {holdout!r}: use microtexts:K/N or editorials:aljazeera|foxnews")


def load_recipe(corpora: Path, holdout: str | None = None, finder_dev_split: str = "dev") -> TrainingData:
    """Read the training parts of every corpus under `corpora` (the folder of ../shared/corpora)."""
    held = parse_holdout(holdout)
    corpora = Path(corpora)
    if not corpora.is_dir():
        raise RecipeError(f"no corpora folder at {corpora}")
    data = TrainingData()
    aae_train = read_corpus("aae", corpora / "aae2-conll", "train")
    aae_dev = read_corpus("aae", corpora / "aae2-conll", "dev")
    data.finder_train = aae_train + aae_dev
    data.finder_dev = aae_dev  # model selection only; the shipped finder also trains on it
    micro = read_corpus("microtexts", corpora / "microtexts")
    if held and held[0] == "microtexts":
        k, n = map(int, held[1].split("/"))
        micro = kfold_split(micro, n, k)[0]
    cdcp = read_corpus("cdcp", corpora / "cdcp", "train")
    editorials = []
    for outlet in ("aljazeera", "foxnews"):
        if not (held and held == ("editorials", outlet)):
            editorials += read_corpus("editorials", corpora / "editorials", outlet)
    data.kinds = aae_train + aae_dev + micro
    data.links = aae_train + aae_dev + micro + cdcp
    data.evidence = editorials + micro
    data.sources = {
        "aae:train": len(aae_train),
        "aae:dev": len(aae_dev),
        "microtexts": len(micro),
        "cdcp:train": len(cdcp),
        "editorials": len(editorials),
    }
    return data
