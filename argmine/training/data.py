"""Which corpus part trains which component: the training recipe, and the held-out parts it never sees.

- unit finder (segments; kinds where the corpus annotates them): every segment-annotated corpus, so that it
  learns op-eds, comments and short texts as well as essays:
  - AAE train + dev (essays, clause-level units, with major claim / claim / premise) and the arg-microtexts
    (short texts, sentence-level units, central claim / claim / premise) teach boundaries *and* kinds;
  - the Webis editorials (real op-eds) and CDCP train (user comments) teach boundaries only: the editorials
    mark no thesis and CDCP has no major claim, so their units are labelled `Unit` ("a unit of unknown kind"),
    never taken as evidence that a text has no thesis; the heads decide those units' kinds;
  - each of them also in re-flowed copies (`argmine.training.augment`: paragraphs merged into one, split into
    one sentence each, merged in pairs), so no paragraph layout is new to the finder;
- kind and stance heads: AAE train + dev, the arg-microtexts, web discourse, CMV, the project's op-eds
  (corpus/) and the annotated editorials;
- link and relation-type heads: the same (adding CDCP train lowered AAE dev link
  F1 0.552 -> 0.529 and microtexts attachment 0.601 -> 0.586: its links run between whole sentences of user
  comments, a different scheme);
- evidence-type head: the Webis editorials (both outlets), the microtexts' example units and the op-eds;
- thesis scorer: the kind heads' maps.
AAE test and CDCP test are never read. `holdout` removes more parts for cross-validation, comma-separated:
`microtexts:K/N` (fold K of N), `editorials:OUTLET`, or `aae:dev` for model-selection runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from argmine.argmap import ArgumentMap
from argmine.corpora import read_corpus
from argmine.corpora.folds import kfold_split
from argmine.errors import UsageError
from argmine.training.augment import reflowed

OUTLETS = ("aljazeera", "foxnews")
# Corpora without a test split: held out by cross-validation folds (`NAME:K/N`), whole groups at a time
# (argmine.corpora.folds: a CMV original post with all its threads, one microtext, one web document).
FOLDED = {"microtexts": "microtexts", "webdiscourse": "webdiscourse", "cmv-modes": "cmv-modes"}
# The project's own annotated op-eds (corpus/) and the stand-off annotations of Webis editorials
# (corpus/standoff/editorials, by outlet: held out with `editorials:OUTLET`) teach the thesis scorer; a checkout
# without them trains it on the public corpora alone. `corpus:K/N` holds out a fold of the op-eds.
PROJECT = Path(__file__).resolve().parents[2] / "corpus"
STANDOFF = PROJECT / "standoff" / "editorials"
# Share of each corpus's documents that get a re-flowed copy per layout (see augment.REFLOWS), and how often
# each map is repeated: the microtexts are 7,000 words next to AAE's 120,000. Repeating AAE twice (its
# clause-level units are the scheme argmine draws) won back 0.03 AAE component F1 but cost microtexts 0.07
# segment F1 and 0.26 central-claim accuracy, the editorials 0.03 and CDCP 0.03 (held-out parts, model card).
REFLOW_SHARE = 0.3
REPEAT = {"aae": 1, "microtexts": 2}


class RecipeError(UsageError):
    """A holdout specification or corpus folder the recipe cannot use."""


@dataclass
class TrainingData:
    """Gold maps for each component, with where they came from.

    `finder_train` maps teach the finder boundaries and kinds, `finder_segments` boundaries only; `segments`
    (empty: the finder's maps) teach the unit splitter where one unit ends and the next begins."""

    finder_train: list[ArgumentMap] = field(default_factory=list)
    finder_dev: list[ArgumentMap] = field(default_factory=list)
    kinds: list[ArgumentMap] = field(default_factory=list)
    links: list[ArgumentMap] = field(default_factory=list)
    evidence: list[ArgumentMap] = field(default_factory=list)
    finder_segments: list[ArgumentMap] = field(default_factory=list)
    segments: list[ArgumentMap] = field(default_factory=list)
    # The whole texts among `evidence` (not IBM's claim-and-evidence pairs): how much of a real text is evidence
    # is learnt from them alone (`argmine.training.heads.choose_evidence_thresholds`). None: all of `evidence`.
    evidence_texts: list[ArgumentMap] | None = None
    sources: dict[str, int] = field(default_factory=dict)


def parse_holdout(holdout: str | None) -> set[tuple[str, str]]:
    """`microtexts:2/5,editorials:foxnews` → {("microtexts", "2/5"), ("editorials", "foxnews")}."""
    held: set[tuple[str, str]] = set()
    for item in (holdout or "").split(","):
        if not item.strip():
            continue
        corpus, _, part = item.strip().partition(":")
        if corpus in (*FOLDED, "corpus") and part.count("/") == 1 and all(x.isdigit() for x in part.split("/")):
            k, n = map(int, part.split("/"))
            if 1 <= k <= n and not any(c == corpus for c, _ in held):
                held.add((corpus, part))
                continue
        if (corpus, part) in {("editorials", o) for o in OUTLETS} | {("aae", "dev")}:
            held.add((corpus, part))
            continue
        raise RecipeError(
            f"bad holdout {holdout!r}: use microtexts:K/N, webdiscourse:K/N, cmv-modes:K/N, corpus:K/N, "
            "editorials:aljazeera|foxnews or aae:dev (comma-separated)"
        )
    return held


def load_recipe(corpora: Path, holdout: str | None = None, finder_dev_split: str = "dev", seed: int = 0) -> TrainingData:
    """Read the training parts of every corpus under `corpora` (the folder of ../shared/corpora)."""
    held = parse_holdout(holdout)
    corpora = Path(corpora)
    if not corpora.is_dir():
        raise RecipeError(f"no corpora folder at {corpora}")
    data = TrainingData()
    aae_train = read_corpus("aae", corpora / "aae2-conll", "train")
    aae_dev = read_corpus("aae", corpora / "aae2-conll", "dev")
    data.finder_dev = aae_dev  # scored in the training log only
    if ("aae", "dev") in held:  # model selection runs: dev is never trained on
        aae_dev = []
    folded = {name: read_corpus(name, corpora / folder) for name, folder in FOLDED.items()}
    folded["corpus"] = read_corpus("json", PROJECT) if PROJECT.is_dir() else []
    for corpus, part in held:
        if corpus in folded:
            k, n = map(int, part.split("/"))
            folded[corpus] = kfold_split(folded[corpus], n, k)[0]
    micro, web, cmv, opeds = (folded[name] for name in ("microtexts", "webdiscourse", "cmv-modes", "corpus"))
    editorials = []
    for outlet in OUTLETS:
        if ("editorials", outlet) not in held:
            editorials += read_corpus("editorials", corpora / "editorials", outlet)
    cdcp = read_corpus("cdcp", corpora / "cdcp", "train")
    annotated = []
    if STANDOFF.is_dir():
        from argmine.corpora.standoff import read_standoff

        annotated = [m for outlet in OUTLETS if ("editorials", outlet) not in held
                     for m in read_standoff(STANDOFF, corpora, outlet)]
    essays = aae_train + aae_dev
    comments = web + cmv
    data.finder_train = essays * REPEAT["aae"] + micro * REPEAT["microtexts"] + comments
    data.finder_train += reflowed(essays + micro + comments, REFLOW_SHARE, seed)
    data.finder_segments = editorials + cdcp + reflowed(editorials + cdcp, REFLOW_SHARE, seed + 1)
    # The splitter learns where a unit ends from every segmented text, but news op-eds only from the project's
    # own (corpus/ and the annotated editorials, docs/annotation-guide.md): the Webis segmentation cuts "X, and
    # Y" and ", which ..." clauses the guideline keeps whole. Held out, against the Webis editorials in its
    # data: corpus/ exact segment F1 0.638 -> 0.672, link F1 0.422 -> 0.442, Webis unit F1 0.826 -> 0.822.
    webis = {m.source for m in editorials}
    data.segments = [m for m in data.finder_train + data.finder_segments
                     if m.source.partition("#")[0] not in webis] + opeds + annotated
    # The op-eds and annotated editorials teach kinds, stances and links too: the only texts where reported
    # opposing views and concessions (attacks, units against the thesis) appear as news sites print them.
    data.kinds = essays + micro + comments + opeds + annotated
    data.links = essays + micro + comments + opeds + annotated
    # IBM's Wikipedia evidence sentences, typed, each beside the claim it backs (the claim a negative): 4,692
    # pairs. On gold segments, an outlet of the Webis editorials held out in turn, they raised evidence F1
    # 0.38 -> 0.50 (Al Jazeera) and 0.58 -> 0.64 (Fox News), evidence-type macro-F1 0.42 -> 0.49 and
    # 0.50 -> 0.55; suggestbot's snippets or the CMV unit types on top of them lowered all four.
    ibm = read_corpus("ibm-evidence", corpora / "ibm-evidence") if (corpora / "ibm-evidence").is_dir() else []
    data.evidence = editorials + micro + opeds + ibm
    data.evidence_texts = editorials + micro + opeds
    data.sources = {
        "aae:train": len(aae_train),
        "aae:dev": len(aae_dev),
        "microtexts": len(micro),
        "webdiscourse": len(web),
        "cmv-modes": len(cmv),
        "editorials": len(editorials),
        "cdcp:train (finder)": len(cdcp),
        "corpus (heads)": len(opeds),
        "annotated editorials (heads)": len(annotated),
        "ibm-evidence (evidence head)": len(ibm),
        "re-flowed copies (finder)": len(data.finder_train) + len(data.finder_segments)
        - len(essays) * REPEAT["aae"] - len(micro) * REPEAT["microtexts"] - len(comments) - len(editorials)
        - len(cdcp),
    }
    return data
