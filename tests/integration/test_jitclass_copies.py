"""Copies of array arguments stored as jitclass attributes: ``self.a = a.copy()``,
``np.copy(a)``, a slice view ``a[1:]`` and a 2-D copy in ``__init__``, a copy stored by a
method, and an integer index array copied alongside (which must stay inactive).

A contiguous ``a.copy()`` is one ``memcpy`` from the argument's data into a fresh array whose
data pointer is then stored into the instance; the methods read it back through a pointer
loaded from the instance, so no load or store in the differentiated function shares an origin
with the copy.  Reverse mode takes the copied element type from the argument's dtype in the
derivative signature (transforms/reverse/augment.py, ``_argument_dtypes``); before that it
refused the copy ("accessed as nothing we can see").  Checked against central finite
differences in both modes at width 1 and 3, forward against reverse (dot-product test), from
Python and from ``@numba.njit``.
"""
import numba
import numpy as np
import pytest
from numba import float64, int64
from numba.experimental import jitclass

import zymase
from zymase import Active, Const, Dual, DualOnly, Duplicated
from tests.support import check_dot_product, fd_jvp


@jitclass([("a", float64[:]), ("b", float64[:]), ("c", float64[:]), ("m", float64[:, :]),
           ("idx", int64[:])])
class Store:
    def __init__(self, a, m, idx):
        self.a = a.copy()
        self.b = np.copy(a)
        self.c = a[1:]                  # a view of the argument, not a copy
        self.m = m.copy()               # a 2-D copy
        self.idx = idx.copy()           # integers: no derivative

    def reset(self, z):
        self.b = z.copy()               # a copy stored by a method

    def loss(self):
        t = 0.0
        for i in range(self.idx.shape[0]):
            t += self.a[self.idx[i]] ** 3 + np.sin(self.b[i]) * self.c[i]
        return t + np.sum(self.m * self.m * self.a[0])


def stored(x, M, idx):
    s = Store(x, M, idx)
    v = s.loss()
    s.reset(x * 2.0)
    return v + s.loss()


@jitclass([("a", float64[:])])
class Holder:
    def __init__(self, a):
        self.a = a.copy()

    def total(self):
        t = 0.0
        for i in range(self.a.shape[0]):
            t += np.sin(self.a[i]) * self.a[i]
        return t


def held(x):
    """The issue's reproducer."""
    return Holder(x).total()


X = np.array([0.3, 1.2, -0.7, 0.5])
M = np.array([[1.0, 2.0], [0.5, -1.0]])
IDX = np.array([2, 0, 1])
RNG = np.random.default_rng(18)
DX, DM = RNG.uniform(-1, 1, (3, 4)), RNG.uniform(-1, 1, (3, 2, 2))
STEP = 1e-5


def fd(d):
    return float(fd_jvp(stored, (X, M, IDX), (DX[d], DM[d], None), STEP).value)


@pytest.fixture(scope="module")
def derivs():
    return (zymase.autodiff_reverse(stored, Duplicated, Duplicated, Const, ret=Active),
            zymase.autodiff_forward(stored, Dual, Dual, Const, ret=DualOnly),
            zymase.autodiff_reverse(stored, Duplicated, Duplicated, Const, ret=Active,
                                    width=3),
            zymase.autodiff_forward(stored, Dual, Dual, Const, ret=DualOnly, width=3))


def test_reproducer_both_modes():
    x = X.copy()
    g = np.zeros(4)
    val = zymase.autodiff_reverse(held, Duplicated, ret=Active)(x, g, 1.0)
    assert val == pytest.approx(held(X), rel=1e-14)
    np.testing.assert_allclose(g, np.sin(X) + X * np.cos(X), rtol=1e-13)   # closed form
    np.testing.assert_array_equal(x, X)
    fwd = zymase.autodiff_forward(held, Dual, ret=DualOnly)
    for k in range(4):
        assert fwd(X.copy(), np.eye(4)[k].copy()) == pytest.approx(g[k], rel=1e-13)


def test_copies_views_and_int_copy_width_1(derivs):
    rev, fwd, _, _ = derivs
    for d in range(3):
        gx, gm = np.zeros(4), np.zeros((2, 2))
        val = rev(X.copy(), gx, M.copy(), gm, IDX.copy(), 1.0)
        assert val == pytest.approx(stored(X, M, IDX), rel=1e-14)
        want = fd(d)
        lin = float(DX[d] @ gx + np.sum(DM[d] * gm))
        assert lin == pytest.approx(want, rel=1e-6)
        t = fwd(X.copy(), DX[d].copy(), M.copy(), DM[d].copy(), IDX.copy())
        assert t == pytest.approx(want, rel=1e-6)
        check_dot_product([t], [lin])


def test_copies_width_3(derivs):
    _, _, rev3, fwd3 = derivs
    want = np.array([fd(d) for d in range(3)])
    t = fwd3(X.copy(), DX.copy(), M.copy(), DM.copy(), IDX.copy())
    np.testing.assert_allclose(t, want, rtol=1e-6)
    seeds = np.array([1.0, -0.5, 2.0])
    gx, gm = np.zeros((3, 4)), np.zeros((3, 2, 2))
    rev3(X.copy(), gx, M.copy(), gm, IDX.copy(), seeds)
    for d in range(3):
        lin = float(DX[d] @ gx[d] + np.sum(DM[d] * gm[d]))
        assert lin == pytest.approx(seeds[d] * want[d], rel=1e-6)
        check_dot_product([seeds[d] * t[d]], [lin])


def test_from_njit(derivs):
    rev, fwd, _, _ = derivs

    @numba.njit
    def both(x, gx, m, gm, idx, dx, dm):
        r = rev(x, gx, m, gm, idx, 1.0)
        return r, fwd(x, dx, m, dm, idx)

    gx, gm = np.zeros(4), np.zeros((2, 2))
    val, t = both(X.copy(), gx, M.copy(), gm, IDX.copy(), DX[0].copy(), DM[0].copy())
    assert val == pytest.approx(stored(X, M, IDX), rel=1e-14)
    want = fd(0)
    assert t == pytest.approx(want, rel=1e-6)
    assert float(DX[0] @ gx + np.sum(DM[0] * gm)) == pytest.approx(want, rel=1e-6)


def test_integer_copy_stays_inactive(derivs):
    """Only the integer argument differs between the calls: the index copy selects the
    elements, and no derivative reaches it (an integer array is always Const)."""
    rev = derivs[0]
    for idx in (IDX, np.array([3, 3, 0])):
        gx, gm, i0 = np.zeros(4), np.zeros((2, 2)), idx.copy()
        rev(X.copy(), gx, M.copy(), gm, i0, 1.0)
        np.testing.assert_array_equal(i0, idx)
        want = [float(fd_jvp(stored, (X, M, idx), (e, None, None), STEP).value)
                for e in np.eye(4)]
        np.testing.assert_allclose(gx, want, rtol=1e-6)
