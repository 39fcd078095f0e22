"""Parameters with default values (issue 18).

A call may leave out trailing parameters that have defaults: Numba types them as
``Omitted(default)`` and compiles the default into the body, so they are ``Const``.  In the
activity API the number of activities is the number of arguments passed; in the JAX
vocabulary the arguments given (positionally or by keyword) are what is passed.  Passing the
default explicitly makes it an ordinary argument (Const, or differentiated when in
``argnums`` / given an active activity).  Derivatives are checked against central finite
differences of the plain ``numba.njit`` primal, forward against reverse by the dot-product
test, and called from ``@njit`` code.
"""
from __future__ import annotations

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, ActiveOnly, Const, Dual, DualOnly, Duplicated, DuplicatedOnly
from tests.support import assert_fd_close, check_dot_product, fd_gradient, fd_jacobian, fd_jvp

RTOL = 1e-6


def powsum(x, p=2.0):
    return np.sum(x ** p) + p * x[0]


def scaled_sin(x, s=3.0, w=None):
    y = np.sin(x) * s
    if w is not None:
        y = y * w
    return y


WEIGHTS = np.array([0.5, -1.5, 2.0])


def weighted(x, w=WEIGHTS, shift=np.array([1.0, 2.0, 3.0])):
    return np.sum(w * (x + shift) ** 2)


X = np.array([0.7, 1.3, 2.1])
P = 2.5


def _jit(f):
    return numba.njit(f)


# -- activity API ------------------------------------------------------------------------------
def test_reverse_omitted_default_is_const():
    d = zymase.autodiff_reverse(powsum, Duplicated, ret=Active)
    x = X.copy()
    dx = np.zeros(3)
    y = d(x, dx, 1.0)
    assert y == pytest.approx(_jit(powsum)(X))
    assert_fd_close(dx, fd_gradient(lambda v: _jit(powsum)(v), X), RTOL, what="d/dx, p omitted")
    np.testing.assert_array_equal(x, X)
    # closed form with p = 2: 2x, plus p on x[0]
    np.testing.assert_allclose(dx, 2 * X + np.array([2.0, 0, 0]), rtol=1e-14)


def test_reverse_explicit_default_is_an_ordinary_argument():
    f = _jit(powsum)
    d = zymase.autodiff_reverse(powsum, Duplicated, Active, ret=Active)
    dx = np.zeros(3)
    y, dp = d(X, dx, P, 2.0)       # seed 2
    assert y == pytest.approx(f(X, P))
    assert_fd_close(dx / 2, fd_gradient(lambda v: f(v, P), X), RTOL, what="d/dx")
    assert_fd_close(dp / 2, fd_jvp(f, (X, P), (None, 1.0)), RTOL, what="d/dp")
    # Const when passed explicitly but not differentiated
    dc = zymase.autodiff_reverse(powsum, Duplicated, Const, ret=ActiveOnly)
    dx2 = np.zeros(3)
    assert dc(X, dx2, P, 1.0) is None
    np.testing.assert_allclose(dx2, dx / 2, rtol=1e-14)


def test_forward_omitted_and_explicit_and_dot_product():
    f = _jit(powsum)
    v = np.array([0.3, -1.1, 0.8])
    fwd = zymase.autodiff_forward(powsum, Dual, ret=Dual)
    y, t = fwd(X, v)
    assert y == pytest.approx(f(X))
    assert_fd_close(t, fd_jvp(f, (X,), (v,)), RTOL, what="jvp, p omitted")
    fwd2 = zymase.autodiff_forward(powsum, Dual, Dual, ret=DualOnly)
    t2 = fwd2(X, v, P, 0.7)
    assert_fd_close(t2, fd_jvp(f, (X, P), (v, 0.7)), RTOL, what="jvp, p explicit")
    # <J v, w> = <v, J^T w> for the function with p left out
    w = 1.7
    rev = zymase.autodiff_reverse(powsum, Duplicated, ret=ActiveOnly)
    dx = np.zeros(3)
    rev(X, dx, w)
    check_dot_product([t * w], list(v * dx))


def test_array_result_with_omitted_defaults():
    f = _jit(scaled_sin)
    wbar = np.array([1.0, -2.0, 0.5])
    rev = zymase.autodiff_reverse(scaled_sin, Duplicated, ret=Duplicated)
    dx = np.zeros(3)
    y = rev(X, dx, wbar)
    np.testing.assert_allclose(y, f(X), rtol=1e-14)
    np.testing.assert_allclose(dx, 3.0 * np.cos(X) * wbar, rtol=1e-14)
    # the None default passed explicitly as an array: an ordinary Const argument
    rev2 = zymase.autodiff_reverse(scaled_sin, Duplicated, Const, Const, ret=DuplicatedOnly)
    dx2 = np.zeros(3)
    assert rev2(X, dx2, 2.0, WEIGHTS, wbar) is None
    np.testing.assert_allclose(dx2, 2.0 * np.cos(X) * WEIGHTS * wbar, rtol=1e-14)


def test_width_n_with_omitted_default():
    seeds = np.array([[1.0, 0.0, 0.0], [0.0, 2.0, 1.0]])
    rev = zymase.autodiff_reverse(scaled_sin, Duplicated, ret=Duplicated, width=2)
    dx = np.zeros((2, 3))
    rev(X, dx, seeds)
    np.testing.assert_allclose(dx, 3.0 * np.cos(X) * seeds, rtol=1e-14)
    fwd = zymase.autodiff_forward(powsum, Dual, ret=DualOnly, width=2)
    v = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, -1.0]])
    t = fwd(X, v)
    g = 2 * X + np.array([2.0, 0, 0])
    np.testing.assert_allclose(t, v @ g, rtol=1e-13)


def test_called_from_njit():
    rev = zymase.autodiff_reverse(powsum, Duplicated, ret=Active)
    fwd = zymase.autodiff_forward(powsum, Dual, ret=Dual)

    @numba.njit
    def both(x, v):
        dx = np.zeros_like(x)
        y = rev(x, dx, 1.0)
        y2, t = fwd(x, v)
        return y, dx, y2, t
    v = np.array([1.0, 2.0, -1.0])
    y, dx, y2, t = both(X, v)
    g = 2 * X + np.array([2.0, 0, 0])
    assert y == y2 == pytest.approx(_jit(powsum)(X))
    np.testing.assert_allclose(dx, g, rtol=1e-14)
    assert t == pytest.approx(v @ g, rel=1e-14)


def test_array_and_none_defaults_are_constant():
    f = _jit(weighted)
    d = zymase.autodiff_reverse(weighted, Duplicated, ret=ActiveOnly)
    dx = np.zeros(3)
    d(X, dx, 1.0)
    np.testing.assert_allclose(dx, 2 * WEIGHTS * (X + np.array([1.0, 2.0, 3.0])), rtol=1e-14)
    # the default array passed explicitly and differentiated
    g = zymase.grad(weighted, (0, 1))(X, WEIGHTS)
    assert_fd_close(g[1], fd_gradient(lambda w: f(X, w), WEIGHTS), RTOL, what="d/dw")
    assert_fd_close(g[0], fd_gradient(lambda v: f(v), X), RTOL, what="d/dx")


# -- JAX vocabulary ------------------------------------------------------------------------------
def test_grad_and_value_and_grad():
    f = _jit(powsum)
    x = X.copy()
    assert_fd_close(zymase.grad(powsum)(x), fd_gradient(f, X), RTOL, what="grad")
    y, (gx, gp) = zymase.value_and_grad(powsum, (0, 1))(x, P)
    assert y == pytest.approx(f(X, P))
    assert_fd_close(gp, fd_jvp(f, (X, P), (None, 1.0)), RTOL, what="d/dp")
    assert_fd_close(gx, fd_gradient(lambda v: f(v, P), X), RTOL, what="d/dx")
    np.testing.assert_array_equal(x, X)
    # a keyword argument is passed (by position), not differentiated unless in argnums
    np.testing.assert_allclose(zymase.grad(powsum)(x, p=P), gx, rtol=1e-14)
    y2, (gx2, gp2) = zymase.value_and_grad(powsum, (0, 1))(x, p=P)
    assert (y2, gp2) == (y, gp)


def test_keyword_skipping_a_default_passes_it():
    def k(x, a=1.0, b=2.0):
        return np.sum(x) * a + b * x[0] ** 2
    g = zymase.grad(k, (0, 2))(X, b=3.0)
    np.testing.assert_allclose(g[0], np.ones(3) + np.array([6 * X[0], 0, 0]), rtol=1e-14)
    assert g[1] == pytest.approx(X[0] ** 2, rel=1e-14)
    with pytest.raises(zymase.ActivityError, match="unexpected keyword"):
        zymase.grad(k)(X, c=1.0)


def test_jvp_vjp_jacobian_hessian():
    f = _jit(scaled_sin)
    v = np.array([0.2, -0.4, 1.0])
    y, t = zymase.jvp(scaled_sin, (X,), (v,))
    np.testing.assert_allclose(y, f(X), rtol=1e-14)
    assert_fd_close(t, fd_jvp(f, (X,), (v,)), RTOL, what="jvp")
    y, back = zymase.vjp(scaled_sin, X)
    w = np.array([1.0, 0.5, -2.0])
    (xb,) = back(w)
    check_dot_product(list(t * w), list(v * xb))
    for mode in ("forward", "reverse"):
        J = zymase.jacobian(scaled_sin, mode=mode)(X)
        assert_fd_close(J, fd_jacobian(f, X), RTOL, what=f"jacobian {mode}")
    # explicit default: the scale s differentiated
    Js = zymase.jacobian(scaled_sin, 1)(X, 3.0)
    np.testing.assert_allclose(Js, np.sin(X), rtol=1e-14)
    g = _jit(powsum)
    H = zymase.hessian(powsum)(X)
    np.testing.assert_allclose(H, 2 * np.eye(3), rtol=1e-13)
    Hp = zymase.hessian(powsum)(X, P)
    assert_fd_close(Hp, fd_jacobian(lambda v: zymase.grad(powsum)(v, P), X), 1e-5,
                    what="hessian, p explicit")
    assert g(X, P) == pytest.approx(np.sum(X ** P) + P * X[0])


# -- refusals --------------------------------------------------------------------------------------
def test_activity_count_errors():
    with pytest.raises(zymase.ActivityError, match=r"expected 1 to 2 activities.*found 0"):
        zymase.autodiff_reverse(powsum, ret=Active)
    with pytest.raises(zymase.ActivityError, match=r"expected 1 to 2 activities.*found 3"):
        zymase.autodiff_reverse(powsum, Duplicated, Active, Const, ret=Active)
    d = zymase.autodiff_reverse(powsum, Duplicated, ret=Active)
    with pytest.raises(zymase.ActivityError, match="takes 3 arguments, 4 given"):
        d(X, np.zeros(3), P, 1.0)
