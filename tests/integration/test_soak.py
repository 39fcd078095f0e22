"""Soak: many calls of derivatives that allocate arrays inside; NRT balance and RSS stay flat.

Short variant (the normal test run): 10^4 calls of a reverse derivative and 10^4 of a width-8
forward derivative, from Python and from ``@njit`` code — a few seconds.

Long variant (``ZYMASE_SOAK=1``): 10^6 reverse calls and 10^5 width-8 forward calls, from
Python and from ``@njit`` code, e.g.

    ZYMASE_SOAK=1 python -m pytest -q -s -p no:xdist tests/integration/test_soak.py

Each run prints the live NRT allocations and meminfos (``rtsys.get_allocation_stats``) and the
process RSS (``/proc/self/statm``) before and after the measured calls.  NRT must balance
exactly; RSS may not grow by more than a few MiB after a warm-up (the allocator settles).
"""
import math
import os

import numba
import numpy as np
import pytest

import zymase
from zymase import Active, Const, Dual, Duplicated

from tests.support import fd_gradient

LONG = os.environ.get("ZYMASE_SOAK") == "1"
N_REV = 1_000_000 if LONG else 10_000
N_FWD = 100_000 if LONG else 10_000
RSS_SLACK = 8 << 20


def allocating(x, n):
    """Allocates three arrays (np.empty, an array expression, a copy) on every call."""
    t = np.empty(n)
    for i in range(n):
        t[i] = math.sin(x[i]) * x[i]
    u = t * 2.0 + np.exp(-x * x)
    v = u.copy()
    v[0] += t[n - 1]
    return np.sum(v * t) + math.sqrt(1.0 + np.dot(u, u))


def _enable_stats():
    from numba.core.runtime import _nrt_python
    _nrt_python.memsys_enable_stats()


def _nrt():
    from numba.core.runtime import rtsys
    s = rtsys.get_allocation_stats()
    return s.alloc - s.free, s.mi_alloc - s.mi_free


def _rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _measure(label, run, calls):
    """Warm up with a tenth of the calls, then measure NRT and RSS around the rest."""
    warm = max(calls // 10, 100)
    run(warm)
    n0, r0 = _nrt(), _rss()
    run(calls - warm)
    n1, r1 = _nrt(), _rss()
    print(f"\n{label}: {calls} calls; NRT live (allocations, meminfos) {n0} -> {n1}; "
          f"RSS {r0 / 2**20:.1f} MiB -> {r1 / 2**20:.1f} MiB ({(r1 - r0) / 2**20:+.2f} MiB)")
    assert n1 == n0, f"{label}: NRT allocations leak: {n0} -> {n1}"
    assert r1 - r0 < RSS_SLACK, f"{label}: RSS grew by {(r1 - r0) / 2**20:.1f} MiB"


@pytest.fixture(scope="module")
def derivs():
    _enable_stats()
    rev = zymase.autodiff_reverse(allocating, Duplicated, Const, ret=Active)
    fwd8 = zymase.autodiff_forward(allocating, Dual, Const, ret=Dual, width=8)
    return rev, fwd8


def _expected_grad(x):
    """Central differences (tests/support.py) with h = 1e-6."""
    prim = numba.njit(allocating)
    return fd_gradient(lambda z: prim(z, x.size), x, 1e-6, relative=False).value


def test_reverse_from_python(derivs):
    rev, _ = derivs
    n = 16
    x = np.linspace(-1.0, 1.0, n)
    dx = np.zeros(n)
    rev(x, dx, n, 1.0)
    np.testing.assert_allclose(dx, _expected_grad(x), rtol=1e-6, atol=1e-8)
    g = dx.copy()

    def run(k):
        for _ in range(k):
            dx[:] = 0.0
            rev(x, dx, n, 1.0)
    _measure("reverse, from Python", run, N_REV)
    np.testing.assert_array_equal(dx, g)


def test_reverse_from_njit(derivs):
    rev, _ = derivs
    n = 16
    x = np.linspace(-1.0, 1.0, n)

    @numba.njit
    def many(x, k):
        dx = np.zeros(x.size)
        acc = 0.0
        for _ in range(k):
            dx[:] = 0.0
            rev(x, dx, x.size, 1.0)
            acc += dx[3]
        return acc, dx

    acc, dx = many(x, 1)
    g = dx.copy()

    def run(k):
        acc, d = many(x, k)
        assert acc == pytest.approx(k * g[3])
        np.testing.assert_array_equal(d, g)
    _measure("reverse, from @njit", run, N_REV)


def test_forward_width8_from_python(derivs):
    _, fwd8 = derivs
    n = 16
    x = np.linspace(-1.0, 1.0, n)
    V = np.eye(8, n)
    y, t = fwd8(x, V.copy(), n)
    np.testing.assert_allclose(t, _expected_grad(x)[:8], rtol=1e-6, atol=1e-8)
    t0 = t.copy()

    def run(k):
        for _ in range(k):
            y, t = fwd8(x, V.copy(), n)
        np.testing.assert_array_equal(t, t0)
    _measure("forward width 8, from Python", run, N_FWD)


def test_forward_width8_from_njit(derivs):
    _, fwd8 = derivs
    n = 16
    x = np.linspace(-1.0, 1.0, n)
    V = np.eye(8, n)

    @numba.njit
    def many(x, V, k):
        acc = np.zeros(8)
        for _ in range(k):
            dx = V.copy()
            y, t = fwd8(x, dx, x.size)
            acc += t
        return acc

    t0 = many(x, V, 1)

    def run(k):
        np.testing.assert_allclose(many(x, V, k), k * t0, rtol=1e-9)   # k sums of t0
    _measure("forward width 8, from @njit", run, N_FWD)
