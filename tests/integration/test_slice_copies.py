"""Slice assignment ``y[...] = x[...]``: Numba copies through a temporary block from
``NRT_Allocate`` when source and destination may overlap, so the derivative needs shadows of
raw blocks too.  Every kernel is checked in forward mode (width 1 and 4) and reverse mode
(width 1 and 3) against central differences, with ``dx`` non-zero on entry in reverse mode
(the adjoint of the array's final contents), and for leaks with Numba's NRT statistics."""
import math

import numba
import numpy as np
import pytest
from numba.core.runtime import _nrt_python, rtsys

import zymase
from zymase import Active, Const, Dual, Duplicated

from tests.support import fd_jvp


def copy_fresh(x, a):
    y = np.empty_like(x)
    y[:] = x
    s = 0.0
    for i in range(y.shape[0]):
        s += math.sin(y[i] * a)
    return s


def shift_in_place(x, a):       # overlapping source and destination: the temporary is used
    x[1:] = x[:-1]
    s = 0.0
    for i in range(x.shape[0]):
        s += x[i] * x[i] * a + math.cos(x[i])
    return s


def strided(x, a):
    y = np.zeros(2 * x.shape[0])
    y[::2] = x
    y[1::2] = x[::-1] * a
    s = 0.0
    for i in range(y.shape[0]):
        s += y[i] * (i + 1.0) * y[i]
    return s


def rows_down(x, a):            # 2-d, overlapping rows
    x[1:, :] = x[:-1, :]
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            s += math.exp(x[i, j] * a) * (j + 1.0)
    return s


CASES = [(copy_fresh, (6,)), (shift_in_place, (7,)), (strided, (5,)), (rows_down, (4, 3))]


@pytest.mark.parametrize("f,shape", CASES, ids=[c[0].__name__ for c in CASES])
def test_slice_copy_derivatives(f, shape):
    rng = np.random.default_rng(7)
    x0 = rng.random(shape)
    a = 0.8
    prim = numba.njit(f)
    # forward, width 1 and 4
    fwd = zymase.autodiff_forward(f, Dual, Const, ret=Dual)
    fwd4 = zymase.autodiff_forward(f, Dual, Const, ret=Dual, width=4)
    vs = rng.standard_normal((4,) + shape)
    # central differences along each direction of the result and of x's final contents
    fd = [fd_jvp(prim, (x0, a), (v, None), written=(0,)).value for v in vs]
    x = x0.copy()
    y, t = fwd(x, vs[0].copy(), a)
    assert y == pytest.approx(prim(x0.copy(), a), rel=1e-13)
    assert t == pytest.approx(float(fd[0][0]), rel=1e-6, abs=1e-8)
    y4, t4 = fwd4(x0.copy(), vs.copy(), a)
    for k in range(4):
        assert t4[k] == pytest.approx(float(fd[k][0]), rel=1e-6, abs=1e-8)
    # reverse, width 1 and 3, with dx = w on entry
    w = rng.standard_normal(shape)
    rev = zymase.autodiff_reverse(f, Duplicated, Const, ret=Active)
    dx = w.copy()
    rev(x0.copy(), dx, a, 1.0)
    for v, (r_fd, (x_fd,)) in zip(vs, fd):
        # in-place kernels: the final contents are part of the output (<w, x_final>); the
        # others leave x as it was, and dx keeps w added (<w, v>)
        expect = float(r_fd) + float(np.vdot(w, x_fd if f in (shift_in_place, rows_down) else v))
        assert float(np.vdot(v, dx)) == pytest.approx(expect, rel=1e-6, abs=1e-8)
    rev3 = zymase.autodiff_reverse(f, Duplicated, Const, ret=Active, width=3)
    dx3 = np.zeros((3,) + shape)
    seeds = np.array([1.0, -0.5, 2.0])
    rev3(x0.copy(), dx3, a, seeds)
    dx1 = np.zeros(shape)
    rev(x0.copy(), dx1, a, 1.0)
    for k in range(3):
        np.testing.assert_allclose(dx3[k], seeds[k] * dx1, rtol=1e-12, atol=1e-14)
    # the shadows of the temporary block (and of y) are freed: NRT balance over more calls
    _nrt_python.memsys_enable_stats()
    s0 = rtsys.get_allocation_stats()
    fwd(x0.copy(), vs[0].copy(), a)
    fwd4(x0.copy(), vs.copy(), a)
    rev(x0.copy(), np.zeros(shape), a, 1.0)
    rev3(x0.copy(), np.zeros((3,) + shape), a, seeds)
    s1 = rtsys.get_allocation_stats()
    assert s1.alloc - s0.alloc == s1.free - s0.free
    assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free
