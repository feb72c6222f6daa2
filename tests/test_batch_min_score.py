"""`argmine batch --min-score P` and `run_batch(min_score=P)`: every output a batch writes holds pruned maps.

Per-file outputs in every format, JSON Lines, the SQLite database and the index are read back and compared
with what `argmine.graph.prune` makes of the full map; the worker pool (forked from the fork server) prunes as
the main process does; a rerun with another minimum maps again instead of reusing outputs pruned otherwise;
bad values are the one-line usage error `argmine map --min-score` gives. (The Dask engine: `test_dask.py`.)
"""

from __future__ import annotations

import csv
import functools
import io
import json
import sqlite3
from pathlib import Path

import pytest
from test_batch_index import IndexPage
from typer.testing import CliRunner

import argmine
from argmine.argmap import ArgumentMap
from argmine.batch import RECORD_NAME, REPORT_NAME, read_jsonl, run_batch
from argmine.cli import app
from argmine.errors import UsageError
from argmine.export import FORMATS, map_formats, read
from argmine.export.dot import graphviz_available
from argmine.export.json import from_json
from argmine.export.summary import summary
from argmine.graph.confidence import prune
from argmine.graph.decode import thesis_of

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "models" / "argmine-en"
P = 0.8

# Written for these tests: op-eds in the shapes news sites print (concessions, reported opposing views,
# figures, a quote), so the shipped model scores their units all over the range.
TEXTS = {
    "buses": (
        "Buses before bridges\n\n"
        "The county should fund more buses, because people need cheap transport to reach their jobs. Critics say "
        "buses are slow. But new bus lanes would make them faster than cars at rush hour.\n\n"
        "According to the transit office, 40 percent of riders have no car. A 2023 survey of 2,000 residents found "
        "that 62 percent would ride more often if buses came every ten minutes.\n\n"
        "Of course, buses cost money. Yet a bridge costs ten times as much and serves fewer people.\n"
    ),
    "creeks": (
        "Towns must stop paving their creeks. Because culverts flood in every big storm, the repairs cost more "
        "than the roads they protect.\n\n"
        "Admittedly, open creeks take space. But a 2022 county study counted 14 floods in ten years at one "
        "culvert alone.\n\n"
        "\"We rebuilt the same road three times,\" said Mayor Ana Ortiz. Open creeks also give children a place "
        "to play.\n"
    ),
    "school": (
        "Schools should start later in the morning.\n\n"
        "Teenagers need more sleep than adults, and an early bell cuts it short. Studies show that students who "
        "sleep eight hours earn better grades.\n\n"
        "Some parents argue that a later start makes it hard to get to work. However, most districts that moved "
        "the bell found that buses and jobs adapted within a term.\n\n"
        "In Seattle, attendance rose by 4 percent after the change, according to the district.\n"
    ),
    "libraries": (
        "Libraries need evening hours\n\n"
        "The city should keep its branch libraries open until nine. Because most working parents finish late, "
        "daytime hours shut them out.\n\n"
        "Critics say the staff costs are too high. However, according to the library board, evening visits rose "
        "35 percent in the pilot branches.\n"
    ),
    "trees": (
        "Plant a tree on every street\n\n"
        "Our town should plant a tree in front of every house. Shade cools the pavement, so summer nights become "
        "bearable for the old and the sick.\n\n"
        "Opponents claim that roots crack the sidewalks. It would be foolish to deny that roots can do damage. "
        "Still, modern planters keep roots away from the pavement, and the parks office says repairs fell by half "
        "where they were used.\n\n"
        "A single large oak absorbs about 22 kilograms of carbon dioxide a year.\n"
    ),
    "voting": (
        "Let sixteen-year-olds vote in local elections.\n\n"
        "Young people pay sales tax and many hold jobs, so they should have a say in how that money is spent. "
        "Voting early also builds a habit: people who vote in their first eligible election tend to keep voting.\n\n"
        "Some believe that teenagers are too immature to vote. At first glance this might appear reasonable. "
        "But in Austria, where sixteen-year-olds have voted since 2007, researchers found their choices were as "
        "informed as those of older voters.\n"
    ),
}


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def run(*args):
    return CliRunner().invoke(app, [*map(str, args)])


@pytest.fixture
def folder(tmp_path, monkeypatch):
    """`in/<name>.txt` for every text, the current folder (so inputs are named `in/<name>.txt`)."""
    monkeypatch.chdir(tmp_path)
    for name, text in TEXTS.items():
        _write(tmp_path / "in" / f"{name}.txt", text)
    return tmp_path


@functools.cache
def _full(source: str, model: str | Path = SHIPPED) -> ArgumentMap:
    """The unpruned map of the text at `source` (`in/<name>.txt`, `in/<copy>/<name>.txt`), as `map` makes it."""
    return argmine.map_text(TEXTS[Path(source).stem], model=model, source=source)


def _thesis(amap: ArgumentMap) -> str:
    thesis = thesis_of(amap.units)
    assert thesis is not None
    return thesis.id


def _check_pruned(amap: ArgumentMap, source: str, model: str | Path = SHIPPED) -> None:
    """`amap` is the pruned map of `source`: no unit under P but the thesis, and exactly what `prune` gives."""
    full = _full(source, model)
    assert all(u.score >= P for u in amap.units if u.id != _thesis(full)), source
    assert _thesis(amap) == _thesis(full)
    expected = prune(full, P)
    assert amap.units == expected.units and amap.relations == expected.relations, source


@pytest.mark.slow
def test_the_texts_have_units_on_both_sides_of_the_minimum():
    # Without units under P nothing would be pruned, and without units over it nothing would be kept: the
    # tests below could not fail. (The shipped model is retrained from time to time; this says so first.)
    kept = 0
    for name in TEXTS:
        full = _full(f"in/{name}.txt")
        others = [u for u in full.units if u.id != _thesis(full)]
        assert any(u.score < P for u in others), name
        kept += sum(u.score >= P for u in others)
    assert kept >= 3
    assert any(_full(f"in/{n}.txt").unit(_thesis(_full(f"in/{n}.txt"))).score < P for n in TEXTS)


def _per_file_formats() -> list[str]:
    names = [n for n, f in FORMATS.items() if not f.stream and n != "sqlite"]
    return [n for n in names if graphviz_available() or n not in ("svg", "png")]


@pytest.mark.slow
@pytest.mark.parametrize("fmt", _per_file_formats())
def test_every_per_file_format_holds_the_pruned_map(folder, fmt):
    out = folder / f"out-{fmt}"
    result = run("batch", "in", "-o", out, "-f", fmt, "-m", SHIPPED, "-w", "1", "--min-score", P)
    assert result.exit_code == 0, result.output
    report = json.loads((out / REPORT_NAME).read_text(encoding="utf-8"))
    assert report["totals"]["ok"] == len(TEXTS) and report["options"]["min_score"] == P
    exporter = FORMATS[fmt]
    for doc in report["documents"]:
        written = (out / doc["output"]).read_bytes()
        # What the exporter makes of the pruned map, byte for byte (outputs are deterministic).
        expected = exporter.dumps(prune(_full(doc["input"]), P))
        assert written == (expected if isinstance(expected, bytes) else expected.encode("utf-8")), doc["input"]
        if fmt in map_formats():  # and a map format read back has no unit under P but the thesis
            back = read(out / doc["output"])
            assert all(u.score >= P for u in back.units if u.id != _thesis(_full(doc["input"])))
            assert len(back) == len(prune(_full(doc["input"]), P)) < len(_full(doc["input"]))


@pytest.mark.slow
def test_jsonl_sqlite_and_the_index_hold_the_pruned_maps(folder):
    # JSON Lines into a file, with the index beside it.
    result = run("batch", "in", "-f", "jsonl", "-o", "maps.jsonl", "-m", SHIPPED, "-w", "1", "--min-score", P,
                 "--index")
    assert result.exit_code == 0, result.output
    maps = list(read_jsonl(folder / "maps.jsonl"))
    assert sorted(m.source for m in maps) == sorted(f"in/{n}.txt" for n in TEXTS)
    for amap in maps:
        _check_pruned(amap, amap.source)
    # The index counts what the pruned maps hold (for some text, not what the full map holds).
    page = IndexPage()
    page.feed((folder / "index.html").read_text(encoding="utf-8"))
    assert len(page.rows) == len(TEXTS)
    theses = list(csv.DictReader(io.StringIO((folder / "theses.csv").read_text(encoding="utf-8"))))
    counts = {row["document"]: row for row in theses}
    assert set(counts) == {m.source for m in maps}
    differs = 0
    for row in page.rows:
        source = next(s for s in counts if s in row["cells"][1])
        pruned = summary(prune(_full(source), P))
        shown = [int(v) for v in row["values"][3:6]]
        assert shown == [pruned["claim_count"], pruned["evidence_count"], pruned["attack_count"]], source
        full = summary(_full(source))
        differs += shown != [full["claim_count"], full["evidence_count"], full["attack_count"]]
    assert differs

    # JSON Lines on stdout.
    result = run("batch", "in", "-f", "jsonl", "-m", SHIPPED, "-w", "1", "--min-score", P)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == len(TEXTS)
    for line in lines:
        amap = from_json(line)
        _check_pruned(amap, amap.source)

    # One SQLite database: every unit row is the thesis or scored P or more, and the rows are the pruned map's.
    result = run("batch", "in", "-f", "sqlite", "-o", "maps.db", "-m", SHIPPED, "-w", "1", "--min-score", P)
    assert result.exit_code == 0, result.output
    with sqlite3.connect(folder / "maps.db") as conn:
        rows = conn.execute(
            "SELECT d.source, u.unit_id, u.score, u.is_thesis FROM units u JOIN documents d ON d.id = u.document_id"
        ).fetchall()
        documents = conn.execute("SELECT source, unit_count, support_count + attack_count, options FROM documents"
                                 ).fetchall()
    assert {source for source, *_ in rows} == {f"in/{n}.txt" for n in TEXTS}
    assert all(score >= P or is_thesis for _, _, score, is_thesis in rows)
    assert any(is_thesis and score < P for _, _, score, is_thesis in rows)  # the thesis is kept, whatever its score
    for source, unit_count, relation_count, options in documents:
        pruned = prune(_full(source), P)
        assert sorted(uid for s, uid, _, _ in rows if s == source) == sorted(u.id for u in pruned.units)
        assert (unit_count, relation_count) == (len(pruned), len(pruned.relations))
        assert json.loads(options)["min_score"] == P


@pytest.mark.slow
def test_the_worker_pool_prunes_in_the_workers(folder):
    # Three copies of each text: more documents than a chunk takes, so two workers forked from the fork
    # server map them (a worker that did not get the minimum would write full maps).
    for copy in ("a", "b", "c"):
        for name, text in TEXTS.items():
            _write(folder / "many" / copy / f"{name}.txt", text)
    pooled = run_batch(["many"], "pooled", model=SHIPPED, workers=2, min_score=P)
    alone = run_batch(["many"], "alone", model=SHIPPED, workers=1, min_score=P)
    assert pooled.exit_code == alone.exit_code == 0 and pooled.count("ok") == 3 * len(TEXTS) > 16
    for entry in pooled.entries:
        amap = read(folder / "pooled" / entry.output)
        assert amap == read(folder / "alone" / entry.output)
        full = argmine.map_text(TEXTS[Path(entry.input).stem], model=SHIPPED, source=entry.input)
        assert amap.units == prune(full, P).units and len(amap) < len(full)


# ---- the API, the checks and resume (the rule baseline: every unit of its maps scores 0.5) ----------------


def test_run_batch_min_score_prunes_what_it_writes(folder):
    result = run_batch(["in"], "out", model="rules", workers=1, min_score=0.6)
    assert result.exit_code == 0 and result.options["min_score"] == 0.6
    for entry in result.entries:
        full = _full(entry.input, "rules")
        amap = read(folder / "out" / entry.output)
        assert len(full) > 1 and [u.id for u in amap.units] == [_thesis(full)]  # all scored 0.5: the thesis left
        assert amap.units == prune(full, 0.6).units
    # A decimal string is taken as `map_text` takes it.
    again = run_batch(["in"], "out2", model="rules", workers=1, min_score="0.6")
    assert again.options["min_score"] == 0.6
    assert (folder / "out2" / "buses.json").read_bytes() == (folder / "out" / "buses.json").read_bytes()


@pytest.mark.parametrize("bad", [1.5, -0.1, float("nan"), "x", True])
def test_run_batch_refuses_a_bad_min_score_before_any_work(folder, bad):
    with pytest.raises(UsageError) as caught:
        run_batch(["in"], "out", model="rules", workers=1, min_score=bad)
    assert str(caught.value) == f"min_score must be a number from 0 to 1, not {bad!r}"
    with pytest.raises(UsageError) as by_map_text:
        argmine.map_text("We must act.", model="rules", min_score=bad)
    assert str(by_map_text.value) == str(caught.value)
    assert not (folder / "out").exists()


@pytest.mark.parametrize("bad", ["2", "-0.1", "x", "nan", ""])
def test_a_bad_min_score_is_the_usage_error_map_gives(folder, bad):
    result = run("batch", "in", "-o", "out", "-m", "rules", "-w", "1", "--min-score", bad)
    assert result.exit_code == 2, (result.output, result.exception)
    assert result.stderr.splitlines() == [f"argmine: --min-score must be a number from 0 to 1, not {bad!r}"]
    assert run("map", "in/buses.txt", "-m", "rules", "--min-score", bad).stderr == result.stderr
    assert result.stdout == "" and not (folder / "out").exists()
    # JSON Lines on stdout: nothing is written there either.
    streamed = run("batch", "in", "-f", "jsonl", "-m", "rules", "-w", "1", "--min-score", bad)
    assert streamed.exit_code == 2 and streamed.stdout == "" and streamed.stderr == result.stderr


def _statuses(result) -> set[str]:
    return {entry.status for entry in result.entries}


def test_a_rerun_with_another_min_score_maps_again(folder):
    first = run_batch(["in"], "out", model="rules", workers=1, min_score=P)
    assert _statuses(first) == {"ok"}
    record = [json.loads(line) for line in (folder / "out" / RECORD_NAME).read_text().splitlines()[1:]]
    assert {r["options"]["min_score"] for r in record} == {P}
    # The same minimum: up to date, skipped.
    assert _statuses(run_batch(["in"], "out", model="rules", workers=1, min_score=P)) == {"skipped"}
    assert _statuses(run_batch(["in"], "out", model="rules", workers=1, min_score=f"{P:.2f}")) == {"skipped"}
    # No minimum: the pruned outputs are not reused; the full maps replace them.
    unpruned = run_batch(["in"], "out", model="rules", workers=1)
    assert _statuses(unpruned) == {"ok"} and "min_score" not in unpruned.options
    for entry in unpruned.entries:
        assert read(folder / "out" / entry.output) == _full(entry.input, "rules")
    # And back, and to another minimum: mapped again each time.
    assert _statuses(run_batch(["in"], "out", model="rules", workers=1, min_score=P)) == {"ok"}
    assert len(read(folder / "out" / "buses.json")) == 1
    assert _statuses(run_batch(["in"], "out", model="rules", workers=1, min_score=0.5)) == {"ok"}
    assert read(folder / "out" / "buses.json") == _full("in/buses.txt", "rules")  # 0.5 keeps every 0.5
    # The CLI records the same option as the API: its rerun is up to date.
    result = run("batch", "in", "-o", "out", "-m", "rules", "-w", "1", "--min-score", "0.5")
    assert result.exit_code == 0 and f"{len(TEXTS)} skipped" in result.output


def test_a_database_rerun_with_another_min_score_replaces_its_rows(folder):
    def units(db: Path) -> dict[str, int]:
        with sqlite3.connect(db) as conn:
            return dict(conn.execute("SELECT source, unit_count FROM documents").fetchall())

    assert _statuses(run_batch(["in"], "maps.db", fmt="sqlite", model="rules", workers=1, min_score=P)) == {"ok"}
    assert set(units(folder / "maps.db").values()) == {1}
    assert _statuses(run_batch(["in"], "maps.db", fmt="sqlite", model="rules", workers=1, min_score=P)) == {"skipped"}
    assert _statuses(run_batch(["in"], "maps.db", fmt="sqlite", model="rules", workers=1)) == {"ok"}
    assert units(folder / "maps.db") == {f"in/{n}.txt": len(_full(f"in/{n}.txt", "rules")) for n in TEXTS}
