"""Copies of active memory (memcpy/memmove of floats) in both modes: A.copy(), slice
assignment (overlapping too: a memmove or Numba's temporary), np.fill_diagonal on a copy,
np.concatenate / np.append / np.hstack, a reversed copy, np.ascontiguousarray of a transpose,
np.copy, an array result copied from active memory, and a copy inside an @overload
implementation; against central finite differences
(rtol 1e-6), forward against reverse (check_grads' dot-product test), width 3 for a few, inputs
unchanged."""
import numba
import numpy as np
import pytest
from numba.extending import overload

import zymase
from zymase import Active, Dual, Duplicated
from tests.support import check_grads, fd_gradient


def fill_diag(A):
    B = A.copy()
    np.fill_diagonal(B, 0.0)
    return np.sum(np.sin(B) * A)


def copy_then_write(A):
    B = A.copy()
    B[0, 0] = 3.0
    return np.sum(B * B * A)


def slice_assign(a):
    b = np.zeros(a.shape[0])
    b[:] = a
    return np.sum(b * b * np.arange(a.shape[0]))


def shifted_assign(a):
    b = np.ones(a.shape[0] + 1)
    b[1:] = a                       # a copy into an offset destination
    b[:-1] = b[1:] * b[:-1]
    return np.sum(b ** 2)


def overlapping(a):
    b = a * 1.0
    b[1:] = b[:-1]                  # source and destination overlap
    return np.sum(b ** 3)


def concat(a, c):
    return np.sum(np.sin(np.concatenate((a, c)) * np.arange(1.0, 6.0)))


def append(a, c):
    return np.sum(np.append(a, c) ** 2 * np.arange(1.0, 6.0))


def hstack(a, c):
    return np.sum(np.hstack((a, c)) ** 3)


def reversed_copy(a):
    b = a[::-1].copy()
    return np.sum(b * np.arange(1.0, 4.0) ** 2 * a)


def contiguous_transpose(A):
    B = np.ascontiguousarray(A.T)
    return np.sum(B * np.arange(6.0).reshape(B.shape) * B)


def np_copy(a):
    b = np.copy(a)
    b[0] = 0.0
    return np.sum(b * a * a)


def copy_result(A):
    """An array result that is a copy of active memory."""
    B = A.T.copy()
    B[0, 1] = B[1, 0] * 2.0
    return B


def my_duplicate(x):
    return x.copy()               # Python's version (the finite differences run it)


@overload(my_duplicate)
def _my_duplicate(x):
    def impl(x):
        y = np.empty_like(x)
        y[:] = x
        return y
    return impl


def via_overload(a):
    b = my_duplicate(a)
    b[1] = b[1] * a[0]
    return np.sum(np.exp(b) * a)


S = np.array([[1.0, 0.5, -0.3], [0.2, 0.7, 1.1], [0.4, -0.9, 0.6]])
A = np.array([[1.0, 0.5, -0.3], [0.2, 0.7, 1.1]])
a = np.array([0.3, -0.7, 1.1])
c = np.array([0.4, 0.9])

CASES = [
    (fill_diag, (S,)),
    (copy_then_write, (A,)),
    (slice_assign, (a,)),
    (shifted_assign, (a,)),
    (overlapping, (a,)),
    (concat, (a, c)),
    (append, (a, c)),
    (hstack, (a, c)),
    (reversed_copy, (a,)),
    (contiguous_transpose, (A,)),
    (np_copy, (a,)),
    (copy_result, (A,)),
    (via_overload, (a,)),
]


@pytest.mark.parametrize("f,args", CASES, ids=[f.__name__ for f, _ in CASES])
def test_both_modes_against_finite_differences(f, args):
    check_grads(f, [x.copy() for x in args], n_dirs=1)


WIDTH3 = [(fill_diag, S), (overlapping, a)]


@pytest.mark.parametrize("f,x", WIDTH3, ids=[f.__name__ for f, _ in WIDTH3])
def test_width_3(f, x):
    g = fd_gradient(f, x.copy(), h=1e-5).value
    rev = zymase.autodiff_reverse(f, Duplicated, ret=Active, width=3)
    seeds = np.array([1.0, -2.0, 0.5])
    dx = np.zeros((3,) + x.shape)
    x0 = x.copy()
    rev(x0, dx, seeds)
    np.testing.assert_array_equal(x0, x)
    for k in range(3):
        np.testing.assert_allclose(dx[k], seeds[k] * g, rtol=1e-6, atol=1e-9)
    fwd = zymase.autodiff_forward(f, Dual, ret=Dual, width=3)
    V = np.random.default_rng(3).uniform(-1, 1, (3,) + x.shape)
    x1 = x.copy()
    _, t = fwd(x1, V.copy())
    np.testing.assert_array_equal(x1, x)
    want = np.array([np.sum(V[k] * g) for k in range(3)])
    np.testing.assert_allclose(t, want, rtol=1e-6)
    # forward against reverse, lane by lane
    np.testing.assert_allclose(t * seeds, [np.sum(V[k] * dx[k]) for k in range(3)], rtol=1e-10)


NJIT_CASES = [(fill_diag, S), (via_overload, a)]


@pytest.mark.parametrize("f,x", NJIT_CASES, ids=[f.__name__ for f, _ in NJIT_CASES])
def test_called_from_njit(f, x):
    """np.fill_diagonal on a copy and a copy inside an @overload, differentiated in both
    modes inside @njit code: against finite differences and forward against reverse."""
    g = fd_gradient(f, x.copy(), h=1e-5).value
    rev = zymase.autodiff_reverse(f, Duplicated, ret=Active)
    fwd = zymase.autodiff_forward(f, Dual, ret=Dual)

    @numba.njit
    def both(x, v):
        dx = np.zeros_like(x)
        y = rev(x, dx, 1.0)
        return y, dx, fwd(x, v)[1]

    v = np.random.default_rng(5).uniform(-1, 1, x.shape)
    x0 = x.copy()
    y, dx, t = both(x0, v)
    np.testing.assert_array_equal(x0, x)
    assert y == pytest.approx(f(x.copy()), rel=1e-14)
    np.testing.assert_allclose(dx, g, rtol=1e-6, atol=1e-9)
    assert t == pytest.approx(float(np.sum(v * g)), rel=1e-6)
    assert t == pytest.approx(float(np.sum(v * dx)), rel=1e-12)
