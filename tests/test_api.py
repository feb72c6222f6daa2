"""The Python API: `argmine.map_text` and `argmine.map_many` (one process or several, in input order)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import argmine
from argmine import ArgumentMap
from argmine.export.json import from_json, to_json

ROOT = Path(__file__).resolve().parent.parent

TEXT = (
    "The council should fund night buses. Because shift workers have no other way home, the city loses "
    "them as staff.\n\nCritics say the buses would run empty. However, a 2024 survey found 38 percent of "
    "hospital staff finish after midnight.\n"
)


def _opeds():
    spec = importlib.util.spec_from_file_location("opeds", ROOT / "benchmarks" / "opeds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_map_text_returns_a_map_over_the_text():
    amap = argmine.map_text(TEXT, model="rules", source="night-buses.txt")
    assert isinstance(amap, ArgumentMap)
    assert amap.text == TEXT and amap.source == "night-buses.txt" and amap.model == "rules"
    assert len(amap) >= 2
    assert all(TEXT[u.start : u.end] == amap.unit_text(u) for u in amap.units)
    assert from_json(to_json(amap)) == amap


def test_map_many_in_one_process_matches_map_text_and_is_lazy():
    consumed = []

    def texts():
        for i, text in enumerate([TEXT, "", TEXT.upper(), TEXT[:60]]):
            consumed.append(i)
            yield text

    maps = argmine.map_many(texts(), model="rules")
    assert consumed == []  # nothing read before the first map is asked for
    first = next(maps)
    assert first == argmine.map_text(TEXT, model="rules")
    rest = list(maps)
    assert [m.text for m in rest] == ["", TEXT.upper(), TEXT[:60]]
    assert len(rest[0]) == 0  # empty text: an empty map, as map_text gives


@pytest.mark.slow
def test_map_many_on_worker_processes_keeps_input_order_and_errors_in_place():
    # Lengths vary widely so that chunks finish out of order; results must come back in order. The None
    # near the end is a text the model refuses: it must raise where it stands, after every map before it.
    texts = _opeds().generate(40, seed=3, paragraphs=(1, 6))
    texts[5] = TEXT * 20
    texts[6] = ""
    texts[36] = None
    serial = list(argmine.map_many(texts[:36], model="rules"))
    with pytest.raises(ValueError) as serial_error:
        list(argmine.map_many(texts, model="rules"))
    parallel = []
    with pytest.raises(ValueError) as parallel_error:
        for amap in argmine.map_many(iter(texts), model="rules", workers=2):
            parallel.append(amap)
    assert [m.text for m in parallel] == texts[:36]
    assert parallel == serial
    assert [to_json(m) for m in parallel] == [to_json(m) for m in serial]  # byte-identical
    assert type(parallel_error.value) is type(serial_error.value)
    assert str(parallel_error.value) == str(serial_error.value)


def test_map_many_refuses_bad_arguments_before_starting_workers():
    with pytest.raises(ValueError, match="at least 1"):
        argmine.map_many([TEXT], model="rules", workers=0)
    from argmine.nlp import ModelNotFound

    with pytest.raises(ModelNotFound):
        argmine.map_many([TEXT], model="no-such-model", workers=2)
