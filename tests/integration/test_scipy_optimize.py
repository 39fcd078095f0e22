"""zymase.scipy_optimize: derivatives for SciPy's minimize / least_squares / solve_ivp.

Each helper is checked against closed forms (SciPy's own Rosenbrock derivatives, the Robertson
Jacobian) and each example of ``examples/scipy_examples.py`` is solved with SciPy's finite
differences and with zymase: same optimum / solution, fewer function evaluations with zymase.
"""
import os
import sys

import numpy as np
import pytest

pytest.importorskip("scipy", reason="scipy is not installed")
from scipy.optimize import minimize, rosen, rosen_der, rosen_hess, rosen_hess_prod  # noqa: E402

import zymase.scipy_optimize as zo  # noqa: E402

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples")
sys.path.insert(0, os.path.abspath(EXAMPLES))
import scipy_examples as ex  # noqa: E402

X8 = np.array([-1.2, 1.0, 0.3, -0.7, 1.5, 0.2, -0.4, 0.9])


def test_value_and_grad_is_one_call_and_exact():
    vg = zo.value_and_grad(ex.rosenbrock)
    v, g = vg(X8)
    assert v == pytest.approx(rosen(X8), rel=1e-14)
    np.testing.assert_allclose(g, rosen_der(X8), rtol=1e-13, atol=1e-12)
    g[:] = 0.0                       # a returned gradient is the caller's to keep
    np.testing.assert_allclose(vg(X8)[1], rosen_der(X8), rtol=1e-13, atol=1e-12)
    assert vg.calls == 2
    res = minimize(vg, X8, jac=True, method="BFGS")
    assert vg.calls - 2 == res.nfev   # SciPy evaluates the objective once per point
    assert zo.grad(ex.rosenbrock)(X8) == pytest.approx(rosen_der(X8), rel=1e-13)


def test_hessp_and_hess_match_closed_form():
    p = np.linspace(-1.0, 1.0, 8)
    hp = zo.hessp(ex.rosenbrock)
    np.testing.assert_allclose(hp(X8, p), rosen_hess_prod(X8, p), rtol=1e-13, atol=1e-10)
    np.testing.assert_allclose(hp(X8 + 0.1, p), rosen_hess_prod(X8 + 0.1, p), rtol=1e-13,
                               atol=1e-10)
    H = zo.hess(ex.rosenbrock, width=3)(X8)      # 3 lanes: the last block is padded
    np.testing.assert_allclose(H, rosen_hess(X8), rtol=1e-13, atol=1e-10)


def test_dense_jacobians_forward_and_reverse():
    p0, (t, y) = ex.decay_problem(m=20)
    p = np.array([2.0, 0.5, 0.7, 1.8])
    a, b, c, w = p
    exact = np.stack([np.exp(-b * t), -a * t * np.exp(-b * t), np.cos(w * t),
                      -c * t * np.sin(w * t)], axis=1)
    np.testing.assert_allclose(zo.jacobian(ex.decay_residuals)(p, t, y), exact,
                               rtol=1e-13, atol=1e-14)
    np.testing.assert_allclose(zo.jacobian(ex.decay_residuals, mode="reverse", width=8)(p, t, y),
                               exact, rtol=1e-13, atol=1e-14)


def test_sparse_jacobian_pattern_and_colouring():
    n = 40
    S = ex.broyden_sparsity(n)
    J = zo.sparse_jacobian(ex.broyden_tridiagonal, S, verify=True)
    assert J.n_groups == 3
    x = np.linspace(-1.0, 1.0, n)
    Js = J(x)
    assert Js.nnz == S.nnz
    dense = np.diag(3.0 - 2.0 * x) + np.diag(-np.ones(n - 1), -1) + np.diag(-2.0 * np.ones(n - 1), 1)
    np.testing.assert_allclose(Js.toarray(), dense, rtol=1e-15, atol=0)
    # a pattern that misses a non-zero is refused (verify=True)
    bad = zo.sparse_jacobian(ex.broyden_tridiagonal,
                             __import__("scipy.sparse").sparse.eye(n), verify=True)
    with pytest.raises(ValueError, match="outside the sparsity pattern"):
        bad(x)


def test_colour_columns_groups_are_structurally_orthogonal():
    rng = np.random.default_rng(0)
    S = rng.random((30, 20)) < 0.1
    g = zo.colour_columns(S)
    for grp in range(g.max() + 1):
        assert S[:, g == grp].sum(axis=1).max() <= 1


def test_ode_jacobian_is_exact():
    J = zo.ode_jacobian(ex.robertson)
    y = np.array([0.7, 2e-5, 0.3])
    np.testing.assert_allclose(J(1.0, y, *ex.ROBERTSON_ARGS),
                               ex.robertson_exact_jacobian(1.0, y, *ex.ROBERTSON_ARGS),
                               rtol=1e-15, atol=0)


@pytest.fixture
def _diffusion():
    import numba

    @numba.njit
    def rhs(t, u, k):
        """Stiff 1-D diffusion with a cubic reaction: du_i = k(u_{i-1} − 2u_i + u_{i+1}) − u_i³."""
        n = u.shape[0]
        out = np.empty(n)
        for i in range(n):
            left = u[i - 1] if i > 0 else 0.0
            right = u[i + 1] if i < n - 1 else 0.0
            out[i] = k * (left - 2.0 * u[i] + right) - u[i] ** 3
        return out
    return rhs


def test_sparse_ode_jacobian_with_bdf(_diffusion):
    from scipy.integrate import solve_ivp
    from scipy.sparse import diags
    n, k = 30, 400.0
    S = diags([1, 1, 1], [-1, 0, 1], shape=(n, n), dtype=int)
    J = zo.ode_jacobian(_diffusion, sparsity=S, verify=True)
    u = np.linspace(0.1, 1.0, n)
    exact = k * (np.diag(-2.0 * np.ones(n)) + np.diag(np.ones(n - 1), 1)
                 + np.diag(np.ones(n - 1), -1)) - np.diag(3.0 * u ** 2)
    np.testing.assert_allclose(J(0.0, u, k).toarray(), exact, rtol=1e-15, atol=1e-12)
    assert J.n_groups == 3
    u0 = np.sin(np.linspace(0.0, np.pi, n))
    zy = solve_ivp(_diffusion, (0.0, 1.0), u0, method="BDF", jac=J, args=(k,), rtol=1e-8,
                   atol=1e-10)
    fd = solve_ivp(_diffusion, (0.0, 1.0), u0, method="BDF", jac_sparsity=S, args=(k,),
                   rtol=1e-8, atol=1e-10)
    assert zy.success and fd.success
    np.testing.assert_allclose(zy.y[:, -1], fd.y[:, -1], rtol=1e-5, atol=1e-9)


def _fewer(row):
    assert row["zy_evals"] < row["fd_evals"], row


def test_rosenbrock_bfgs():
    row = ex.run_rosenbrock_bfgs()
    fd, zy = row["fd"], row["zy"]
    assert zy.success            # finite differences stop on "precision loss" (status 2)
    np.testing.assert_allclose(zy.x, np.ones(8), atol=1e-7)
    np.testing.assert_allclose(fd.x, zy.x, atol=1e-4)
    assert zy.nfev == row["zy_evals"] == row["zy_deriv"]["value_and_grad"]  # one call per point
    _fewer(row)


def test_rosenbrock_trust_ncg_hessp():
    row = ex.run_rosenbrock_trust_ncg()
    fd, zy = row["fd"], row["zy"]
    assert zy.success
    np.testing.assert_allclose(zy.x, np.ones(8), atol=1e-9)
    np.testing.assert_allclose(fd.x, zy.x, atol=1e-4)
    assert 0 < row["zy_deriv"]["hessp"] <= zy.nhev
    assert zy.nfev == row["zy_evals"]
    _fewer(row)


def test_gmm_fit_bfgs():
    row = ex.run_gmm_bfgs()
    fd, zy = row["fd"], row["zy"]
    assert zy.success
    assert zy.fun == pytest.approx(fd.fun, rel=1e-12)
    np.testing.assert_allclose(fd.x, zy.x, atol=1e-4)
    assert np.linalg.norm(zy.jac) < 1e-5
    _fewer(row)


def test_curve_fit_least_squares_dense():
    row = ex.run_decay_least_squares()
    fd, zy = row["fd"], row["zy"]
    assert fd.success and zy.success
    np.testing.assert_allclose(zy.x, fd.x, rtol=1e-8)
    np.testing.assert_allclose(zy.x, [2.5, 0.7, 0.8, 1.9], atol=0.05)
    _fewer(row)


def test_broyden_least_squares_sparse():
    row = ex.run_broyden_sparse(n=200)
    fd, zy = row["fd"], row["zy"]
    assert fd.success and zy.success and row["groups"] == 3
    np.testing.assert_allclose(zy.x, fd.x, atol=1e-10)
    assert np.max(np.abs(zy.fun)) < 1e-10
    _fewer(row)


@pytest.mark.parametrize("method", ["BDF", "Radau", "LSODA"])
def test_robertson_stiff(method):
    row = ex.run_robertson(method)
    fd, zy = row["fd"], row["zy"]
    assert fd.success and zy.success
    np.testing.assert_allclose(zy.y[:, -1], fd.y[:, -1], rtol=1e-5, atol=1e-10)
    np.testing.assert_allclose(zy.y[:, -1].sum(), 1.0, rtol=1e-7)   # mass is conserved
    _fewer(row)


def test_table_prints_every_row():
    rows = [ex.run_decay_least_squares()]
    text = ex.table(rows)
    assert "curve fit" in text and "least_squares" in text
