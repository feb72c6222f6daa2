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
from argmine.evaluation.calibration import reliability
from argmine.nlp.calibrator import (
    CREATED_BY,
    FILENAME,
    Calibration,
    CalibrationError,
    Curve,
    Logistic,
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


# --- context models -----------------------------------------------------------------------------------------


def _sig(t):
    return 1 / (1 + numpy.exp(-t))


def _context_model() -> Logistic:
    fallback = ScoreCalibration("score", (), {"*": Curve("isotonic", (0.0, 1.0), (0.3, 0.3))})
    return Logistic("score", {"1": -0.5, "z": 0.8, "cross=yes": -1.5, "z*cross=yes": 0.4, "log1p(units)": 0.1},
                    {"layout": ("news", "short")}, fallback)


def test_a_context_model_reads_its_terms_and_round_trips_through_json(tmp_path):
    model = _context_model()
    raws = {"score": 0.7, "units": 9.0}
    z = float(logit(numpy.array(0.7)))
    inside = model(raws, {"cross": "no", "layout": "news"})
    assert inside == pytest.approx(float(_sig(-0.5 + 0.8 * z + 0.1 * numpy.log(10.0))))
    across = model(raws, {"cross": "yes", "layout": "news"})
    assert across == pytest.approx(float(_sig(-0.5 - 1.5 + 1.2 * z + 0.1 * numpy.log(10.0))))
    # A value the fit never saw takes no term of its own; a layout outside the support takes the fallback.
    assert model(raws, {"cross": "maybe", "layout": "short"}) == pytest.approx(inside)
    assert model(raws, {"cross": "yes", "layout": "essay"}) == pytest.approx(0.3)
    calibration = Calibration(_calibration().unit, model, {"note": "hand-made"})
    path = tmp_path / FILENAME
    calibration.write(path)
    assert json.loads(path.read_text(encoding="utf-8"))["format"] == "argmine-calibration/2"
    back = Calibration.read(path)
    assert back == calibration
    rows = [(raws, {"cross": c, "layout": lay}) for c in ("no", "yes") for lay in ("news", "essay")]
    assert back.link.predict(rows).tolist() == pytest.approx([model(*r) for r in rows])


@pytest.mark.parametrize("change, problem", [
    (lambda d: d["link"]["terms"].update({"colour=red": 1.0}), "feature must be one of"),
    (lambda d: d["link"]["terms"].update({"log1p(height)": 1.0}), "number must be one of"),
    (lambda d: d["link"]["terms"].update({"z": float("inf")}), "not a finite number"),
    (lambda d: d["link"].pop("fallback"), "needs a fallback"),
    (lambda d: d["link"].update(support={"colour": ["red"]}), "support must map features"),
    (lambda d: d["link"].update(terms={}), "needs an object of terms"),
    (lambda d: d["link"].update(input="heads"), "input must be one of"),
])
def test_a_bad_context_model_is_refused_in_one_line(tmp_path, change, problem):
    data = Calibration(None, _context_model()).to_dict()
    change(data)
    path = tmp_path / FILENAME
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CalibrationError, match=problem) as err:
        Calibration.read(path)
    assert "\n" not in str(err.value)


def _context_items(seed: int = 0, n: int = 4000) -> list[Item]:
    """Links whose raw score means one thing inside a paragraph and another across paragraphs: right with
    probability sigmoid(z + 0.5) inside and sigmoid(z - 2) across (z the raw score's logit), on two corpora
    (four in five of corpus a's links inside a paragraph, four in five of corpus b's across) and three folds;
    units right with probability raw**2 whatever their context."""
    rng = random.Random(seed)
    items = []
    for k in range(n):
        fold, corpus = f"f{k % 3 + 1}", ("a", "b")[k % 2]
        cross = ("no", "yes")[(rng.random() < 0.8) == (corpus == "b")]
        raw = min(max(rng.random(), 0.01), 0.99)
        z = float(logit(numpy.array(raw)))
        right = rng.random() < _sig(z - 2.0 if cross == "yes" else z + 0.5)
        items.append(Item(fold, corpus, f"{corpus}:{k // 20}", "link", raw, {"score": raw},
                          {"genre": "essay", "origin": "link", "source": "premise", "cross": cross}, right))
        items.append(Item(fold, corpus, f"{corpus}:{k // 20}", "unit", raw, {"score": raw, "heads": raw},
                          {"genre": "essay", "finder": "heads", "kind": "premise"}, rng.random() < raw ** 2))
    return items


@pytest.fixture
def toy_contexts(monkeypatch):
    """Context models over the toy items' one feature (the real templates name features they do not have)."""
    monkeypatch.setattr(cal, "CONTEXTS", {"unit": {}, "link": {"cross context": ("score", ("z", "cross", "z*cross"))}})
    monkeypatch.setattr(cal, "CONTEXT_L2", (1.0,))


def test_a_context_model_fits_what_one_curve_cannot(toy_contexts):
    items = [it for it in _context_items() if it.kind == "link"]
    model = cal.fit(items, Candidate("score", (), "logistic", "cross context", 1.0))
    assert isinstance(model, Logistic) and not model.support  # every item has the one layout ("" here)
    # The truth: 0.5 inside, -2 across; slope 1 both. The fit gets near it.
    assert model.terms["z"] + model.terms.get("z*cross=no", 0.0) == pytest.approx(1.0, abs=0.2)
    inside = model.terms["1"] + model.terms.get("cross=no", 0.0)
    across = model.terms["1"] + model.terms.get("cross=yes", 0.0)
    assert inside - across == pytest.approx(2.5, abs=0.4)
    curve = cal.fit(items, Candidate("score", ("origin",), "platt"))  # one curve for both: wrong for each
    for cross in ("no", "yes"):
        part = [it for it in items if it.features["cross"] == cross]
        right = [it.right for it in part]
        assert reliability(list(zip(cal.calibrated(part, model), right))).ece < 0.05
        assert reliability(list(zip(cal.calibrated(part, curve), right))).ece > 0.1


def test_a_context_model_never_decreases_in_the_raw_score():
    # In context "odd" the raw score runs against the truth (a few items that say so): the fit must not follow.
    rng = random.Random(1)
    rows, y = [], []
    for k in range(3000):
        raw = min(max(rng.random(), 0.01), 0.99)
        odd = k % 10 == 0
        rows.append(({"score": raw}, {"cross": "odd" if odd else "even"}))
        y.append(float(rng.random() < (1 - raw if odd else raw)))
    terms = cal.expand_templates(("z", "cross", "z*cross"), [f for _, f in rows], ("score",), ("cross",))
    model = cal.fit_logistic(rows, y, [1.0] * len(rows), "score", terms, 0.01)
    grid = numpy.linspace(0.01, 0.99, 50)
    for cross in ("odd", "even"):
        p = model.predict([({"score": float(x)}, {"cross": cross}) for x in grid])
        assert numpy.all(numpy.diff(p) >= -1e-12)
    assert "z*cross=odd" not in model.terms  # the term that would have turned the slope negative is gone
    even = model.predict([({"score": float(x)}, {"cross": "even"}) for x in (0.2, 0.8)])
    assert even[1] - even[0] > 0.3  # where the raw score says something, it still does


def test_templates_expand_over_the_values_with_enough_items():
    rows = [{"kind": "claim", "cross": "no"}] * 40 + [{"kind": "premise", "cross": "yes"}] * 40 + [
        {"kind": "premise", "cross": "no"}] * 10
    terms = cal.expand_templates(("z", "kind", "z*kind*cross", "log1p(units)"), rows, ("score", "units"),
                                 ("kind", "cross"), min_count=30)
    assert terms == ["1", "z", "kind=claim", "kind=premise", "z*kind=claim*cross=no", "z*kind=premise*cross=yes",
                     "log1p(units)"]
    with pytest.raises(ValueError, match="number must be one of"):
        cal.expand_templates(("z*height",), rows, ("score",), ("kind",))


def test_a_context_model_leaves_the_layouts_it_hardly_saw_to_its_fallback(toy_contexts, monkeypatch):
    monkeypatch.setattr(cal, "MIN_SUPPORT", 100)
    items = [it for it in _context_items() if it.kind == "link"]
    items = [Item(it.fold, it.corpus, it.doc, it.kind, it.score, it.raws,
                  {**it.features, "layout": "essay" if n < 60 else "news"}, it.right) for n, it in enumerate(items)]
    fallback = Candidate("score", (), "isotonic")
    model = cal.fit(items, Candidate("score", (), "logistic", "cross context", 1.0, fallback))
    assert model.support == {"layout": ("news",)}
    assert model.fallback == cal.fit(items, fallback)  # fitted on every item
    essay = [it for it in items if it.features["layout"] == "essay"]
    assert cal.calibrated(essay, model) == pytest.approx(cal.calibrated(essay, model.fallback))
    with pytest.raises(UsageError, match="needs fallback curves"):
        cal.fit(items, Candidate("score", (), "logistic", "cross context", 1.0))


@pytest.mark.slow
def test_the_choice_takes_a_context_model_where_the_context_matters(toy_contexts):
    outcome = cal.calibrate(_context_items())
    link = outcome.calibration.link
    assert isinstance(link, Logistic)
    assert isinstance(outcome.calibration.unit, ScoreCalibration)  # no context model for units: the curves
    report = outcome.report["kinds"]["link"]
    assert report["final"]["chosen"] == "logistic on score, cross context, ridge 1"
    assert all(c.startswith("logistic") for c in report["chosen"].values())
    for corpus in ("a", "b"):
        assert report["corpora"][corpus]["after"]["ece"] < 0.05
        # Fitted on the other corpus alone, it still holds (the two corpora are alike here).
        assert report["unseen_corpus"][corpus]["ece"] < 0.06
    unseen = report["unseen_corpus"]["a"]["ece"]
    assert f"| a | link | 2000 | {report['corpora']['a']['before']['ece']:.3f} | " in cal.markdown(outcome.report)
    assert f"| {unseen:.3f} |" in cal.markdown(outcome.report)
    # No curve comes near: one curve for both contexts is wrong for each corpus, whose mix of them differs.
    curves = [v for name, v in report["final"]["scores"].items() if not name.startswith("logistic")]
    assert min(curves) > 2 * report["final"]["cross_validated_criterion"]
    assert outcome.calibration.info["unseen_corpus_ece"]["link"]["a"] == report["unseen_corpus"]["a"]["ece"]


def test_items_recorded_without_a_context_leave_the_context_models_out(toy_contexts):
    items = [Item(it.fold, it.corpus, it.doc, it.kind, it.score, it.raws,
                  {k: v for k, v in it.features.items() if k != "cross"}, it.right)
             for it in _context_items(n=600) if it.kind == "link"]
    cand = Candidate("score", (), "logistic", "cross context", 1.0)
    assert not cal.readable(items, cand, "link")
    best, scores = cal.choose(items, "link")
    assert best.method != "logistic" and not any(name.startswith("logistic") for name in scores)


@pytest.mark.slow
@needs_model
def test_a_context_model_in_the_pipeline_scores_as_its_terms_say(tmp_path):
    from argmine.nlp import load
    from argmine.nlp.calibrator import link_inputs, unit_inputs
    from argmine.nlp.classify import genre_of
    from argmine.nlp.doc import get_units
    from argmine.nlp.features import DocUnits
    from argmine.nlp.relate import candidate_pairs

    text = (CORPUS / "four-day-week.txt").read_text(encoding="utf-8")
    nlp = load(SHIPPED).nlp
    scorer = nlp.get_pipe(cal.COMPONENT)
    scorer.calibration = None
    doc = nlp(text)
    units = DocUnits(doc, list(get_units(doc)))
    units_in, links_in = unit_inputs(doc, genre_of(units)), link_inputs(doc, genre_of(units))
    # What the relation scorer recorded of each relation's source: as many candidates as it had pairs.
    pairs = candidate_pairs(units, scorer.window, None, scorer.cross_window)
    assert len(doc._.arg_relation_context) == len(doc._.arg_relations) > 5
    for (s, t, *_), ctx, (raws, features) in zip(doc._.arg_relations, doc._.arg_relation_context, links_in):
        assert ctx["candidates"] == sum(i == s for i, _ in pairs) == raws["candidates"]
        assert 0.0 <= ctx["best_other"] <= 1.0 and ctx["group"] >= 1
        assert features["layout"] == "news" and features["cross"] == (
            "yes" if units.views[s].paragraph != units.views[t].paragraph else "no")
    assert {f["kind"] for _, f in units_in} <= {"major_claim", "claim", "premise"}
    assert sum(f["thesis"] == "yes" for _, f in units_in) == 1
    unit = Logistic("heads", {"1": 0.2, "z": 0.7, "kind=claim": -0.8, "z*finder=finder": 0.3, "log1p(paragraphs)": -0.1,
                              "thesis=yes*thesis_top": 0.5, "logit(heads_top)": 0.05, "layout=news*mean_heads": 0.4})
    link = Logistic("score", {"1": -0.4, "z": 0.9, "cross=yes": -1.0, "origin=root*z": -0.2,
                              "log1p(candidates)": -0.3, "logit(best_other)": -0.1, "finder_share": 0.6},
                    {"layout": ("news", "short")}, ScoreCalibration("score", (), {"*": Curve("platt", a=0.5, b=-0.5)}))
    copy = tmp_path / "model"
    shutil.copytree(SHIPPED, copy)
    cal.install(Calibration(unit, link), copy)
    out = load(copy).nlp(text)
    assert [s._.unit_score for s in get_units(out)] == pytest.approx(unit.predict(units_in).tolist())
    assert [r[3] for r in out._.arg_relations] == pytest.approx(link.predict(links_in).tolist())
    assert link.predict(links_in).tolist() != pytest.approx(link.fallback.predict(links_in).tolist())
    assert [r[:3] for r in out._.arg_relations] == [r[:3] for r in doc._.arg_relations]
    assert [s.label_ for s in get_units(out)] == [s.label_ for s in get_units(doc)]
