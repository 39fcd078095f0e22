"""What a call to a function kept out of line writes (``analysis/writes.py``, callee summaries).

A ``zymase.inactive`` search (GradBench's kmeans) writes only its result slot: argument
memory stays unchanged across it, so the adjoint sweep may reload ``points``/``centroids``
instead of taping them.  A callee that writes an argument the function read before must keep
those reads taped: the adjoint sweep needs the values as they were.
"""
import math

import numba
import numpy as np

import zymase
from zymase import Active, Const, Duplicated, ActiveOnly


@numba.njit
def _nearest(points, i, centroids):
    best, closest = 0, math.inf
    for j in range(centroids.shape[0]):
        dist = 0.0
        for l in range(points.shape[1]):
            t = points[i, l] - centroids[j, l]
            dist += t * t
        if dist < closest:
            closest, best = dist, j
    return best


nearest = zymase.inactive(_nearest)


def cost(points, centroids):
    s = 0.0
    for i in range(points.shape[0]):
        j = nearest(points, i, centroids)
        for l in range(points.shape[1]):
            t = points[i, l] - centroids[j, l]
            s += t * t
    return s


@numba.njit
def _bump(c):
    for i in range(c.shape[0]):
        c[i] += 1.0
    return 0


bump = zymase.inactive(_bump)


def weighted_then_bumped(x, c):
    s = 0.0
    for i in range(x.shape[0]):
        s += math.sin(x[i]) * c[i]
    bump(c)                      # c changes after its values were used
    for i in range(x.shape[0]):
        s += x[i] * c[i]
    return s


def test_search_that_writes_only_its_result_needs_no_tape_of_the_arrays():
    rng = np.random.default_rng(0)
    P, C = rng.random((400, 6)), rng.random((7, 6))
    d = zymase.autodiff_reverse(cost, Const, Duplicated, ret=ActiveOnly)
    dC = np.zeros_like(C)
    d(P, C, dC, 1.0)
    near = np.array([_nearest(P, i, C) for i in range(P.shape[0])])
    want = np.zeros_like(C)
    for i, j in enumerate(near):
        want[j] += 2.0 * (C[j] - P[i])
    np.testing.assert_allclose(dC, want, rtol=1e-12, atol=1e-12)
    # one index per point and the loop counts: no float of P or C on the tape
    assert d.tape_bytes() < 8 * 3 * P.shape[0], d.tape_bytes()


def test_callee_writing_an_argument_keeps_the_earlier_reads():
    rng = np.random.default_rng(1)
    x, c = rng.normal(size=50), rng.normal(size=50)
    d = zymase.autodiff_reverse(weighted_then_bumped, Duplicated, Const, ret=Active)
    dx = np.zeros_like(x)
    c_run = c.copy()
    d(x, dx, c_run, 1.0)
    np.testing.assert_allclose(c_run, c + 1.0)            # the callee did run
    np.testing.assert_allclose(dx, np.cos(x) * c + (c + 1.0), rtol=1e-13)
    g = zymase.grad(weighted_then_bumped)(x, c)           # grad copies c for the call
    np.testing.assert_allclose(g, np.cos(x) * c + (c + 1.0), rtol=1e-13)
