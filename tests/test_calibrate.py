"""Post-hoc calibration of the map's scores: the curves, their JSON, the fit and its choice by cross-validation,
writing into a model folder, and a calibrated pipeline (`argmine.nlp.calibrator`, `argmine.evaluation.calibrate`)."""

from __future__ import annotations

import json
import random
import shutil

import numpy
import pytest
from conftest import CORPUS, ROOT
from hypothesis import given, settings
from hypothesis import strategies as st

from argmine.errors import ModelError, OutputExists, UsageError
from argmine.evaluation import calibrate as cal
from argmine.evaluation.calibrate import Candidate, Item, fit_isotonic, fit_sigmoid
from argmine.nlp.calibrator import (
    CREATED_BY,
    FILENAME,
    Calibration,
    CalibrationError,
    Curve,
    ScoreCalibration,
    logit,
)
from argmine.nlp.manifest import ModelIntegrityError, verify_manifest, write_manifest
from argmine.nlp.models import DEFAULT_MODEL

SHIPPED = ROOT / "models" / DEFAULT_MODEL
needs_model = pytest.mark.skipif(not SHIPPED.is_dir(), reason="no shipped model")


# --- curves -------------------------------------------------------------------------------------------------


def test_isotonic_fit_reproduces_pool_adjacent_violators_by_hand():
    # 0.2 right then 0.3 wrong violate the order: pooled at 0.5; 0.4, 0.5, 0.6 all right: one block at 1.
    curve = fit_isotonic([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [0, 1, 0, 1, 1, 1])
    assert curve.x == (0.1, 0.2, 0.3, 0.4, 0.6)
    assert curve.y == (0.0, 0.5, 0.5, 1.0, 1.0)
    assert curve([0.0, 0.25, 0.35, 0.9]).tolist() == pytest.approx([0.0, 0.5, 0.75, 1.0])  # flat outside, linear between


def test_isotonic_fit_weighs_items_and_pools_equal_raw_scores():
    # Two items at 0.5 (one right) must get one value; the right one at 0.5 weighs 3, so the block is at 0.75.
    curve = fit_isotonic([0.5, 0.5, 0.9], [1, 0, 1], [3, 1, 1])
    assert curve.x == (0.5, 0.9) and curve.y == (0.75, 1.0)
    # A weighted violation: 0.2 (right, weight 1) above 0.4 (wrong, weight 3) pools at 1/4.
    assert fit_isotonic([0.2, 0.4], [1, 0], [1, 3]).y == (0.25, 0.25)


def test_small_blocks_are_pooled_and_no_block_says_certain():
    x = [k / 20 for k in range(20)]
    y = [0] * 5 + [1, 0] * 5 + [1] * 5
    plain = fit_isotonic(x, y)
    assert plain.y[0] == 0.0 and plain.y[-1] == 1.0  # a handful of items at each end
    careful = fit_isotonic(x, y, min_block=6, pseudo=0.5)
    assert 0.0 < min(careful.y) and max(careful.y) < 1.0
    assert list(careful.y) == sorted(careful.y)
    # Each block is at least 6 items: at most 3 distinct values over 20 items.
    assert len(set(careful.y)) <= 3


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.booleans(), st.floats(0.1, 5)), min_size=1, max_size=60),
       st.integers(1, 8), st.sampled_from([0.0, 0.5]))
def test_isotonic_fit_is_monotone_and_keeps_the_mean(data, min_block, pseudo):
    x, y, w = (list(v) for v in zip(*data))
    curve = fit_isotonic(x, y, w, min_block=min_block, pseudo=pseudo)
    grid = curve(numpy.linspace(0, 1, 101))
    assert numpy.all(numpy.diff(grid) >= 0) and grid.min() >= 0 and grid.max() <= 1
    if min_block == 1 and pseudo == 0.0:  # plain PAV: the fitted values average to the share right
        assert numpy.average(curve(x), weights=w) == pytest.approx(numpy.average(y, weights=w), abs=1e-5)


def test_platt_and_temperature_recover_known_curves():
    rng = numpy.random.default_rng(0)
    raw = rng.uniform(0.02, 0.98, 20000)
    truth = 1 / (1 + numpy.exp(-(0.5 * logit(raw) - 1.0)))
    right = rng.uniform(size=raw.size) < truth
    platt = fit_sigmoid(raw, right)
    assert platt.method == "platt"
    assert platt.a == pytest.approx(0.5, abs=0.05) and platt.b == pytest.approx(-1.0, abs=0.05)
    hot = 1 / (1 + numpy.exp(-(logit(raw) / 2.0)))  # temperature 2: a = 0.5, b = 0
    temperature = fit_sigmoid(raw, rng.uniform(size=raw.size) < hot, bias=False)
    assert temperature.method == "temperature" and temperature.b == 0.0
    assert temperature.a == pytest.approx(0.5, abs=0.05)


def test_a_sigmoid_fit_never_decreases_and_survives_one_raw_value():
    # The higher the raw score, the less often right: the best non-decreasing curve is flat at the share right.
    flat = fit_sigmoid([0.1, 0.2, 0.8, 0.9] * 50, [1, 1, 0, 0] * 50)
    assert flat.a == 0.0 and float(flat(0.3)) == pytest.approx(0.5, abs=1e-3)
    # Every raw score 1.0 (the finder's vote) and a third right: a finite curve through 1/3 there.
    ones = fit_sigmoid([1.0] * 90, [1] * 30 + [0] * 60)
    assert float(ones(1.0)) == pytest.approx(1 / 3, abs=0.01)


# --- the JSON -----------------------------------------------------------------------------------------------


def _calibration() -> Calibration:
    unit = ScoreCalibration("heads", ("finder",), {
        "*": Curve("isotonic", (0.0, 0.5, 1.0), (0.2, 0.4, 0.9)),
        "finder": Curve("platt", a=0.8, b=0.3),
    })
    link = ScoreCalibration("score", ("genre", "origin"), {
        "*": Curve("temperature", a=0.5),
        "essay/root": Curve("isotonic", (0.9,), (0.15,)),
    })
    return Calibration(unit, link, {"note": "hand-made"})


def test_calibration_json_round_trip(tmp_path):
    original = _calibration()
    path = tmp_path / FILENAME
    original.write(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == "argmine-calibration/1" and data["created_by"] == CREATED_BY
    back = Calibration.read(path)
    assert back == original
    raws = {"score": 0.7, "heads": 0.25}
    assert back.unit(raws, {"finder": "heads"}) == pytest.approx(0.3)  # the curve of all groups: 0.2 + 0.25 * 0.4
    expected = 1 / (1 + numpy.exp(-(0.8 * logit(numpy.array(0.25)) + 0.3)))
    assert back.unit(raws, {"finder": "finder"}) == pytest.approx(float(expected))
    assert back.link(raws, {"genre": "essay", "origin": "root"}) == pytest.approx(0.15)
    assert back.link(raws, {"genre": "short", "origin": "link"}) == pytest.approx(
        float(1 / (1 + numpy.exp(-0.5 * logit(numpy.array(0.7))))))


@pytest.mark.parametrize("change, problem", [
    (lambda d: d.update(format="other"), "not an argmine-calibration/2 file"),
    (lambda d: d["unit"]["curves"]["*"].update(y=[0.9, 0.4, 0.2]), "non-decreasing"),
    (lambda d: d["unit"]["curves"]["*"].update(y=[0.2, 0.4, 1.5]), r"in \[0, 1\]"),
    (lambda d: d["unit"]["curves"]["finder"].update(a=-1.0), "must not be negative"),
    (lambda d: d["link"]["curves"].pop("*"), "curve of all groups"),
    (lambda d: d["link"].update(by=["colour"]), "by must list features"),
    (lambda d: d["unit"].update(input="vibes"), "input must be one of"),
    (lambda d: d["link"]["curves"]["*"].update(a=float("nan")), "not a finite number"),
])
def test_a_bad_calibration_file_is_refused_in_one_line(tmp_path, change, problem):
    data = _calibration().to_dict()
    change(data)
    path = tmp_path / FILENAME
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CalibrationError, match=problem) as err:
        Calibration.read(path)
    assert "\n" not in str(err.value) and isinstance(err.value, ModelError)


def test_a_calibration_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / FILENAME
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CalibrationError, match="cannot read the calibration"):
        Calibration.read(path)


# --- fitting, choosing, measuring ---------------------------------------------------------------------------


def _toy_items(seed: int = 0) -> list[Item]:
    """Overconfident raw scores on two corpora and three folds: right with probability raw**2 (always below
    raw), and links from paragraph roots that are right a fifth of the time whatever their raw score."""
    rng = random.Random(seed)
    items = []
    for n in range(3000):
        fold, corpus = f"f{n % 3 + 1}", ("a", "b")[n % 2]
        raw = rng.random()
        items.append(Item(fold, corpus, f"{corpus}:{n // 20}", "unit", raw, {"score": raw, "heads": raw},
                          {"genre": "essay", "finder": "heads", "kind": "premise"}, rng.random() < raw ** 2))
        origin = "root" if rng.random() < 0.3 else "link"
        link_raw = 0.8 + 0.2 * rng.random() if origin == "root" else raw
        right = rng.random() < (0.2 if origin == "root" else raw ** 2)
        items.append(Item(fold, corpus, f"{corpus}:{n // 20}", "link", link_raw, {"score": link_raw},
                          {"genre": "essay", "origin": origin, "source": "claim"}, right))
    return items


@pytest.fixture(scope="module")
def toy_outcome():
    return cal.calibrate(_toy_items())


@pytest.mark.slow
def test_calibrating_a_toy_set_lowers_its_ece_under_nested_cross_validation(toy_outcome):
    outcome = toy_outcome
    for kind in ("unit", "link"):
        pooled = outcome.report["kinds"][kind]["corpora"]["*"]
        assert pooled["before"]["ece"] > 0.1
        assert pooled["after"]["ece"] < 0.05
        assert pooled["after"]["ece"] < pooled["before"]["ece"] / 3
    # The roots' raw scores say nothing about them: the chosen grouping sets them apart.
    assert "origin" in outcome.calibration.link.by
    root = outcome.calibration.link({"score": 0.95}, {"genre": "essay", "origin": "root", "source": "claim"})
    assert root == pytest.approx(0.2, abs=0.05)
    # What the calibration file records about the fit.
    assert outcome.calibration.info["nested_cv_ece"]["unit"]["*"]["after"] == outcome.report["kinds"]["unit"][
        "corpora"]["*"]["after"]["ece"]


def test_a_fit_gives_small_groups_no_curve_of_their_own():
    items = [it for it in _toy_items() if it.kind == "link"][:400]
    rare = [Item(it.fold, it.corpus, it.doc, it.kind, it.score, it.raws, {**it.features, "origin": "rare"}, it.right)
            for it in items[: cal.MIN_GROUP - 1]]
    fitted = cal.fit(items[cal.MIN_GROUP:] + rare, Candidate("score", ("origin",), "isotonic"))
    assert set(fitted.curves) == {"*", "link", "root"}


def test_the_decoders_own_links_keep_their_score():
    item = Item("f1", "a", "d", "link", 1.0, {"score": 1.0}, {}, False, calibrated=False)
    link = ScoreCalibration("score", (), {"*": Curve("isotonic", (0.0, 1.0), (0.1, 0.3))})
    assert cal.calibrated([item], link) == [1.0]


def test_items_round_trip_through_their_file(tmp_path):
    items = _toy_items()[:50]
    cal.write_items(items, tmp_path / "items.jsonl")
    assert cal.read_items(tmp_path / "items.jsonl") == items


def test_holdouts_name_the_parts_a_fold_model_is_run_on(tmp_path):
    corpora, corpus = tmp_path / "corpora", tmp_path / "corpus"
    assert cal.parts_of("microtexts:2/5", corpora, corpus) == cal.Part(
        "microtexts", "microtexts", corpora / "microtexts", "fold2of5")
    assert cal.parts_of("corpus:1/5", corpora, corpus) == cal.Part("corpus", "json", corpus, "fold1of5")
    assert cal.parts_of("editorials:foxnews", corpora, corpus) == cal.Part(
        "annotated editorials", "editorials-standoff", corpus / "standoff" / "editorials", "foxnews")
    for never in ("aae:dev", "aae:test", "cdcp:1/5", "microtexts"):
        assert cal.parts_of(never, corpora, corpus) is None


# --- writing into a model folder ----------------------------------------------------------------------------


def _model_folder(tmp_path):
    model = tmp_path / "model"
    (model / cal.COMPONENT).mkdir(parents=True)
    (model / cal.COMPONENT / "essay-link.bin").write_bytes(b"weights")
    (model / "meta.json").write_text('{"pipeline": ["argmine_relation_scorer"]}', encoding="utf-8")
    write_manifest(model)
    return model


def test_install_writes_the_calibration_and_a_manifest_that_holds(tmp_path):
    model = _model_folder(tmp_path)
    target = cal.install(_calibration(), model)
    assert target == model / cal.COMPONENT / FILENAME
    verify_manifest(model)  # the new file is in the manifest
    assert Calibration.read(target) == _calibration()
    cal.install(_calibration(), model)  # its own file it may replace
    assert not list(model.rglob("*.tmp"))


def test_install_never_replaces_a_file_it_did_not_write_without_force(tmp_path):
    model = _model_folder(tmp_path)
    theirs = model / cal.COMPONENT / FILENAME
    theirs.write_text('{"mine": true}', encoding="utf-8")
    write_manifest(model)
    with pytest.raises(OutputExists, match="--force"):
        cal.install(_calibration(), model)
    assert theirs.read_text(encoding="utf-8") == '{"mine": true}'
    cal.install(_calibration(), model, force=True)
    assert Calibration.read(theirs) == _calibration()


def test_install_refuses_a_changed_model_and_a_linked_one(tmp_path):
    model = _model_folder(tmp_path)
    (model / cal.COMPONENT / "essay-link.bin").write_bytes(b"tampered")
    with pytest.raises(ModelIntegrityError):
        cal.install(_calibration(), model)  # a new manifest would bless the change
    assert not (model / cal.COMPONENT / FILENAME).exists()
    good = _model_folder(tmp_path / "other")
    link = tmp_path / "link"
    link.symlink_to(good)
    with pytest.raises(UsageError, match="symbolic link"):
        cal.install(_calibration(), link)
    assert not (good / cal.COMPONENT / FILENAME).exists()


@pytest.mark.slow
def test_the_command_measures_from_saved_items_and_refuses_bad_arguments(tmp_path, capsys):
    cal.write_items(_toy_items()[:1200], tmp_path / "items.jsonl")
    report = tmp_path / "report.json"
    assert cal.main(["--records", str(tmp_path / "items.jsonl"), "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "| all corpora | unit kind | 600 |" in out and "Reliability, link, all corpora" in out
    assert json.loads(report.read_text(encoding="utf-8"))["kinds"]["link"]["corpora"]["*"]["before"]["count"] == 600
    assert cal.main([]) == 2
    assert "give --fold-models" in capsys.readouterr().err
    assert cal.main(["--records", str(tmp_path / "items.jsonl"), "--model", str(tmp_path / "nothing")]) == 2
    assert "no argmine model folder" in capsys.readouterr().err


# --- a calibrated pipeline ----------------------------------------------------------------------------------


def _structure(amap):
    return ([(u.id, u.start, u.end, u.kind, u.stance, u.evidence_type) for u in amap.units],
            [(r.source, r.target, r.relation) for r in amap.relations])


@pytest.mark.slow
@needs_model
def test_a_pipeline_with_the_calibration_changes_scores_only_and_without_it_nothing(tmp_path):
    from argmine.nlp import load

    text = (CORPUS / "four-day-week.txt").read_text(encoding="utf-8")
    copy = tmp_path / "model"
    shutil.copytree(SHIPPED, copy)
    raw = load(copy).map(text)
    assert _structure(load(SHIPPED).map(text)) == _structure(raw)
    assert [u.score for u in raw.units] == [u.score for u in load(SHIPPED).map(text).units]
    # Flat curves make the expected scores plain: every unit 0.37, every proposed relation 0.21.
    flat = Calibration(ScoreCalibration("heads", (), {"*": Curve("isotonic", (0.0, 1.0), (0.37, 0.37))}),
                       ScoreCalibration("score", (), {"*": Curve("platt", a=0.0, b=float(logit(numpy.array(0.21))))}))
    cal.install(flat, copy)
    miner = load(copy)
    calibrated = miner.map(text)
    assert _structure(calibrated) == _structure(raw)  # kinds, relations, stances: all as they were
    assert {u.score for u in calibrated.units} == {0.37}
    assert {u.score for u in raw.units} != {0.37}
    restated = {r.source for r in calibrated.relations if r.score != 0.21}
    assert all(r.score == pytest.approx(0.21) for r in calibrated.relations if r.source not in restated)
    assert len(restated) <= 2  # only the decoder's restatement links keep the decoder's score
    # Each relation the relation scorer proposes says where it comes from, and saving keeps the calibration.
    doc = miner.nlp(text)
    assert len(doc._.arg_relation_origins) == len(doc._.arg_relations)
    assert set(doc._.arg_relation_origins) <= {"link", "root"}
    saved = tmp_path / "saved"
    miner.nlp.to_disk(saved)
    assert Calibration.read(saved / cal.COMPONENT / FILENAME) == flat


@pytest.mark.slow
@needs_model
def test_scores_are_exactly_what_the_curves_give_for_the_raw_inputs(tmp_path):
    from argmine.nlp import load
    from argmine.nlp.calibrator import link_inputs, unit_inputs
    from argmine.nlp.classify import genre_of
    from argmine.nlp.doc import get_units
    from argmine.nlp.features import DocUnits

    text = (CORPUS / "four-day-week.txt").read_text(encoding="utf-8")
    raw = load(SHIPPED).nlp  # a fresh load (argmine.nlp.load does not cache), so nothing else sees the change
    raw.get_pipe(cal.COMPONENT).calibration = None  # the shipped model's own curves would be the "raw" inputs
    doc = raw(text)
    genre = genre_of(DocUnits(doc, list(get_units(doc))))
    units_in, links_in = unit_inputs(doc, genre), link_inputs(doc, genre)
    curves = _calibration()
    copy = tmp_path / "model"
    shutil.copytree(SHIPPED, copy)
    cal.install(curves, copy)
    out = load(copy).nlp(text)
    assert [s._.unit_score for s in get_units(out)] == pytest.approx([curves.unit(*x) for x in units_in])
    assert [r[3] for r in out._.arg_relations] == pytest.approx([curves.link(*x) for x in links_in])
    assert [r[:3] for r in out._.arg_relations] == [r[:3] for r in doc._.arg_relations]


def _fold_model(root, name, holdout):
    model = _model_folder(root / "store" / name)
    meta = {"pipeline": ["argmine_relation_scorer"], "argmine": {"holdout": holdout}}
    (model / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    (model / "config.cfg").write_text("[nlp]\n", encoding="utf-8")
    write_manifest(model)
    return model


@pytest.mark.slow
def test_fold_copies_get_the_calibration_fitted_without_their_own_items(tmp_path, toy_outcome):
    folds = tmp_path / "folds"
    folds.mkdir()
    for k in (1, 2, 3):
        (folds / f"f{k}").symlink_to(_fold_model(tmp_path, f"m{k}", f"microtexts:{k}/5"))  # as /work/runs/ff has them
    outcome = toy_outcome
    into = tmp_path / "copies"
    written = cal.calibrated_fold_copies(outcome, folds, into)
    assert written == [into / f"f{k}" / cal.COMPONENT / FILENAME for k in (1, 2, 3)]
    for k in (1, 2, 3):
        copy = into / f"f{k}"
        assert not copy.is_symlink() and not any(p.is_symlink() for p in copy.rglob("*"))
        verify_manifest(copy)
        assert Calibration.read(copy / cal.COMPONENT / FILENAME).info["fitted_without"] == f"f{k}"
        assert not (tmp_path / "store" / f"m{k}" / "model" / cal.COMPONENT / FILENAME).exists()  # originals as they were
    assert outcome.without["f1"] != outcome.without["f2"]
    assert cal.calibrated_fold_copies(outcome, folds, into) == written  # again: only the calibrations
    (into / "f1" / cal.COMPONENT / FILENAME).unlink()
    with pytest.raises(OutputExists, match="no calibrated copy"):
        cal.calibrated_fold_copies(outcome, folds, into)
