"""Reverse mode of functions returning tuples (issue 18).

Activity API: ``autodiff_reverse(f, …, ret=Duplicated)`` (or ``DuplicatedOnly``) takes as its
trailing seed a tuple shaped like the result: a float for a float element, an array for an
array element (arrays may be allocated inside f: their shadows are allocated, seeded and
freed), anything (None) for an integer/None element; at width N every seed gains a leading
lane axis.  JAX vocabulary: ``vjp``'s pullback takes a tuple of cotangents; ``jacobian`` gives
one Jacobian per element.  Checked against central finite differences of ``<w, f(x)>``,
closed forms, forward mode (dot-product test with ``jvp``), width-1 lanes, calls from
``@njit``, and NRT balance.
"""
from __future__ import annotations

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, DualOnly, Duplicated, DuplicatedOnly
from tests.support import assert_fd_close, check_dot_product, fd_gradient, fd_jvp

RTOL = 1e-6


def two_arrays(x):
    y = np.sin(x)
    return y, x * x * 2.0


def mixed(x, s):
    y = np.exp(-x) * s
    return y, np.sum(x * x) * s


def nested(x):
    return (np.sum(x * x), (x[0] * x[1], 3)), np.cos(x), len(x)


def shared(x):
    y = x * 3.0
    return y, y, x


def matrices(a, b):
    return a @ b, np.tanh(a).T, float(np.sum(b))


X = np.array([0.5, 1.0, 2.0, -0.3])
S = 1.5


def _seed_dot(y, w):
    """<w, y> over the float leaves of a (nested) tuple result."""
    total = 0.0
    for a, b in zip(y, w):
        if isinstance(a, tuple):
            total += _seed_dot(a, b)
        elif isinstance(a, (float, np.ndarray)):
            total += float(np.sum(np.asarray(a, dtype=np.float64) * b))
    return total


def _nrt():
    from numba.core.runtime import _nrt_python, rtsys
    _nrt_python.memsys_enable_stats()
    s = rtsys.get_allocation_stats()
    return s.alloc - s.free, s.mi_alloc - s.mi_free


# -- activity API ------------------------------------------------------------------------------
def test_tuple_of_allocated_arrays():
    f = numba.njit(two_arrays)
    w = (np.array([1.0, 2.0, -1.0, 0.5]), np.array([0.5, 0.5, -1.0, 3.0]))
    d = zymase.autodiff_reverse(two_arrays, Duplicated, ret=Duplicated)
    x = X.copy()
    dx = np.zeros(4)
    y = d(x, dx, w)
    np.testing.assert_array_equal(x, X)
    for a, b in zip(y, f(X)):
        np.testing.assert_allclose(a, b, rtol=1e-14)
    np.testing.assert_allclose(dx, np.cos(X) * w[0] + 4 * X * w[1], rtol=1e-14)
    assert_fd_close(dx, fd_gradient(lambda v: _seed_dot(f(v), w), X), RTOL, what="d<w,f>/dx")
    # DuplicatedOnly: nothing comes back, the adjoint is the same
    d2 = zymase.autodiff_reverse(two_arrays, Duplicated, ret=DuplicatedOnly)
    dx2 = np.zeros(4)
    assert d2(X, dx2, w) is None
    np.testing.assert_array_equal(dx2, dx)


def test_array_and_float_with_active_scalar():
    f = numba.njit(mixed)
    w = (np.array([1.0, -2.0, 0.5, 1.0]), 2.0)
    d = zymase.autodiff_reverse(mixed, Duplicated, Active, ret=Duplicated)
    dx = np.zeros(4)
    (y0, y1), ds = d(X, dx, S, w)
    ry0, ry1 = f(X, S)
    np.testing.assert_allclose(y0, ry0, rtol=1e-14)
    assert y1 == pytest.approx(ry1, rel=1e-14)
    assert_fd_close(dx, fd_gradient(lambda v: _seed_dot(f(v, S), w), X), RTOL, what="d/dx")
    assert_fd_close(ds, fd_jvp(lambda v, s: _seed_dot(f(v, s), w), (X, S), (None, 1.0)),
                    RTOL, what="d/ds")
    np.testing.assert_allclose(dx, -np.exp(-X) * S * w[0] + 2 * X * S * w[1], rtol=1e-14)
    # ret=Const: the primal and zero adjoints (the result carries no adjoint)
    dc = zymase.autodiff_reverse(mixed, Duplicated, Active, ret=Const)
    dxc = np.zeros(4)
    (c0, c1), dsc = dc(X, dxc, S)
    np.testing.assert_allclose(c0, ry0, rtol=1e-14)
    assert dsc == 0.0 and not dxc.any()


def test_nested_tuple_with_integers():
    w = ((1.0, (2.0, None)), np.array([1.0, 0.0, -1.0, 2.0]), None)
    d = zymase.autodiff_reverse(nested, Duplicated, ret=Duplicated)
    dx = np.zeros(4)
    y = d(X, dx, w)
    assert y[0][1][1] == 3 and y[2] == 4
    expect = 2 * X - np.sin(X) * w[1]
    expect[0] += 2.0 * X[1]
    expect[1] += 2.0 * X[0]
    np.testing.assert_allclose(dx, expect, rtol=1e-14)


def test_same_array_twice_and_an_argument_returned():
    d = zymase.autodiff_reverse(shared, Duplicated, ret=DuplicatedOnly)
    dx = np.zeros(4)
    d(X, dx, (np.ones(4), np.full(4, 2.0), np.full(4, 10.0)))
    np.testing.assert_allclose(dx, np.full(4, 3.0 * 3 + 10.0), rtol=1e-15)


def test_two_dimensional_elements():
    f = numba.njit(matrices)
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((3, 2)), rng.standard_normal((2, 4))
    w = (rng.standard_normal((3, 4)), rng.standard_normal((2, 3)), 0.7)
    d = zymase.autodiff_reverse(matrices, Duplicated, Duplicated, ret=DuplicatedOnly)
    da, db = np.zeros_like(a), np.zeros_like(b)
    d(a, da, b, db, w)
    np.testing.assert_allclose(da, w[0] @ b.T + (1 - np.tanh(a) ** 2) * w[1].T, rtol=1e-12)
    assert_fd_close(db, fd_gradient(lambda v: _seed_dot(f(a, v), w), b), RTOL, what="d/db")


def test_width_n_matches_width_1_lanes():
    W0 = np.array([[1.0, 2, 3, 4], [0, 1, 0, -1], [0.5, 0, 0, 0]])
    W1 = np.array([2.0, -1.0, 0.0])
    dn = zymase.autodiff_reverse(mixed, Duplicated, Active, ret=Duplicated, width=3)
    d1 = zymase.autodiff_reverse(mixed, Duplicated, Active, ret=DuplicatedOnly)
    dx = np.zeros((3, 4))
    y, ds = dn(X, dx, S, (W0, W1))
    assert ds.shape == (3,)
    for k in range(3):
        e = np.zeros(4)
        dsk = d1(X, e, S, (W0[k], W1[k]))
        np.testing.assert_allclose(dx[k], e, rtol=1e-14, atol=1e-300)
        assert ds[k] == pytest.approx(dsk, rel=1e-14)
    with pytest.raises(zymase.ShadowError, match="leading lane axis of 3"):
        dn(X, np.zeros((3, 4)), S, (W0, np.ones(2)))


def test_called_from_njit():
    d = zymase.autodiff_reverse(mixed, Duplicated, Active, ret=Duplicated)

    @numba.njit
    def pull(x, s, w0, w1):
        dx = np.zeros_like(x)
        (y0, y1), ds = d(x, dx, s, (w0, w1))
        return y1, dx, ds
    w0 = np.array([1.0, -2.0, 0.5, 1.0])
    y1, dx, ds = pull(X, S, w0, 2.0)
    ref = np.zeros(4)
    _, ds_ref = d(X, ref, S, (w0, 2.0))
    assert y1 == pytest.approx(numba.njit(mixed)(X, S)[1])
    np.testing.assert_array_equal(dx, ref)
    assert ds == ds_ref


def test_nrt_balance_with_allocated_results():
    dd = zymase.autodiff_reverse(two_arrays, Duplicated, ret=Duplicated)
    do = zymase.autodiff_reverse(shared, Duplicated, ret=DuplicatedOnly)
    w = (np.ones(4), np.ones(4))
    w3 = (np.ones(4), np.ones(4), np.ones(4))
    x, dx = X.copy(), np.zeros(4)
    dd(x, dx, w)
    do(x, dx, w3)                      # compiled and warmed up
    before = _nrt()
    for _ in range(20):
        dd(x, dx, w)
        do(x, dx, w3)
        with pytest.raises(ValueError, match="wrong shape"):
            dd(x, dx, (np.ones(4), np.ones(5)))
    assert _nrt() == before


# -- JAX vocabulary ------------------------------------------------------------------------------
def test_vjp_against_jvp_and_finite_differences():
    f = numba.njit(mixed)
    y, back = zymase.vjp(mixed, X, S)
    ry = f(X, S)
    np.testing.assert_allclose(y[0], ry[0], rtol=1e-14)
    w = (np.array([0.3, -1.0, 2.0, 0.1]), -0.8)
    xb, sb = back(w)
    assert_fd_close(xb, fd_gradient(lambda v: _seed_dot(f(v, S), w), X), RTOL, what="vjp x")
    # <J v, w> = <v, J^T w> against forward mode (jvp already takes tuples)
    v, u = np.array([1.0, 0.5, -0.2, 0.3]), 0.4
    _, (t0, t1) = zymase.jvp(mixed, (X, S), (v, u))
    check_dot_product(list(t0 * w[0]) + [t1 * w[1]], list(v * xb) + [u * sb])
    # a second pull with other cotangents; a scalar broadcasts over an array element
    xb2, sb2 = back((1.0, 0.0))
    np.testing.assert_allclose(xb2, -np.exp(-X) * S, rtol=1e-14)


def test_vjp_nested():
    y, back = zymase.vjp(nested, X)
    assert y[2] == 4
    (xb,) = back(((1.0, (0.0, None)), np.zeros(4), None))
    np.testing.assert_allclose(xb, 2 * X, rtol=1e-15)


def test_vjp_wrong_cotangents_are_clear_errors():
    _, back = zymase.vjp(two_arrays, X)
    with pytest.raises(zymase.ShadowError, match="tuple of 2 cotangents"):
        back((np.ones(4),))
    with pytest.raises(zymase.ShadowError, match="tuple of 2 cotangents"):
        back(np.ones(4))
    with pytest.raises(zymase.ShadowError, match=r"y_bar\[1\].*shape"):
        back((np.ones(4), np.ones(3)))
    _, back = zymase.vjp(mixed, X, S)
    with pytest.raises(zymase.ShadowError, match=r"y_bar\[1\].*must be a float"):
        back((np.ones(4), np.ones(4)))


@pytest.mark.parametrize("width", [1, 3])
def test_jacobian_of_tuple(width):
    f = numba.njit(mixed)
    J = zymase.jacobian(mixed, (0, 1), width=width)(X, S)
    (J0x, J0s), (J1x, J1s) = J
    np.testing.assert_allclose(J0x, np.diag(-np.exp(-X) * S), rtol=1e-14)
    np.testing.assert_allclose(J0s, np.exp(-X), rtol=1e-14)
    np.testing.assert_allclose(J1x, 2 * X * S, rtol=1e-14)
    assert J1s == pytest.approx(np.sum(X * X), rel=1e-14)
    v = np.array([0.2, 0.1, -1.0, 0.5])
    fd = fd_jvp(lambda a: f(a, S)[0], (X,), (v,))
    assert_fd_close(J0x @ v, fd, RTOL, what="J v")
    Jn = zymase.jacobian(nested, width=width)(X)
    assert Jn[0][1][1] is None and Jn[2] is None
    np.testing.assert_allclose(Jn[0][0], 2 * X, rtol=1e-15)
    np.testing.assert_allclose(Jn[1], np.diag(-np.sin(X)), rtol=1e-15)


# -- refusals --------------------------------------------------------------------------------------
def test_refusals():
    d = zymase.autodiff_reverse(mixed, Duplicated, Active, ret=Duplicated)
    with pytest.raises(zymase.ActivityError, match="must be a tuple of 2 output adjoints"):
        d(X, np.zeros(4), S, (np.ones(4),))
    with pytest.raises(zymase.ActivityError, match="must be a tuple of 2 output adjoints"):
        d(X, np.zeros(4), S, np.ones(4))
    with pytest.raises(zymase.ShadowError, match=r"seed\[1\].*must be a float"):
        d(X, np.zeros(4), S, (np.ones(4), np.ones(4)))
    with pytest.raises(zymase.ActivityError, match="ret=Duplicated"):
        zymase.autodiff_reverse(mixed, Duplicated, Active, ret=Active)(X, np.zeros(4), S, 1.0)

    def int_array(x):
        return x * 2.0, np.arange(3)
    with pytest.raises(zymase.ActivityError, match="tuple results whose elements"):
        zymase.autodiff_reverse(int_array, Duplicated, ret=Duplicated)(
            X, np.zeros(4), (np.ones(4), None))
    with pytest.raises(zymase.UnsupportedError, match="reverse mode"):
        zymase.jacobian(mixed, mode="forward")(X, S)


def test_forward_tuple_result_from_njit():
    """Forward mode of a function returning (array, float) called from @njit, against
    finite differences and the reverse adjoints of the same cotangents."""
    fwd = zymase.autodiff_forward(mixed, Dual, Dual, ret=Dual)
    rev = zymase.autodiff_reverse(mixed, Duplicated, Active, ret=DuplicatedOnly)

    @numba.njit
    def pushpull(x, vx, s, vs, w0, w1):
        (y0, y1), (t0, t1) = fwd(x, vx, s, vs)
        dx = np.zeros_like(x)
        ds = rev(x, dx, s, (w0, w1))
        return t0, t1, dx, ds

    vx, vs = np.array([1.0, 0.5, -0.2, 0.3]), 0.4
    w0, w1 = np.array([0.3, -1.0, 2.0, 0.1]), -0.8
    t0, t1, dx, ds = pushpull(X, vx, S, vs, w0, w1)
    f = numba.njit(mixed)
    fd = fd_jvp(lambda a, s: f(a, s), (X, S), (vx, vs))
    assert_fd_close(t0, type(fd)(fd.value[0], fd.error[0]), RTOL, what="tangent of y0")
    assert_fd_close(t1, type(fd)(fd.value[1], fd.error[1]), RTOL, what="tangent of y1")
    check_dot_product(list(t0 * w0) + [t1 * w1], list(vx * dx) + [vs * ds])
