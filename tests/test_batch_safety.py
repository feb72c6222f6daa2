"""`argmine batch` under attack (issue 14): outputs never replace inputs or files argmine did not write,
resume only on a full match, links and loops, linear planning, huge records, odd ids, locks, full disks."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

import argmine
from argmine import export
from argmine.batch import REPORT_NAME, BatchUsageError, Observer, discover, read_jsonl, run_batch
from argmine.cli import app

ROOT = Path(__file__).resolve().parent.parent
ESSAY = (
    "Schools should teach students to use AI tools. Because bans fail, pupils use them anyway.\n\n"
    "Critics say the tools make pupils lazy. However, a 2024 district survey found grades held steady.\n"
)
ESSAY_B = "Towns must stop paving their creeks. Because culverts flood, the repairs cost more than roads.\n"
PAGE = "<html><body><article><p>Schools should teach AI. Because bans fail.</p></article></body></html>"


def _write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data, encoding="utf-8")
    return path


def _report(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _docs(report: dict) -> dict[str, dict]:
    return {d["input"]: d for d in report["documents"]}


def _cli(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "argmine", *args], cwd=cwd, capture_output=True, timeout=timeout,
                          env=env)


@pytest.fixture
def here(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


# ---- item 1: an input is never an output; a file argmine did not write is never replaced -------------

def test_an_html_output_never_replaces_its_input(here):
    page = _write(here / "a" / "page.html", PAGE)
    result = run_batch(["a"], "a", fmt="html", model="rules", workers=1)
    assert page.read_text(encoding="utf-8") == PAGE
    entry = result.entries[0]
    assert entry.status == "failed" and "is an input" in entry.reason and "a/page.html" in entry.reason
    assert result.exit_code == 1
    # --force changes nothing
    assert run_batch(["a"], "a", fmt="html", model="rules", workers=1, force=True).entries[0].status == "failed"
    assert page.read_text(encoding="utf-8") == PAGE


def test_an_output_that_is_an_input_through_a_link_is_refused(here):
    _write(here / "in" / "x.txt", ESSAY)
    page = _write(here / "pages" / "x.html", PAGE)
    (here / "out").mkdir()
    (here / "out" / "x.html").symlink_to(page)
    result = run_batch(["in/x.txt", "pages/x.html"], "out", fmt="html", model="rules", workers=1)
    docs = {e.input: e for e in result.entries}
    assert docs["in/x.txt"].status == "failed" and page.read_text(encoding="utf-8") == PAGE


def test_gold_annotations_beside_newer_texts_are_never_replaced(here):
    # The corpus/ layout: x.txt with its gold annotation x.json; the text is touched after the annotation.
    gold = '{"gold": "annotation", "units": []}\n'
    for name in ("one", "two"):
        _write(here / "c" / f"{name}.json", gold)
        old = time.time() - 3600
        os.utime(here / "c" / f"{name}.json", (old, old))
        _write(here / "c" / f"{name}.txt", ESSAY)
    for force in (False, True):
        result = run_batch(["c"], "c", model="rules", workers=1, force=force)
        assert result.count("failed") == 2 and result.count("ok") == 0
        for entry in result.entries:
            assert "argmine did not write it" in entry.reason and entry.input in entry.reason
        assert all((here / "c" / f"{n}.json").read_text() == gold for n in ("one", "two"))


def test_a_map_the_user_edited_is_kept(here):
    _write(here / "in" / "x.txt", ESSAY)
    run_batch(["in"], "out", model="rules", workers=1)
    edited = _write(here / "out" / "x.json", '{"edited": true}\n')
    _write(here / "in" / "x.txt", ESSAY_B)  # a changed input would redo argmine's own output
    for force in (False, True):
        result = run_batch(["in"], "out", model="rules", workers=1, force=force)
        assert result.entries[0].status == "failed" and "changed since argmine wrote it" in result.entries[0].reason
        assert edited.read_text() == '{"edited": true}\n'


def test_a_file_that_appears_while_the_batch_runs_is_kept(here):
    _write(here / "in" / "x.txt", ESSAY)

    class Squatter(Observer):
        def start(self, total, skipped):
            _write(here / "out" / "x.json", "someone else's\n")

    result = run_batch(["in"], "out", model="rules", workers=1, observer=Squatter())
    entry = result.entries[0]
    assert entry.status == "failed" and "out/x.json" in entry.reason and "appeared" in entry.reason
    assert (here / "out" / "x.json").read_text() == "someone else's\n"
    assert not [p for p in (here / "out").iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_jsonl_output_that_is_an_input_is_a_usage_error_even_with_force(here):
    feed = _write(here / "feed.jsonl", json.dumps({"id": "r1", "text": ESSAY}) + "\n")
    before = feed.read_bytes()
    with pytest.raises(BatchUsageError, match="input"):
        run_batch(["feed.jsonl"], "feed.jsonl", fmt="jsonl", model="rules", workers=1, force=True)
    assert feed.read_bytes() == before
    done = _cli("batch", "feed.jsonl", "-f", "jsonl", "-o", "feed.jsonl", "--force", "-m", "rules", "-w", "1",
                cwd=here)
    assert done.returncode == 2 and b"input" in done.stderr and b"Traceback" not in done.stderr
    assert feed.read_bytes() == before


def test_jsonl_output_over_a_foreign_file_is_refused_even_with_force(here):
    _write(here / "in.txt", ESSAY)
    mine = _write(here / "maps.jsonl", "my own notes\n")
    with pytest.raises(BatchUsageError, match="did not write"):
        run_batch(["in.txt"], "maps.jsonl", fmt="jsonl", model="rules", workers=1, force=True)
    assert mine.read_text() == "my own notes\n"
    # once argmine's own, --force replaces it (and only then)
    mine.unlink()
    run_batch(["in.txt"], "maps.jsonl", fmt="jsonl", model="rules", workers=1)
    with pytest.raises(BatchUsageError, match="--force"):
        run_batch(["in.txt"], "maps.jsonl", fmt="jsonl", model="rules", workers=1)
    assert run_batch(["in.txt"], "maps.jsonl", fmt="jsonl", model="rules", workers=1, force=True).exit_code == 0
    assert [m.source for m in read_jsonl(here / "maps.jsonl")] == ["in.txt"]


def test_a_report_never_replaces_an_input_or_a_foreign_file(here):
    _write(here / "in" / "x.txt", ESSAY)
    notes = _write(here / "notes.json", '{"mine": 1}\n')
    with pytest.raises(BatchUsageError, match="not an argmine report"):
        run_batch(["in"], "out", model="rules", workers=1, report="notes.json")
    with pytest.raises(BatchUsageError, match="input"):
        run_batch(["in"], "out", model="rules", workers=1, report="in/x.txt")
    assert notes.read_text() == '{"mine": 1}\n' and (here / "in" / "x.txt").read_text() == ESSAY


# ---- item 3: resume only when input, model and options all match ------------------------------------

def test_resume_after_the_inputs_swap_places_redoes_both(here):
    _write(here / "a" / "one.txt", ESSAY)
    _write(here / "b" / "one.txt", ESSAY_B)
    run_batch(["a/one.txt", "b/one.txt"], "out", model="rules", workers=1)
    assert export.read(here / "out" / "one.json").source == "a/one.txt"
    again = run_batch(["b/one.txt", "a/one.txt"], "out", model="rules", workers=1)
    assert again.count("skipped") == 0 and again.count("ok") == 2
    docs = _docs(_report(here / "out" / REPORT_NAME))
    for name in ("a/one.txt", "b/one.txt"):
        amap = export.read(here / "out" / docs[name]["output"])
        assert amap.source == name and amap.text == (here / name).read_text(encoding="utf-8")


def test_resume_redoes_outputs_of_another_model_or_other_options(here, monkeypatch):
    _write(here / "in" / "x.txt", ESSAY)
    _write(here / "in" / "p.html", PAGE)
    first = run_batch(["in"], "out", model="rules", workers=1)
    assert first.count("ok") == 2
    assert run_batch(["in"], "out", model="rules", workers=1).count("skipped") == 2
    assert run_batch(["in"], "out", model="rules", workers=1, html=False).count("skipped") == 0
    assert export.read(here / "out" / "p.json").text == PAGE  # the markup, as --no-html says
    assert run_batch(["in"], "out", model="rules", workers=1, html=False).count("skipped") == 2
    assert run_batch(["in"], "out", model="rules", workers=1, max_chars=5000).count("skipped") == 0
    with monkeypatch.context() as m:
        from argmine.batch import record

        real = record.model_identity
        m.setattr("argmine.batch.run.model_identity", lambda where: {**real(where), "model": "argmine-en",
                                                                     "model_sha256": "1" * 64})
        assert run_batch(["in"], "out", model="rules", workers=1, max_chars=5000).count("skipped") == 0
        assert _report(here / "out" / REPORT_NAME)["model"] == "argmine-en"
    assert run_batch(["in"], "out", model="rules", workers=1, max_chars=5000).count("skipped") == 0
    report = _report(here / "out" / REPORT_NAME)
    assert report["model"] == "rules" and len(report["model_sha256"]) == 64
    assert report["options"] == {"format": "json", "html": None, "max_chars": 5000}


def test_the_record_says_what_made_each_output(here):
    from argmine.batch.record import RECORD_NAME

    _write(here / "in" / "x.txt", ESSAY)
    run_batch(["in"], "out", model="rules", workers=1)
    lines = [json.loads(line) for line in (here / "out" / RECORD_NAME).read_text().splitlines()]
    assert lines[0] == {"format": "argmine-outputs/1"}
    (entry,) = lines[1:]
    import hashlib

    assert entry["output"] == "x.json" and entry["input"] == "in/x.txt"
    assert entry["input_sha256"] == hashlib.sha256((here / "in" / "x.txt").read_bytes()).hexdigest()
    assert entry["sha256"] == hashlib.sha256((here / "out" / "x.json").read_bytes()).hexdigest()
    assert entry["model"] == "rules" and entry["argmine"] == argmine.__version__
    assert entry["options"] == {"format": "json", "html": None, "max_chars": 1_000_000}
    assert entry["words"] == len(ESSAY.split())


def test_a_run_killed_between_recording_and_renaming_resumes(here):
    from argmine.batch.record import RECORD_NAME

    _write(here / "in" / "x.txt", ESSAY)
    run_batch(["in"], "out", model="rules", workers=1)
    record = here / "out" / RECORD_NAME
    (line,) = [json.loads(raw) for raw in record.read_text().splitlines()[1:]]
    # A second run appended its record of the new x.json, then was killed before the rename; the old
    # x.json is still there, and a torn half line ends the file.
    _write(here / "in" / "x.txt", ESSAY_B)
    with open(record, "a", encoding="utf-8") as fh:
        fh.write(json.dumps({**line, "sha256": "f" * 64, "replaces": line["sha256"]}) + "\n")
        fh.write('{"output": "x.json", "sha2')
    again = run_batch(["in"], "out", model="rules", workers=1)
    assert again.entries[0].status == "ok", again.entries[0].reason
    assert export.read(here / "out" / "x.json").text == ESSAY_B
    assert run_batch(["in"], "out", model="rules", workers=1).entries[0].status == "skipped"


def test_a_record_file_that_is_not_argmines_is_a_usage_error(here):
    from argmine.batch.record import RECORD_NAME

    _write(here / "in" / "x.txt", ESSAY)
    fake = _write(here / "out" / RECORD_NAME, '{"output": "x.json", "sha256": "0"}\n')
    with pytest.raises(BatchUsageError, match="not argmine's record"):
        run_batch(["in"], "out", model="rules", workers=1)
    assert fake.read_text() == '{"output": "x.json", "sha256": "0"}\n' and not (here / "out" / "x.json").exists()


def test_a_rerun_keeps_the_earlier_runs_in_the_report(here):
    _write(here / "in" / "x.txt", ESSAY)
    run_batch(["in"], "out", model="rules", workers=1)
    _write(here / "in" / "y.txt", ESSAY_B)
    run_batch(["in"], "out", model="rules", workers=1)
    report = _report(here / "out" / REPORT_NAME)
    assert report["run"] == 2 and [r["run"] for r in report["runs"]] == [1]
    assert [d["status"] for d in report["runs"][0]["documents"]] == ["ok"]
    assert {d["input"]: d["status"] for d in report["documents"]} == {"in/x.txt": "skipped", "in/y.txt": "ok"}


# ---- items 5 and 9: links and loops ------------------------------------------------------------------

class _Timeout(Exception):
    pass


def _within(seconds: int, fn):
    def alarm(*_):
        raise _Timeout(f"took more than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        return fn()
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def test_a_double_link_loop_under_a_glob_ends_and_is_not_followed(here):
    _write(here / "g" / "a.txt", "A b.")
    _write(here / "g" / "sub" / "c.txt", "C d.")
    (here / "g" / "l1").symlink_to(".", target_is_directory=True)
    (here / "g" / "l2").symlink_to(".", target_is_directory=True)
    docs = _within(20, lambda: list(discover(["g/**/*.txt"])))
    assert [d.input for d in docs] == ["g/a.txt", "g/sub/c.txt"]
    followed = _within(20, lambda: list(discover(["g/**/*.txt"], follow_links=True)))
    assert sorted({os.path.realpath(d.path) for d in followed}) == sorted(
        os.path.realpath(here / "g" / p) for p in ("a.txt", "sub/c.txt"))
    folder = _within(20, lambda: list(discover(["g"], follow_links=True)))
    assert len(folder) == 2


def test_a_glob_matches_what_glob_would_without_the_links(here):
    import glob

    for rel in ("n/2024-01/a.txt", "n/2024-02/b.txt", "n/2024-02/deep/c.md", "n/.hidden/d.txt", "n/e.txt"):
        _write(here / rel, ESSAY)
    _write(here / "top.txt", ESSAY)
    for pattern in ("n/*/*.txt", "n/**/*.txt", "n/**", "n/2024-0[12]/*", "**/*.md", "n/*.txt", "**", "*.txt"):
        ours = sorted({d.path for d in discover([pattern])})
        theirs = sorted({Path(p).as_posix() for p in glob.glob(pattern, recursive=True) if Path(p).is_file()
                         and Path(p).suffix in (".txt", ".md")} | {
            f.as_posix() for p in glob.glob(pattern, recursive=True) if Path(p).is_dir()
            for f in Path(p).rglob("*") if f.suffix in (".txt", ".md") and ".hidden" not in f.parts})
        assert ours == theirs, pattern


@pytest.mark.slow
def test_symlinked_files_in_folders_and_globs_are_skipped_unless_follow_links(here):
    secret = _write(here / "elsewhere" / "secret.txt", "The secret plan must stay secret. Because it is.\n")
    _write(here / "other" / "more.txt", ESSAY_B)
    _write(here / "arch" / "real.txt", ESSAY)
    (here / "arch" / "passwd.txt").symlink_to(secret)
    (here / "arch" / "linked").symlink_to(here / "other", target_is_directory=True)
    result = run_batch(["arch"], "out", model="rules", workers=1)
    assert [e.input for e in result.entries] == ["arch/real.txt"]
    assert not (here / "out" / "passwd.json").exists()
    assert [d.input for d in discover(["arch/*.txt"])] == ["arch/real.txt"]
    # named on the command line, a link is taken as named
    assert [d.input for d in discover(["arch/passwd.txt"])] == ["arch/passwd.txt"]
    followed = run_batch(["arch"], "out2", model="rules", workers=1, follow_links=True)
    assert sorted(e.input for e in followed.entries) == ["arch/linked/more.txt", "arch/passwd.txt",
                                                         "arch/real.txt"]
    done = _cli("batch", "arch", "-o", "out3", "-m", "rules", "-w", "1", "--follow-links", cwd=here)
    assert done.returncode == 0, done.stderr
    assert (here / "out3" / "passwd.json").exists()


# ---- item 6: planning is linear ----------------------------------------------------------------------

def test_six_thousand_records_with_one_id_plan_as_fast_as_unique_ones(here):
    from argmine.batch.names import safe_relpath, assign_outputs

    def plan(same: bool) -> float:
        wanted = [safe_relpath(("x" if same else f"x{i}",), ".json") for i in range(6000)]
        start = time.perf_counter()
        names = [str(p) for p, _ in assign_outputs(wanted)]
        took = time.perf_counter() - start
        assert len(set(names)) == 6000
        return took

    unique, same = plan(False), plan(True)
    assert same < 10 * unique + 0.5, (same, unique)
    # and the whole planner, end to end, through discovery and the record
    _write(here / "feed.jsonl", "".join(json.dumps({"id": "x", "text": "We must act. Because."}) + "\n"
                                        for _ in range(6000)))
    start = time.perf_counter()
    from argmine.batch.inputs import Document
    docs = [d for d in discover(["feed.jsonl"]) if isinstance(d, Document)]
    assert len(docs) == 6000 and time.perf_counter() - start < 5


# ---- item 8 (part): a huge JSONL record is refused without being read --------------------------------

def test_a_record_over_the_limit_is_refused_unread(here, monkeypatch):
    big = json.dumps({"id": "huge", "text": "We must act now. " * 200_000})  # 3.4 MB
    _write(here / "feed.jsonl", json.dumps({"id": "small", "text": ESSAY}) + "\n" + big + "\n")
    parsed: list[int] = []
    real = json.loads

    def spy(data, *args, **kwargs):
        parsed.append(len(data))
        return real(data, *args, **kwargs)

    monkeypatch.setattr(json, "loads", spy)
    result = run_batch(["feed.jsonl"], "out", model="rules", workers=1, max_chars=10_000)
    monkeypatch.setattr(json, "loads", real)
    docs = {e.input: e for e in result.entries}
    assert docs["feed.jsonl:1"].status == "ok"
    bad = docs["feed.jsonl:2"]
    assert bad.status == "failed" and "too large" in bad.reason and "feed.jsonl:2" in bad.reason
    assert max(parsed) < 1_000_000  # the 3.4 MB line was never parsed (nor, so, read whole)


# ---- item 11: a lone surrogate in an id or a name breaks nothing -------------------------------------

@pytest.mark.slow
def test_a_lone_surrogate_id_is_reported_end_to_end(here):
    _write(here / "feed.jsonl", '{"id": "\\ud800", "text": "Schools must act. Because bans fail."}\n'
                                '{"id": "ok", "text": "Towns must act \\udc00 now. Because floods cost."}\n')
    done = _cli("batch", "feed.jsonl", "-o", "out", "-m", "rules", "-w", "1", cwd=here)
    assert done.returncode == 0, done.stderr
    assert b"2 mapped" in done.stderr and b"Error" not in done.stderr
    report = _report(here / "out" / REPORT_NAME)
    docs = _docs(report)
    assert docs["feed.jsonl:1"]["id"] == "\ud800" and docs["feed.jsonl:1"]["status"] == "ok"
    amap = export.read(here / "out" / docs["feed.jsonl:1"]["output"])
    assert amap.source == "\ufffd"
    assert "\ufffd" in export.read(here / "out" / "ok.json").text
    again = _cli("batch", "feed.jsonl", "-o", "out", "-m", "rules", "-w", "1", cwd=here)
    assert again.returncode == 0 and b"2 skipped" in again.stderr
    lines = _cli("batch", "feed.jsonl", "-f", "jsonl", "-o", "maps.jsonl", "-m", "rules", "-w", "1", cwd=here)
    assert lines.returncode == 0, lines.stderr
    assert len(list(read_jsonl(here / "maps.jsonl"))) == 2


def test_a_file_name_with_undecodable_bytes_is_reported(here):
    name = os.fsdecode(b"caf\xe9.txt")
    _write(here / "in" / name, ESSAY)
    result = run_batch(["in"], "out", model="rules", workers=1)
    assert result.exit_code == 0, [e.reason for e in result.entries]
    report = _report(here / "out" / REPORT_NAME)
    assert report["documents"][0]["input"] == f"in/{name}"


# ---- item 12: one run per output folder at a time ----------------------------------------------------

class _Nested(Observer):
    """Starts a second run into the same place while the first one is under way."""

    def __init__(self, **kwargs) -> None:
        self.kwargs = kwargs
        self.error: BaseException | None = None

    def start(self, total: int, skipped: int) -> None:
        try:
            run_batch(**self.kwargs)
        except BaseException as err:  # noqa: BLE001 - the test looks at it
            self.error = err


def test_a_second_run_into_the_same_folder_fails_fast(here):
    from argmine.batch.record import LOCK_NAME

    _write(here / "in" / "x.txt", ESSAY)
    nested = _Nested(inputs=["in"], output="out", model="rules", workers=1)
    first = run_batch(["in"], "out", model="rules", workers=1, observer=nested)
    assert isinstance(nested.error, BatchUsageError) and LOCK_NAME in str(nested.error)
    assert first.count("ok") == 1 and _report(here / "out" / REPORT_NAME)["totals"]["ok"] == 1
    assert not (here / "out" / LOCK_NAME).exists()
    runner = CliRunner()
    nested_cli: list = []

    class CliNested(Observer):
        def start(self, total, skipped):
            nested_cli.append(runner.invoke(app, ["batch", "in", "-o", "out", "-m", "rules", "-w", "1"]))

    run_batch(["in"], "out", model="rules", workers=1, observer=CliNested())
    assert nested_cli[0].exit_code == 2 and LOCK_NAME in nested_cli[0].output


def test_a_second_jsonl_run_never_deletes_the_first_ones_file(here):
    _write(here / "in" / "x.txt", ESSAY)
    nested = _Nested(inputs=["in"], output="maps.jsonl", fmt="jsonl", model="rules", workers=1, force=True)
    first = run_batch(["in"], "maps.jsonl", fmt="jsonl", model="rules", workers=1, observer=nested)
    assert isinstance(nested.error, BatchUsageError) and "lock" in str(nested.error)
    assert first.exit_code == 0 and [m.source for m in read_jsonl(here / "maps.jsonl")] == ["in/x.txt"]
    assert _report(here / "maps.report.json")["totals"]["ok"] == 1


def test_the_lock_of_a_killed_run_does_not_block(here):
    from argmine.batch.record import LOCK_NAME

    _write(here / "in" / "x.txt", ESSAY)
    _write(here / "out" / LOCK_NAME, "999999999\n")  # left by a run killed with -9
    assert run_batch(["in"], "out", model="rules", workers=1).count("ok") == 1
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(here / 'out' / LOCK_NAME)!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX); os.write(fd, str(os.getpid()).encode())\n"
        "print('locked', flush=True); time.sleep(60)\n")], stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == b"locked"
        with pytest.raises(BatchUsageError, match=str(holder.pid)):
            run_batch(["in"], "out", model="rules", workers=1, force=True)
    finally:
        holder.kill()
        holder.wait()
    assert run_batch(["in"], "out", model="rules", workers=1, force=True).count("ok") == 1


# ---- item 13: a full disk still gives a report, and every error line names its file ------------------

def _disk_full_for(monkeypatch, predicate):
    """fsync fails with ENOSPC for the files whose path `predicate` accepts (as a full disk fails it)."""
    real = os.fsync

    def fsync(fd):
        try:
            path = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            path = ""
        if predicate(path):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real(fd)

    monkeypatch.setattr(os, "fsync", fsync)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_full_disk_for_outputs_still_gives_a_report(here, monkeypatch):
    _write(here / "in" / "a.txt", ESSAY)
    _write(here / "in" / "b.txt", ESSAY_B)
    with monkeypatch.context() as m:
        _disk_full_for(m, lambda path: ".a.json." in path)
        result = run_batch(["in"], "out", model="rules", workers=1)
    docs = _docs(_report(here / "out" / REPORT_NAME))
    assert docs["in/b.txt"]["status"] == "ok" and docs["in/a.txt"]["status"] == "failed"
    reason = docs["in/a.txt"]["reason"]
    assert "in/a.txt" in reason and "out/a.json" in reason and "No space left" in reason
    assert result.exit_code == 1 and not (here / "out" / "a.json").exists()
    assert run_batch(["in"], "out", model="rules", workers=1).count("ok") == 1  # a resumes, b skipped


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_full_disk_everywhere_gives_clean_lines_naming_files(here, monkeypatch):
    _write(here / "in" / "a.txt", ESSAY)
    _disk_full_for(monkeypatch, lambda path: "/out/" in path or path.endswith(".tmp"))
    done = CliRunner().invoke(app, ["batch", "in", "-o", "out", "-m", "rules", "-w", "1"])
    assert done.exit_code == 1, done.output
    lines = [line for line in done.output.splitlines() if line.strip()]
    assert lines and "Traceback" not in done.output and "internal error" not in done.output
    errors = [line for line in lines if "No space left" in line]
    assert errors and all("out/" in line for line in errors), lines
    assert any("report" in line for line in errors) and any("1 failed" in line for line in lines)


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="needs /proc")
def test_a_full_disk_under_a_jsonl_file_still_gives_its_report(here, monkeypatch):
    _write(here / "in" / "a.txt", ESSAY)
    _disk_full_for(monkeypatch, lambda path: ".maps.jsonl." in path)
    result = run_batch(["in"], "maps.jsonl", fmt="jsonl", model="rules", workers=1)
    assert result.exit_code == 1 and not (here / "maps.jsonl").exists()
    report = _report(here / "maps.report.json")
    (doc,) = report["documents"]
    assert doc["status"] == "failed" and "maps.jsonl" in doc["reason"] and "No space left" in doc["reason"]
    assert not [p for p in here.iterdir() if p.name.endswith(".tmp")]
