"""``np.dot``, ``@`` and ``np.linalg.norm``: the BLAS calls Numba emits (xxdot, xxnrm2, xxgemv,
xxgemm) differentiated by their rules (transforms/blas.py).

Every case is checked against central differences in forward mode (width 1 and 3) and reverse
mode (width 1 and 2), covering every transpose combination Numba produces (C and Fortran
order, transposed views), float32, inputs overwritten after the product (the reverse sweep
must use the values the call saw) and a Hessian-vector product through the rules."""
import math

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, DualOnly, Duplicated

from tests.support import fd_jvp


def dot_rev(x, y):
    return np.dot(x, y[::-1]) * x[0]


def norm_col(A, y):
    return np.linalg.norm(A[:, 1]) + np.linalg.norm(y)     # strided column: incx > 1


def mv(A, x):
    return np.sin(A @ x).sum()


def vm(A, x):
    return np.cos(x @ A).sum()


def mm(A, B):
    return np.sin(A @ B).sum()


def mtm(A, B):
    return np.sin(A.T @ B).sum()


def mmt(A, B):
    return np.sin(A @ B.T).sum()


def mtmt(A, B):
    return np.tanh(A.T @ B.T).sum()


def overwritten(A, x):
    """A @ x, then both inputs change: the adjoint must use the values the call saw."""
    y = A @ x
    s = 0.0
    for i in range(y.shape[0]):
        s += y[i] * y[i]
    A[0, 0] = 5.0
    x[0] = -3.0
    for i in range(x.shape[0]):
        s += x[i]
    return s + A[0, 0] * A[0, 1]


def gauss_newton(A, x):
    """Repeated matrix-vector products in a loop that updates x in place."""
    for _ in range(3):
        r = A @ x - 1.0
        g = A.T @ r
        for i in range(x.shape[0]):
            x[i] -= 0.05 * g[i]
    return np.dot(x, x)


CASES = [
    (dot_rev, (5,), (5,), "C"), (norm_col, (4, 3), (3,), "C"),
    (mv, (3, 4), (4,), "C"), (mv, (3, 4), (4,), "F"), (vm, (3, 4), (3,), "C"),
    (mm, (3, 4), (4, 2), "C"), (mm, (3, 4), (4, 2), "F"), (mtm, (4, 3), (4, 2), "C"),
    (mmt, (3, 4), (2, 4), "C"), (mtmt, (4, 3), (2, 4), "F"),
    (overwritten, (3, 4), (4,), "C"), (gauss_newton, (5, 3), (3,), "C"),
]


def _make(shape, order, rng, dtype=np.float64):
    a = rng.random(shape).astype(dtype)
    return np.asfortranarray(a) if order == "F" else a


def _lanes_like(x, vals):
    """Width-N shadows laid out like ``x`` after the leading lane axis (Fortran order too)."""
    n = vals.shape[0]
    out = np.empty((n,) + x.shape[::-1]).transpose((0,) + tuple(range(x.ndim, 0, -1))) \
        if x.flags.f_contiguous and not x.flags.c_contiguous else np.empty((n,) + x.shape)
    out[...] = vals
    return out


@pytest.mark.parametrize("f,sa,sb,order", CASES,
                         ids=[f"{c[0].__name__}-{c[3]}-{len(c[1])}" for c in CASES])
def test_blas_products(f, sa, sb, order):
    rng = np.random.default_rng(3)
    A, B = _make(sa, order, rng), _make(sb, order, rng)
    prim = numba.njit(f)
    y0 = prim(A.copy(order="K"), B.copy(order="K"))
    # forward, width 1 and 3
    vA, vB = rng.standard_normal((3,) + sa), rng.standard_normal((3,) + sb)
    fd = [float(fd_jvp(prim, (A, B), (vA[k], vB[k])).value) for k in range(3)]
    fwd = zymase.autodiff_forward(f, Dual, Dual, ret=Dual)
    y, t = fwd(A.copy(order="K"), np.array(vA[0], order=order), B.copy(order="K"),
               np.array(vB[0], order=order))
    assert y == pytest.approx(y0, rel=1e-13)
    assert t == pytest.approx(fd[0], rel=1e-6, abs=1e-8)
    fwd3 = zymase.autodiff_forward(f, Dual, Dual, ret=DualOnly, width=3)
    t3 = fwd3(A.copy(order="K"), _lanes_like(A, vA), B.copy(order="K"), _lanes_like(B, vB))
    for k in range(3):
        assert t3[k] == pytest.approx(fd[k], rel=1e-6, abs=1e-8)
    # reverse, width 1 and 2: <v, grad> = directional derivative
    rev = zymase.autodiff_reverse(f, Duplicated, Duplicated, ret=Active)
    dA, dB = np.zeros_like(A), np.zeros_like(B)
    rev(A.copy(order="K"), dA, B.copy(order="K"), dB, 1.0)
    for k in range(3):
        ad = float(np.vdot(vA[k], dA) + np.vdot(vB[k], dB))
        assert ad == pytest.approx(fd[k], rel=1e-6, abs=1e-8)
    # forward and reverse agree to rounding
    assert float(np.vdot(vA[0], dA) + np.vdot(vB[0], dB)) == pytest.approx(t, rel=1e-10, abs=1e-12)
    rev2 = zymase.autodiff_reverse(f, Duplicated, Duplicated, ret=Active, width=2)
    dA2, dB2 = _lanes_like(A, np.zeros((2,) + sa)), _lanes_like(B, np.zeros((2,) + sb))
    rev2(A.copy(order="K"), dA2, B.copy(order="K"), dB2, np.array([1.0, -2.0]))
    np.testing.assert_allclose(dA2[1], -2.0 * dA, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dB2[0], dB, rtol=1e-12, atol=1e-14)


def test_float32_matvec():
    rng = np.random.default_rng(4)
    A, x = rng.random((4, 3)).astype(np.float32), rng.random(3).astype(np.float32)
    dA, dx = np.zeros_like(A), np.zeros_like(x)
    zymase.autodiff_reverse(mv, Duplicated, Duplicated, ret=Active)(A, dA, x, dx, np.float32(1.0))
    c = np.cos(A.astype(np.float64) @ x.astype(np.float64))
    np.testing.assert_allclose(dx, A.T.astype(np.float64) @ c, rtol=1e-5)
    np.testing.assert_allclose(dA, np.outer(c, x), rtol=1e-5)


def test_const_matrix_and_closed_form():
    """f(x) = ||A x||²/2: the gradient is AᵀA x and the Hessian-vector product AᵀA v."""
    def half_sq(A, x):
        y = A @ x
        return 0.5 * np.dot(y, y)
    rng = np.random.default_rng(5)
    A, x, v = rng.random((5, 3)), rng.random(3), rng.standard_normal(3)
    dx = np.zeros(3)
    zymase.autodiff_reverse(half_sq, Const, Duplicated, ret=Active)(A, x.copy(), dx, 1.0)
    np.testing.assert_allclose(dx, A.T @ A @ x, rtol=1e-12)
    hv = zymase.hvp(half_sq, (A, x), (None, v), argnums=1)
    np.testing.assert_allclose(hv, A.T @ A @ v, rtol=1e-10)


def test_complex_dot_is_refused():
    def cdot(x):
        z = x.astype(np.complex128)
        return np.dot(z, z).real
    with pytest.raises(zymase.UnsupportedError, match="complex"):
        zymase.autodiff_reverse(cdot, Duplicated, ret=Active)(np.ones(3), np.zeros(3), 1.0)


def solve_vec(A, b):
    return np.sin(np.linalg.solve(A, b)).sum()


def solve_mat(A, B):
    X = np.linalg.solve(A, B)
    return (X * X).sum() + X[0, 1]


def newton_steps(A, x):
    """Solves inside a loop that updates x in place (implicit Euler on a linear system)."""
    for _ in range(3):
        r = np.linalg.solve(A, x)
        for i in range(x.shape[0]):
            x[i] = 0.5 * x[i] + 0.1 * math.tanh(r[i])
    return np.dot(x, x)


SOLVES = [(solve_vec, (4,), "C"), (solve_vec, (4,), "F"), (solve_mat, (4, 3), "C"),
          (newton_steps, (4,), "C")]


@pytest.mark.parametrize("f,sb,order", SOLVES,
                         ids=[f"{c[0].__name__}-{c[2]}-{len(c[1])}" for c in SOLVES])
def test_linalg_solve(f, sb, order):
    """np.linalg.solve (LAPACK gesv): forward width 1 and 2, reverse width 1 and 3, vs FD."""
    rng = np.random.default_rng(11)
    A = _make((4, 4), order, rng) + 4.0 * np.eye(4)
    A = np.asfortranarray(A) if order == "F" else np.ascontiguousarray(A)
    B = _make(sb, "C", rng)
    prim = numba.njit(f)
    vA, vB = rng.standard_normal((3, 4, 4)), rng.standard_normal((3,) + sb)
    fd = [float(fd_jvp(prim, (A, B), (vA[k], vB[k])).value) for k in range(3)]
    fwd = zymase.autodiff_forward(f, Dual, Dual, ret=DualOnly)
    t = fwd(A.copy(order="K"), np.array(vA[0], order=order), B.copy(), vB[0].copy())
    assert t == pytest.approx(fd[0], rel=1e-6, abs=1e-8)
    fwd2 = zymase.autodiff_forward(f, Dual, Dual, ret=DualOnly, width=2)
    t2 = fwd2(A.copy(order="K"), _lanes_like(A, vA[:2]), B.copy(), vB[:2].copy())
    assert t2[1] == pytest.approx(fd[1], rel=1e-6, abs=1e-8)
    rev = zymase.autodiff_reverse(f, Duplicated, Duplicated, ret=Active)
    dA, dB = np.zeros_like(A), np.zeros_like(B)
    rev(A.copy(order="K"), dA, B.copy(), dB, 1.0)
    for k in range(3):
        ad = float(np.vdot(vA[k], dA) + np.vdot(vB[k], dB))
        assert ad == pytest.approx(fd[k], rel=1e-6, abs=1e-8)
    rev3 = zymase.autodiff_reverse(f, Duplicated, Duplicated, ret=Active, width=3)
    dA3, dB3 = _lanes_like(A, np.zeros((3, 4, 4))), np.zeros((3,) + sb)
    rev3(A.copy(order="K"), dA3, B.copy(), dB3, np.array([1.0, 0.5, -1.0]))
    np.testing.assert_allclose(dA3[2], -dA, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(dB3[1], 0.5 * dB, rtol=1e-12, atol=1e-14)


def test_solve_closed_form_const_matrix():
    """f(b) = sum(A⁻¹ b): the gradient is A⁻ᵀ 1."""
    rng = np.random.default_rng(12)
    A, b = rng.random((5, 5)) + 5 * np.eye(5), rng.random(5)

    def s(A, b):
        return np.linalg.solve(A, b).sum()
    db = np.zeros(5)
    zymase.autodiff_reverse(s, Const, Duplicated, ret=Active)(A, b, db, 1.0)
    np.testing.assert_allclose(db, np.linalg.solve(A.T, np.ones(5)), rtol=1e-12)
