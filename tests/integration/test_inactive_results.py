"""A ``zymase.inactive`` function that returns an array: its result carries no derivative.

Numba returns an array through a stack slot the caller passes; zymase used to give that
slot a shadow which nothing filled, so the derivative read a shadow array of garbage shape
(reverse mode ran forever; forward mode returned 0 for the value and the tangent).  The slot
now stays inactive (``analysis/activity._inactive_results``).  Ranks are piecewise constant,
so ``f(x) = Σ rank(x)_k x_k²`` has gradient ``2 rank(x) x`` away from ties.
"""
import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, DualOnly, Duplicated


@numba.njit
def _ranks(x):
    r = np.empty(x.shape[0])
    o = np.argsort(x)
    for k in range(x.shape[0]):
        r[o[k]] = k + 1.0
    return r


ranks = zymase.inactive(_ranks)


def weighted(x, w):
    r = ranks(x)
    s = 0.0
    for k in range(x.shape[0]):
        s += r[k] * w * x[k] ** 2
    return s


def closed(x, w):
    return 2.0 * w * (np.argsort(np.argsort(x)) + 1.0) * x


X = np.array([0.3, -1.2, 2.0, 0.7, -0.1])


def test_reverse_mode():
    dx = np.zeros_like(X)
    d = zymase.autodiff_reverse(weighted, Duplicated, Active, ret=Active)
    out = d(X, dx, 1.5, 1.0)
    np.testing.assert_allclose(dx, closed(X, 1.5), rtol=1e-14)
    # d/dw = Σ r x²
    np.testing.assert_allclose(out[-1] if isinstance(out, tuple) else out,
                               np.sum((np.argsort(np.argsort(X)) + 1.0) * X ** 2), rtol=1e-14)


@pytest.mark.parametrize("width", [1, 3])
def test_forward_mode_value_and_tangents(width):
    rng = np.random.default_rng(width)
    vs = [rng.normal(size=X.shape) for _ in range(width)]
    if width == 1:
        d = zymase.autodiff_forward(weighted, Dual, Const, ret=DualOnly)
        got = [d(X, vs[0], 1.5)]
    else:
        d = zymase.autodiff_forward(weighted, Dual, Const, ret=DualOnly, width=width)
        got = list(d(X, np.stack(vs), 1.5))
    for v, t in zip(vs, got):
        np.testing.assert_allclose(t, closed(X, 1.5) @ v, rtol=1e-13)
    value, _ = zymase.jvp(weighted, (X, 1.5), (vs[0], 0.0))
    np.testing.assert_allclose(value, numba.njit(weighted)(X, 1.5), rtol=1e-15)


def test_against_finite_differences_and_modes_agree():
    g = zymase.grad(weighted, argnums=0)(X, 0.7)
    h = 1e-6
    f = numba.njit(weighted)
    fd = np.array([(f(X + h * e, 0.7) - f(X - h * e, 0.7)) / (2 * h) for e in np.eye(X.size)])
    np.testing.assert_allclose(g, fd, rtol=1e-6)
    v = np.linspace(-1.0, 1.0, X.size)
    _, t = zymase.jvp(weighted, (X, 0.7), (v, 0.0))
    np.testing.assert_allclose(t, g @ v, rtol=1e-13)
