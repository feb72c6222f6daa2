"""GloVe for training: the pinned hash is checked, a missing extra is one clear error, and a model with
vectors saves and loads on an install without the GloVe package."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import subprocess
import sys

import numpy
import pytest
import spacy
from conftest import ROOT
from spacy.strings import hash_string
from spacy.training import Example
from spacy.vectors import Vectors

from argmine.training import vectors as glove
from argmine.training.finder import uses_vectors, vectors_override
from argmine.training.train import keep_only_labels

WORDS = ["the", ",", "city", "cars", "ban", "should", "air", "children"]


@pytest.fixture
def fake_glove(tmp_path):
    """A folder laid out like the GloVe package's data: an .npy array and a parquet word list."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    array = numpy.random.default_rng(0).normal(size=(len(WORDS), 4)).astype("float32")
    numpy.save(tmp_path / glove.EMBEDDINGS, array, allow_pickle=False)
    pq.write_table(pa.table({"index": WORDS}), tmp_path / glove.WORDS)
    sha = hashlib.sha256((tmp_path / glove.EMBEDDINGS).read_bytes()).hexdigest()
    return tmp_path, array, sha


def test_the_array_is_read_when_its_hash_is_the_pinned_one(fake_glove):
    root, array, sha = fake_glove
    words, got = glove.read_glove(root, top=3, sha256=sha)
    assert words == WORDS[:3]
    assert got.dtype == numpy.float32
    numpy.testing.assert_array_equal(got, array[:3])


def test_an_array_that_is_not_the_pinned_one_is_refused(fake_glove):
    root, array, sha = fake_glove
    with pytest.raises(glove.VectorsUnavailable, match="is not the pinned"):
        glove.read_glove(root)  # the fake is not GloVe
    changed = array.copy()
    changed[2, 1] += 1
    numpy.save(root / glove.EMBEDDINGS, changed, allow_pickle=False)
    with pytest.raises(glove.VectorsUnavailable, match="sha256"):
        glove.read_glove(root, sha256=sha)


def test_a_missing_extra_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, glove.GLOVE_PACKAGE, None)  # import fails as if not installed
    with pytest.raises(glove.VectorsUnavailable, match=r"pip install 'argmine\[train\]'"):
        glove.glove_root()


@pytest.mark.slow
def test_the_train_command_reports_a_missing_extra_before_reading_corpora(tmp_path):
    script = (
        f"import sys; sys.modules[{glove.GLOVE_PACKAGE!r}] = None; from argmine.cli import main; "
        "sys.argv = ['argmine', 'train', '--vectors', '--corpora', sys.argv[1], '-o', sys.argv[2]]; main()"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "nothing-here"), str(tmp_path / "out")],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode != 0
    assert done.stderr.strip().splitlines() == [
        "argmine: training with vectors needs the GloVe 6B 50d vectors; install the training extra: "
        "pip install 'argmine[train]'"
    ]
    assert not (tmp_path / "out").exists()


def test_the_recipe_trains_without_vectors_unless_asked():
    assert not uses_vectors()
    assert uses_vectors(vectors_override(True)) and not uses_vectors(vectors_override(False))


def test_the_pruned_table_is_keyed_by_word_hash_in_float16(fake_glove):
    root, array, sha = fake_glove
    table = glove.glove_vectors(root, top=5, sha256=sha)
    assert table.shape == (5, 4) and table.data.dtype == numpy.float16
    assert table.find(key=hash_string("cars")) == 3
    assert table.find(key=hash_string("air")) == -1  # beyond the top 5
    numpy.testing.assert_allclose(table.data[3], array[3], rtol=1e-3)


@pytest.mark.skipif(not importlib.util.find_spec(glove.GLOVE_PACKAGE), reason="training extra not installed")
def test_the_installed_glove_is_the_pinned_one():
    words, array = glove.read_glove(top=10)
    assert words[:3] == ["the", ",", "."]
    assert array.shape == (10, 50)


TEXTS = [
    "Cities should ban cars\n\nThe air is bad. Therefore, the city should ban cars.",
    "Children have asthma, a doctor said.",
]


def _finder_tok2vec(tmp_path):
    """A pipeline with the finder's tok2vec (vectors on) over a small float16 table, initialised, saved as
    training saves a model (string store reduced to labels)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("argmine_sentences")
    nlp.add_pipe("argmine_structure")
    data = numpy.random.default_rng(1).normal(size=(len(WORDS), 6)).astype("float16")
    nlp.vocab.vectors = Vectors(data=data, keys=[hash_string(w) for w in WORDS], attr="NORM")
    embed = {"@architectures": "argmine.LayoutEmbed.v1", "width": 16, "attrs": ["NORM", "PREFIX"],
             "rows": [200, 100], "layout_rows": 16, "opener_rows": 50, "vectors": True}
    encode = {"@architectures": "spacy.MaxoutWindowEncoder.v2", "width": 16, "depth": 1, "window_size": 1,
              "maxout_pieces": 2}
    nlp.add_pipe("tok2vec", config={"model": {"@architectures": "spacy.Tok2Vec.v2", "embed": embed,
                                              "encode": encode}})
    nlp.initialize(lambda: [Example(doc, doc) for doc in map(nlp.make_doc, TEXTS)])
    folder = tmp_path / "model"
    nlp.to_disk(folder)
    keep_only_labels(nlp, folder)
    return nlp, folder


@pytest.mark.slow
def test_a_model_with_vectors_loads_and_runs_without_the_glove_package(tmp_path):
    import argmine.nlp  # noqa: F401  (registers the components)

    nlp, folder = _finder_tok2vec(tmp_path)
    expected = [doc.tensor.tolist() for doc in nlp.pipe(TEXTS)]
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    assert "vocab/vectors" in files and not [f for f in files if f.endswith((".pkl", ".pickle"))]
    script = f"""
import json, sys
sys.modules[{glove.GLOVE_PACKAGE!r}] = None  # not installed
sys.modules["pyarrow"] = None
import spacy
import argmine.nlp
nlp = spacy.load(sys.argv[1])
assert str(nlp.vocab.vectors.data.dtype) == "float16", nlp.vocab.vectors.data.dtype
print(json.dumps([doc.tensor.tolist() for doc in nlp.pipe(json.loads(sys.argv[2]))]))
"""
    done = subprocess.run([sys.executable, "-c", script, str(folder), json.dumps(TEXTS)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    for a, b in zip(got, expected):
        numpy.testing.assert_allclose(numpy.array(a), numpy.array(b), rtol=1e-5, atol=1e-5)
    # The table counts: the same model with the vectors zeroed gives other tensors.
    nlp.vocab.vectors.data[:] = 0
    assert not numpy.allclose(nlp(TEXTS[0]).tensor, numpy.array(expected[0]), atol=1e-3)
