"""Inner loops run many times: their induction variables' values on leaving each run are
computed by the adjoint sweep (start + step x (header executions - 1)), not saved per run.
Triangular nests, start values from the outer variable, negative and non-unit steps, an inner
loop left early by ``break``, i32 counters: gradients against central differences, forward
against reverse, and a tape that no longer grows with the number of runs."""
import math

import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, Duplicated

from tests.support import fd_jvp


def triangular(x, n):
    s = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            s += x[i] * np.sin(x[j] - x[i])
    return s


def strided(x, n):
    s = 0.0
    for i in range(n):
        for j in range(n - 1, i, -2):         # negative step 2, start from the outer bound
            s += x[j] * x[j] * (i + 1)
        for k in range(i, n, 3):
            s += np.cos(x[k]) * x[i]
    return s


def early_exit(x, n, cut):
    s = 0.0
    for i in range(n):
        for j in range(i, n):
            if x[j] > cut:
                break
            s += x[j] * x[i]
    return s


def int32_counters(x, n):
    s = 0.0
    m = np.int32(n)
    for i in range(m):
        for j in range(np.int32(0), i):
            s += x[i] * x[j] * x[j]
    return s


def exit_value_used(x, n):
    """The inner counter's value on leaving each run is used after the loop (by the next
    statement, and in an index): the per-run value must come back for every run, not just
    the last (the GradBench det eval's frame counter found this)."""
    s = 0.0
    for i in range(n):
        k = i
        while k < n - 1:
            s += x[k] * x[i]
            k += 1
        s += x[k] * x[(k + i) % n] * (k - i)
    return s


X = np.array([0.3, -0.8, 1.1, 0.45, -0.2, 0.9, 0.05])


@pytest.mark.parametrize("f,extra", [(triangular, ()), (strided, ()), (early_exit, (0.8,)),
                                     (int32_counters, ()), (exit_value_used, ())])
def test_gradients(f, extra):
    n = X.size
    args = (X, n) + extra
    consts = [Const] * (1 + len(extra))
    rev = zymase.autodiff_reverse(f, Duplicated, *consts, ret=Active)
    g = np.zeros(n)
    rev(X.copy(), g, n, *extra, 1.0)
    fwd = zymase.autodiff_forward(f, Dual, *consts, ret=Dual)
    for j in range(n):
        e = np.eye(n)[j]
        want = float(fd_jvp(f, args, {0: e}, 1e-6).value)
        assert g[j] == pytest.approx(want, rel=1e-7, abs=1e-9), j
        assert fwd(X.copy(), e, n, *extra)[1] == pytest.approx(g[j], rel=1e-11, abs=1e-12)


def pair_energy(x, n):
    s = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = x[i] - x[j]
            s += 1.0 / (1.0 + d * d)
    return s


def test_tape_does_not_grow_per_run():
    rev = zymase.autodiff_reverse(pair_energy, Duplicated, Const, ret=Active)
    sizes = []
    for n in (20, 40):
        x = np.linspace(-1.0, 1.0, n)
        rev(x, np.zeros(n), n, 1.0)
        sizes.append(rev.tape_bytes())
    # before: one slot per run of the inner loop (n runs); now none per run
    assert sizes[1] == sizes[0], sizes
    want = float(fd_jvp(pair_energy, (X, X.size), {0: np.cos(np.arange(X.size))}, 1e-6).value)
    g = np.zeros(X.size)
    rev(X.copy(), g, X.size, 1.0)
    assert g @ np.cos(np.arange(X.size)) == pytest.approx(want, rel=1e-7)


def test_counter_used_directly_after_its_loop():
    """GradBench's det eval (cmpad's det_of_minor without recursion): a frame counter that is a
    loop's induction variable is used directly (no exit phi) in the blocks after the loop, in
    addresses the adjoint sweep recomputes; its value must be the one of each run."""
    from zymase.gradbench.evals_more import det_by_minor
    ell = 6
    A = np.random.default_rng(0).standard_normal(ell * ell)
    g = np.zeros(ell * ell)
    zymase.autodiff_reverse(det_by_minor, Duplicated, Const, ret=Active)(A.copy(), g, ell, 1.0)
    M = A.reshape(ell, ell)
    np.testing.assert_allclose(g, (np.linalg.det(M) * np.linalg.inv(M).T).ravel(), rtol=1e-9,
                               atol=1e-12)


def log_sum_exp(x, m):
    """m rows of logsumexp: an accumulator ``s`` used after its loop, once per row."""
    t = 0.0
    n = x.shape[0] // m
    for r in range(m):
        s = 0.0
        for i in range(n):
            s += math.exp(x[r * n + i])
        t += math.log(s) * (r + 1)
    return t


def test_accumulator_used_after_its_loop_is_taped_once_per_run():
    """``log(s)`` after the loop needs the sum on leaving the loop, not every partial sum:
    canonicalisation puts such uses behind an exit phi (LCSSA), so the tape holds one ``exp``
    per iteration and one sum per run of the inner loop (before: two slots per iteration)."""
    rev = zymase.autodiff_reverse(log_sum_exp, Duplicated, Const, ret=Active)
    m, n = 4, 2000
    x = np.random.default_rng(5).normal(size=m * n)
    g = np.zeros_like(x)
    rev(x, g, m, 1.0)
    per_iteration = rev.tape_bytes() / (m * n)
    assert 8 <= per_iteration < 12, rev.tape_bytes()
    rows = x.reshape(m, n)
    want = (np.exp(rows) / np.exp(rows).sum(axis=1, keepdims=True)) * np.arange(1, m + 1)[:, None]
    np.testing.assert_allclose(g, want.ravel(), rtol=1e-12)
