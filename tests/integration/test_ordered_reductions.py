"""In-order floating-point reductions in the derivative's O3 (llvm/pipelines.py, ``optimise``).

The adjoint of a triangular product ``q[r] += l[idx] * x[c]`` (GMM's ``Q (x - mu)``) sums
``d_x[c] += d_q[r] * l[idx]`` over the inner loop: a reduction LLVM may not reassociate.
Without in-order reductions x86's vectoriser refuses the whole loop; with them it vectorises
it and adds the lanes' products one by one.  Checked here: the gradient against the closed
form and central differences, forward mode against reverse (``<J v, w> = <v, Jᵀ w>``), that it
is *bitwise* the gradient built without the option (ordinary and subnormal seeds, where the
vector multiplies matter most), that the optimised IR holds an ordered ``vector.reduce.fadd``
with no ``reassoc``, and that Numba's own compiles afterwards are as before.
"""
import math
import platform

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Dual, Duplicated
from zymase.llvm import pipelines

from tests.support import assert_fd_close, fd_gradient

X86 = platform.machine() in ("x86_64", "AMD64")


def tri_norm(l, x, q):
    """||Q x||² with Q unit-diagonal lower triangular, its strictly lower part packed column
    by column in ``l`` (ADBench's layout); ``q`` is the caller's work array."""
    d = x.shape[0]
    for j in range(d):
        q[j] = x[j]
    idx = 0
    for c in range(d):
        for r in range(c + 1, d):
            q[r] = q[r] + l[idx] * x[c]
            idx += 1
    s = 0.0
    for j in range(d):
        s += q[j] * q[j]
    return s


def dense_q(l, d):
    Q = np.eye(d)
    idx = 0
    for c in range(d):
        for r in range(c + 1, d):
            Q[r, c] = l[idx]
            idx += 1
    return Q


def gradient(d_fn, l, x, seed):
    dl, dx = np.zeros_like(l), np.zeros_like(x)
    d_fn(l, dl, x, dx, np.empty_like(x), np.zeros_like(x), seed)
    return dl, dx


def build(monkeypatch=None, strict_only=False, print=None):
    if strict_only:     # the reference: O3 as x86 runs it without the option
        monkeypatch.setattr(pipelines, "_ordered_by_default", lambda: True)
    opts = {"print": print} if print else {}
    return zymase.autodiff_reverse(tri_norm, Duplicated, Duplicated, Duplicated, ret=Active,
                                   **opts)


@pytest.mark.parametrize("d", [3, 17, 40])
def test_gradient_closed_form_and_fd(d):
    rng = np.random.default_rng(d)
    l, x = rng.standard_normal(d * (d - 1) // 2), rng.standard_normal(d)
    dl, dx = gradient(build(), l, x, 1.0)
    Q = dense_q(l, d)
    qx = Q @ x
    np.testing.assert_allclose(dx, 2 * Q.T @ qx, rtol=1e-12, atol=1e-12)
    want_l = [2 * qx[r] * x[c] for c in range(d) for r in range(c + 1, d)]
    np.testing.assert_allclose(dl, want_l, rtol=1e-12, atol=1e-12)
    fd = fd_gradient(lambda v: tri_norm(v, x, np.empty(d)), l)
    assert_fd_close(dl, fd, rtol=1e-6, atol=1e-7 * np.abs(fd.value).max())


def test_forward_and_reverse_agree():
    d = 24
    rng = np.random.default_rng(1)
    l, x = rng.standard_normal(d * (d - 1) // 2), rng.standard_normal(d)
    vl, vx = rng.standard_normal(l.size), rng.standard_normal(d)
    fwd = zymase.autodiff_forward(tri_norm, Dual, Dual, Dual)
    _, jv = fwd(l, vl, x, vx, np.empty(d), np.zeros(d))
    w = 0.7
    dl, dx = gradient(build(), l, x, w)
    assert abs(jv * w - (vl @ dl + vx @ dx)) <= 1e-12 * abs(jv * w)


@pytest.mark.parametrize("seed", [1.0, 3e-310, 0.0])
def test_bitwise_the_strict_order(monkeypatch, seed):
    """The same additions in the same order: identical bits, for an ordinary seed and for a
    subnormal one (every adjoint value subnormal, the case the vector multiplies are for)."""
    d = 40
    rng = np.random.default_rng(7)
    l, x = rng.standard_normal(d * (d - 1) // 2), rng.standard_normal(d)
    got = gradient(build(), l, x, seed)
    with monkeypatch.context() as m:
        ref = gradient(build(m, strict_only=True), l, x, seed)
    for g, r in zip(got, ref):
        assert np.array_equal(g.view(np.int64), r.view(np.int64))
    if seed:
        assert np.all(np.isfinite(got[1])) and np.any(got[1] != 0)


@pytest.mark.skipif(not X86, reason="the option is toggled on x86 (AArch64 has it on)")
def test_the_optimised_adjoint_reduces_in_order(capfd):
    d = 16
    d_fn = build(print="final")
    gradient(d_fn, np.ones(d * (d - 1) // 2), np.ones(d), 1.0)
    ir = capfd.readouterr().err
    calls = [ln for ln in ir.splitlines()
             if "call" in ln and "@llvm.vector.reduce.fadd" in ln]
    assert calls, "the adjoint's reduction loop was not vectorised"
    # in order: no fast-math flag on the reduction (a reassoc one would be a tree)
    assert not any("reassoc" in ln or " fast " in ln for ln in calls), calls


@pytest.mark.skipif(not X86, reason="x86's default is strict scalar reductions")
def test_numba_compiles_afterwards_keep_their_cost_model():
    build()(np.ones(3), np.zeros(3), np.ones(3), np.zeros(3), np.empty(3), np.zeros(3), 1.0)

    @numba.njit
    def dot(a, b):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i] * b[i]
        return s

    assert dot(np.ones(5), np.ones(5)) == 5.0
    ir = dot.inspect_llvm(dot.signatures[0])
    assert "vector.reduce.fadd" not in ir


def exp_sum(x):
    s = 0.0
    for i in range(x.shape[0]):
        s += math.exp(x[i] - 1.0) * x[i]
    return s


def test_loops_calling_libm_stay_scalar(capfd):
    """With in-order reductions allowed, a sum over ``exp`` calls would vectorise into four
    scalar libm calls with lane shuffles and spills around them (10 % slower on log-sum-exp):
    such loops carry ``llvm.loop.vectorize.width 1`` (transforms/loop_hints.py); the
    gradient is the closed form ``(1 + x) e^(x-1)``."""
    x = np.random.default_rng(3).uniform(-1, 1, 37)
    d = zymase.autodiff_reverse(exp_sum, Duplicated, ret=Active, print="final")
    dx = np.zeros_like(x)
    d(x, dx, 1.0)
    np.testing.assert_allclose(dx, (1 + x) * np.exp(x - 1.0), rtol=1e-13)
    ir = capfd.readouterr().err
    if not numba.config.USING_SVML:
        assert "llvm.exp.v" not in ir
        assert '!{!"llvm.loop.vectorize.width", i32 1}' in ir
