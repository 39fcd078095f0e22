"""A derivative keeps its last tape buffer for its next call (``transforms/tape.py``, "Reuse").

The kept block changes where the tape lives, never what it holds: calls of growing, shrinking
and alternating sizes, calls that raise half-way, and concurrent calls from several threads must
all give the exact gradient.  log-sum-exp's gradient is the softmax (closed form); its tape
holds every ``exp`` of the loop, so the sizes below go from the stack buffer to several MiB.
"""
import math
import threading

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
