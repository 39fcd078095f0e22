"""A derivative keeps its last tape buffer for its next call (``transforms/tape.py``, "Reuse").

The kept block changes where the tape lives, never what it holds: calls of growing, shrinking
and alternating sizes, calls that raise half-way, and concurrent calls from several threads must
all give the exact gradient.  log-sum-exp's gradient is the softmax (closed form); its tape
holds every ``exp`` of the loop, so the sizes below go from the stack buffer to several MiB.
"""
import math
import threading

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Duplicated
from zymase.gradbench.evals_basic import lse     # the max trick, then a sum of exp


def lse_checked(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += math.exp(x[i])
    if s > 1e300:
        raise ValueError("overflow")
    return math.log(s)


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


@pytest.fixture(scope="module")
def dlse():
    return zymase.autodiff_reverse(lse, Duplicated, ret=Active)


def _grad(d, x):
    dx = np.zeros_like(x)
    d(x, dx, 1.0)
    return dx


def test_sizes_that_grow_shrink_and_alternate(dlse):
    rng = np.random.default_rng(0)
    for n in (3, 700, 200_000, 10, 600_000, 1, 200_000, 5000, 600_000, 2):
        x = rng.normal(size=n)
        np.testing.assert_allclose(_grad(dlse, x), softmax(x), rtol=1e-12, atol=1e-13)  # argmax: Σp rounding


def test_a_call_that_raises_leaves_the_next_calls_right():
    d = zymase.autodiff_reverse(lse_checked, Duplicated, ret=Active)
    rng = np.random.default_rng(1)
    for k in range(6):
        x = rng.normal(size=100_000)
        if k % 2:
            x[7] = 800.0            # exp overflows the sum: the call raises after taping
            with pytest.raises(ValueError, match="overflow"):
                _grad(d, x)
        else:
            np.testing.assert_allclose(_grad(d, x), np.exp(x) / np.exp(x).sum(), rtol=1e-12)


def test_concurrent_calls_never_share_a_buffer(dlse):
    rng = np.random.default_rng(2)
    inputs = [rng.normal(size=n) for n in (50, 80_000, 300, 150_000, 9, 40_000)]
    want = [softmax(x) for x in inputs]
    errors = []

    def worker(k):
        try:
            for r in range(30):
                j = (k + r) % len(inputs)
                got = _grad(dlse, inputs[j])
                if not np.allclose(got, want[j], rtol=1e-12, atol=1e-13):
                    errors.append((k, r, j))
        except Exception as e:          # pragma: no cover - reported below
            errors.append(repr(e))

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_hessian_of_a_derivative_with_a_kept_tape():
    """Forward over reverse: the outer derivative sees the inner one's tape as plain
    malloc/free (the keep slot is switched off for code being differentiated again)."""
    rng = np.random.default_rng(3)
    x = rng.normal(size=3000)
    v = rng.normal(size=3000)
    hv = zymase.hvp(lse, (x,), (v,))
    p = softmax(x)
    np.testing.assert_allclose(hv, p * v - p * (p @ v), rtol=1e-10, atol=1e-14)


def _faults(fn, calls=3):
    """Minor page faults per call, after a first call that sizes every buffer."""
    import resource
    fn()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    for _ in range(calls):
        fn()
    return (resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before) / calls


def pair_energy(x):
    n = x.shape[0]
    e = 0.0
    for i in numba.prange(n):
        d = np.empty(2)          # a shadow per row: the list of shadows grows beside the tape
        for j in range(n):
            if j != i:
                d[0] = x[i, 0] - x[j, 0]
                d[1] = x[i, 1] - x[j, 1]
                e += 0.5 / math.sqrt(d[0] * d[0] + d[1] * d[1] + 0.01)
    return e


@pytest.mark.skipif(numba.config.NUMBA_NUM_THREADS < 2, reason="needs two Numba threads")
def test_parallel_entries_each_get_a_block_back():
    """A parallel loop's derivative runs one tape per schedule entry at once: each entry must
    find a kept block on the next call (several slots), and its own tape's, not the small
    list of shadows' (tags).  With one slot, every warm call faulted in a whole tape again
    (about 10⁴ page faults here); now almost none."""
    rng = np.random.default_rng(4)
    x = rng.uniform(-1, 1, (1500, 2))
    f = numba.njit(parallel=True)(pair_energy)
    d = zymase.autodiff_reverse(f, Duplicated, ret=Active)
    dx = np.zeros_like(x)
    numba.set_num_threads(2)
    try:
        def call():
            dx[:] = 0.0
            d(x, dx, 1.0)
        faults = _faults(call)
    finally:
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    assert faults < 500, faults
    serial = numba.njit(pair_energy)
    want = np.zeros_like(x)
    zymase.autodiff_reverse(serial, Duplicated, ret=Active)(x, want, 1.0)
    np.testing.assert_allclose(dx, want, rtol=1e-10, atol=1e-12)
    h = 1e-6
    for i, j in ((0, 0), (1499, 1)):
        e = np.zeros_like(x)
        e[i, j] = h
        fd = (serial(x + e) - serial(x - e)) / (2 * h)
        np.testing.assert_allclose(dx[i, j], fd, rtol=1e-6)
