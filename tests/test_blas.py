"""argmine's networks multiply through numpy's BLAS on one thread, and give the products BLIS gives."""

from __future__ import annotations

import numpy
import pytest
from conftest import CORPUS, ROOT
from thinc.api import NumpyOps
from threadpoolctl import threadpool_info, threadpool_limits

from argmine.nlp import load
from argmine.nlp.blas import NETWORKS, NumpyBlasOps
from argmine.nlp.models import DEFAULT_MODEL

needs_model = pytest.mark.skipif(not (ROOT / "models" / DEFAULT_MODEL).is_dir(), reason="no shipped model")


def _blas_threads() -> list[int]:
    return [lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"]


@pytest.mark.parametrize("trans1", [False, True])
@pytest.mark.parametrize("trans2", [False, True])
def test_gemm_gives_blis_products(trans1, trans2):
    rng = numpy.random.default_rng(0)
    x = rng.standard_normal((37, 23) if not trans1 else (23, 37)).astype("float32")
    y = rng.standard_normal((23, 11) if not trans2 else (11, 23)).astype("float32")
    expected = NumpyOps().gemm(x, y, trans1=trans1, trans2=trans2)
    got = NumpyBlasOps().gemm(x, y, trans1=trans1, trans2=trans2)
    assert got.dtype == numpy.float32 and got.shape == (37, 11)
    numpy.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    out = numpy.zeros((37, 11), dtype="float32")
    assert NumpyBlasOps().gemm(x, y, out=out, trans1=trans1, trans2=trans2) is out
    numpy.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_gemm_runs_on_one_thread_and_gives_the_setting_back():
    if not _blas_threads():
        pytest.skip("numpy's BLAS is not one threadpoolctl can see")
    seen = []

    class Spy:  # numpy, but it notes the BLAS threads while it multiplies
        def dot(self, *args, **kwargs):
            seen.append(_blas_threads())
            return numpy.dot(*args, **kwargs)

    ops = NumpyBlasOps()
    ops.xp = Spy()
    x = numpy.ones((4, 4), dtype="float32")
    with threadpool_limits(limits=2, user_api="blas"):
        before = _blas_threads()
        ops.gemm(x, x)
        assert _blas_threads() == before  # the caller's setting, back after the product
    assert seen and all(n == 1 for n in seen[0])


@needs_model
def test_the_shipped_models_networks_use_it_and_map_as_with_blis():
    miner = load(DEFAULT_MODEL)
    for name in NETWORKS:
        assert all(isinstance(node.ops, NumpyBlasOps) for node in miner.nlp.get_pipe(name).model.walk()), name
    text = (CORPUS / "four-day-week.txt").read_text(encoding="utf-8")
    ours = miner.nlp(text)
    blis = NumpyOps()
    for name in NETWORKS:
        for node in miner.nlp.get_pipe(name).model.walk():
            node.ops = blis
    theirs = miner.nlp(text)
    numpy.testing.assert_allclose(ours.tensor, theirs.tensor, rtol=1e-4, atol=1e-4)
    assert [(s.start, s.end, s.label_) for s in ours.spans["units"]] == [
        (s.start, s.end, s.label_) for s in theirs.spans["units"]
    ]
