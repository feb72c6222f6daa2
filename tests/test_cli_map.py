"""`argmine map` end to end: outputs, stdin/stdout, --force, --html, --max-chars, warnings and errors.

Every failure is one `argmine: ...` line on stderr with a documented exit code (1 input/output failed, 2 usage),
and no failure leaves a partial or clobbered output file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import spacy
from typer.testing import CliRunner

from argmine.cli import app
from argmine.export import FORMATS, read
from argmine.export.dot import graphviz_available
from argmine.export.json import from_json
from argmine.nlp.manifest import write_manifest
from argmine.read.decode import InputError

ROOT = Path(__file__).resolve().parent.parent

ESSAY = (
    "Buses before bridges\n\n"
    "The county should fund more buses because people need cheap transport. "
    "Critics say buses are slow, but new lanes would make them fast.\n\n"
    "According to the transit office, 40 percent of riders have no car.\n\n"
    "In short, the county should choose buses over another bridge.\n"
)


@pytest.fixture
def essay(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text(ESSAY, encoding="utf-8")
    return path


def run(*args, input: bytes | None = None):
    return CliRunner().invoke(app, ["map", *map(str, args)], input=input)


def one_line_error(result, code: int, pattern: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stderr, result.exception)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("argmine: "), result.stderr
    assert "Traceback" not in result.stderr
    assert pattern in lines[0], lines[0]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ---- outputs ---------------------------------------------------------------------------------------------


def test_map_to_a_json_file(essay, tmp_path):
    (tmp_path / "maps").mkdir()
    out = tmp_path / "maps" / "essay.json"
    result = run(essay, "-o", out, "-m", "rules")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    amap = from_json(out.read_text(encoding="utf-8"))
    assert amap.text == ESSAY and len(amap) > 0 and amap.source == str(essay)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_map_writes_every_format(essay, tmp_path, name):
    if name in ("svg", "png") and not graphviz_available():
        pytest.skip("Graphviz is not installed")
    out = tmp_path / f"essay{FORMATS[name].suffix}"
    result = run(essay, "-o", out, "-m", "rules")
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size > 0
    if FORMATS[name].loads is not None:
        assert read(out, name).text == ESSAY


def test_stdin_to_stdout(tmp_path):
    result = run("-", "-f", "json", "-m", "rules", input=ESSAY.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    amap = from_json(result.stdout)
    assert amap.text == ESSAY and amap.source == "<stdin>"


def test_dash_output_is_stdout_json(essay):
    result = run(essay, "-o", "-", "-m", "rules")
    assert result.exit_code == 0, result.stderr
    assert from_json(result.stdout).text == ESSAY


def test_terminal_view_without_output(essay):
    result = run(essay, "-m", "rules")
    assert result.exit_code == 0, result.stderr
    assert "county should fund more buses" in result.stdout


# ---- never overwrite, never leave a partial file -----------------------------------------------------------


def test_existing_output_is_kept_unless_force(essay, tmp_path):
    out = tmp_path / "essay.json"
    out.write_text("precious")
    one_line_error(run(essay, "-o", out, "-m", "rules"), 2, "already exists; pass --force")
    assert out.read_text() == "precious"
    result = run(essay, "-o", out, "-m", "rules", "--force")
    assert result.exit_code == 0, result.stderr
    assert from_json(out.read_text()).text == ESSAY


def test_output_cannot_be_the_input_or_a_folder(tmp_path):
    essay = tmp_path / "essay.json"
    essay.write_text(ESSAY)
    one_line_error(run(essay, "-o", essay, "-f", "json", "--force", "-m", "rules"), 2, "is the input file")
    assert essay.read_text() == ESSAY
    one_line_error(run(essay, "-o", tmp_path, "-f", "json", "-m", "rules"), 2, "is a folder")


def test_a_failing_exporter_leaves_no_output(essay, tmp_path, monkeypatch):
    def broken(amap):
        raise RuntimeError("exporter crashed half way")

    monkeypatch.setitem(FORMATS, "json", FORMATS["json"].__class__("json", (".json",), broken))
    folder = tmp_path / "out"
    folder.mkdir()
    result = run(essay, "-o", folder / "essay.json", "-m", "rules")
    one_line_error(result, 1, "internal error: RuntimeError: exporter crashed half way")
    assert "--debug" in result.stderr
    assert leftovers(folder) == []


def test_a_failing_write_keeps_the_old_file_and_no_temporary(essay, tmp_path, monkeypatch):
    from argmine.export import atomic

    out = tmp_path / "essay.json"
    out.write_text("old map")

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic.os, "fsync", disk_full)
    result = run(essay, "-o", out, "-m", "rules", "--force")
    one_line_error(result, 1, f"argmine: {out}: cannot write the map: No space left on device")
    assert out.read_text() == "old map"
    assert leftovers(tmp_path) == ["essay.json", "essay.txt"]


def test_a_full_disk_names_the_output_file(essay, tmp_path):
    """A real write that fails with ENOSPC (no simulated error): /dev/full takes no bytes."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full on this system")
    from argmine.export import atomic

    out = tmp_path / "essay.json"

    def to_dev_full(path):
        return os.open("/dev/full", os.O_WRONLY), str(tmp_path / ".essay.json.x.tmp")

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(atomic, "open_temporary", to_dev_full)
        result = run(essay, "-o", out, "-m", "rules")
    one_line_error(result, 1, f"argmine: {out}: cannot write the map: No space left on device")
    assert not out.exists()


def test_bad_input_creates_no_output(tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200))
    out = tmp_path / "photo.json"
    one_line_error(run(binary, "-o", out, "-m", "rules"), 1, "not a text file (a PNG image)")
    assert not out.exists()


# ---- input classes ---------------------------------------------------------------------------------------


def test_html_input_maps_visible_text_and_warns(tmp_path):
    page = tmp_path / "page.html"
    page.write_text(
        "<!doctype html><html><head><title>T</title><script>alert('x')</script></head><body><article>"
        + "".join(f"<p>{p}</p>" for p in ESSAY.split("\n\n"))
        + "</article></body></html>"
    )
    result = run(page, "-f", "json", "-m", "rules")
    assert result.exit_code == 0, result.stderr
    assert "warning:" in result.stderr and "looks like HTML" in result.stderr
    amap = from_json(result.stdout)
    assert amap.text == ESSAY.strip()
    assert "<" not in amap.text and "alert" not in amap.text
    raw = from_json(run(page, "-f", "json", "-m", "rules", "--no-html").stdout)
    assert raw.text.startswith("<!doctype html>")


def test_forced_html(tmp_path):
    fragment = tmp_path / "fragment.txt"
    fragment.write_text("<p>The county should fund more buses because people need cheap transport.</p>")
    result = run(fragment, "-f", "json", "-m", "rules", "--html")
    assert result.exit_code == 0 and result.stderr == ""
    assert from_json(result.stdout).text == "The county should fund more buses because people need cheap transport."


def test_empty_input_gives_an_empty_map_and_a_warning(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n ")
    result = run(empty, "-f", "json", "-m", "rules")
    assert result.exit_code == 0
    assert result.stderr.strip() == f"argmine: warning: {empty}: only whitespace; the map has no units"
    data = json.loads(result.stdout)
    assert data["nodes"] == [] and data["edges"] == []


def test_warnings_go_to_stderr_and_stdout_stays_parseable(tmp_path):
    latin = tmp_path / "latin.txt"
    latin.write_bytes(("Le café " + ESSAY).encode("cp1252"))
    result = run(latin, "-f", "json", "-m", "rules")
    assert result.exit_code == 0
    assert "Windows-1252" in result.stderr and "argmine: warning:" in result.stderr
    assert from_json(result.stdout).text.startswith("Le café ")


def test_max_chars(essay, tmp_path):
    out = tmp_path / "essay.json"
    one_line_error(run(essay, "-o", out, "-m", "rules", "--max-chars", "50"), 1, "too large to map")
    assert not out.exists()
    result = run(essay, "-o", out, "-m", "rules", "--max-chars", str(len(ESSAY)))
    assert result.exit_code == 0, result.stderr


def test_default_limit_refuses_over_a_million_characters(tmp_path):
    long = tmp_path / "long.txt"
    long.write_text(ESSAY * (1_000_000 // len(ESSAY) + 1))
    one_line_error(run(long, "-f", "json", "-m", "rules"), 1, "over the limit of 1,000,000")


# ---- errors ----------------------------------------------------------------------------------------------


def test_usage_errors_exit_2(essay, tmp_path):
    one_line_error(run(essay, "-f", "nonsense", "-m", "rules"), 2, "unknown format 'nonsense'")
    one_line_error(run(essay, "-o", tmp_path / "x.unknown", "-m", "rules"), 2, "cannot tell the format")
    one_line_error(run(essay, "-f", "json", "-m", "no-such-model"), 2, "no argmine model named 'no-such-model'")
    result = run(essay, "--max-chars", "0")
    assert result.exit_code == 2 and "Traceback" not in result.stderr


def test_missing_input_exits_1(tmp_path):
    one_line_error(run(tmp_path / "nope.txt", "-m", "rules"), 1, "nope.txt: no such file")


def test_unexpected_errors_are_one_line_and_debug_raises(essay, monkeypatch):
    from argmine.nlp.miner import Miner

    def boom(self, text, source=""):
        raise KeyError("surprise")

    monkeypatch.setattr(Miner, "map", boom)
    one_line_error(run(essay, "-f", "json", "-m", "rules"), 1, "internal error: KeyError")
    result = run(essay, "-f", "json", "-m", "rules", "--debug")
    assert isinstance(result.exception, KeyError)


def test_debug_reraises_input_errors(tmp_path):
    result = run(tmp_path / "nope.txt", "-m", "rules", "--debug")
    assert isinstance(result.exception, InputError)


def test_tampered_model_exits_2(essay, tmp_path):
    folder = tmp_path / "model"
    spacy.blank("en").to_disk(folder)
    write_manifest(folder)
    (folder / "config.cfg").write_text((folder / "config.cfg").read_text() + "\n")
    one_line_error(run(essay, "-f", "json", "-m", folder), 2, "failed its integrity check")


def _cli(*args: str, input: bytes = b"") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "argmine", "map", *args], input=input, capture_output=True, env=env, timeout=120, check=False
    )


@pytest.mark.slow
def test_real_process_streams_and_exit_codes(tmp_path):
    missing = _cli(str(tmp_path / "nope.txt"), "-m", "rules")
    assert missing.returncode == 1
    assert missing.stdout == b""
    assert missing.stderr.decode() == f"argmine: {tmp_path / 'nope.txt'}: no such file\n"
    debug = _cli(str(tmp_path / "nope.txt"), "-m", "rules", "--debug")
    assert debug.returncode == 1 and b"Traceback" in debug.stderr and b"InputError" in debug.stderr
