"""Model integrity: a model folder is loaded only when it matches its manifest, and nothing loads pickle."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import spacy

from argmine.nlp import load
from argmine.nlp.manifest import MANIFEST, ModelIntegrityError, verify_manifest, write_manifest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def model_dir(tmp_path):
    """A tiny real spaCy pipeline folder with its manifest (the trained model is not needed for this)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.meta["name"] = "tiny"
    folder = tmp_path / "tiny-model"
    nlp.to_disk(folder)
    write_manifest(folder)
    return folder


def test_manifest_lists_every_file_with_sha256_and_size(model_dir):
    data = json.loads((model_dir / MANIFEST).read_text())
    on_disk = sorted(p.relative_to(model_dir).as_posix() for p in model_dir.rglob("*") if p.is_file())
    assert sorted(data["files"]) == [p for p in on_disk if p != MANIFEST]
    assert "config.cfg" in data["files"]
    entry = data["files"]["config.cfg"]
    assert entry["size"] == (model_dir / "config.cfg").stat().st_size
    assert re.fullmatch(r"[0-9a-f]{64}", entry["sha256"])


def test_intact_model_loads(model_dir):
    verify_manifest(model_dir)
    miner = load(model_dir)
    assert miner.name == "tiny"
    assert miner.nlp.pipe_names == ["sentencizer"]


def _append(path: Path) -> None:
    with open(path, "ab") as fh:
        fh.write(b"\n# an innocent-looking line\n")


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


@pytest.mark.parametrize(
    "tamper, problem",
    [
        (lambda d: _flip_byte(d / "config.cfg"), r"config\.cfg has changed \(sha256 differs\)"),
        (lambda d: _append(d / "config.cfg"), r"config\.cfg has changed \([\d,]+ bytes, the manifest says"),
        (lambda d: _truncate(d / "meta.json"), r"meta\.json is truncated"),
        (lambda d: (d / "meta.json").unlink(), r"meta\.json is missing"),
        (lambda d: (d / "evil.py").write_text("import os\n"), r"evil\.py is not in the manifest"),
        (lambda d: (d / "tokenizer").rename(d / "tokenizer.bak"), r"tokenizer"),
        (lambda d: (d / "link.cfg").symlink_to(d / "config.cfg"), r"link\.cfg is a symbolic link"),
        (lambda d: (d / MANIFEST).unlink(), r"has no manifest\.json"),
        (lambda d: (d / MANIFEST).write_text("{not json"), r"manifest\.json is not a valid manifest"),
        (
            lambda d: (d / MANIFEST).write_text(
                json.dumps({"format": "argmine-manifest/1", "algorithm": "sha256",
                            "files": {"../outside": {"sha256": "0" * 64, "size": 1}}})
            ),
            r"unsafe path",
        ),
    ],
    ids=["flipped-byte", "appended", "truncated", "missing", "extra", "renamed", "symlink", "no-manifest",
         "bad-manifest", "path-escape"],
)
def test_tampered_model_is_refused_before_spacy_reads_it(model_dir, tamper, problem, monkeypatch):
    tamper(model_dir)
    with pytest.raises(ModelIntegrityError, match=problem):
        verify_manifest(model_dir)

    def must_not_run(*args, **kwargs):
        raise AssertionError("spacy.load ran on a tampered model")

    monkeypatch.setattr(spacy, "load", must_not_run)
    with pytest.raises(ModelIntegrityError, match=r"^model folder .*(integrity check|manifest)"):
        load(model_dir)


def test_integrity_error_is_one_line_and_counts_the_rest(model_dir):
    _flip_byte(model_dir / "config.cfg")
    (model_dir / "meta.json").unlink()
    (model_dir / "extra.bin").write_bytes(b"\x00")
    with pytest.raises(ModelIntegrityError) as info:
        verify_manifest(model_dir)
    message = str(info.value)
    assert "\n" not in message and "and 2 more problems" in message


def test_rewriting_the_manifest_accepts_the_new_files(model_dir):
    _append(model_dir / "config.cfg")
    with pytest.raises(ModelIntegrityError):
        verify_manifest(model_dir)
    write_manifest(model_dir)
    verify_manifest(model_dir)


def test_shipped_models_match_their_manifests():
    models = ROOT / "models"
    folders = [p for p in models.iterdir() if (p / "config.cfg").is_file()] if models.is_dir() else []
    if not folders:
        pytest.skip("no trained model in models/ yet")
    for folder in folders:
        verify_manifest(folder)


# ---- where a model comes from ----------------------------------------------------------------------------

SHIPPED = ROOT / "models" / "argmine-en"
shipped = pytest.mark.skipif(not (SHIPPED / "config.cfg").is_file(), reason="models/argmine-en is not built")


@pytest.fixture
def decoy(tmp_path, monkeypatch):
    """A working folder holding a valid, manifested model named like the shipped one (`argmine-en`)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.meta["name"] = "decoy"
    nlp.to_disk(tmp_path / "argmine-en")
    write_manifest(tmp_path / "argmine-en")
    (tmp_path / "essay.txt").write_text("Schools should teach AI. Because bans fail.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ARGMINE_MODEL", raising=False)
    return tmp_path / "argmine-en"


@shipped
def test_a_bare_name_never_resolves_to_a_folder_in_the_working_directory(decoy, monkeypatch):
    from argmine.nlp.models import resolve_model

    assert Path(resolve_model(None)).resolve() == SHIPPED.resolve()
    assert Path(resolve_model("argmine-en")).resolve() == SHIPPED.resolve()
    monkeypatch.setenv("ARGMINE_MODEL", "argmine-en")
    assert Path(resolve_model(None)).resolve() == SHIPPED.resolve()
    # What looks like a path is one: the folder here is loaded only when named so.
    for spelled in ("./argmine-en", str(decoy), os.path.join(".", "argmine-en")):
        assert Path(resolve_model(spelled)).resolve() == decoy.resolve()
    monkeypatch.setenv("ARGMINE_MODEL", "./argmine-en")
    assert Path(resolve_model(None)).resolve() == decoy.resolve()
    assert Path(resolve_model(Path("argmine-en"))).resolve() == decoy.resolve()  # a Path is a path by type


def test_a_bare_name_that_is_not_shipped_is_refused_even_if_a_folder_has_it(decoy):
    from argmine.nlp.models import ModelNotFound, resolve_model

    decoy.rename(decoy.parent / "mine")
    refused = r"no argmine model named 'mine'.*the folder 'mine' here is not used.*\./mine"
    with pytest.raises(ModelNotFound, match=refused):
        resolve_model("mine")
    assert resolve_model("./mine") == Path("mine")
    assert load("./mine").name == "decoy"


def test_the_python_api_keeps_a_path_a_path(decoy):
    import argmine
    from argmine.nlp.models import model_spec

    decoy.rename(decoy.parent / "mine")
    assert model_spec(Path("mine")) == os.path.join(".", "mine") and model_spec("mine") == "mine"
    assert model_spec(None) is None and model_spec(Path("/abs/m")) == "/abs/m"
    assert argmine.map_text("Schools should teach AI.", model=Path("mine")).model == "decoy"
    assert [m.model for m in argmine.map_many(["Schools should teach AI."], model=Path("mine"))] == ["decoy"]


@pytest.mark.slow
@shipped
def test_map_and_batch_use_the_shipped_model_whatever_folder_they_run_in(decoy):
    from typer.testing import CliRunner

    from argmine.cli import app

    result = CliRunner().invoke(app, ["map", "essay.txt", "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["graph"]["model"] == "argmine-en"
    result = CliRunner().invoke(app, ["batch", "essay.txt", "-o", "out", "--workers", "1"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(Path("out/argmine-report.json").read_text())["model"] == "argmine-en"
    assert json.loads(Path("out/essay.json").read_text())["graph"]["model"] == "argmine-en"
    # Named as a path, the folder is what runs.
    result = CliRunner().invoke(app, ["map", "essay.txt", "-f", "json", "-m", "./argmine-en"])
    assert result.exit_code == 0 and json.loads(result.stdout)["graph"]["model"] == "decoy"


# ---- a model that matches its manifest but does not load -------------------------------------------------


@pytest.fixture
def broken_model(model_dir):
    """A model whose config names a component that does not exist, with a regenerated (matching) manifest."""
    cfg = model_dir / "config.cfg"
    cfg.write_text(cfg.read_text().replace('factory = "sentencizer"', 'factory = "no_such_component"'))
    write_manifest(model_dir)
    verify_manifest(model_dir)
    return model_dir


def test_a_model_that_passes_its_check_but_does_not_load_raises_model_load_error(broken_model):
    from argmine.nlp.models import ModelLoadError

    with pytest.raises(ModelLoadError, match=r"^cannot load model at .*tiny-model: ValueError: \[E002\]") as info:
        load(broken_model)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("command", ["map", "batch"])
def test_a_model_that_does_not_load_is_one_line_and_exit_2(broken_model, tmp_path, command):
    from typer.testing import CliRunner

    from argmine.cli import app

    essay = tmp_path / "essay.txt"
    essay.write_text("Schools should teach AI. Because bans fail.\n", encoding="utf-8")
    args = ["map", str(essay), "-f", "json"] if command == "map" else ["batch", str(essay), "-o", str(tmp_path / "o")]
    result = CliRunner().invoke(app, [*args, "-m", str(broken_model)])
    assert result.exit_code == 2, (result.stderr, result.exception)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("argmine: cannot load model"), result.stderr
    assert lines[0].count("cannot load model") == 1 and "ModelLoadError" not in lines[0]
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr


# ---- no pickle anywhere --------------------------------------------------------------------------------

# Code that can unpickle (and so run arbitrary code from a data file).
_PICKLE_CODE = re.compile(
    r"\bimport\s+(?:c?pickle|dill|cloudpickle|joblib|shelve|marshal)\b"
    r"|\bfrom\s+(?:c?pickle|dill|cloudpickle|joblib|shelve|marshal|torch)\b\s+import"
    r"|\b(?:c?pickle|dill|cloudpickle|joblib|marshal)\.loads?\b"
    r"|\bpickle\.Unpickler\b|\btorch\.load\b|\bpickle_loads\b|\bread_pickle\b|\bshelve\.open\b"
    r"|allow_pickle\s*=\s*True|\bsrsly\.pickle"
)
_PICKLE_SUFFIXES = {".pkl", ".pickle", ".pck", ".joblib", ".pt", ".pth", ".ckpt", ".sav", ".npz"}
# Pickle protocol 2-5 streams start with PROTO (0x80) and the protocol number; no msgpack or JSON file
# argmine writes can start that way (0x80 alone is an empty msgpack map, followed by nothing).
_PICKLE_MAGIC = re.compile(rb"\A\x80[\x02-\x05]")


def pickle_findings(roots: list[Path]) -> list[str]:
    """Every place under `roots` that loads pickle or is a pickle file, as `path: reason` lines."""
    findings = []
    for root in roots:
        if not root.exists():
            continue
        for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            rel = path.relative_to(root.parent)
            if path.suffix.lower() in _PICKLE_SUFFIXES:
                findings.append(f"{rel}: pickle-format file suffix")
                continue
            head = path.read_bytes()[:2]
            if _PICKLE_MAGIC.match(head):
                findings.append(f"{rel}: starts like a pickle stream")
            if path.suffix in (".py", ".cfg", ".toml", ".json", ".txt", ".md") or not path.suffix:
                try:
                    text = path.read_text(encoding="utf-8")
                except (UnicodeDecodeError, OSError):
                    continue
                for lineno, line in enumerate(text.splitlines(), 1):
                    if _PICKLE_CODE.search(line):
                        findings.append(f"{rel}:{lineno}: {line.strip()}")
    return findings


def test_nothing_in_the_package_or_models_loads_pickle():
    findings = pickle_findings([ROOT / "argmine", ROOT / "models"])
    assert findings == [], "pickle use:\n" + "\n".join(findings)


@pytest.mark.parametrize(
    "name, content",
    [
        ("a.py", "import pickle\n"),
        ("b.py", "from joblib import load\n"),
        ("c.py", "weights = torch.load(path)\n"),
        ("d.py", "arr = numpy.load(path, allow_pickle=True)\n"),
        ("e.py", "data = pickle.loads(blob)\n"),
        ("f.py", "import cloudpickle as cp\n"),
        ("g.py", "df = pandas.read_pickle(path)\n"),
        ("model.pkl", "anything"),
        ("weights", b"\x80\x04\x95\x10\x00"),
    ],
)
def test_the_pickle_scan_finds_planted_uses(tmp_path, name, content):
    root = tmp_path / "pkg"
    root.mkdir()
    target = root / name
    if isinstance(content, bytes):
        target.write_bytes(content)
    else:
        target.write_text(content)
    (root / "clean.py").write_text("import json\nvalue = json.loads('{}')\n")
    findings = pickle_findings([root])
    assert len(findings) == 1 and findings[0].startswith(f"pkg/{name}")


def test_model_folders_spacy_writes_are_not_pickle(model_dir):
    assert pickle_findings([model_dir]) == []


# ---- written files are as readable as plain ones ---------------------------------------------------------


def test_atomic_writes_get_the_permissions_of_a_plain_open(tmp_path):
    from argmine.export.atomic import write_atomic

    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    write_atomic(tmp_path / "atomic.txt", "x")
    assert (tmp_path / "atomic.txt").stat().st_mode == plain.stat().st_mode  # not mkstemp's private 0600
    os.chmod(plain, 0o640)
    write_atomic(plain, "y")  # an existing output keeps its mode
    assert plain.stat().st_mode & 0o777 == 0o640 and plain.read_text() == "y"


@pytest.mark.parametrize("workers", [1, 2])
def test_a_model_given_to_run_batch_as_a_path_stays_a_path_in_every_worker(model_dir, tmp_path, monkeypatch,
                                                                            workers):
    from pathlib import Path

    from argmine.batch import run_batch

    monkeypatch.chdir(model_dir.parent)  # Path("tiny-model"): no separator in its string
    texts = tmp_path / "in"
    texts.mkdir()
    for n in range(3):
        (texts / f"t{n}.txt").write_text(f"Schools should teach AI number {n}. Because bans fail.\n" * 40)
    report = run_batch([str(texts)], tmp_path / "out", model=Path(model_dir.name), workers=workers)
    assert report.count("ok") == 3, [e.reason for e in report.entries]
    assert report.model == "tiny"
