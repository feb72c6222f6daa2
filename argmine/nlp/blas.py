"""The matrix products of argmine's networks go through numpy's BLAS, on one thread.

thinc multiplies matrices with BLIS (the `blis` package), which picks its kernels for the processor it
detects when it starts. On this project's machines (AMD EPYC with AVX-512, in a VM) it detects none and runs
its generic C kernel (`BLIS_ARCH_DEBUG=1` prints "selecting sub-configuration 'generic'"): 20-29 GFLOPS for
the tok2vec's (tokens x 288) x (288 x 288) products, where numpy's OpenBLAS reaches 70-88 on one thread.
Those products were three quarters of the tok2vec's time. So at inference the models of the pipeline's
trainable components (the tok2vec and the unit finder) use thinc's `NumpyOps` without BLIS, which hands
`gemm` to `numpy.dot`; every other operation (hashing, gathers, maxout, layer norm, the finder's parse loop)
is thinc's and spaCy's compiled code as before.

One thread, whatever numpy's default: on two cores shared with other work, OpenBLAS's second thread made the
same products 1.3x slower on large batches and up to 50x slower on small ones (it waits for a core), and a
worker pool already gives each core a process (`argmine.batch.work.THREAD_VARS`). The limit is held only
while argmine multiplies (threadpoolctl), so a program that maps texts keeps its own BLAS setting for its
own work.

The products' sums are rounded in another order than BLIS's, so the activations differ in the last bits of
a float (about 1e-7 relative); what the pipeline decides from them (the finder's transitions) and every
score in a map (the linear heads read no activation) came out the same, byte for byte, on the texts of
`benchmarks/same_maps.py`.
"""

from __future__ import annotations

import functools

from spacy.language import Language
from spacy.pipeline import TrainablePipe
from thinc.api import NumpyOps

# The components whose networks multiply matrices; the other components are linear heads over sparse
# features (thinc's SparseLinear), which multiply nothing.
NETWORKS = ("tok2vec", "unit_finder")


@functools.cache
def _controller():
    # Built once, on first use: it lists the BLAS libraries loaded in the process (numpy's, by then).
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def one_thread():
    """A context in which numpy's BLAS runs on one thread; the setting before it is restored after it."""
    return _controller().limit(limits=1, user_api="blas")


class NumpyBlasOps(NumpyOps):
    """thinc's CPU ops with `gemm` through numpy's BLAS on one thread (see the module)."""

    def __init__(self) -> None:
        super().__init__(use_blis=False)

    def gemm(self, x, y, *, out=None, trans1=False, trans2=False):
        with one_thread():
            return super().gemm(x, y, out=out, trans1=trans1, trans2=trans2)


def use_numpy_blas(nlp: Language) -> Language:
    """Give every layer of the networks of `nlp` (`NETWORKS`, those it has) `NumpyBlasOps`."""
    ops = NumpyBlasOps()
    for name in NETWORKS:
        pipe = nlp.get_pipe(name) if name in nlp.pipe_names else None
        if isinstance(pipe, TrainablePipe):
            for node in pipe.model.walk():
                node.ops = ops
    return nlp
