"""Reverse mode on stencil loops: the sliding accumulation windows of the adjoint sweep.

Every kernel is checked as a full vector-Jacobian product: with ``dx = w`` on entry (the
adjoint of the array's final contents) and seed ``s``, the derivative must leave
``dx = s·∇r + J_final^T w``.  That is compared with central differences of the scalar
``s·r(x + h v) + w·x_final(x + h v)`` and with forward mode (⟨dx, v⟩ = s·ṙ + ⟨w, ẋ_final⟩),
for trip counts from zero up, so the window's entry, exit and empty-loop paths all run.
Kernels whose loops must (or must not) get a window say so through the tape report.
"""
import math

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, Duplicated

from tests.support import central_difference


def heat(u, steps, alpha):                      # in place: set mode, offsets 0..1
    n = u.shape[0]
    for _ in range(steps):
        left = u[0]
        for i in range(1, n - 1):
            cur = u[i]
            u[i] = cur + alpha * (left - 2.0 * cur + u[i + 1])
            left = cur
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def rosenbrock(x, steps, alpha):                # read only: add mode, offsets 0..1
    s = 0.0
    for i in range(x.shape[0] - 1):
        a = 1.0 - x[i]
        b = x[i + 1] - x[i] * x[i]
        s += a * a + alpha * b * b
    return s


def laplace_energy(x, steps, alpha):            # offsets -1..1
    s = 0.0
    for i in range(1, x.shape[0] - 1):
        d = x[i - 1] - 2.0 * x[i] + x[i + 1]
        s += alpha * d * d + math.sin(x[i])
    return s


def descending(x, steps, alpha):                # negative step (Numba's wraparound guard on
    # a descending index is not folded by the range analysis: no window, still exact)
    s = 0.0
    for i in range(x.shape[0] - 1, 0, -1):
        s += x[i] * x[i - 1] * alpha
    return s


def stride_two(x, steps, alpha):                # step 2: cells do not tile, no window
    s = 0.0
    for i in range(0, x.shape[0] - 1, 2):
        s += x[i] * math.cos(x[i + 1])
    return s


def lookahead_inplace(u, steps, alpha):         # set mode, offsets 0..2
    n = u.shape[0]
    for _ in range(steps):
        for i in range(n - 2):
            u[i] = u[i] * alpha + u[i + 1] * u[i + 2]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def store_ahead(u, steps, alpha):               # store at the top offset: no window
    n = u.shape[0]
    for _ in range(steps):
        for i in range(n - 1):
            u[i + 1] = u[i] * alpha + u[i + 1] * u[i + 1]
    return u[n - 1] if n > 0 else 0.0


def pinned_inplace(u, steps, alpha):            # another load of the same array: no window
    n = u.shape[0]
    for _ in range(steps):
        for i in range(1, n - 1):
            u[i] = u[i] + alpha * (u[i + 1] - u[0])
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


def rows(u, steps, alpha):                      # 2-d: the inner loop over columns
    for _ in range(steps):
        for r in range(u.shape[0]):
            for c in range(u.shape[1] - 1):
                u[r, c] = u[r, c] + alpha * u[r, c + 1] * u[r, c + 1]
    s = 0.0
    for r in range(u.shape[0]):
        for c in range(u.shape[1]):
            s += u[r, c] * math.cos(u[r, c])
    return s


def conditional(x, steps, alpha):               # members in a branch: no window
    s = 0.0
    for i in range(x.shape[0] - 1):
        if x[i] > 0.5:
            s += x[i] * x[i + 1]
        else:
            s += alpha * x[i]
    return s


def double_buffer(u, steps, alpha):             # new values in a buffer, then copied back:
    n = u.shape[0]                              # u[i - 1] from i = 1 never wraps, so its
    v = np.empty(n)                             # guard folds and the window covers -1..1
    for _ in range(steps):
        if n > 0:
            v[0] = u[0]
            v[n - 1] = u[n - 1]
        for i in range(1, n - 1):
            v[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        for i in range(n):
            u[i] = v[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i]
    return s


# (kernel, window expected in the tape report)
KERNELS = [
    (heat, "set"), (rosenbrock, "add"), (laplace_energy, "add"), (descending, None),
    (stride_two, None), (lookahead_inplace, "set"), (store_ahead, None), (pinned_inplace, None),
    (rows, "set"), (conditional, None), (double_buffer, "add"),
]


_DERIVS = {}


def _derivs(f):
    """One reverse and one forward derivative per kernel (their compilations are reused for
    every shape and trip count: the argument types do not change)."""
    if f not in _DERIVS:
        _DERIVS[f] = (numba.njit(f), zymase.autodiff_reverse(f, Duplicated, Const, Const, ret=Active),
                      zymase.autodiff_forward(f, Dual, Const, Const, ret=Dual))
    return _DERIVS[f]


def _vjp_check(f, shape, steps, dtype=np.float64, seed_val=0.7, rtol=1e-7):
    rng = np.random.default_rng(abs(hash((f.__name__, shape, steps))) % 2**32)
    x0 = (rng.random(shape) * 0.8 + 0.1).astype(dtype)
    w = rng.standard_normal(shape).astype(dtype)
    v = rng.standard_normal(shape)
    alpha = 0.3
    prim, df, fwd = _derivs(f)
    dx = w.copy()
    x = x0.copy()
    y = df(x, dx, steps, alpha, seed_val)
    ref = x0.copy()
    assert y == pytest.approx(prim(ref, steps, alpha), rel=1e-6 if dtype == np.float32 else 1e-13)
    np.testing.assert_array_equal(x, ref)          # the primal's final contents

    def scalar(h):
        xx = (x0.astype(np.float64) + h * v)
        r = prim(xx, steps, alpha)
        return seed_val * r + float(np.vdot(w.astype(np.float64), xx))
    if dtype == np.float64:
        fd = central_difference(scalar, 1e-6)     # extrapolated: no slack for its error needed
        ad = float(np.vdot(v, dx))
        assert abs(ad - fd.value) <= rtol * max(1.0, abs(fd.value)), (ad, fd)
    # forward mode: <dx, v> = s * rdot + <w, xdot_final>
    xt = x0.copy()
    xd = v.astype(dtype).copy()
    _, rdot = fwd(xt, xd, steps, alpha)
    lhs = float(np.vdot(v.astype(dtype).astype(np.float64), dx.astype(np.float64)))
    rhs = seed_val * float(rdot) + float(np.vdot(w.astype(np.float64), xd.astype(np.float64)))
    tol = 1e-4 if dtype == np.float32 else 1e-10
    assert lhs == pytest.approx(rhs, rel=tol, abs=tol)
    return df


@pytest.mark.parametrize("f,mode", KERNELS, ids=[k.__name__ for k, _ in KERNELS])
def test_stencil_vjp(f, mode, capfd):
    shapes = [(3, 5), (4, 2), (2, 1)] if f is rows else [(0,), (1,), (2,), (3,), (4,), (9,)]
    for shape in shapes:
        for steps in (0, 1, 3):
            _vjp_check(f, shape, steps)
    # the report of the derivative of one more build says whether a window was used
    zymase.autodiff_reverse(f, Duplicated, Const, Const, ret=Active, print="tape")(
        np.ones(shapes[-1]), np.zeros(shapes[-1]), 1, 0.5, 1.0)
    report = capfd.readouterr().err
    if mode is None:
        assert "window in loop" not in report
    else:
        assert f"({mode} mode)" in report
    if f is double_buffer:   # u[i - 1] joins the window once its wraparound guard is folded
        assert "offsets -1..1 (add mode)" in report


def test_heat_float32():
    _vjp_check(heat, (7,), 3, dtype=np.float32)


def test_window_across_outer_runs_keeps_dx_semantics():
    """Many outer steps over a short row: entry, exit and shift all run every step, and
    dx's incoming content (the adjoint of the final state) must come out transported."""
    for n in (2, 3, 5):
        _vjp_check(heat, (n,), 25)
        _vjp_check(lookahead_inplace, (n,), 7)
