"""The command line without surprises: `-` for stdin/stdout, --summary with every output, inputs that are not
essays pointed to the right command, no folders made behind the user's back, --version, `argmine info`, help
that names things. Every case runs the real CLI and parses what it wrote back."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import argmine
from argmine.cli import app
from argmine.export import FORMATS, read
from argmine.export.aif import from_aif
from argmine.export.graphml import from_graphml
from argmine.export.json import from_json, to_json
from argmine.graph.analysis import analyse

ESSAY = (
    "Buses before bridges\n\n"
    "The county should fund more buses because people need cheap transport. "
    "Critics say buses are slow, but new lanes would make them fast.\n\n"
    "According to the transit office, 40 percent of riders have no car.\n\n"
    "In short, the county should choose buses over another bridge.\n"
)


def cli(*args, input: bytes | str | None = None):
    return CliRunner().invoke(app, [str(a) for a in args], input=input)


def usage_error(result, *fragments: str) -> str:
    """The one `argmine: ...` line of an exit-2 failure that wrote nothing on stdout."""
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("argmine: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def essay(tmp_path):
    path = tmp_path / "essay.txt"
    path.write_text(ESSAY, encoding="utf-8")
    return path


@pytest.fixture
def mapped(essay, tmp_path):
    """The essay's map as JSON, written by `argmine map`."""
    out = tmp_path / "map.json"
    result = cli("map", essay, "-o", out, "-m", "rules")
    assert result.exit_code == 0, result.stderr
    return out


# ---- map --summary with every output --------------------------------------------------------------------


def test_summary_json_is_the_analysis(essay):
    result = cli("map", essay, "--summary", "--json", "-m", "rules")
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    expected = analyse(argmine.map_text(ESSAY, model="rules", source=str(essay))).to_dict()
    assert data == json.loads(json.dumps(expected))
    assert data["coverage"]["sentences"] > 0 and data["units"] > 0


def test_summary_with_an_output_file_writes_the_map_and_prints_the_numbers(essay, tmp_path):
    out = tmp_path / "essay.graphml"
    result = cli("map", essay, "-o", out, "--summary", "--json", "-m", "rules")
    assert result.exit_code == 0, result.stderr
    amap = from_graphml(out.read_bytes())
    assert json.loads(result.stdout)["units"] == len(amap) > 0


def test_summary_with_the_map_on_stdout_goes_to_stderr(essay):
    result = cli("map", essay, "-f", "json", "--summary", "--json", "-m", "rules")
    assert result.exit_code == 0, result.stderr
    amap = from_json(result.stdout)  # stdout is the map alone
    assert json.loads(result.stderr)["units"] == len(amap) > 0
    table = cli("map", essay, "-o", "-", "--summary", "-m", "rules")
    assert table.exit_code == 0
    from_json(table.stdout)
    assert re.search(r"^units\s+\d+$", table.stderr, re.M), table.stderr


def test_json_without_summary_is_a_usage_error(essay):
    usage_error(cli("map", essay, "--json", "-m", "rules"), "--json goes with --summary")


# ---- inputs map does not take -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "graphml", "aif"])
def test_a_map_given_to_map_points_to_convert(mapped, tmp_path, fmt):
    path = tmp_path / f"m{FORMATS[fmt].suffix}"
    assert cli("convert", mapped, path).exit_code == 0
    line = usage_error(cli("map", path, "-m", "rules"), "already an argument map", f"argmine convert {path}")
    assert f"({fmt})" in line


def test_a_url_is_not_fetched(tmp_path):
    for url in ("https://example.com/2024/01/op-ed.html", "http://example.com/a//b"):
        usage_error(cli("map", url, "-m", "rules"), f"{url}: argmine does not fetch URLs")


def test_two_inputs_point_to_batch(essay, tmp_path):
    other = tmp_path / "b.txt"
    other.write_text(ESSAY)
    usage_error(cli("map", essay, other, "-m", "rules"), "map takes one input", f"argmine batch {essay} {other}")


def test_a_folder_points_to_batch(tmp_path):
    usage_error(cli("map", tmp_path, "-m", "rules"), "is a folder", f"argmine batch {tmp_path}")


def test_a_text_given_to_convert_points_to_map(essay, tmp_path):
    usage_error(cli("convert", essay, tmp_path / "x.json"), "argmine map", str(essay))
    assert not (tmp_path / "x.json").exists()


# ---- outputs in folders that do not exist -----------------------------------------------------------------


@pytest.mark.parametrize("command", ["map", "convert"])
def test_an_output_in_a_missing_folder_is_refused(command, essay, mapped, tmp_path):
    target = tmp_path / "no" / "such" / "x.graphml"
    args = ("map", essay, "-o", target, "-m", "rules") if command == "map" else ("convert", mapped, target)
    usage_error(cli(*args), f"the folder {target.parent} does not exist")
    assert not (tmp_path / "no").exists()


# ---- convert with - ---------------------------------------------------------------------------------------


def test_convert_to_stdout(mapped, tmp_path):
    result = cli("convert", mapped, "-", "-f", "mermaid")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("flowchart")
    assert not (Path.cwd() / "-").exists()
    as_json = cli("convert", mapped, "-")  # no -f: JSON, as map writes
    assert from_json(as_json.stdout) == read(mapped)


def test_convert_from_stdin_sniffs_the_format(mapped, tmp_path):
    amap = read(mapped)
    for fmt in ("json", "graphml", "aif"):
        text = FORMATS[fmt].dumps(amap)
        out = tmp_path / f"from-{fmt}.json"
        result = cli("convert", "-", out, input=text)
        assert result.exit_code == 0, (fmt, result.stderr)
        assert read(out) == amap
        named = cli("convert", "-", "-", "--from", fmt, "-f", "aif", input=text)
        assert named.exit_code == 0, named.stderr
        assert from_aif(named.stdout) == amap


def test_convert_from_stdin_refuses_what_is_not_a_map(tmp_path):
    result = cli("convert", "-", tmp_path / "x.json", input="just some prose\n")
    assert result.exit_code == 2
    assert "argmine: <stdin>: cannot tell the format" in result.stderr
    bad = cli("convert", "-", tmp_path / "x.json", "--from", "json", input="{nope")
    assert bad.exit_code == 1 and bad.stderr.startswith("argmine: <stdin>: not valid JSON")
    big = cli("convert", "-", tmp_path / "x.json", "--max-bytes", "10", input=to_json(read_sample()))
    assert big.exit_code == 1 and "too large" in big.stderr
    assert not (tmp_path / "x.json").exists()


def read_sample():
    return argmine.map_text(ESSAY, model="rules")


# ---- --version, info, help --------------------------------------------------------------------------------


def test_version():
    result = cli("--version")
    assert result.exit_code == 0 and result.stdout == f"argmine {argmine.__version__}\n"


def test_info_says_what_is_on_disk():
    root = Path(__file__).resolve().parent.parent / "models" / "argmine-en"
    if not (root / "meta.json").is_file():
        pytest.skip("no shipped model")
    result = cli("info", "--json", "-m", str(root))
    assert result.exit_code == 0, result.stderr
    info = json.loads(result.stdout)
    meta = json.loads((root / "meta.json").read_text())
    assert info["argmine"] == argmine.__version__
    assert info["model"]["path"] == str(root)
    assert info["model"]["name"] == meta["name"] and info["model"]["version"] == meta["version"]
    assert info["model"]["unit_finder_f1"] == pytest.approx(meta["performance"]["ents_f"])
    text = cli("info", "-m", str(root))
    assert text.exit_code == 0 and str(root) in text.stdout and meta["name"] in text.stdout


def test_info_shows_the_cards_held_out_numbers_as_the_benchmark_measured_them():
    repo = Path(__file__).resolve().parent.parent
    root, bench = repo / "models" / "argmine-en", repo / "benchmarks" / "accuracy.json"
    if not (root / "README.md").is_file() or not bench.is_file():
        pytest.skip("no shipped model card or benchmark")
    numbers = json.loads(cli("info", "--json", "-m", str(root)).stdout)["model"]["card_numbers"]
    measured = json.loads(bench.read_text())["corpora"]["microtexts 5-fold CV"]["model"]["end_to_end"]
    row = "microtexts 5-fold CV, end to end, central-claim accuracy (50%)"
    assert numbers[row] == round(measured["central_claim"]["overlap"]["accuracy"], 3)
    assert all(0.0 <= v <= 1.0 for v in numbers.values()) and len(numbers) > 20
    text = cli("info", "-m", str(root)).stdout
    shown = [line for line in text.splitlines() if line.startswith("    ") and "end to end" in line]
    assert row in text and all(line.split()[-1] == f"{numbers[line.rsplit(None, 1)[0].strip()]:.3f}" for line in shown)


def test_card_numbers_read_the_models_column_and_stop_at_the_tables_end(tmp_path):
    from argmine.cli.info import card_numbers

    card = tmp_path / "README.md"
    card.write_text("# card\n\n| measure | other | m |\n|---|---:|---:|\n| x | 0.1 | 0.2 |\n\n"
                    "| measure | m | rules |\n|---|---:|---:|\n| seg F1 | 0.871 | 0.5 |\n| note | n/a | 1 |\n"
                    "\n| later | 0.3 |\n")
    assert card_numbers(card, "m") == {"seg F1": 0.871}
    assert card_numbers(tmp_path / "missing.md", "m") == {}


def test_info_on_the_rules_and_a_missing_model():
    rules = json.loads(cli("info", "--json", "-m", "rules").stdout)
    assert rules["model"]["name"] == "rules" and rules["model"]["path"] is None
    assert cli("info", "-m", "no-such-model").exit_code == 2


@pytest.mark.parametrize("command", ["", "map", "convert", "batch", "info", "evaluate", "corpus", "corpus stats", "train"])
def test_help_names_things_not_types(command):
    result = cli(*command.split(), "--help")
    assert result.exit_code == 0
    assert not re.search(r"<(str|bool|path|list\[str\])>", result.stdout), result.stdout
    assert "{" not in result.stdout.splitlines()[1]  # the usage line


def test_map_help_lists_every_format():
    text = " ".join(cli("map", "--help").stdout.split())
    for name in FORMATS:
        assert re.search(rf"\b{name}\b", text), name


# ---- batch: where the maps go without -o ------------------------------------------------------------------


def test_batch_without_o_streams_only_jsonl_as_its_help_says(essay, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    help_text = " ".join(cli("batch", "--help").stdout.split())
    assert "required, except with -f jsonl" in help_text and "stdout without -o" in help_text
    refused = cli("batch", essay, "-m", "rules", "-w", "1")
    assert refused.exit_code == 2 and "give the output folder with -o" in refused.stderr
    streamed = cli("batch", essay, "-f", "jsonl", "-m", "rules", "-w", "1")
    assert streamed.exit_code == 0, streamed.stderr
    (line,) = streamed.stdout.splitlines()
    assert from_json(line) == argmine.map_text(ESSAY, model="rules", source=str(essay))


def test_the_readme_command_reference_names_every_command_and_option():
    import click
    import typer.main

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Command line") : readme.index("### Formats")]
    group = typer.main.get_command(app)
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        assert f"| `{name}" in section, name
    for command in ("map", "convert"):
        for param in group.get_command(ctx, command).params:
            if isinstance(param, click.Option) and param.name != "debug":
                assert any(f"`{opt}" in section for opt in param.opts), (command, param.opts)


# ---- one table of exit codes ------------------------------------------------------------------------------


def test_every_error_argmine_raises_on_purpose_has_its_exit_code():
    from argmine.batch.errors import BatchUsageError
    from argmine.batch.errors import ModelLoadError as BatchModelLoadError
    from argmine.batch.pool import WorkerStartError
    from argmine.cli.errors import EXIT_FAILED, EXIT_USAGE, exit_code
    from argmine.corpora.errors import CorpusError, CorpusFormatError
    from argmine.export.dot import GraphvizError
    from argmine.read.decode import InputError

    assert exit_code(BatchUsageError("x")) == exit_code(BatchModelLoadError("x")) == EXIT_USAGE
    assert exit_code(CorpusError("x")) == EXIT_USAGE and exit_code(CorpusFormatError("x")) == EXIT_FAILED
    assert exit_code(InputError("x")) == exit_code(GraphvizError("x")) == exit_code(WorkerStartError("x")) == 1
    assert exit_code(KeyError("x")) is None and EXIT_FAILED == 1


def test_debug_re_raises_in_one_place():
    from argmine.cli.errors import reported
    from argmine.read.decode import InputError

    with pytest.raises(InputError):
        with reported(debug=True):
            raise InputError("x: no such file")


def test_a_batch_usage_error_is_one_line(tmp_path, essay, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("batch", essay, "-f", "docx", "-o", "out", "-m", "rules", "-w", "1")
    assert result.exit_code == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("argmine: unknown format 'docx'"), line


def test_an_argmine_error_carries_its_exit_code(tmp_path, essay):
    from argmine import errors
    from argmine.cli.errors import exit_code

    assert exit_code(errors.UsageError("x")) == exit_code(errors.ModelError("x")) == 2
    assert exit_code(errors.InputError("x")) == exit_code(errors.OutputError("x")) == 1
    assert issubclass(errors.OutputExists, errors.UsageError) and issubclass(errors.ArgmineError, ValueError)
    # the CLI's own refusals are of the family
    from argmine.cli.output import check_output

    with pytest.raises(errors.OutputExists):
        check_output(essay, "other.txt", force=False)


def test_info_says_what_chose_the_model(monkeypatch):
    monkeypatch.setenv("ARGMINE_MODEL", "rules")
    info = json.loads(cli("info", "--json").stdout)["model"]
    assert (info["name"], info["chosen_by"]) == ("rules", "ARGMINE_MODEL")
    monkeypatch.delenv("ARGMINE_MODEL")
    assert json.loads(cli("info", "--json").stdout)["model"]["chosen_by"] == "default"
