"""Reverse mode (autodiff_reverse): Enzyme semantics checked against finite differences,
forward mode (<J v, w> = <v, J^T w>) and ADBench golden gradients."""
import json
import math
import os

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, ActiveOnly, Const, Dual, Duplicated
from zymase.gradbench.adbench import gmm as ob_gmm, lstm as ob_lstm

from tests.support import assert_fd_close, check_grads, fd_gradient, fd_jvp

DATA = os.path.join(os.path.dirname(__file__), "..", "adbench", "data")


def scaled_sines(x, a, n):
    s = 0.0
    for i in range(n):
        x[i] = x[i] * a
        s += math.sin(x[i]) * a
    return s


def test_active_and_duplicated_against_fd():
    rng = np.random.default_rng(1)
    x0 = rng.random(7)
    x, dx = x0.copy(), np.zeros(7)
    df = zymase.autodiff_reverse(scaled_sines, Duplicated, Active, Const, ret=Active)
    y, da = df(x, dx, 1.3, 7, 1.0)
    prim = numba.njit(scaled_sines)
    assert y == pytest.approx(prim(x0.copy(), 1.3, 7), rel=1e-14)
    fd_x = fd_gradient(lambda v: prim(v, 1.3, 7), x0, 1e-6, relative=False)
    assert_fd_close(dx, fd_x, 1e-7, what="dx")
    assert_fd_close(da, fd_jvp(prim, (x0, 1.3, 7), (None, 1.0, None), 1e-6), 1e-7, what="da")
    np.testing.assert_allclose(x, x0 * 1.3, rtol=1e-15)  # the primal's final contents


def test_adjoint_added_and_output_adjoint_used():
    """dx holds the adjoint of x's final contents on entry; the result is added to the
    sensitivity of the return: x_bar = J_x'^T dx + seed * grad r."""
    rng = np.random.default_rng(2)
    x0 = rng.random(5)
    w = rng.random(5)
    seed = 0.7
    df = zymase.autodiff_reverse(scaled_sines, Duplicated, Const, Const, ret=ActiveOnly)
    dx = w.copy()
    res = df(x0.copy(), dx, 1.3, 5, seed)
    assert res is None  # ActiveOnly with no Active argument: nothing to return
    prim = numba.njit(scaled_sines)

    def lagrangian(v):
        r = prim(v, 1.3, 5)                       # writes v: its final contents count too
        return seed * r + float(np.dot(w, v))
    assert_fd_close(dx, fd_gradient(lagrangian, x0, 1e-6, relative=False), 1e-7)


def test_forward_reverse_agree():
    """<J v, w> == <v, J^T w> for the return value."""
    rng = np.random.default_rng(3)
    x0 = rng.random(6)
    v = rng.standard_normal(6)
    fwd = zymase.autodiff_forward(scaled_sines, Dual, Const, Const, ret=Dual)
    _, jv = fwd(x0.copy(), v.copy(), 1.1, 6)
    rev = zymase.autodiff_reverse(scaled_sines, Duplicated, Const, Const, ret=Active)
    dx = np.zeros(6)
    rev(x0.copy(), dx, 1.1, 6, 1.0)
    assert jv == pytest.approx(float(np.dot(v, dx)), rel=1e-12)


def test_check_grads():
    """Forward and reverse mode against finite differences and each other (the dot-product
    test), and forward over reverse (Hessian-vector products), on a function that also
    updates its array argument and on ADBench's GMM test instance."""
    x0 = np.random.default_rng(4).random(7)
    check_grads(scaled_sines, (x0, 1.3, 7))
    # second order with respect to x only: zymase.hvp with respect to `a` makes x Const, and
    # scaled_sines stores active values into x (refused with UnsupportedError)
    check_grads(scaled_sines, (x0, 1.3, 7), order=2, argnums=(0,))
    alphas, means, icf, x, gamma, m = ob_gmm.load_gmm(os.path.join(DATA, "gmm", "test.txt"))
    check_grads(ob_gmm.gmm_objective, (alphas, means, icf, x, gamma, m), argnums=(0, 1, 2))


def test_gmm_golden_gradient():
    golden = json.load(open(os.path.join(DATA, "gmm_golden.json")))["values"]
    alphas, means, icf, x, gamma, m = ob_gmm.load_gmm(os.path.join(DATA, "gmm", "test.txt"))
    df = zymase.autodiff_reverse(ob_gmm.gmm_objective, Duplicated, Duplicated, Duplicated, Const,
                                 Const, Const, ret=Active)
    da, dm, di = np.zeros_like(alphas), np.zeros_like(means), np.zeros_like(icf)
    y = df(alphas, da, means, dm, icf, di, x, gamma, m, 1.0)
    assert abs(y - golden["objective_calculation_correctness.expected_scalar"]) < 1e-8
    grad = ob_gmm.gmm_flatten(da, dm, di)
    expected = np.array(golden["jacobian_calculation_correctness.expected_gradient"])
    assert np.max(np.abs(grad - expected)) < 1e-8


def test_lstm_golden_gradient():
    golden = json.load(open(os.path.join(DATA, "lstm_golden.json")))["values"]
    main, extra, state, seq = ob_lstm.load_lstm(os.path.join(DATA, "lstm", "lstm_l2_c1024.txt"))
    df = zymase.autodiff_reverse(ob_lstm.lstm_objective, Duplicated, Duplicated, Const, Const,
                                 ret=Active)
    dmain, dextra = np.zeros_like(main), np.zeros_like(extra)
    y = df(main, dmain, extra, dextra, state, seq, 1.0)
    assert abs(y - golden["objective_calculation_correctness.expected_scalar"]) < 1e-7
    grad = ob_lstm.lstm_flatten(dmain, dextra)
    expected = np.array(golden["jacobian_calculation_correctness.expected_gradient"])
    assert np.max(np.abs(grad - expected)) < 1e-8


def test_reverse_callable_from_njit():
    df = zymase.autodiff_reverse(scaled_sines, Duplicated, Active, Const, ret=Active)
    x0 = np.linspace(0.1, 0.9, 4)

    @numba.njit
    def caller(x, dx):
        return df(x, dx, 1.3, 4, 1.0)
    x1, dx1 = x0.copy(), np.zeros(4)
    y1, da1 = caller(x1, dx1)
    x2, dx2 = x0.copy(), np.zeros(4)
    y2, da2 = df(x2, dx2, 1.3, 4, 1.0)
    assert (y1, da1) == (y2, da2)
    np.testing.assert_array_equal(dx1, dx2)
    np.testing.assert_array_equal(x1, x2)


def test_loops_without_adjoint_work_are_skipped():
    """A nearest-centroid search has no derivative work: the adjoint sweep jumps over it, so
    its tape grows with the points (two values per point), not with points × centroids
    (a control-flow record per comparison), and the gradient is still exact."""
    from tests.corpus.differentiable import nearest_centroid_cost
    rng = np.random.default_rng(3)
    c = np.linspace(-3.0, 3.0, 50)
    x = rng.uniform(-3.0, 3.0, 400)
    df = zymase.autodiff_reverse(nearest_centroid_cost, Const, Duplicated, ret=ActiveOnly)
    dc = np.zeros_like(c)
    df(x, c, dc, 1.0)
    want = np.zeros_like(c)
    for xi in x:
        j = int(np.argmin((xi - c) ** 2))
        want[j] += -2.0 * (xi - c[j]) * (1.0 + 0.1 * j)
    np.testing.assert_allclose(dc, want, rtol=1e-13, atol=1e-14)
    assert df.tape_bytes() <= 8 * 4 * x.size + 4096, df.tape_bytes()
