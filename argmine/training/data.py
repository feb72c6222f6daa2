"""Which corpus part trains which component: the training recipe, and the held-out parts it never sees.

- unit finder (segments + kind): AAE train + dev (essays segmented at clause level, the scheme argmine
  follows); the other corpora segment differently (whole sentences with final punctuation in microtexts and
  CDCP, editorial segments) and would blur the boundaries it learns;
- kind and stance heads: AAE train + dev and the arg-microtexts;
- link and relation-type heads: AAE train + dev and arg-microtexts (adding CDCP train lowered AAE dev link
  F1 0.552 -> 0.529 and microtexts attachment 0.601 -> 0.586: its links run between whole sentences of user
  comments, a different scheme);
- evidence-type head: the Webis editorials (both outlets) and the microtexts' example units.
AAE test is never read. `holdout` removes one more part for cross-validation:
`microtexts:K/N` (fold K of N), `editorials:OUTLET`, or `aae:dev` for model-selection runs.
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
    if (corpus, part) in (("editorials", "aljazeera"), ("editorials", "foxnews"), ("aae", "dev")):
        return corpus, part
    raise RecipeError(f"bad holdout {holdout!r}: use microtexts:K/N, editorials:aljazeera|foxnews or aae:dev")


def load_recipe(corpora: Path, holdout: str | None = None, finder_dev_split: str = "dev") -> TrainingData:
    """Read the training parts of every corpus under `corpora` (the folder of ../shared/corpora)."""
    held = parse_holdout(holdout)
    corpora = Path(corpora)
    if not corpora.is_dir():
        raise RecipeError(f"no corpora folder at {corpora}")
    data = TrainingData()
    aae_train = read_corpus("aae", corpora / "aae2-conll", "train")
    aae_dev = read_corpus("aae", corpora / "aae2-conll", "dev")
    data.finder_dev = aae_dev  # scored in the training log only
    if held == ("aae", "dev"):  # model selection runs: dev is never trained on
        aae_dev = []
    data.finder_train = aae_train + aae_dev
    micro = read_corpus("microtexts", corpora / "microtexts")
    if held and held[0] == "microtexts":
        k, n = map(int, held[1].split("/"))
        micro = kfold_split(micro, n, k)[0]
    editorials = []
    for outlet in ("aljazeera", "foxnews"):
        if not (held and held == ("editorials", outlet)):
            editorials += read_corpus("editorials", corpora / "editorials", outlet)
    data.kinds = aae_train + aae_dev + micro
    data.links = aae_train + aae_dev + micro
    data.evidence = editorials + micro
    data.sources = {
        "aae:train": len(aae_train),
        "aae:dev": len(aae_dev),
        "microtexts": len(micro),
        "editorials": len(editorials),
    }
    return data
