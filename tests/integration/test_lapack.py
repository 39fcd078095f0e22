"""``np.linalg`` beyond solve: inv, det, slogdet (LAPACK getrf, getri), cholesky (potrf), eigh and
eigvalsh (xxxevd), svd, pinv, cond and norm(A, ±2) (gesdd), lstsq (gelsd), differentiated by
the rules of rules/linalg/lapack_lu.py, lapack_sym.py, lapack_svd.py and lapack_lstsq.py (qr:
test_lapack_qr.py); eig refused by name.

Four functions — the LU family (inv, det, slogdet), the symmetric one (cholesky, eigh,
eigvalsh), the SVD one (values, thin and full vectors) and lstsq — are compiled once per mode
and width (module-level cache: compiling dominates the run time) and checked at sizes 1, 2, 3
and 5 (1×1, 3×2, 2×3, 5×5 for the SVD and lstsq) on well-conditioned matrices (diagonally
dominant with the rows reversed, so that getrf pivots; SPD with distinct eigenvalues):

* forward width 4, each lane against Richardson central differences along a random,
  *non-symmetric* direction (cholesky and eigh read one triangle: perturbing the other
  changes nothing, and the rules must agree);
* reverse width 4 (four seeds): each lane the gradient times its seed, and the gradient
  against the forward lanes (⟨J v, w⟩ = ⟨v, Jᵀ w⟩ to rounding);
* width 1 in both modes against the lanes of width 4 (LU family; the other rules run the same
  per-lane code at any width, and each compile costs seconds);
* closed forms: ∇ det = det·A⁻ᵀ, ∇ log|det| = A⁻ᵀ, ∇ ⟨W, A⁻¹⟩ = −A⁻ᵀ W A⁻ᵀ, ∇ Σ cᵢ λᵢ = Q diag(c) Qᵀ
  folded onto the lower triangle eigh reads (and finite at a repeated eigenvalue), ∇ σᵢ = uᵢvᵢᵀ,
  L̇ = L Φ(L⁻¹ Ȧ L⁻ᵀ) for cholesky, the normal-equation gradients of lstsq, Golub–Pereyra's
  derivative of pinv;
* full_matrices' extra singular vectors (not unique) and lstsq's residuals give NaN
  derivatives, not numbers;
* the caller's arrays are unchanged; derivatives called from ``@numba.njit`` code (every
  rule, both modes) give the same bits as from Python; float32; a Hessian-vector product through the getrf rule.
"""
import functools

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, DualOnly, Duplicated

from tests.support import assert_fd_close, fd_jvp

STEP = 1e-4       # finite-difference step

SIZES = [1, 2, 3, 5]
SEEDS4 = np.array([1.0, -2.0, 0.5, 3.0])


def lu_f(A, W):
    """inv (getrf + getri), det and slogdet (getrf + loops over the factors)."""
    X = np.linalg.inv(A)
    return np.sum(W * X) + np.sin(X[0, 0]) + np.linalg.det(A) + 0.5 * np.linalg.slogdet(A)[1]


def sym_f(A, W):
    """cholesky, eigvalsh (jobz 'N') and eigh (jobz 'V'): eigenvectors through V², which does
    not depend on their signs."""
    n = A.shape[0]
    w, V = np.linalg.eigh(A)
    return (np.sum(W * np.sin(np.linalg.cholesky(A))) + np.sum(W[0] * np.linalg.eigvalsh(A))
            + np.sum(W[1 % n] * w) + np.sum(W * V * V))


def sv_f(A, W):
    """Singular values alone (gesdd, jobz 'N': norm(A, 2), cond), thin and full singular
    vectors (jobz 'S', 'A'; of the full ones only the first k, which are unique) through
    squares, which do not depend on their signs — all weighted by W, so that W = 0 leaves the
    values-only part."""
    k = min(A.shape)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    Uf, sf, Vtf = np.linalg.svd(A)
    return (np.linalg.norm(A, 2) + 0.1 * np.linalg.cond(A)
            + np.sum(W[:, :k] * U * U) + np.sum(W[:k] * Vt * Vt) + np.sum(W[0, 0] * s * sf)
            + np.sum(W[:, :k] * Uf[:, :k] ** 2) + np.sum(W[:k] * Vtf[:k] ** 2))


def lstsq_f(A, W):
    """Least squares with a right-hand side that depends on A too (so that both input
    derivatives of gelsd are exercised): overdetermined, square and minimum-norm systems."""
    x, res, rank, s = np.linalg.lstsq(A, np.sin(A))
    return np.sum(W[0] * x[0]) + np.sum(x * x) + np.sum(s)


FUNCS = {"lu": lu_f, "sym": sym_f, "sv": sv_f, "lstsq": lstsq_f}
SV_SHAPES = {1: (1, 1), 2: (3, 2), 3: (2, 3), 5: (5, 5)}


def matrix_derivative(f, mode, width):
    """``f(A, W)``'s derivative with respect to the matrix ``A`` (``W``: constant weights)."""
    if mode == "fwd":
        return zymase.autodiff_forward(f, Dual, Const, ret=DualOnly, width=width)
    return zymase.autodiff_reverse(f, Duplicated, Const, ret=Active, width=width)


@functools.lru_cache(maxsize=None)
def deriv(name, mode, width):
    return matrix_derivative(FUNCS[name], mode, width)


def _data(name, n, seed=0):
    """lu: a diagonally dominant matrix with its rows reversed, so that getrf pivots; sym: SPD
    with distinct eigenvalues; sv: a random m×n matrix (distinct singular values).
    Directions are not symmetric."""
    rng = np.random.default_rng(seed + 10 * n)
    shape = SV_SHAPES[n] if name in ("sv", "lstsq") else (n, n)
    B = rng.random(shape)
    if name == "sym":
        A = B @ B.T + n * np.eye(n)
    else:
        A = B if name in ("sv", "lstsq") else (B + n * np.eye(n))[::-1].copy()
    W = rng.standard_normal(shape)
    V = rng.standard_normal((4,) + shape)
    return A, W, V


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", list(FUNCS))
def test_modes_widths_and_finite_differences(name, n):
    """Width 4 in both modes for every function; width 1 too for the LU one (compiling is
    what costs here, seconds per derivative, and the lanes' code is the same per rule)."""
    A, W, V = _data(name, n)
    A0, W0 = A.copy(), W.copy()
    # forward width 4: each lane against finite differences; the caller's arrays stay
    t4 = deriv(name, "fwd", 4)(A, V.copy(), W)
    np.testing.assert_array_equal(A, A0)
    np.testing.assert_array_equal(W, W0)
    for k in range(4):
        # central differences of the numpy function (numpy's LAPACK reads the same triangles)
        fd = float(fd_jvp(FUNCS[name], (A, W), (V[k], None), STEP).value)
        assert t4[k] == pytest.approx(fd, rel=1e-6, abs=1e-9)
    # reverse width 4: the value, lane k is the gradient times seed k, and the dot-product
    # test ⟨J v, 1⟩ = ⟨v, Jᵀ 1⟩ against the forward lanes
    g4 = np.zeros((4,) + A.shape)
    y = deriv(name, "rev", 4)(A, g4, W, SEEDS4.copy())
    np.testing.assert_array_equal(A, A0)
    assert y == pytest.approx(FUNCS[name](A, W), rel=1e-11)
    grad = g4[0] / SEEDS4[0]
    for k in range(4):
        np.testing.assert_allclose(g4[k], SEEDS4[k] * grad, rtol=1e-12, atol=1e-13)
        assert float(np.vdot(V[k], grad)) == pytest.approx(t4[k], rel=1e-10, abs=1e-12)
    if name != "lu":
        return
    # width 1 = one lane of width 4, in both modes
    fwd1 = deriv(name, "fwd", 1)
    np.testing.assert_allclose([fwd1(A, V[k].copy(), W) for k in range(4)], t4, rtol=1e-13,
                               atol=1e-14)
    g1 = np.zeros_like(A)
    deriv(name, "rev", 1)(A, g1, W, 1.0)
    np.testing.assert_array_equal(A, A0)
    np.testing.assert_allclose(g1, grad, rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("n", SIZES)
def test_lu_closed_form(n):
    """∇ (⟨W, X⟩ + sin X₀₀ + det + ½ log|det|) = −Xᵀ (W + cos(X₀₀) e₀e₀ᵀ) Xᵀ + (det + ½) Xᵀ
    with X = A⁻¹; the tangent along Ȧ is −⟨W', X Ȧ X⟩ + (det + ½) tr(X Ȧ)."""
    A, W, V = _data("lu", n, seed=1)
    X, d = np.linalg.inv(A), np.linalg.det(A)
    Wb = W.copy()
    Wb[0, 0] += np.cos(X[0, 0])
    g = np.zeros_like(A)
    deriv("lu", "rev", 1)(A, g, W, 1.0)
    np.testing.assert_allclose(g, -X.T @ Wb @ X.T + (d + 0.5) * X.T, rtol=1e-10, atol=1e-12)
    t = deriv("lu", "fwd", 1)(A, V[0].copy(), W)
    want = -np.sum(Wb * (X @ V[0] @ X)) + (d + 0.5) * np.trace(X @ V[0])
    assert t == pytest.approx(want, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("n", [2, 3, 5])
def test_singular_value_closed_form(n):
    """W = 0 leaves σ₁ + σ₁/(10 σₖ), whose gradient is
    u₁v₁ᵀ (1 + 1/(10σₖ)) − uₖvₖᵀ σ₁/(10σₖ²)."""
    A, _, _ = _data("sv", n, seed=1)
    U, s, Vt = np.linalg.svd(A, full_matrices=False)
    want = (np.outer(U[:, 0], Vt[0]) * (1 + 0.1 / s[-1])
            - np.outer(U[:, -1], Vt[-1]) * (0.1 * s[0] / s[-1] ** 2))
    g = np.zeros((4,) + A.shape)
    deriv("sv", "rev", 4)(A, g, np.zeros_like(A), SEEDS4.copy())
    np.testing.assert_allclose(g[0], want, rtol=1e-10, atol=1e-12)


def pinv_f(A, W):
    return np.sum(W * np.linalg.pinv(A))


@functools.lru_cache(maxsize=None)
def pinv_fwd():
    """pinv_f's forward derivative, shared by the two pinv tests (same argument types)."""
    return zymase.autodiff_forward(pinv_f, Dual, Const, ret=DualOnly)


def test_pinv():
    """pinv = gesdd (jobz 'S'), loops, and a gemm with 'C' (conjugate transpose) flags."""
    fwd = pinv_fwd()
    rng = np.random.default_rng(5)
    for shape in [(3, 2), (2, 3)]:
        A, V = rng.standard_normal(shape), rng.standard_normal(shape)
        W = rng.standard_normal(shape[::-1])
        assert_fd_close(fwd(A, V.copy(), W), fd_jvp(pinv_f, (A, W), (V, None), STEP), 1e-6)


def lstsq_residuals(A, b):
    return np.sum(np.linalg.lstsq(A, b)[1])


def test_lstsq_residuals_are_nan():
    """lstsq's residuals come from rows of gelsd's output in a basis LAPACK picks: zymase
    gives NaN derivatives for them rather than numbers it cannot vouch for."""
    rng = np.random.default_rng(6)
    A, b = rng.standard_normal((4, 2)), rng.standard_normal(4)
    gA, gb = np.zeros_like(A), np.zeros_like(b)
    zymase.autodiff_reverse(lstsq_residuals, Duplicated, Duplicated, ret=Active)(
        A, gA, b, gb, 1.0)
    assert np.isnan(gA).all() and np.isnan(gb).all()


def last_column_cubed(A):
    return np.sum(np.linalg.svd(A)[0][:, -1] ** 3)


def test_full_matrices_extra_columns_are_nan():
    """With full_matrices and m > n the last columns of U are LAPACK's pick of a basis of the
    complement of A's range: zymase does not know their derivative and says so with NaN
    (forward and reverse); for a square matrix they are the ordinary singular vectors."""
    rev = zymase.autodiff_reverse(last_column_cubed, Duplicated, ret=Active)
    fwd = zymase.autodiff_forward(last_column_cubed, Dual, ret=DualOnly)
    rng = np.random.default_rng(4)
    A = rng.standard_normal((3, 2))
    g = np.zeros_like(A)
    rev(A, g, 1.0)
    assert np.isnan(g).all()
    assert np.isnan(fwd(A, np.ones_like(A)))
    A, V = rng.standard_normal((3, 3)), rng.standard_normal((3, 3))
    g = np.zeros_like(A)
    rev(A, g, 1.0)
    fd = fd_jvp(last_column_cubed, (A,), (V,), STEP)
    assert_fd_close(float(np.vdot(V, g)), fd, 1e-6, what="reverse")
    assert_fd_close(fwd(A, V.copy()), fd, 1e-6, what="forward")


def eigvals_f(A, c):
    return np.sum(c * np.linalg.eigvalsh(A)) + np.sum(c[::-1] * np.linalg.eigh(A)[0])


@functools.lru_cache(maxsize=None)
def eigvals_rev():
    return zymase.autodiff_reverse(eigvals_f, Duplicated, Const, ret=Active)


@pytest.mark.parametrize("n", SIZES)
def test_eigenvalue_closed_form(n):
    """∇ Σ cᵢ λᵢ = Q diag(c) Qᵀ, folded onto the lower triangle that eigh and eigvalsh read."""
    S, W, _ = _data("sym", n, seed=1)
    c = W[0].copy()
    lam, Q = np.linalg.eigh(S)
    G = Q @ np.diag(c + c[::-1]) @ Q.T
    g = np.zeros_like(S)
    eigvals_rev()(S, g, c, 1.0)
    np.testing.assert_allclose(g, np.tril(G + G.T) - np.diag(np.diag(G)), rtol=1e-10,
                               atol=1e-12)


def test_repeated_eigenvalues_with_values_only():
    """At A = 2I every eigenvalue is repeated: the trace still has gradient I through eigvalsh
    and through eigh with its eigenvectors unused (checked quotients: no 0·∞)."""
    g = np.zeros((3, 3))
    eigvals_rev()(2.0 * np.eye(3), g, np.ones(3), 1.0)
    np.testing.assert_allclose(g, 2.0 * np.eye(3), rtol=1e-13, atol=1e-14)


def logdet(A):
    return np.linalg.slogdet(A)[1]


def test_second_order_through_the_rules():
    """Forward over reverse differentiates the adjoint code of getrf (gemms, gesv, row swaps,
    element-wise loops) again: H[V] of log|det A| is −A⁻ᵀ Vᵀ A⁻ᵀ."""
    A, _, V = _data("lu", 3, seed=7)
    X = np.linalg.inv(A)
    hv = zymase.hvp(logdet, (A,), (V[0],))
    np.testing.assert_allclose(hv, -X.T @ V[0].T @ X.T, rtol=1e-10, atol=1e-12)


@numba.njit
def _call_in_njit(df, args):
    return df(*args)


def test_callable_from_njit():
    """A gradient through getrf/getri inside @njit code: the same bits as from Python (one
    case: each njit caller costs seconds to compile, and the calling convention does not
    depend on the rules)."""
    A, W, V = _data("lu", 3, seed=2)
    rev = deriv("lu", "rev", 1)
    g_py, g_nb = np.zeros_like(A), np.zeros_like(A)
    y_py = rev(A, g_py, W, 1.0)
    y_nb = _call_in_njit(rev, (A, g_nb, W, 1.0))
    assert y_py == y_nb
    np.testing.assert_array_equal(g_nb, g_py)


@pytest.mark.parametrize("name", ["sym", "sv", "lstsq"])
def test_other_rules_callable_from_njit(name):
    """eigh/eigvalsh/cholesky, the SVD family and lstsq inside @njit code, both modes (the
    width-4 derivatives the first test compiled): the same bits as from Python."""
    A, W, V = _data(name, 3, seed=2)
    fwd, rev = deriv(name, "fwd", 4), deriv(name, "rev", 4)
    t_py = fwd(A, V.copy(), W)
    t_nb = _call_in_njit(fwd, (A, V.copy(), W))
    np.testing.assert_array_equal(t_nb, t_py)
    g_py, g_nb = np.zeros((4,) + A.shape), np.zeros((4,) + A.shape)
    y_py = rev(A, g_py, W, SEEDS4.copy())
    y_nb = _call_in_njit(rev, (A, g_nb, W, SEEDS4.copy()))
    assert y_py == y_nb
    np.testing.assert_array_equal(g_nb, g_py)


def chol_f(A, W):
    return np.sum(W * np.linalg.cholesky(A))


def test_cholesky_closed_form():
    """dL = L Φ(L⁻¹ Ȧ L⁻ᵀ) (Φ: the lower triangle with half the diagonal), with Ȧ the
    symmetric matrix of the lower triangle cholesky reads; the gradient is its adjoint
    (⟨J v, W⟩ = ⟨v, Jᵀ W⟩ on the lower triangle, zero above)."""
    A, W, V = _data("sym", 4, seed=4)
    L = np.linalg.cholesky(A)
    Li = np.linalg.inv(L)

    def tangent(Vd):
        S = np.tril(Vd) + np.tril(Vd, -1).T
        X = Li @ S @ Li.T
        return float(np.sum(W * (L @ (np.tril(X, -1) + 0.5 * np.diag(np.diag(X))))))
    fwd = zymase.autodiff_forward(chol_f, Dual, Const, ret=DualOnly)
    rev = zymase.autodiff_reverse(chol_f, Duplicated, Const, ret=Active)
    g = np.zeros_like(A)
    rev(A, g, W, 1.0)
    assert np.all(np.triu(g, 1) == 0.0)
    for k in range(2):
        want = tangent(V[k])
        assert fwd(A, V[k].copy(), W) == pytest.approx(want, rel=1e-10)
        assert float(np.vdot(V[k], g)) == pytest.approx(want, rel=1e-10)
    E = np.zeros_like(A)
    for i in range(4):                      # the gradient entry by entry
        for j in range(i + 1):
            E[:] = 0.0
            E[i, j] = 1.0
            assert g[i, j] == pytest.approx(tangent(E), rel=1e-10, abs=1e-13)


def lstsq_w(A, b, w):
    return np.sum(w * np.linalg.lstsq(A, b)[0])


def test_lstsq_closed_form():
    """Full column rank: x = (AᵀA)⁻¹Aᵀb; with z = (AᵀA)⁻¹w and r = b − Ax,
    ∇_b ⟨w, x⟩ = A z and ∇_A ⟨w, x⟩ = r zᵀ − (A z) xᵀ."""
    rng = np.random.default_rng(8)
    A, b, w = rng.standard_normal((5, 3)), rng.standard_normal(5), rng.standard_normal(3)
    x = np.linalg.solve(A.T @ A, A.T @ b)
    z = np.linalg.solve(A.T @ A, w)
    gA, gb = np.zeros_like(A), np.zeros_like(b)
    y = zymase.autodiff_reverse(lstsq_w, Duplicated, Duplicated, Const, ret=Active)(
        A, gA, b, gb, w, 1.0)
    assert y == pytest.approx(float(w @ x), rel=1e-12)
    np.testing.assert_allclose(gb, A @ z, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(gA, np.outer(b - A @ x, z) - np.outer(A @ z, x), rtol=1e-10,
                               atol=1e-13)


def test_pinv_reverse_closed_form_and_njit():
    """∇⟨W, A⁺⟩ = −A⁺ᵀWA⁺ᵀ + (I − AA⁺)WᵀA⁺A⁺ᵀ + A⁺ᵀA⁺Wᵀ(I − A⁺A) (Golub–Pereyra), for a
    full-rank A of either shape; reverse against it, forward against reverse, and both
    called from @njit."""
    fwd = pinv_fwd()
    rev = zymase.autodiff_reverse(pinv_f, Duplicated, Const, ret=Active)
    rng = np.random.default_rng(9)
    for shape in [(3, 2), (2, 3)]:
        A, V = rng.standard_normal(shape), rng.standard_normal(shape)
        W = rng.standard_normal(shape[::-1])
        P = np.linalg.pinv(A)
        G = (-P.T @ W @ P.T + (np.eye(shape[0]) - A @ P) @ W.T @ P @ P.T
             + P.T @ P @ W.T @ (np.eye(shape[1]) - P @ A))
        g = np.zeros_like(A)
        assert rev(A, g, W, 1.0) == pytest.approx(pinv_f(A, W), rel=1e-12)
        np.testing.assert_allclose(g, G, rtol=1e-9, atol=1e-12)
        assert fwd(A, V.copy(), W) == pytest.approx(float(np.vdot(V, G)), rel=1e-9)
        g_nb = np.zeros_like(A)
        _call_in_njit(rev, (A, g_nb, W, 1.0))
        np.testing.assert_array_equal(g_nb, g)
        assert _call_in_njit(fwd, (A, V.copy(), W)) == fwd(A, V.copy(), W)


def f32_f(A):
    return np.sum(np.linalg.inv(A)) + np.sum(np.linalg.cholesky(A)) \
        + np.sum(np.linalg.eigvalsh(A) ** 2)


def test_float32():
    A, _, V = _data("sym", 4, seed=3)
    g = np.zeros((4, 4), np.float32)
    zymase.autodiff_reverse(f32_f, Duplicated, ret=Active)(A.astype(np.float32), g,
                                                           np.float32(1.0))
    for k in range(2):
        fd = float(fd_jvp(f32_f, (A,), (V[k],), STEP).value)
        assert float(np.vdot(V[k], g)) == pytest.approx(fd, rel=2e-3, abs=1e-4)


def eig_general_f(A):
    return np.sum(np.linalg.eigvals(A).real)


def inv_complex_f(A):
    return np.linalg.inv(A + 0j)[0, 0].real


REFUSED = [(eig_general_f, "np.linalg.eig"),
           (inv_complex_f, "complex")]


@pytest.mark.parametrize("f,what", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_refused_with_name_and_line(f, what):
    with pytest.raises(zymase.UnsupportedError, match=what) as e:
        zymase.autodiff_reverse(f, Duplicated, ret=Active)(np.eye(3) + 1.0, np.zeros((3, 3)),
                                                          1.0)
    assert "test_lapack.py" in str(e.value)
