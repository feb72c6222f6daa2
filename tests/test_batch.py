"""`argmine batch`: input discovery, safe output names, resume, reports, exit codes, crash survival."""

from __future__ import annotations

import importlib.util
import io
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path, PurePosixPath
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import argmine
from argmine import export
from argmine.batch import (
    REPORT_NAME,
    BatchUsageError,
    Observer,
    WorkerPool,
    WorkerStartError,
    discover,
    read_jsonl,
    run_batch,
)
from argmine.batch.inputs import Document, Missing
from argmine.batch.names import UnsafePath, assign_outputs, inside, safe_component, safe_relpath
from argmine.batch.pool import Chunk
from argmine.batch.record import RECORD_NAME
from argmine.batch.progress import ConsoleObserver
from argmine.cli import app

ROOT = Path(__file__).resolve().parent.parent

ESSAY = (
    "date 2025-05-01\nLibraries need evening hours\n\n"
    "The city should keep its branch libraries open until nine. Because most working parents finish late, "
    "daytime hours shut them out.\n\n"
    "Critics say the staff costs are too high. However, according to the library board, evening visits "
    "rose 35 percent in the pilot branches.\n\n"
    "Rosa Linde chairs the Eastfield Parents' Council.\n"
)
LATIN1 = "Caf\xe9 owners must be heard, because caf\xe9s matter."
ESSAY_2 = (
    "Towns must stop paving their creeks. Because culverts flood in every big storm, the repairs cost more "
    "than the roads they protect.\n\nAdmittedly, open creeks take space. But a 2022 county study counted "
    "14 floods in ten years at one culvert alone.\n"
)


def _opeds():
    spec = importlib.util.spec_from_file_location("opeds", ROOT / "benchmarks" / "opeds.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _report(outdir: Path) -> dict:
    return json.loads((outdir / REPORT_NAME).read_text(encoding="utf-8"))


def _by_input(report: dict) -> dict[str, dict]:
    return {d["input"]: d for d in report["documents"]}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


# ---- names -------------------------------------------------------------------------------------------

HOSTILE = [
    "../../etc/passwd", "/etc/passwd", "..", ".", "", "   ", "...", "C:\\Windows\\system32", "CON", "con.txt",
    "Lpt1", "nul.tar.gz", "a\x00b", "tab\there", "\u202eevil\u202cgpj.exe", "zero\u200bwidth",
    "\uff0e\uff0e\uff0fup",  # fullwidth "../": NFKC turns it into the real thing
    "\u2024\u2024/x",  # one-dot leaders
    "é" * 300, "line\u2028break", "trailing. . .", ".hidden",
]


@pytest.mark.parametrize("name", HOSTILE)
def test_safe_component_is_one_harmless_name(name, tmp_path):
    clean = safe_component(name)
    assert clean and clean not in (".", "..")
    assert not clean.startswith((".", " ")) and not clean.endswith((".", " "))
    assert not set(clean) & set('/\\:*?"<>|')
    assert all(ch.isprintable() for ch in clean)
    assert len(clean.encode("utf-8")) <= 130
    assert clean.split(".")[0].upper() not in {"CON", "NUL", "LPT1", "AUX", "PRN"}
    # and the file can actually be created, inside the folder
    target = inside(tmp_path, safe_relpath(["sub", name], ".json"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text("{}")
    assert tmp_path in target.resolve().parents


def test_safe_component_keeps_ordinary_names():
    assert safe_component("oped-2024 final") == "oped-2024 final"
    assert safe_component("Zürich_Stadt") == "Zürich_Stadt"
    assert safe_component("../x") == "_x"


def test_inside_refuses_escapes(tmp_path):
    outdir = tmp_path / "out"
    outdir.mkdir()
    for bad in (PurePosixPath("../x.json"), PurePosixPath("/x.json"), PurePosixPath("a/../../x.json")):
        with pytest.raises(UnsafePath):
            inside(outdir, bad)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (outdir / "link").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(UnsafePath, match="outside"):
        inside(outdir, PurePosixPath("link/x.json"))
    assert inside(outdir, PurePosixPath("a/b.json")) == outdir / "a" / "b.json"


def test_assign_outputs_dedupes_deterministically():
    p = PurePosixPath
    wanted = [p("a.json"), p("A.json"), p("a-2.json"), p("a.json"), p("argmine-report.json"), p("sub/a.json")]
    got = assign_outputs(wanted, reserved=[p(REPORT_NAME)])
    names = [str(path) for path, _ in got]
    assert names == ["a.json", "A-3.json", "a-2.json", "a-4.json", "argmine-report-2.json", "sub/a.json"]
    assert [clash for _, clash in got] == [None, 0, None, 0, -1, None]
    assert len({n.casefold() for n in names}) == len(names)
    assert assign_outputs(wanted, reserved=[p(REPORT_NAME)]) == got


# ---- discovery ---------------------------------------------------------------------------------------

def test_discover_files_folders_globs_and_records(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "arch" / "2024" / "jan" / "one.txt", ESSAY)
    _write(tmp_path / "arch" / "2024" / "two.md", ESSAY)
    _write(tmp_path / "arch" / "gold.json", "{}")  # annotations are not inputs
    _write(tmp_path / "arch" / ".hidden.txt", ESSAY)
    _write(tmp_path / "arch" / ".cache" / "x.txt", ESSAY)
    _write(tmp_path / "arch" / "feed.jsonl", '{"id": "r1", "text": "a"}\n\n{"text": "b"}\n')
    _write(tmp_path / "arch" / "out" / "old.txt", ESSAY)  # the output folder, inside the input folder
    _write(tmp_path / "loose.txt", ESSAY)
    found = list(discover(["arch", "loose.txt", "arch/2024/*.md", "nothing.txt", "*.nomatch"],
                          exclude=tmp_path / "arch" / "out"))
    docs = [d for d in found if isinstance(d, Document)]
    assert [(d.input, d.parts) for d in docs] == [
        ("arch/2024/jan/one.txt", ("2024", "jan", "one")),
        ("arch/2024/two.md", ("2024", "two")),
        ("arch/feed.jsonl:1", ("r1",)),
        ("arch/feed.jsonl:3", ("feed-3",)),
        ("loose.txt", ("loose",)),
        # arch/2024/two.md again through the glob: mapped once
    ]
    assert docs[2].id == "r1" and docs[2].source == "r1" and docs[3].id is None
    missing = [m for m in found if isinstance(m, Missing)]
    assert [m.input for m in missing] == ["nothing.txt", "*.nomatch"]
    assert "no such file" in missing[0].reason and "matches no file" in missing[1].reason


def test_glob_keeps_folders_below_its_fixed_part(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "news" / "a" / "x.txt", ESSAY)
    _write(tmp_path / "news" / "b" / "x.txt", ESSAY)
    docs = list(discover(["news/*/*.txt"]))
    assert [d.parts for d in docs] == [("a", "x"), ("b", "x")]


# ---- running a batch ---------------------------------------------------------------------------------

@pytest.fixture
def mixed(tmp_path, monkeypatch):
    """A folder of good, empty, binary, Latin-1, broken and clashing inputs plus hostile JSONL records."""
    monkeypatch.chdir(tmp_path)
    _write(tmp_path / "in" / "essay.txt", ESSAY)
    _write(tmp_path / "in" / "sub" / "essay.txt", ESSAY_2)
    _write(tmp_path / "in" / "empty.txt", "  \n\n ")
    _write(tmp_path / "in" / "binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _write(tmp_path / "in" / "latin1.txt", LATIN1.encode("latin-1"))
    _write(tmp_path / "in" / "bad-bom.txt", b"\xef\xbb\xbfThe city \xff\xfe must act.")
    records = [
        {"id": "../../escape", "text": ESSAY_2},
        {"id": "CON", "text": ESSAY},
        {"id": "essay", "text": ESSAY_2},  # the same name as in/essay.txt
        {"text": ESSAY},
        {"id": "no-text"},
    ]
    _write(tmp_path / "in" / "feed.jsonl",
           "\n".join(json.dumps(r) for r in records) + "\n{not json\n")
    return tmp_path


def test_batch_maps_reports_and_isolates_failures(mixed):
    result = run_batch(["in"], "out", model="rules", workers=1)
    out = mixed / "out"
    assert result.exit_code == 1
    report = _report(out)
    docs = _by_input(report)
    assert report["totals"]["documents"] == 12 == len(report["documents"])
    assert (report["totals"]["ok"], report["totals"]["failed"], report["totals"]["skipped"]) == (7, 5, 0)
    failed = {k: d["reason"] for k, d in docs.items() if d["status"] == "failed"}
    assert "binary" in failed["in/binary.txt"] and "UTF-8" in failed["in/bad-bom.txt"]
    assert docs["in/latin1.txt"]["status"] == "ok" and "UTF-8" in docs["in/latin1.txt"]["warnings"][0]
    assert "empty" in failed["in/empty.txt"]
    assert '"text"' in failed["in/feed.jsonl:5"] and "JSON" in failed["in/feed.jsonl:6"]
    assert all("\n" not in reason and reason for reason in failed.values())
    # outputs: names sanitised, clashes renamed (and said so), nothing outside the folder
    assert docs["in/essay.txt"]["output"] == "essay.json"
    assert docs["in/sub/essay.txt"]["output"] == "sub/essay.json"
    assert docs["in/feed.jsonl:1"]["output"] == "_.._escape.json"
    assert docs["in/feed.jsonl:2"]["output"] == "_CON.json"
    assert docs["in/feed.jsonl:3"]["output"] == "essay-2.json"
    assert "in/essay.txt" in docs["in/feed.jsonl:3"]["note"]
    assert docs["in/feed.jsonl:4"]["output"] == "feed-4.json"
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert written == sorted([REPORT_NAME, RECORD_NAME] + [d["output"] for d in docs.values() if d["status"] == "ok"])
    assert not list(mixed.glob("escape*")) and not (mixed.parent / "escape.json").exists()
    # every output parses back to exactly what map_text gives, source and model included
    for name, doc in docs.items():
        if doc["status"] == "ok":
            amap = export.read(out / doc["output"])
            text = ESSAY_2 if name in ("in/sub/essay.txt", "in/feed.jsonl:1", "in/feed.jsonl:3") else ESSAY
            if name == "in/latin1.txt":
                text = LATIN1
            source = doc.get("id", name) if name.startswith("in/feed") else name
            if name == "in/feed.jsonl:4":
                source = name
            assert amap == argmine.map_text(text, model="rules", source=source)
            assert doc["words"] == len(text.split()) and doc["seconds"] >= 0
    assert report["totals"]["words"] == sum(d["words"] for d in docs.values() if d["status"] == "ok")


def test_resume_skips_up_to_date_outputs_and_force_redoes(mixed, monkeypatch):
    run_batch(["in"], "out", model="rules", workers=1)
    out = mixed / "out"
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*.json") if p.name != REPORT_NAME}

    again = run_batch(["in"], "out", model="rules", workers=1)
    docs = _by_input(_report(out))
    assert again.count("skipped") == 7 and again.count("ok") == 0 and again.count("failed") == 5
    assert docs["in/essay.txt"]["words"] == len(ESSAY.split())  # carried over from the first report
    assert {p: p.stat().st_mtime_ns for p in before} == before

    # an input touched but unchanged is not mapped again (what counts is its content, not its time)
    later = time.time() + 5
    os.utime(mixed / "in" / "essay.txt", (later, later))
    assert run_batch(["in"], "out", model="rules", workers=1).count("skipped") == 7
    # an input edited after its output was written is mapped again
    _write(mixed / "in" / "sub" / "essay.txt", ESSAY_2 + "\nA new closing line must count.\n")
    third = _by_input(run_batch(["in"], "out", model="rules", workers=1).to_dict())
    assert third["in/sub/essay.txt"]["status"] == "ok" and third["in/essay.txt"]["status"] == "skipped"

    # another model (its manifest's hash) redoes everything, as does --force
    with monkeypatch.context() as m:
        from argmine.batch import record

        real = record.model_identity
        m.setattr("argmine.batch.run.model_identity", lambda where: {**real(where), "model_sha256": "0" * 64})
        assert run_batch(["in"], "out", model="rules", workers=1).count("skipped") == 0
    forced = run_batch(["in"], "out", model="rules", workers=1, force=True)
    assert forced.count("skipped") == 0 and forced.count("ok") == 7


def test_stale_temporary_files_of_a_killed_run_are_removed(mixed):
    out = mixed / "out"
    stale = _write(out / ".essay.json.k3j_9x2a.tmp", '{"half": ')
    unrelated = _write(out / ".notes.txt.abcdefgh.tmp", "mine")
    run_batch(["in/essay.txt"], "out", model="rules", workers=1)
    assert not stale.exists() and unrelated.exists()
    assert export.read(out / "essay.json").source == "in/essay.txt"


def test_size_limit_and_a_report_elsewhere(mixed):
    _write(mixed / "in2" / "short.txt", "We must act now, because delay costs lives.\n")
    _write(mixed / "in2" / "long.txt", ESSAY)
    _write(mixed / "in2" / "log.txt", ESSAY)  # wants out/log.json, the report's name here
    result = run_batch(["in2"], "out", model="rules", workers=1, max_chars=200, report="out/log.json")
    docs = {e.input: e for e in result.entries}
    assert docs["in2/short.txt"].status == "ok"
    assert docs["in2/long.txt"].status == "failed" and "200" in docs["in2/long.txt"].reason
    assert docs["in2/log.txt"].status == "failed" and docs["in2/log.txt"].output == "log-2.json"
    assert "the report" in docs["in2/log.txt"].note
    assert json.loads((mixed / "out" / "log.json").read_text())["totals"]["documents"] == 3
    assert not (mixed / "out" / REPORT_NAME).exists()


def test_usage_errors(mixed):
    with pytest.raises(BatchUsageError, match="-o"):
        run_batch(["in"], None, model="rules")
    with pytest.raises(BatchUsageError, match="engine"):
        run_batch(["in"], "out", engine="spark")
    with pytest.raises(BatchUsageError, match="scheduler"):
        run_batch(["in"], "out", engine="dask")
    with pytest.raises(export.UnknownFormat, match="jsonl"):
        run_batch(["in"], "out", fmt="docx")
    _write(mixed / "maps.jsonl", "")  # not argmine's: kept, --force or not
    with pytest.raises(BatchUsageError, match="did not write"):
        run_batch(["in"], "maps.jsonl", fmt="jsonl", model="rules", force=True)


# ---- the command line --------------------------------------------------------------------------------

def test_cli_exit_codes_and_report(mixed):
    runner = CliRunner()
    _write(mixed / "good" / "a.txt", ESSAY)
    _write(mixed / "good" / "b.txt", ESSAY_2)
    ok = runner.invoke(app, ["batch", "good", "-o", "out", "-m", "rules", "-w", "1"])
    assert ok.exit_code == 0, ok.output
    assert _report(mixed / "out")["totals"]["ok"] == 2
    assert "2 mapped" in ok.output
    skipped = runner.invoke(app, ["batch", "good", "-o", "out", "-m", "rules", "-w", "1"])
    assert skipped.exit_code == 0 and "2 skipped" in skipped.output
    bad = runner.invoke(app, ["batch", "in", "-o", "out2", "-m", "rules", "-w", "1"])
    assert bad.exit_code == 1
    assert "argmine: in/binary.txt: not a text file" in bad.output
    for args in (["batch", "in"], ["batch", "in", "-o", "o", "-f", "docx"],
                 ["batch", "in", "-o", "o", "-m", "nope"], ["batch", "in", "-o", "o", "--engine", "dask"],
                 ["batch", "in", "-o", "o", "-w", "0"], ["batch", "-o", "o"]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output


def test_cli_jsonl_to_stdout_in_input_order(mixed):
    runner = CliRunner()
    result = runner.invoke(app, ["batch", "in/essay.txt", "in/feed.jsonl", "in/sub/essay.txt", "-f", "jsonl",
                                 "-m", "rules", "-w", "1"])
    assert result.exit_code == 1  # two bad records
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    maps = [export.json.from_json(line) for line in lines]
    assert [m.source for m in maps] == ["in/essay.txt", "../../escape", "CON", "essay", "in/feed.jsonl:4",
                                        "in/sub/essay.txt"]
    assert maps[0] == argmine.map_text(ESSAY, model="rules", source="in/essay.txt")
    assert all(json.loads(line) for line in lines) and all("\n" not in line for line in lines)


def test_dash_reads_jsonl_records_from_stdin_and_the_spool_is_removed(mixed, tmp_path):
    records = (json.dumps({"id": "uniforms", "text": ESSAY}) + "\n\n" + json.dumps({"text": ESSAY_2}) + "\n")
    runner = CliRunner()
    result = runner.invoke(app, ["batch", "-", "-f", "jsonl", "-m", "rules", "-w", "1"], input=records)
    assert result.exit_code == 0, result.output
    maps = [export.json.from_json(line) for line in result.stdout.splitlines() if line.strip()]
    assert [m.source for m in maps] == ["uniforms", "-:3"]
    assert maps[1] == argmine.map_text(ESSAY_2, model="rules", source="-:3")
    # Into a folder: outputs named by the record's id or `stdin-LINE`, the report names the lines `-:LINE`,
    # and the temporary copy of standard input is gone.
    spools = set(Path(tempfile.gettempdir()).glob("argmine-stdin-*"))
    report = run_batch(["-", "in/essay.txt"], "out", model="rules", workers=1,
                       stdin_stream=io.BytesIO(records.encode()))
    assert report.exit_code == 0
    assert [(e.input, e.output) for e in report.entries] == [
        ("-:1", "uniforms.json"), ("-:3", "stdin-3.json"), ("in/essay.txt", "essay.json")]
    assert set(Path(tempfile.gettempdir()).glob("argmine-stdin-*")) == spools
    again = run_batch(["-"], "out", model="rules", workers=1, stdin_stream=io.BytesIO(records.encode()))
    assert again.count("skipped") == 2  # the same records: up to date
    empty = runner.invoke(app, ["batch", "-", "-o", "out2", "-m", "rules"], input="")
    assert empty.exit_code == 1 and "-: no JSON Lines record on standard input" in empty.output


def test_jsonl_to_a_file_with_report(mixed):
    result = run_batch(["in/essay.txt", "in/sub"], "maps.jsonl", fmt="jsonl", model="rules", workers=1)
    assert result.exit_code == 0
    maps = list(read_jsonl(mixed / "maps.jsonl"))
    assert [m.source for m in maps] == ["in/essay.txt", "in/sub/essay.txt"]
    report = json.loads((mixed / "maps.report.json").read_text())
    assert report["totals"]["ok"] == 2 and report["output_format"] == "jsonl"
    assert not [p for p in mixed.iterdir() if p.name.endswith(".tmp")]


def test_progress_bar_on_a_terminal_only():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    from argmine.batch.report import Entry, Report

    term = Terminal()
    observer = ConsoleObserver(term)
    observer.start(3, 1)
    observer.done(Entry("a.txt", status="ok", words=500))
    observer.done(Entry("b.txt", status="failed", reason="b.txt: empty text, nothing to map"))
    observer.finish(Report(entries=[Entry("a.txt", status="ok", words=500)], seconds=1.0))
    shown = term.getvalue()
    assert "3/3" in shown and "documents" in shown and "words/s" in shown
    assert "argmine: b.txt: empty text" in shown and "1 documents: 1 mapped" in shown

    pipe = io.StringIO()  # not a terminal: failures and the summary, no bar
    quiet = ConsoleObserver(pipe)
    quiet.start(2, 0)
    quiet.done(Entry("b.txt", status="failed", reason="b.txt: empty text, nothing to map"))
    assert pipe.getvalue() == "argmine: b.txt: empty text, nothing to map\n"


# ---- worker processes --------------------------------------------------------------------------------

class KillOneWorker(Observer):
    """Kills a worker process (SIGKILL) when the first document is done."""

    def __init__(self) -> None:
        self.killed: list[int] = []

    def done(self, entry) -> None:
        if not self.killed:
            children = multiprocessing.active_children()
            if children:
                os.kill(children[0].pid, signal.SIGKILL)
                self.killed.append(children[0].pid)


@pytest.mark.slow
def test_killed_worker_loses_no_document(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _opeds().write_folder(tmp_path / "in", 40, paragraphs=(1, 2))
    run_batch(["in"], "ref", model="rules", workers=1)
    killer = KillOneWorker()
    result = run_batch(["in"], "out", model="rules", workers=2, observer=killer)
    assert killer.killed and result.restarts >= 1
    assert result.count("ok") == 40 and result.exit_code == 0
    assert _report(tmp_path / "out")["totals"]["worker_restarts"] == result.restarts
    ref, got = _files(tmp_path / "ref"), _files(tmp_path / "out")
    ref.pop(REPORT_NAME), got.pop(REPORT_NAME)
    assert got == ref  # byte-identical to a run in one process


POISON_MODULE = """
import os
from types import SimpleNamespace


def init(*args):
    pass


def init_and_die(*args):
    os._exit(1)


def die_on_poison(tasks, *args):
    # a stand-in for map_chunk whose worker process dies on every text that contains POISON
    if any("POISON" in t.text for t in tasks):
        os._exit(3)
    return [SimpleNamespace(index=t.index, ok=True, payload=t.text) for t in tasks]
"""


@pytest.mark.slow
def test_a_document_that_always_kills_its_worker_is_reported_and_the_rest_mapped(tmp_path, monkeypatch):
    # The stand-in lives in a tiny module so that each restarted worker starts in a blink.
    _write(tmp_path / "poison_task.py", POISON_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import poison_task

    texts = [f"text {i}" for i in range(30)]
    texts[11] = "POISON pill"
    tasks = [SimpleNamespace(index=i, source=f"doc{i}", text=t) for i, t in enumerate(texts)]
    chunks = [Chunk(n, tuple(tasks[i : i + 4])) for n, i in enumerate(range(0, 30, 4))]
    with WorkerPool(2, (), initializer=poison_task.init, retries=2) as pool:
        outcomes = {o.index: o for _, outs in pool.run(chunks, poison_task.die_on_poison) for o in outs}
    assert sorted(outcomes) == list(range(30))  # every document, once
    assert not outcomes[11].ok and "died 3 times" in outcomes[11].reason and "doc11" in outcomes[11].reason
    assert all(outcomes[i].ok and outcomes[i].payload == texts[i] for i in outcomes if i != 11)
    assert pool.restarts == 4  # once among other chunks, then three times with the document alone


@pytest.mark.slow
def test_a_worker_that_dies_while_results_are_consumed_loses_nothing(tmp_path, monkeypatch):
    # The death happens between the pool's wait and its next submit, where the broken pool refuses new work.
    _write(tmp_path / "poison_task.py", POISON_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import poison_task

    tasks = [SimpleNamespace(index=i, source=f"doc{i}", text=f"text {i}") for i in range(12)]
    chunks = [Chunk(n, (task,)) for n, task in enumerate(tasks)]
    seen = []
    with WorkerPool(2, (), initializer=poison_task.init, retries=2) as pool:
        for _, outs in pool.run(chunks, poison_task.die_on_poison):
            seen += [o.index for o in outs if o.ok]
            if len(seen) == 1:
                os.kill(pool.pids()[0], signal.SIGKILL)
                time.sleep(0.5)  # the executor notices the death and marks itself broken
    assert sorted(seen) == list(range(12))  # every document, once
    assert pool.restarts >= 1


@pytest.mark.slow
def test_workers_that_cannot_start_stop_the_run_with_a_clear_error(tmp_path, monkeypatch):
    _write(tmp_path / "poison_task.py", POISON_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import poison_task

    chunks = [Chunk(n, (SimpleNamespace(index=n, source=f"doc{n}", text="fine"),)) for n in range(5)]
    with WorkerPool(2, (), initializer=poison_task.init_and_die, retries=0) as pool:
        with pytest.raises(WorkerStartError, match="__main__"):
            list(pool.run(chunks, poison_task.die_on_poison))
    assert pool.restarts == 6


def test_generated_opeds_are_deterministic_and_work_without_a_corpus(tmp_path):
    opeds = _opeds()
    assert opeds.generate(5, seed=4) == opeds.generate(5, seed=4) != opeds.generate(5, seed=5)
    fallback = opeds.generate(3, seed=1, corpus=tmp_path)  # an empty folder: the built-in paragraphs
    assert all(text.startswith("date 2025-03-02") and text.endswith("Policy Lab.\n") for text in fallback)
    assert all(len(argmine.map_text(text, model="rules")) > 0 for text in fallback)


# ---- 1,000 op-eds, a kill, a rerun -------------------------------------------------------------------

@pytest.mark.slow
def test_thousand_opeds_survive_a_kill_and_a_rerun(tmp_path):
    """The issue's acceptance test: kill the CLI mid-run, rerun, and every output is there and whole."""
    _opeds().write_folder(tmp_path / "in", 1000, paragraphs=(1, 1))
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "argmine", "batch", str(tmp_path / "in"), "-o", str(out), "-m", "rules",
           "-w", "2"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    first = subprocess.Popen(cmd, start_new_session=True, **quiet)
    try:
        deadline = time.monotonic() + 120
        while first.poll() is None and time.monotonic() < deadline:
            if len(list(out.rglob("oped-*.json"))) >= 100:
                break
            time.sleep(0.05)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)  # the CLI and its workers, as a kill -9 of the job would
        first.wait()
    assert first.returncode == -signal.SIGKILL, "the first run ended before it could be killed"
    done_before = {p for p in out.rglob("oped-*.json")}
    assert 0 < len(done_before) < 1000
    for path in done_before:  # whatever exists after a kill is whole
        json.loads(path.read_bytes())

    second = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert "documents" not in second.stdout  # the summary goes to stderr, stdout stays clean
    report = _report(out)
    assert report["totals"]["documents"] == 1000 and report["totals"]["failed"] == 0
    assert report["totals"]["skipped"] == len(done_before)  # whatever survived the kill is reused
    assert report["totals"]["skipped"] + report["totals"]["ok"] == 1000
    outputs = sorted(out.rglob("*.json"))
    assert len(outputs) == 1001
    for path in outputs:
        if path.name != REPORT_NAME:
            source = tmp_path / "in" / path.relative_to(out).with_suffix(".txt")
            assert export.read(path).text == source.read_text(encoding="utf-8")
    # no temporary file and no lock left; argmine's record of its outputs stays, for the next resume
    assert [p for p in out.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".")] == [out / RECORD_NAME]
    assert {d["output"] for d in report["documents"]} == {
        p.relative_to(out).as_posix() for p in outputs if p.name != REPORT_NAME
    }


# ---- one load path: the --max-chars limit reaches every engine ---------------------------------------

def _long_text(chars: int) -> str:
    """Paragraphs of ordinary prose, `chars` characters or a little more."""
    paragraph = ESSAY_2.strip()
    return "\n\n".join([paragraph] * (chars // (len(paragraph) + 2) + 1)) + "\n"


def test_one_load_raises_spacys_limit_to_the_callers_and_never_lowers_it():
    from argmine.nlp import load

    default = load("rules").nlp.max_length
    assert load("rules", max_chars=1_500_000).nlp.max_length == 1_500_000 > default
    assert load("rules", max_chars=10).nlp.max_length == default


def test_batch_workers_load_the_model_for_the_batch_limit():
    from argmine.batch import work
    from argmine.batch.dask_engine import _load

    work.init_worker("rules", 1_500_000, pool_child=False)
    try:
        assert work.current_miner().nlp.max_length == 1_500_000
    finally:
        work._state.clear()
    assert _load("sentences", 1_600_000).nlp.max_length == 1_600_000  # the Dask workers' loader


@pytest.mark.slow
def test_a_miner_without_windows_maps_what_the_limit_lets_through():
    # One Doc of 1.05 million characters: spaCy refuses it (E088) unless the load raised its limit.
    from argmine.nlp import Miner, load

    text = _long_text(1_050_000)
    loaded = load("rules", max_chars=1_500_000)
    whole = Miner(loaded.nlp, loaded.name, window=None).map(text)
    assert len(whole) > 1000
    plain = load("rules")
    with pytest.raises(ValueError, match="E088"):
        Miner(plain.nlp, plain.name, window=None).map(text)


@pytest.mark.slow
def test_batch_maps_a_text_over_a_million_characters_that_map_maps(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = _long_text(1_050_000)
    _write(tmp_path / "in" / "long.txt", text)
    mapped = CliRunner().invoke(app, ["map", "in/long.txt", "-m", "rules", "--max-chars", "1500000",
                                      "-o", "map.json"])
    assert mapped.exit_code == 0, mapped.stderr
    refused = CliRunner().invoke(app, ["batch", "in", "-o", "small", "-m", "rules", "-w", "1"])
    assert refused.exit_code == 1 and "over the limit of 1,000,000" in refused.stderr
    batched = CliRunner().invoke(app, ["batch", "in", "-o", "out", "-m", "rules", "-w", "1",
                                       "--max-chars", "1500000"])
    assert batched.exit_code == 0, batched.stderr
    one, other = export.read(tmp_path / "map.json"), export.read(tmp_path / "out" / "long.json")
    assert one.text == other.text == text and len(one) > 1000
    assert one.units == other.units and one.relations == other.relations


# ---- one retry and split policy for every engine ------------------------------------------------------

def _tasks(n: int) -> tuple:
    return tuple(SimpleNamespace(index=i, source=f"doc{i}", text=f"text {i}") for i in range(n))


def test_the_recovery_policy_splits_retries_alone_and_gives_up_after_the_retries():
    from argmine.batch.engine import Recovery, WorkerDied

    recovery = Recovery(retries=2)
    again, given_up = recovery.worker_died(Chunk(0, _tasks(3)), blamed=True)  # several: split, whoever ran
    assert [c.tasks for c in again] == [(t,) for t in _tasks(3)] and not given_up
    assert len({c.id for c in again}) == 3 and all(c.id < 0 for c in again)
    single = again[1]
    assert recovery.worker_died(single, blamed=False)[0][0].strikes == 0  # ran beside others: no strike
    for strike in (1, 2):
        assert recovery.worker_died(single, blamed=True) == ([single], []) and single.strikes == strike
    again, (out,) = recovery.worker_died(single, blamed=True)
    assert not again and not out.ok and out.index == 1 and isinstance(out.error, WorkerDied)
    assert out.reason == "doc1: the worker process died 3 times mapping this document (killed, crashed)"
    # Dask's scheduler has retried it already: given up at the first KilledWorker, with the engine's words
    again, (out,) = recovery.worker_died(Chunk(5, _tasks(1)), blamed=True, final=True, why="Dask workers died")
    assert not again and out.reason == "doc0: Dask workers died"


def test_the_recovery_policy_fails_the_documents_of_a_task_that_raised_but_not_a_missing_model():
    from argmine.batch.engine import Recovery
    from argmine.batch.errors import ModelLoadError

    outcomes = Recovery(2).task_failed(Chunk(0, _tasks(2)), RuntimeError("cannot pickle the result"))
    assert [(o.index, o.ok, o.reason) for o in outcomes] == [
        (0, False, "doc0: RuntimeError: cannot pickle the result"),
        (1, False, "doc1: RuntimeError: cannot pickle the result"),
    ]
    with pytest.raises(ModelLoadError):
        Recovery(2).task_failed(Chunk(0, _tasks(2)), ModelLoadError("cannot load model 'x'"))


RAISING_MODULE = """
from types import SimpleNamespace


def init(*args):
    pass


def raise_on_bad(tasks, *args):
    if any("BAD" in t.text for t in tasks):
        raise RuntimeError("this chunk cannot be mapped")
    return [SimpleNamespace(index=t.index, ok=True, payload=t.text) for t in tasks]
"""


def test_a_chunk_whose_task_raises_fails_its_documents_and_the_pool_goes_on(tmp_path, monkeypatch):
    _write(tmp_path / "raising_task.py", RAISING_MODULE)
    monkeypatch.syspath_prepend(str(tmp_path))
    import raising_task

    tasks = [SimpleNamespace(index=i, source=f"doc{i}", text="BAD" if i == 5 else f"text {i}") for i in range(12)]
    chunks = [Chunk(n, tuple(tasks[i : i + 3])) for n, i in enumerate(range(0, 12, 3))]
    with WorkerPool(2, (), initializer=raising_task.init) as pool:
        outcomes = {o.index: o for _, outs in pool.run(chunks, raising_task.raise_on_bad) for o in outs}
    assert sorted(outcomes) == list(range(12)) and pool.restarts == 0
    assert [i for i, o in outcomes.items() if not o.ok] == [3, 4, 5]  # the chunk that raised
    assert outcomes[4].reason == "doc4: RuntimeError: this chunk cannot be mapped"


# ---- the model is loaded once, in the fork server, and shared by every worker ------------------------

SHARED_SCRIPT = """
import json, os, sys
from types import SimpleNamespace

from argmine.batch.engine import Chunk
from argmine.batch.pool import PRELOAD_ENV, WorkerPool
from argmine.batch.work import worker_info

if __name__ == "__main__":
    tasks = [SimpleNamespace(index=i, source="", size=0) for i in range(6)]
    seen = []
    for initargs in (("rules", 1_500_000), ("sentences",), ("rules", 2_000_000)):
        with WorkerPool(2, initargs) as pool:
            seen.append([o for _, outs in pool.run([Chunk(i, (t,)) for i, t in enumerate(tasks)], worker_info)
                         for o in outs])
    print(json.dumps({"runs": seen, "env": PRELOAD_ENV in os.environ}))
"""


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked from a fork server on Linux only")
def test_workers_start_with_the_model_the_fork_server_loaded_once(tmp_path):
    script = _write(tmp_path / "shared.py", SHARED_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    first, other, again = result["runs"]
    # The first pool of the process started the server with its model: every worker has it, none loaded it,
    # and the batch's limit came with it.
    assert {(w["model"], w["shared"], w["max_length"]) for w in first} == {("rules", True, 1_500_000)}
    # A pool of another model cannot use it: each worker loads its own, as before.
    assert {(w["model"], w["shared"]) for w in other} == {("sentences", False)}
    # The same model again (a larger limit): shared again, the limit raised in the worker.
    assert {(w["model"], w["shared"], w["max_length"]) for w in again} == {("rules", True, 2_000_000)}
    assert result["env"] is False  # the server's setting is not left in this process's environment


def test_a_model_rewritten_in_place_is_another_model_to_the_workers(tmp_path, monkeypatch):
    from argmine.batch.work import model_key

    folder = tmp_path / "m"
    _write(folder / "config.cfg", "[nlp]\n")
    _write(folder / "manifest.json", '{"files": {}}')
    before = model_key(str(folder))
    assert before[0] == str(folder) and model_key(str(folder)) == before
    monkeypatch.chdir(tmp_path)
    assert model_key("./m") == before  # the same folder, named from elsewhere
    _write(folder / "manifest.json", '{"files": {"x": 1}}')
    assert model_key("./m")[0] == before[0] and model_key("./m") != before
