"""Training end to end on a tiny corpus, and the shipped model: present, offline, better than the baseline."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys

import networkx as nx
import pytest
import spacy
from conftest import CORPORA, CORPUS, ROOT, needs_corpora
from typer.testing import CliRunner

from argmine.cli import app
from argmine.corpora import read_corpus
from argmine.evaluation.evaluate import evaluate
from argmine.nlp import load
from argmine.nlp.manifest import verify_manifest
from argmine.nlp.models import DEFAULT_MODEL, resolve_model
from argmine.training.data import TrainingData
from argmine.training.train import train_from_data

SHIPPED = ROOT / "models" / DEFAULT_MODEL


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory):
    """A pipeline trained for a few steps on the project corpus: too small to be good, enough to exercise
    every training step, the saving and the loading."""
    maps = read_corpus("json", CORPUS)
    train, dev = maps[:10], maps[10:]
    data = TrainingData(finder_train=train, finder_dev=dev, kinds=train, links=train, evidence=train,
                        sources={"corpus": len(train)})
    output = tmp_path_factory.mktemp("train") / "tiny"
    report = train_from_data(data, output, seed=1, finder_steps=20)
    return output, report, dev


@pytest.mark.slow
def test_training_writes_a_verified_pipeline_with_a_report(tiny_model):
    output, report, _ = tiny_model
    verify_manifest(output)
    saved = json.loads((output / "training.json").read_text(encoding="utf-8"))
    assert saved["sources"] == {"corpus": 10} and saved["seed"] == 1
    assert saved["examples"] and all(n > 0 for n in saved["examples"].values())
    nlp = spacy.load(output)
    assert {"tok2vec", "unit_finder", "argmine_lead_trimmer", "argmine_unit_classifier",
            "argmine_relation_scorer"} <= set(nlp.pipe_names)
    # the thresholds learnt in training are saved with their components and read back
    learnt = json.loads((output / "argmine_unit_classifier" / "evidence_thresholds.json").read_text())
    assert learnt == saved["evidence_thresholds"] == nlp.get_pipe("argmine_unit_classifier").evidence_thresholds
    trimmer = json.loads((output / "argmine_lead_trimmer" / "thresholds.json").read_text())
    assert trimmer == nlp.get_pipe("argmine_lead_trimmer").thresholds
    assert not (output.parent / ".tiny.work").exists()  # the finder's scratch folder is cleaned up


@pytest.mark.slow
def test_the_trained_pipeline_maps_held_out_text_with_exact_offsets(tiny_model):
    output, _, dev = tiny_model
    miner = load(output)
    for gold in dev:
        amap = miner.map(gold.text, "held-out")
        assert amap.text == gold.text
        for unit in amap.units:
            assert amap.unit_text(unit) == gold.text[unit.start : unit.end] != ""
        ids = {u.id for u in amap.units}
        assert all(r.source in ids and r.target in ids for r in amap.relations)


RETRAIN = """
import sys
from pathlib import Path
from argmine.corpora import read_corpus
from argmine.training.data import TrainingData
from argmine.training.train import train_from_data
maps = read_corpus("json", sys.argv[1])
data = TrainingData(finder_train=maps[:10], finder_dev=maps[10:], kinds=maps[:10], links=maps[:10],
                    evidence=maps[:10])
train_from_data(data, Path(sys.argv[3]), seed=1, finder=Path(sys.argv[2]))
"""


@pytest.mark.slow
def test_training_with_the_same_seed_rebuilds_the_same_heads(tiny_model, tmp_path):
    # In another process with another string-hash seed: set iteration order differs there, and nothing the
    # heads learn may depend on it.
    output, _, _ = tiny_model
    again = tmp_path / "again"
    seed = "271828" if os.environ.get("PYTHONHASHSEED") != "271828" else "314159"
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    subprocess.run([sys.executable, "-c", RETRAIN, str(CORPUS), str(output), str(again)], env=env, check=True,
                   capture_output=True, timeout=600)
    for name in ("argmine_unit_classifier", "argmine_relation_scorer"):
        files = sorted(p.name for p in (output / name).iterdir())
        assert files == sorted(p.name for p in (again / name).iterdir())
        for file in files:
            assert (output / name / file).read_bytes() == (again / name / file).read_bytes(), (name, file)


@pytest.mark.slow
def test_retraining_in_place_keeps_the_model_card(tiny_model, tmp_path):
    output, _, dev = tiny_model
    maps = read_corpus("json", CORPUS)[:10]
    data = TrainingData(finder_train=maps, finder_dev=dev, kinds=maps, links=maps, evidence=maps)
    target = tmp_path / "model"
    target.mkdir()
    (target / "README.md").write_text("# my model card\n", encoding="utf-8")
    (target / "stale.bin").write_bytes(b"old")
    train_from_data(data, target, seed=1, finder=output)
    assert (target / "README.md").read_text(encoding="utf-8") == "# my model card\n"
    assert not (target / "stale.bin").exists()
    verify_manifest(target)  # the card is listed with its hash like every other file


@pytest.mark.slow
def test_a_rebuild_that_fails_while_saving_leaves_the_old_model_whole(tiny_model, tmp_path, monkeypatch):
    output, _, dev = tiny_model
    maps = read_corpus("json", CORPUS)[:10]
    data = TrainingData(finder_train=maps, finder_dev=dev, kinds=maps, links=maps, evidence=maps)
    target = tmp_path / "model"
    train_from_data(data, target, seed=1, finder=output)
    before = {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()}

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("argmine.training.train.write_manifest", full_disk)
    with pytest.raises(OSError):
        train_from_data(data, target, seed=2, finder=output)
    assert {p.relative_to(target): p.read_bytes() for p in target.rglob("*") if p.is_file()} == before
    verify_manifest(target)


def test_train_command_reports_a_missing_corpora_folder(tmp_path):
    result = CliRunner().invoke(app, ["train", "--corpora", str(tmp_path / "nowhere"), "-o", str(tmp_path / "m")])
    assert result.exit_code != 0
    assert "no corpora folder" in result.output and "Traceback" not in result.output


# ---- the shipped model ----------------------------------------------------------------------------------

shipped = pytest.mark.skipif(not (SHIPPED / "config.cfg").is_file(), reason="models/argmine-en is not built")


@shipped
def test_the_shipped_model_is_the_default():
    assert resolve_model(None) == SHIPPED or resolve_model(None).resolve() == SHIPPED.resolve()


@pytest.mark.slow
@shipped
def test_the_shipped_model_loads_and_maps_without_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("argmine tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    miner = load(SHIPPED)
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        amap = miner.map(text, path.name)
        kinds = [u.kind for u in amap.units]
        assert kinds.count("major_claim") >= 1, path.name
        assert amap.relations, path.name
        # Well formed: a forest under the thesis, with stances relative to it.
        assert nx.is_directed_acyclic_graph(amap.graph), path.name
        assert all(amap.graph.out_degree(u.id) <= 2 for u in amap.units), path.name
        assert all(u.stance in ("for", "against") for u in amap.units if amap.targets(u.id)), path.name
        for unit in amap.units:
            assert amap.unit_text(unit) == text[unit.start : unit.end] != ""


@pytest.mark.slow
@shipped
def test_the_shipped_model_keeps_its_quality_floor_on_the_project_corpus():
    """The project's op-eds are out of the model's training domain (it never saw an op-ed annotated this way);
    the floors sit a little under what the model card reports, so a broken model or decoder fails here."""
    gold = evaluate("json", CORPUS, model=SHIPPED, gold_segments=True).scores
    assert gold.exact.components.macro_f1 >= 0.6
    assert gold.exact.relations.f1 >= 0.5
    end_to_end = evaluate("json", CORPUS, model=SHIPPED).scores
    assert end_to_end.segmentation.overlap.f1 >= 0.7
    assert end_to_end.exact.components.micro_f1 >= 0.3


@pytest.mark.slow
@shipped
@needs_corpora
def test_the_shipped_model_beats_the_rule_baseline_on_aae_test():
    aae = CORPORA / "aae2-conll"
    trained = evaluate("aae", aae, "test", model=SHIPPED, gold_segments=True).scores.exact
    rules = evaluate("aae", aae, "test", model="rules", gold_segments=True).scores.exact
    assert trained.components.macro_f1 >= 0.8 > rules.components.macro_f1
    assert trained.relations.f1 >= 0.5 > rules.relations.f1


def test_train_command_rejects_a_bad_holdout_before_reading_anything(tmp_path):
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    result = CliRunner().invoke(
        app, ["train", "--corpora", str(corpora), "-o", str(tmp_path / "m"), "--holdout", "microtexts:6/5"]
    )
    assert result.exit_code == 2
    assert "bad holdout 'microtexts:6/5'" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "m").exists()


def test_holdouts_name_a_fold_of_each_cross_validated_corpus_once():
    from argmine.training.data import RecipeError, parse_holdout

    held = parse_holdout("microtexts:1/5, webdiscourse:2/5,cmv-modes:3/5,editorials:foxnews")
    assert held == {("microtexts", "1/5"), ("webdiscourse", "2/5"), ("cmv-modes", "3/5"), ("editorials", "foxnews")}
    for bad in ("cmv-modes:0/5", "webdiscourse:1/5,webdiscourse:2/5", "cdcp:1/5", "cmv-modes:a/b"):
        with pytest.raises(RecipeError, match="bad holdout"):
            parse_holdout(bad)


@needs_corpora
def test_a_held_out_fold_is_never_in_the_recipe():
    from argmine.corpora import read_corpus
    from argmine.training.data import load_recipe

    data = load_recipe(CORPORA, "webdiscourse:2/5,cmv-modes:2/5")
    trained = {m.source for m in data.finder_train} | {m.source for m in data.links}
    for name in ("webdiscourse", "cmv-modes"):
        held = read_corpus(name, CORPORA / name, "fold2of5")
        assert held and not trained & {m.source for m in held}
        assert trained & {m.source for m in read_corpus(name, CORPORA / name, "train2of5")}
