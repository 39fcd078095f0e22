"""Numba code compiled *after* zymase built derivatives through a ``zymase.inactive`` function.

An early GradBench tool noted a segfault: an ``@njit`` caller of an inactive function with a
loop, first compiled after a derivative had been built through that function, called the wrong
address.  These tests keep that order: reverse mode and forward over reverse are built first
(their values checked against the closed form), then fresh ``@njit`` callers of the inactive
wrapper and of the raw function are compiled and must agree with plain Python.  kmeans' cost
``Σ_i min_j |C_j − P_i|²`` has gradient ``2 Σ_{i ∈ cluster j} (C_j − P_i)`` and Hessian
diagonal ``2 |cluster j|`` for each coordinate.
"""
import numba
import numpy as np

import zymase
from zymase import ActiveOnly, Const, Dual, Duplicated
from zymase.gradbench.evals_more import _nearest, kmeans_cost as cost, nearest


_nearest_py = _nearest.py_func


def both(points, centroids):
    return nearest(points, 0, centroids) * 10 + _nearest(points, 1, centroids)


def test_callers_compiled_after_the_derivatives():
    rng = np.random.default_rng(3)
    P, C = rng.random((200, 4)), rng.random((6, 4))
    labels = np.array([_nearest_py(P, i, C) for i in range(P.shape[0])])
    g_want = np.zeros_like(C)
    for i, j in enumerate(labels):
        g_want[j] += 2 * (C[j] - P[i])
    h_want = 2.0 * np.bincount(labels, minlength=C.shape[0])[:, None] * np.ones_like(C)

    grad = zymase.autodiff_reverse(cost, Const, Duplicated, ret=ActiveOnly)
    g = np.zeros_like(C)
    grad(P, C, g, 1.0)
    np.testing.assert_allclose(g, g_want, rtol=1e-12, atol=1e-12)
    grad_hess = zymase.autodiff_forward(grad, Const, Dual, Dual, Const, ret=Const)
    J, H = np.zeros_like(C), np.zeros_like(C)
    grad_hess(P, C, np.ones_like(C), J, H, 1.0)
    np.testing.assert_allclose(J, g_want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(H, h_want, rtol=1e-12)

    # first compiled now, after the derivatives
    cost_nb, both_nb = numba.njit(cost), numba.njit(both)
    want = sum(float(np.sum((P[i] - C[j]) ** 2)) for i, j in enumerate(labels))
    assert abs(cost_nb(P, C) - want) <= 1e-12 * want
    assert both_nb(P, C) == labels[0] * 10 + labels[1]
    assert nearest(P, 5, C) == labels[5]
