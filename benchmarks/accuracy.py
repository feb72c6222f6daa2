"""Every accuracy number in the README and the model card, reproduced by one command.

    python benchmarks/accuracy.py [--corpora ../shared/corpora] [--model models/argmine-en]
        [--systems model,rules,sentences] [--only aae,microtexts,...] [--fold-models DIR]
        [--train-folds heads|full] [--out benchmarks/accuracy.json]

Three systems: the trained model (`--model`), the rule baseline (`rules`) and the sentence-per-unit baseline
(`sentences`, the trivial yardstick). Each corpus is one entry of `CORPORA`: a name, a loader (which reader,
which folder, which parts) and a protocol saying which trained model may be scored on each part:

- `test`: a split no component ever trains on (AAE test, CDCP test): the model itself is scored;
- `unseen`: a corpus no component trains on: the model itself is scored;
- `cv`: a corpus the model trains on (microtexts, editorials, webdiscourse, cmv-modes, the project's `corpus/`
  and its annotated editorials): every part is scored
  by a model trained without it (`argmine train --holdout PART`). Those fold models come from
  `--fold-models DIR` (any folder names: each model's `meta.json` says which parts it held out). With
  `--train-folds` the missing ones are trained into DIR (or a temporary folder) as the README's five fold
  models: fold K holds out fold K of every cross-validated corpus at once, folds 1 and 2 also an outlet of
  the editorials (`fold_holdout`); `heads` reuses the unit finder of `--model` (valid only while that finder
  never trains on the parts held out), `full` trains the finder too (a full rebuild per fold, about 18
  minutes). Without a fold model the row is "not measured": a model is never scored on its own training data.
The baselines learn nothing, so they are scored on every part directly.

Every corpus is scored end to end (the system sees only the text; units matched at 50% overlap of their
trimmed spans, exact match reported too) and, where the gold-segment number is part of the README, on gold
segments. Cross-validated parts are pooled: every document is predicted by the model that did not see it, and
the scores are computed once over all of them. Writes a JSON file with every score (default
benchmarks/accuracy.json) and prints the summary table (markdown).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argmine.corpora import CORPORA as READERS  # noqa: E402
from argmine.corpora import read_corpus  # noqa: E402
from argmine.corpora.errors import CorpusError  # noqa: E402
from argmine.evaluation.calibration import calibration  # noqa: E402
from argmine.evaluation.evaluate import STANCE_SOURCES, load_miner, predict  # noqa: E402
from argmine.evaluation.scores import overlap_matches, score_maps  # noqa: E402
from argmine.nlp.models import RULES, SENTENCES  # noqa: E402
from argmine.nlp.structure import paragraph_roles  # noqa: E402
from argmine.read.layout import ParagraphIndex  # noqa: E402

FOLDS = 5
MODEL = "model"
SYSTEMS = (MODEL, RULES, SENTENCES)
NOT_MEASURED = "not measured"

Row = Callable[[dict], float]


# --- the corpora --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Part:
    """One part of a corpus: the reader's split, and the holdout a trained model must not have seen."""

    split: str | None
    holdout: str | None = None  # None: any model may be scored on it (protocol test / unseen)


@dataclass(frozen=True)
class Corpus:
    """One entry of the table: a name, a loader (reader kind, folder, parts) and a protocol."""

    name: str
    kind: str  # reader registered in argmine.corpora.CORPORA
    folder: str  # under --corpora; "" is the project's own corpus/
    protocol: str  # "test", "unseen" or "cv"
    parts: tuple[Part, ...]
    end_to_end: dict[str, Row]  # measure -> value of the pooled end-to-end result
    gold_segments: dict[str, Row]  # measure -> value of the pooled gold-segment result (may be empty)

    def path(self, corpora: Path) -> Path:
        if not self.folder or self.folder.startswith("corpus/"):  # the project's own annotations
            return ROOT / (self.folder or "corpus")
        return corpora / self.folder

    def reader_missing(self) -> str:
        """Why this corpus cannot be read yet ("" when it can)."""
        return "" if self.kind in READERS else f"no {self.kind} reader in argmine.corpora yet"


def _folds(kind: str) -> tuple[Part, ...]:
    return tuple(Part(f"fold{k}of{FOLDS}", f"{kind}:{k}/{FOLDS}") for k in range(1, FOLDS + 1))


def seg(r: dict) -> float:
    return r["segmentation"]["overlap"]["f1"]


def seg_exact(r: dict) -> float:
    return r["segmentation"]["f1"]


def central(r: dict) -> float:
    return r["central_claim"]["overlap"]["accuracy"]


def link(r: dict) -> float:
    return r["relations"]["overlap"]["all_pairs"]["f1"]


def evidence(r: dict) -> float:
    return r["evidence"]["overlap"]["f1"]


def evidence_types(r: dict) -> float:
    return r["evidence_types"]["overlap"]["macro_f1"]


def first_last(r: dict) -> float:
    return r["first_last_paragraphs"]["share"]


def thesis(r: dict) -> float:
    return r["central_claim"]["overlap"]["accuracy"]


def attack_recall(r: dict) -> float:
    return r["relations"]["overlap"]["per_label"]["attack"]["recall"]


def attack_precision(r: dict) -> float:
    return r["relations"]["overlap"]["per_label"]["attack"]["precision"]


def against(r: dict) -> float:
    return r["stances"]["against"]["accuracy"]


def testimony(r: dict) -> float:
    return r["evidence_types"]["overlap"]["per_label"]["testimony"]["f1"]


def ece_kind(r: dict) -> float:
    return r["calibration"]["unit_kind"]["ece"]


def ece_link(r: dict) -> float:
    return r["calibration"]["link"]["ece"]


OPED_ROWS: dict[str, Row] = {
    "thesis accuracy (50%)": thesis,
    "attack recall (50%)": attack_recall,
    "attack precision (50%)": attack_precision,
    "stance accuracy of units against the thesis (50%)": against,
    "testimony F1 (50%)": testimony,
    "evidence-type macro-F1 (50%)": evidence_types,
    "expected calibration error, unit kind": ece_kind,
    "expected calibration error, link": ece_link,
}


SHORT_TEXT_ROWS: dict[str, Row] = {
    "segment F1 (50%)": seg,
    "segment F1 (exact)": seg_exact,
    "central-claim accuracy (50%)": central,
    "link F1 (50%)": link,
}
WEB_ROWS: dict[str, Row] = {
    "segment F1 (50%)": seg,
    "segment F1 (exact)": seg_exact,
    "main-claim accuracy (50%)": central,
    "link F1 (50%)": link,
}
EDITORIAL_ROWS: dict[str, Row] = {
    "unit F1 (50%)": seg,
    "unit F1 (exact)": seg_exact,
    "evidence F1 (50%)": evidence,
    "evidence-type macro-F1 (50%)": evidence_types,
}

CORPORA: tuple[Corpus, ...] = (
    Corpus(
        "AAE test", "aae", "aae2-conll", "test", (Part("test"),),
        {
            "component micro-F1 (exact)": lambda r: r["components"]["micro_f1"],
            "component micro-F1 (50%)": lambda r: r["components"]["overlap"]["micro_f1"],
            "segment F1 (exact)": seg_exact,
            "segment F1 (50%)": seg,
        },
        {
            "component macro-F1": lambda r: r["components"]["macro_f1"],
            "link F1": lambda r: r["relations"]["f1"],
            "link/no-link macro-F1": lambda r: r["relations"]["link_macro_f1"],
        },
    ),
    Corpus(
        "microtexts 5-fold CV", "microtexts", "microtexts", "cv", _folds("microtexts"),
        SHORT_TEXT_ROWS,
        {
            "central-claim accuracy": lambda r: r["central_claim"]["accuracy"],
            "attachment F1": lambda r: r["relations"]["all_pairs_f1"],
        },
    ),
    *(
        Corpus(
            f"editorials, test {label}", "editorials", "editorials", "cv", (Part(outlet, f"editorials:{outlet}"),),
            EDITORIAL_ROWS,
            {"evidence-type macro-F1": lambda r: r["evidence_types"]["macro_f1"]},
        )
        for outlet, label in (("aljazeera", "Al Jazeera"), ("foxnews", "Fox News"))
    ),
    # Folds by document (webdiscourse) and by original post (cmv-modes: the threads of one post repeat its
    # text), as the recipe holds them out (argmine/training/data.py).
    Corpus("webdiscourse 5-fold CV", "webdiscourse", "webdiscourse", "cv", _folds("webdiscourse"), WEB_ROWS, {}),
    Corpus("cmv-modes 5-fold CV", "cmv-modes", "cmv-modes", "cv", _folds("cmv-modes"), WEB_ROWS, {}),
    Corpus(
        "project corpus 5-fold CV", "json", "", "cv", _folds("corpus"),
        {
            "component micro-F1 (exact)": lambda r: r["components"]["micro_f1"],
            "segment F1 (50%)": seg,
            "share of gold units in first and last paragraphs found (50%)": first_last,
            **OPED_ROWS,
        },
        {
            "component macro-F1": lambda r: r["components"]["macro_f1"],
            "link F1": lambda r: r["relations"]["f1"],
        },
    ),
    # The editorials annotated for the project (stand-off over the Webis texts), held out with their outlet.
    *(
        Corpus(
            f"annotated editorials, test {label}", "editorials-standoff", "corpus/standoff/editorials", "cv",
            (Part(outlet, f"editorials:{outlet}"),), {"segment F1 (50%)": seg, **OPED_ROWS}, {},
        )
        for outlet, label in (("aljazeera", "Al Jazeera"), ("foxnews", "Fox News"))
    ),
    Corpus(
        "CDCP test", "cdcp", "cdcp", "test", (Part("test"),),
        {"segment F1 (50%)": seg, "link F1 (50%)": link},
        {"link F1": lambda r: r["relations"]["f1"]},
    ),
)


# --- extra measures -----------------------------------------------------------------------------------------


def first_last_paragraphs(pairs: list) -> dict:
    """How many gold units of each text's first and last content paragraph (the lede and the conclusion, by
    argmine's layout: titles and metadata excluded) a predicted unit matches at 50% overlap."""
    counts = {"first": [0, 0], "last": [0, 0]}
    for gold, pred in pairs:
        _, roles = paragraph_roles(gold.text)
        paragraph_of = ParagraphIndex(gold.text)
        found = {g.id for g, _ in overlap_matches(gold, pred)}
        content = [i for i, role in enumerate(roles) if role not in ("meta", "title")]
        for u in gold.units:
            para = paragraph_of(u.start)
            where = "first" if content and para == content[0] else "last" if content and para == content[-1] else ""
            if where:
                counts[where][0] += u.id in found
                counts[where][1] += 1
    found = counts["first"][0] + counts["last"][0]
    total = counts["first"][1] + counts["last"][1]
    return {
        "share": found / total if total else 0.0,
        "found": found,
        "gold": total,
        "first": {"found": counts["first"][0], "gold": counts["first"][1]},
        "last": {"found": counts["last"][0], "gold": counts["last"][1]},
    }


def stances(pairs: list) -> dict:
    """Per gold stance (`for`, `against` the thesis), how many matched units (50% overlap) the prediction
    gives the same stance: the question an analyst asks of the units that oppose the thesis."""
    counts = {"for": [0, 0], "against": [0, 0]}
    for gold, pred in pairs:
        for g, p in overlap_matches(gold, pred):
            if g.stance in counts:
                counts[g.stance][0] += p.stance == g.stance
                counts[g.stance][1] += 1
    return {k: {"accuracy": c / n if n else 0.0, "correct": c, "support": n} for k, (c, n) in counts.items()}


# --- which model scores which part --------------------------------------------------------------------------


class Systems:
    """Loads each system once; finds (or trains) the model held out from each part."""

    def __init__(self, model: str, corpora: Path, fold_models: Path | None, train_folds: str | None) -> None:
        self.model = model
        self.corpora = corpora
        self.fold_models = fold_models
        self.train_folds = train_folds
        self._loaded: dict[str, object] = {}
        self._by_holdout = self._index(fold_models) if fold_models else {}

    @staticmethod
    def _index(folder: Path) -> dict[str, Path]:
        out: dict[str, Path] = {}
        if not folder.is_dir():
            return out
        for meta in sorted(folder.glob("*/meta.json")):
            holdout = json.loads(meta.read_text(encoding="utf-8")).get("argmine", {}).get("holdout")
            if holdout and (meta.parent / "config.cfg").is_file():
                for part in holdout.split(","):  # one model may hold out several parts
                    out.setdefault(part.strip(), meta.parent)
        return out

    def _load(self, where: str) -> object:
        if where not in self._loaded:
            self._loaded[where] = load_miner(where)
        return self._loaded[where]

    def has_model(self, system: str, part: Part) -> bool:
        """Whether `system` has (or may train) a model that never saw `part`."""
        return (system != MODEL or part.holdout is None or part.holdout in self._by_holdout
                or self.train_folds is not None)

    def miner(self, system: str, part: Part) -> object | None:
        """The pipeline that may score `part` for `system`, or None (no held-out model)."""
        if system != MODEL:
            return self._load(system)
        if part.holdout is None:
            return self._load(self.model)
        path = self._by_holdout.get(part.holdout)
        if path is None and self.train_folds:
            path = self._train(part.holdout)
        return None if path is None else self._load(str(path))

    def forget_folds(self) -> None:
        """Drop the loaded fold models (each scores one corpus): memory stays at one corpus's models."""
        keep = {RULES, SENTENCES, self.model}
        self._loaded = {k: v for k, v in self._loaded.items() if k in keep}

    def _train(self, part_holdout: str) -> Path | None:
        from argmine.training.data import RecipeError
        from argmine.training.train import train_pipeline

        if self.fold_models is None:
            self.fold_models = Path(tempfile.mkdtemp(prefix="argmine-folds-"))
        holdout = fold_holdout(part_holdout)
        out = self.fold_models / holdout.replace(":", "-").replace("/", "of").replace(",", "+")
        print(f"  training ({self.train_folds}) without {holdout} -> {out}", file=sys.stderr)
        try:
            finder = Path(self.model) if self.train_folds == "heads" else None
            train_pipeline(self.corpora, out, holdout=holdout, finder=finder)
        except RecipeError as err:  # a holdout the recipe does not know yet (a corpus it does not train on)
            print(f"  cannot train without {holdout}: {err}", file=sys.stderr)
            return None
        for part in holdout.split(","):
            self._by_holdout.setdefault(part, out)
        return out


# The README's fold models: fold K holds out fold K of each of these at once, folds 1 and 2 also an outlet of
# the editorials (with its annotated editorials), so five trainings cover every cross-validated part.
FOLDED_CORPORA = ("microtexts", "webdiscourse", "cmv-modes", "corpus")
OUTLET_FOLDS = {"aljazeera": 1, "foxnews": 2}


def fold_holdout(part_holdout: str) -> str:
    """The holdout of the fold model that scores `part_holdout` ("cmv-modes:3/5" -> fold 3's
    "microtexts:3/5,webdiscourse:3/5,cmv-modes:3/5,corpus:3/5"); a part of no such fold stays alone."""
    corpus, _, part = part_holdout.partition(":")
    if corpus == "editorials" and part in OUTLET_FOLDS:
        k = OUTLET_FOLDS[part]
    elif corpus in FOLDED_CORPORA and part.endswith("/5") and part.split("/")[0].isdigit():
        k = int(part.split("/")[0])
    else:
        return part_holdout
    outlet = [f"editorials:{o}" for o, fold in OUTLET_FOLDS.items() if fold == k]
    return ",".join([f"{c}:{k}/5" for c in FOLDED_CORPORA] + outlet)


# --- scoring ------------------------------------------------------------------------------------------------


def score(corpus: Corpus, system: str, systems: Systems, gold_segments: bool) -> dict:
    """The pooled scores of `system` on every part of `corpus`, or {"not_measured": reason}."""
    missing = corpus.reader_missing()
    if missing:
        return {"not_measured": missing}
    for part in corpus.parts:  # all or nothing: a pooled score over some folds would not be comparable
        if not systems.has_model(system, part):
            return {"not_measured": f"no model trained without {part.holdout} (see --fold-models)"}
    path = corpus.path(systems.corpora)
    if not path.exists():
        return {"not_measured": f"{path} does not exist"}
    pairs, names = [], []
    for part in corpus.parts:
        miner = systems.miner(system, part)
        if miner is None:  # --train-folds could not train it
            return {"not_measured": f"no model trained without {part.holdout}"}
        names.append(getattr(miner, "name", system))
        try:
            gold = read_corpus(corpus.kind, path, part.split)
        except CorpusError as err:
            return {"not_measured": f"cannot read {corpus.kind} part {part.split}: {err}"}
        pairs.extend(zip(gold, predict(miner, gold, gold_segments)))
    result = score_maps(pairs, stance_sources=STANCE_SOURCES.get(corpus.kind, ()))
    result["model"] = names[0] if len(set(names)) == 1 else names
    if not gold_segments and corpus.kind == "json":
        result["first_last_paragraphs"] = first_last_paragraphs(pairs)
    result["stances"] = stances(pairs)
    if not gold_segments:
        result["calibration"] = calibration(pairs)
    return result


def run(corpora: Path, model: str, systems_wanted: list[str], only: list[str] | None,
        fold_models: Path | None, train_folds: str | None) -> dict:
    """Every score of every wanted system on every wanted corpus."""
    systems = Systems(model, corpora, fold_models, train_folds)
    results: dict = {"model": model, "systems": systems_wanted, "corpora": {}}
    for corpus in CORPORA:
        if only and not any(o.lower() in corpus.name.lower() for o in only):
            continue
        entry = results["corpora"][corpus.name] = {"protocol": corpus.protocol}
        for system in systems_wanted:
            print(f"scoring {system} on {corpus.name} ...", file=sys.stderr)
            entry[system] = {"end_to_end": score(corpus, system, systems, False)}
            if corpus.gold_segments:
                entry[system]["gold_segments"] = score(corpus, system, systems, True)
        systems.forget_folds()
    return results


def summary(results: dict) -> list[tuple[str, list[float | str]]]:
    """(measure, one value per system) rows: end-to-end rows first for each corpus, then gold-segment rows."""
    rows = []
    by_name = {c.name: c for c in CORPORA}
    for name, entry in results["corpora"].items():
        corpus = by_name[name]
        for mode, measures in (("end to end", corpus.end_to_end), ("gold segments", corpus.gold_segments)):
            key = mode.replace(" ", "_")
            for measure, value_of in measures.items():
                values: list[float | str] = []
                for system in results["systems"]:
                    r = entry[system][key]
                    values.append(NOT_MEASURED if "not_measured" in r else value_of(r))
                rows.append((f"{name}, {mode}, {measure}", values))
    return rows


def main() -> None:
    import os
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--model", default=str(ROOT / "models" / "argmine-en"), help="the trained model")
    parser.add_argument("--systems", default=",".join(SYSTEMS),
                        help=f"comma-separated subset of {', '.join(SYSTEMS)} (default: all)")
    parser.add_argument("--only", default="", help="comma-separated corpus names (substrings) to score")
    parser.add_argument("--fold-models", type=Path, default=None,
                        help="folder of models trained with --holdout (found by the holdout in their meta.json)")
    parser.add_argument("--train-folds", choices=("heads", "full"), default=None,
                        help="train the missing fold models into --fold-models: 'heads' reuses --model's unit "
                        "finder (only valid while it never trains on the corpus), 'full' trains it too")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "accuracy.json")
    args = parser.parse_args()
    wanted = [s.strip() for s in args.systems.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SYSTEMS]
    if unknown:
        parser.error(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(SYSTEMS)}")
    only = [o.strip() for o in args.only.split(",") if o.strip()] or None
    os.environ.setdefault("ARGMINE_CORPORA", str(args.corpora))  # the stand-off reader's texts
    results = run(args.corpora, args.model, wanted, only, args.fold_models, args.train_folds)
    tmp = args.out.with_name(f".{args.out.name}.tmp")
    tmp.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(args.out)  # atomic: a failed run leaves the previous results
    names = {MODEL: Path(args.model).name, RULES: RULES, SENTENCES: SENTENCES}
    print("| measure | " + " | ".join(names[s] for s in wanted) + " |")
    print("|---|" + "---:|" * len(wanted))
    for measure, values in summary(results):
        cells = [v if isinstance(v, str) else f"{v:.3f}" for v in values]
        print(f"| {measure} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
