"""Every accuracy number in the README and the model card, reproduced by one command.

    python benchmarks/accuracy.py --corpora ../shared/corpora [--model models/argmine-en] [--out FILE]

Scores the model and the rule baseline on held-out data only:
- AAE test (80 essays), end to end and on gold segments;
- arg-microtexts, 5-fold cross-validation: for each fold, heads retrained without it (`--holdout
  microtexts:K/5`, the model's own unit finder reused: it never saw a microtext), scored on gold segments;
- Webis editorials, one outlet held out in turn (`--holdout editorials:OUTLET`), evidence types on gold
  segments;
- CDCP test and the project's own corpus (`corpus/`), which no component trains on.
Writes a JSON file with every score (default benchmarks/accuracy.json) and prints the summary table.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from argmine.evaluation.evaluate import evaluate  # noqa: E402
from argmine.training.train import train_pipeline  # noqa: E402

FOLDS = 5
OUTLETS = ("aljazeera", "foxnews")


def _pooled_micro(parts: list[dict]) -> dict:
    """Central-claim accuracy and attachment F1 over all folds pooled (each text is in exactly one fold)."""
    cc_correct = sum(p["central_claim"]["correct"] for p in parts)
    cc_total = sum(p["central_claim"]["documents"] for p in parts)
    rel = {k: sum(p["relations"]["all_pairs"][k] for p in parts) for k in ("tp", "predicted", "gold")}
    precision = rel["tp"] / rel["predicted"] if rel["predicted"] else 0.0
    recall = rel["tp"] / rel["gold"] if rel["gold"] else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"central_claim_accuracy": cc_correct / cc_total, "attachment_f1": f1, "folds": parts}


def microtexts_cv(corpora: Path, model: str, work: Path) -> dict:
    """5-fold CV of the heads on the microtexts; the rule baseline needs no training."""
    parts = []
    for k in range(1, FOLDS + 1):
        fold_model = work / f"micro-{k}"
        train_pipeline(corpora, fold_model, holdout=f"microtexts:{k}/{FOLDS}", finder=Path(model))
        parts.append(evaluate("microtexts", corpora / "microtexts", f"fold{k}of{FOLDS}", fold_model, True))
        print(f"  microtexts fold {k}: cc {parts[-1]['central_claim']['accuracy']:.3f}", file=sys.stderr)
    return _pooled_micro(parts)


def editorials_cross(corpora: Path, model: str, work: Path) -> dict:
    """Evidence types on each outlet by heads trained without it."""
    out = {}
    for outlet in OUTLETS:
        fold_model = work / f"editorials-{outlet}"
        train_pipeline(corpora, fold_model, holdout=f"editorials:{outlet}", finder=Path(model))
        out[outlet] = evaluate("editorials", corpora / "editorials", outlet, fold_model, True)
    return out


def run(corpora: Path, model: str) -> dict:
    """Every score for `model` and the rule baseline."""
    aae = corpora / "aae2-conll"
    results: dict = {"model": model}
    for name in (model, "rules"):
        key = "model" if name == model else "rules"
        print(f"scoring {name} ...", file=sys.stderr)
        results[key] = {
            "aae_test_end_to_end": evaluate("aae", aae, "test", name),
            "aae_test_gold_segments": evaluate("aae", aae, "test", name, True),
            "cdcp_test_gold_segments": evaluate("cdcp", corpora / "cdcp", "test", name, True),
            "corpus_end_to_end": evaluate("json", ROOT / "corpus", None, name),
            "corpus_gold_segments": evaluate("json", ROOT / "corpus", None, name, True),
        }
    rules_micro = [
        evaluate("microtexts", corpora / "microtexts", f"fold{k}of{FOLDS}", "rules", True) for k in range(1, 6)
    ]
    results["rules"]["microtexts_cv"] = _pooled_micro(rules_micro)
    results["rules"]["editorials"] = {
        o: evaluate("editorials", corpora / "editorials", o, "rules", True) for o in OUTLETS
    }
    with tempfile.TemporaryDirectory() as tmp:
        results["model"]["microtexts_cv"] = microtexts_cv(corpora, model, Path(tmp))
        results["model"]["editorials"] = editorials_cross(corpora, model, Path(tmp))
    return results


def summary(results: dict) -> list[tuple[str, float, float]]:
    """(measure, model, rules) rows for the README table."""

    def rows(r: dict) -> dict[str, float]:
        e2e, gold = r["aae_test_end_to_end"], r["aae_test_gold_segments"]
        ed = r["editorials"]
        return {
            "AAE test, end to end, component micro-F1 (exact)": e2e["components"]["micro_f1"],
            "AAE test, end to end, segmentation F1 (exact)": e2e["segmentation"]["f1"],
            "AAE test, gold segments, component macro-F1": gold["components"]["macro_f1"],
            "AAE test, gold segments, link F1": gold["relations"]["f1"],
            "AAE test, gold segments, link/no-link macro-F1": gold["relations"]["link_macro_f1"],
            "microtexts 5-fold CV, central-claim accuracy": r["microtexts_cv"]["central_claim_accuracy"],
            "microtexts 5-fold CV, attachment F1": r["microtexts_cv"]["attachment_f1"],
            "editorials, evidence-type macro-F1, test Al Jazeera": ed["aljazeera"]["evidence_types"]["macro_f1"],
            "editorials, evidence-type macro-F1, test Fox News": ed["foxnews"]["evidence_types"]["macro_f1"],
            "CDCP test, gold segments, link F1": r["cdcp_test_gold_segments"]["relations"]["f1"],
            "project corpus, end to end, component micro-F1 (exact)": r["corpus_end_to_end"]["components"]["micro_f1"],
            "project corpus, gold segments, component macro-F1": r["corpus_gold_segments"]["components"]["macro_f1"],
            "project corpus, gold segments, link F1": r["corpus_gold_segments"]["relations"]["f1"],
        }

    model, rules = rows(results["model"]), rows(results["rules"])
    return [(k, model[k], rules[k]) for k in model]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--model", default=str(ROOT / "models" / "argmine-en"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "accuracy.json")
    args = parser.parse_args()
    results = run(args.corpora, args.model)
    args.out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print("| measure | argmine-en | rules |\n|---|---:|---:|")
    for measure, model, rules in summary(results):
        print(f"| {measure} | {model:.3f} | {rules:.3f} |")


if __name__ == "__main__":
    main()
