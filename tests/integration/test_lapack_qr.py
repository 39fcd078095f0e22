"""``np.linalg.qr`` (LAPACK geqrf + orgqr, differentiated as one thin QR by
rules/linalg/lapack_qr.py), tall, square and wide, in both modes at width 1 and 4:

* forward width 4, each lane against Richardson central differences of numpy's qr (the same
  LAPACK conventions: R's diagonal signs are those of geqrf's reflectors, continuous in A);
* reverse width 4: lane k is the gradient times seed k, and ⟨J v, w⟩ = ⟨v, Jᵀ w⟩ against the
  forward lanes; width 1 in both modes against the lanes of width 4;
* closed forms: Q̇ and Ṙ from the thin-QR formulas (read through a loss linear in Q and R),
  and the gradient of ⟨G, Q⟩ + ⟨H, R⟩ from the QR pullback;
* a loss that uses only Q, one that uses only R; the caller's arrays are unchanged;
* from ``@numba.njit`` in both modes; float32; a Hessian-vector product through the rules;
  complex matrices refused by name;
* an exactly rank-deficient A (a zero column: a zero on R's diagonal) gives NaN derivatives
  in both modes, as documented, never numbers.
"""
import functools

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Duplicated

from tests.integration.test_lapack import matrix_derivative
from tests.support import check_dot_product, fd_jvp

STEP = 1e-4
SHAPES = [(1, 1), (4, 4), (5, 3), (3, 5), (1, 3), (3, 1)]
SEEDS4 = np.array([1.0, -2.0, 0.5, 3.0])


def qr_both(A, W):
    """Q and R both, nonlinearly, weighted by W (Q's signs are geqrf's: continuous in A)."""
    Q, R = np.linalg.qr(A)
    k = R.shape[0]
    return np.sum(W[:, :k] * Q * Q * Q) + np.sum(W[:k] * np.sin(R)) + Q[0, 0] * R[0, -1]


def qr_linear(A, W):
    """⟨G, Q⟩ + ⟨H, R⟩ with G = W[:, :k] and H = W[:k] (for the closed forms)."""
    Q, R = np.linalg.qr(A)
    k = R.shape[0]
    return np.sum(W[:, :k] * Q) + np.sum(W[:k] * R)


def q_only(A, W):
    Q, R = np.linalg.qr(A)
    return np.sum(np.cos(Q) * W[:, :Q.shape[1]])


def r_only(A, W):
    return np.sum(np.linalg.qr(A)[1] ** 2 * W[:min(A.shape)])


FUNCS = {"both": qr_both, "linear": qr_linear, "q": q_only, "r": r_only}


@functools.lru_cache(maxsize=None)
def deriv(name, mode, width):
    return matrix_derivative(FUNCS[name], mode, width)


def _data(shape, seed=0):
    rng = np.random.default_rng(seed + 7 * shape[0] + shape[1])
    A = rng.standard_normal(shape)
    if shape[0] == shape[1]:
        A += shape[0] * np.eye(shape[0])       # well conditioned
    return A, rng.standard_normal(shape), rng.standard_normal((4,) + shape)


def thin_qr_tangents(A, dA):
    """Q̇, Ṙ of the thin QR (A = [A₁ A₂], R = [R₁ R₂], A₁ = Q R₁)."""
    m, n = A.shape
    k = min(m, n)
    Q, R = np.linalg.qr(A)
    R1, R2 = R[:, :k], R[:, k:]
    D = np.linalg.solve(R1.T, dA[:, :k].T).T
    C = Q.T @ D
    U = np.triu(C) + np.tril(C, -1).T
    return D - Q @ U, np.hstack([U @ R1, Q.T @ dA[:, k:] - (C - U) @ R2])


def thin_qr_pullback(A, Qb, Rb):
    m, n = A.shape
    k = min(m, n)
    Q, R = np.linalg.qr(A)
    R1, R2 = R[:, :k], R[:, k:]
    Qb = Qb + Q @ R2 @ Rb[:, k:].T
    M = R1 @ Rb[:, :k].T - Qb.T @ Q
    X = Qb + Q @ (np.tril(M) + np.tril(M, -1).T)
    return np.hstack([np.linalg.solve(R1, X.T).T, Q @ Rb[:, k:]])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", ["both", "q", "r"])
def test_modes_widths_and_finite_differences(name, shape):
    f = FUNCS[name]
    A, W, V = _data(shape)
    A0, W0 = A.copy(), W.copy()
    t4 = deriv(name, "fwd", 4)(A, V.copy(), W)
    np.testing.assert_array_equal(A, A0)
    np.testing.assert_array_equal(W, W0)
    for k in range(4):
        fd = float(fd_jvp(f, (A, W), (V[k], None), STEP).value)
        assert t4[k] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    g4 = np.zeros((4,) + shape)
    y = deriv(name, "rev", 4)(A, g4, W, SEEDS4.copy())
    np.testing.assert_array_equal(A, A0)
    assert y == pytest.approx(f(A, W), rel=1e-12)
    grad = g4[0] / SEEDS4[0]
    for k in range(4):
        np.testing.assert_allclose(g4[k], SEEDS4[k] * grad, rtol=1e-12, atol=1e-13)
        check_dot_product([t4[k]], [float(np.vdot(V[k], grad))])
    if name != "both":
        return
    fwd1 = deriv(name, "fwd", 1)
    np.testing.assert_allclose([fwd1(A, V[k].copy(), W) for k in range(4)], t4, rtol=1e-13,
                               atol=1e-14)
    g1 = np.zeros(shape)
    assert deriv(name, "rev", 1)(A, g1, W, 1.0) == pytest.approx(f(A, W), rel=1e-12)
    np.testing.assert_allclose(g1, grad, rtol=1e-12, atol=1e-13)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_closed_forms(shape):
    """⟨W, (Q̇, Ṙ)⟩ from the thin-QR tangent formulas, the gradient from the pullback."""
    A, W, V = _data(shape, seed=1)
    k = min(shape)
    G, H = W[:, :k], W[:k]
    for j in range(2):
        dQ, dR = thin_qr_tangents(A, V[j])
        want = float(np.sum(G * dQ) + np.sum(H * dR))
        assert deriv("linear", "fwd", 1)(A, V[j].copy(), W) == pytest.approx(want, rel=1e-12,
                                                                           abs=1e-13)
    g = np.zeros(shape)
    deriv("linear", "rev", 1)(A, g, W, 1.0)
    np.testing.assert_allclose(g, thin_qr_pullback(A, G, H), rtol=1e-11, atol=1e-12)


def test_callable_from_njit():
    A, W, V = _data((5, 3), seed=2)
    fwd, rev = deriv("both", "fwd", 1), deriv("both", "rev", 1)

    @numba.njit
    def both(A, W, V, g):
        return fwd(A, V, W), rev(A, g, W, 1.0)

    g = np.zeros_like(A)
    t, y = both(A, W, V[0].copy(), g)
    assert y == pytest.approx(qr_both(A, W), rel=1e-12)
    g_py = np.zeros_like(A)
    deriv("both", "rev", 1)(A, g_py, W, 1.0)
    np.testing.assert_array_equal(g, g_py)
    assert t == deriv("both", "fwd", 1)(A, V[0].copy(), W)
    assert t == pytest.approx(float(fd_jvp(qr_both, (A, W), (V[0], None), STEP).value),
                              rel=1e-6)


def f32_f(A):
    Q, R = np.linalg.qr(A)
    return np.sum(Q[0] * R[0]) + np.sum(R * R)


def test_float32():
    A, _, V = _data((4, 3), seed=3)
    g = np.zeros((4, 3), np.float32)
    zymase.autodiff_reverse(f32_f, Duplicated, ret=Active)(A.astype(np.float32), g,
                                                           np.float32(1.0))
    for k in range(2):
        fd = float(fd_jvp(f32_f, (A,), (V[k],), STEP).value)
        assert float(np.vdot(V[k], g)) == pytest.approx(fd, rel=2e-3, abs=1e-4)


@pytest.mark.parametrize("col", [0, 1])
def test_rank_deficient_gives_nan(col):
    """A zero column makes a diagonal entry of R exactly zero: Q's column there is not
    determined by A and the QR has no derivative — NaN in both modes, not a number."""
    A, W, V = _data((4, 3), seed=4)
    A[:, col] = 0.0
    assert np.linalg.qr(A)[1][col, col] == 0.0
    assert np.all(np.isnan(deriv("both", "fwd", 4)(A, V.copy(), W)))
    g = np.zeros_like(A)
    deriv("both", "rev", 1)(A, g, W, 1.0)
    assert np.all(np.isnan(g))


def qr_cubic(A):
    Q, R = np.linalg.qr(A)
    return np.sum(R * R * R) + np.sum(Q[0] ** 3)


def test_second_order_through_the_rules():
    """Forward over reverse: the adjoint code of the pair (gemms, gesv, element-wise loops)
    differentiated again, H[V] against central differences of the gradient."""
    A, _, V = _data((4, 3), seed=5)
    hv = zymase.hvp(qr_cubic, (A,), (V[0],))
    g = zymase.grad(qr_cubic)
    h = 1e-5
    fd = (g(A + h * V[0]) - g(A - h * V[0])) / (2 * h)
    np.testing.assert_allclose(hv, fd, rtol=1e-6, atol=1e-8 * np.abs(fd).max())


def qr_complex(A):
    return np.linalg.qr(A + 0j)[1][0, 0].real


def test_complex_refused_with_name_and_line():
    with pytest.raises(zymase.UnsupportedError, match=r"np.linalg.qr .*complex") as e:
        zymase.autodiff_reverse(qr_complex, Duplicated, ret=Active)(np.eye(3) + 1.0,
                                                                    np.zeros((3, 3)), 1.0)
    assert "test_lapack_qr.py" in str(e.value)
