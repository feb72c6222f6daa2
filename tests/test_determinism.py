"""Determinism: the same input and model give byte-identical output in every format, across pipeline loads,
CLI runs and processes with different hash seeds; nothing time-dependent is written unless asked."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from argmine.cli import app
from argmine.export import FORMATS
from argmine.export.dot import graphviz_available
from argmine.nlp import load

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"

ESSAY = (
    "date 2026-05-01\nBuses before bridges\n\n"
    "The county should fund more buses because people need cheap transport. Critics say buses are slow, but "
    "new lanes would make them fast. According to the transit office, 40 percent of riders have no car.\n\n"
    "A bridge would cost 300 million dollars. “We cannot afford both,” the treasurer said.\n\n"
    "In short, the county should choose buses over another bridge.\n\n"
    "Jane Roe is a transport planner in Eastvale.\n"
)


def _texts() -> list[str]:
    texts = [ESSAY]
    texts += [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))[:2]]
    return texts


def _formats() -> list[str]:
    return [n for n in sorted(FORMATS) if graphviz_available() or n not in ("svg", "png")]


def _digests(model: str = "rules") -> dict[str, str]:
    miner = load(model)
    out = {}
    for i, amap in enumerate(miner.map_many(_texts(), [f"text{i}" for i in range(len(_texts()))])):
        for name in _formats():
            data = FORMATS[name].dumps(amap)
            payload = data if isinstance(data, bytes) else data.encode("utf-8")
            out[f"{i}.{name}"] = hashlib.sha256(payload).hexdigest()
    return out


@functools.cache
def _digests_here() -> dict[str, str]:
    return _digests()


@pytest.mark.slow
def test_two_pipeline_loads_give_identical_bytes_in_every_format():
    first, second = _digests_here(), _digests()
    assert first == second
    assert len(first) == len(_texts()) * len(_formats())


@pytest.mark.slow
def test_another_process_with_another_hash_seed_gives_identical_bytes():
    seed = "271828" if os.environ.get("PYTHONHASHSEED") != "271828" else "314159"
    env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
    script = "import json, test_determinism as t; print(json.dumps(t._digests()))"
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=Path(__file__).parent, env=env, capture_output=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout) == _digests_here()


@pytest.mark.parametrize("name", _formats())
def test_cli_runs_write_identical_files(tmp_path, name):
    source = tmp_path / "essay.txt"
    source.write_text(ESSAY, encoding="utf-8")
    outputs = []
    for run in ("a", "b"):
        out = tmp_path / run / f"essay{FORMATS[name].suffix}"
        out.parent.mkdir()  # map makes no folders for -o
        result = CliRunner().invoke(app, ["map", str(source), "-o", str(out), "-m", "rules"])
        assert result.exit_code == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0]


def test_no_timestamps_in_outputs():
    amap = load("rules").map(ESSAY, source="essay.txt")
    today = [time.strftime(f, time.gmtime()) for f in ("%Y-%m-%d", "%d %b %Y", "%Y%m%d")]
    today += [time.strftime(f, time.localtime()) for f in ("%Y-%m-%d", "%d %b %Y", "%Y%m%d")]
    for name in _formats():
        data = FORMATS[name].dumps(amap)
        if isinstance(data, bytes):
            continue  # PNG: covered by the byte-identity tests
        for stamp in today:
            assert stamp not in data, f"{name} output carries today's date {stamp!r}"
