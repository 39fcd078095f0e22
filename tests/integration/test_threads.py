"""Derivatives built and called concurrently: from 8 Python threads (one shared derivative
object, and eight different functions), and from ``prange`` bodies of an
``@njit(parallel=True)`` function.  Results must equal the serial ones bit for bit, with no
deadlock (every join has a timeout) and no crash.

Why this holds today: every build runs under Numba's global compiler lock (inside Numba's
typer for the derivative's entry point, or taken by ``Derivative._build`` when the convenience
API builds from Python), so builds are serialised; the derivative's machine
code keeps its tape in its own stack frame (heap only when it grows), so calls are
re-entrant.  The per-object caches are plain dicts filled under that lock; the convenience
API's cache may build the same derivative twice when two threads race (wasted work, not a
wrong result) — ``test_convenience_grad_from_threads`` checks the results.
"""
import math
import threading

import numba
import numpy as np
import pytest
from numba import prange

import zymase
from zymase import Active, Const, Dual, Duplicated

THREADS = 8
TIMEOUT = 600


def energy(x, n):
    t = np.empty(n)
    s = 0.0
    for i in range(n):
        t[i] = math.sin(x[i])
        for j in range(i + 1, n):
            d = x[i] - x[j]
            s += 1.0 / (1.0 + d * d)
    for i in range(n):
        s += t[i] * x[i]
    return s


def energy_grad(x):
    d = x[:, None] - x[None, :]
    w = -2.0 * d / (1.0 + d * d) ** 2
    return w.sum(axis=1) + np.cos(x) * x + np.sin(x)


def _make(k):
    """Eight different functions (different constants and code)."""
    src = (f"def g{k}(x, n):\n"
           f"    s = 0.0\n"
           f"    for i in range(n):\n"
           f"        s += math.sin({k + 1}.0 * x[i]) * x[i] ** {1 + k % 3}\n"
           f"    t = x * {0.5 + k}\n"
           f"    return s + np.sum(t * t)\n")
    ns = {"math": math, "np": np}
    exec(src, ns)
    return ns[f"g{k}"]


def _make_grad(k, x):
    p = 1 + k % 3
    c = 0.5 + k
    return ((k + 1) * np.cos((k + 1) * x) * x ** p + np.sin((k + 1) * x) * p * x ** (p - 1)
            + 2 * c * c * x)


def _run_threads(target, n=THREADS):
    out = [None] * n
    errs = []
    barrier = threading.Barrier(n)

    def work(k):
        try:
            barrier.wait(timeout=TIMEOUT)
            out[k] = target(k)
        except BaseException as e:  # noqa: BLE001
            errs.append((k, e))
    ts = [threading.Thread(target=work, args=(k,), daemon=True) for k in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(TIMEOUT)
        assert not t.is_alive(), "deadlock: a thread did not finish"
    if errs:
        raise errs[0][1]
    return out


def _grad_rev(d, x):
    dx = np.zeros_like(x)
    y = d(x, dx, x.size, 1.0)
    return y, dx


def test_same_derivative_built_from_8_threads():
    x = np.linspace(-1.0, 1.0, 12)
    d = zymase.autodiff_reverse(energy, Duplicated, Const, ret=Active)
    res = _run_threads(lambda k: _grad_rev(d, x))
    ref = _grad_rev(d, x)
    np.testing.assert_allclose(ref[1], energy_grad(x), rtol=1e-12, atol=1e-13)
    for y, g in res:
        assert y == ref[0]
        np.testing.assert_array_equal(g, ref[1])


def test_same_function_separate_objects_from_8_threads():
    x = np.linspace(-1.0, 1.0, 9)

    def build_and_call(k):
        if k % 2:
            d = zymase.autodiff_reverse(energy, Duplicated, Const, ret=Active)
            return _grad_rev(d, x)[1]
        d = zymase.autodiff_forward(energy, Dual, Const, ret=Dual)
        g = np.empty(x.size)
        for i in range(x.size):
            e = np.zeros(x.size)
            e[i] = 1.0
            g[i] = d(x, e, x.size)[1]
        return g
    res = _run_threads(build_and_call)
    for g in res:
        np.testing.assert_allclose(g, energy_grad(x), rtol=1e-12, atol=1e-13)


def test_different_functions_from_8_threads():
    fns = [_make(k) for k in range(THREADS)]
    x = np.linspace(-0.9, 0.8, 7)

    def work(k):
        d = zymase.autodiff_reverse(fns[k], Duplicated, Const, ret=Active)
        return _grad_rev(d, x)
    res = _run_threads(work)
    for k, (y, g) in enumerate(res):
        np.testing.assert_allclose(g, _make_grad(k, x), rtol=1e-12, atol=1e-13)


@pytest.fixture(scope="module")
def shared():
    """One reverse and one width-8 forward derivative, built once for the call tests."""
    return (zymase.autodiff_reverse(energy, Duplicated, Const, ret=Active),
            zymase.autodiff_forward(energy, Dual, Const, ret=Dual, width=8))


def test_concurrent_calls_from_threads(shared):
    d, f8 = shared
    rng = np.random.default_rng(0)
    xs = [rng.uniform(-1, 1, 20) for _ in range(THREADS)]
    V = rng.standard_normal((8, 20))
    ref = [(_grad_rev(d, x), f8(x, V.copy(), 20)) for x in xs]

    def work(k):
        out = None
        for _ in range(300):
            out = (_grad_rev(d, xs[k]), f8(xs[k], V.copy(), 20))
        return out
    res = _run_threads(work)
    for (r, f), ((y0, g0), (p0, t0)) in zip(res, ref):
        assert r[0] == y0 and f[0] == p0
        np.testing.assert_array_equal(r[1], g0)
        np.testing.assert_array_equal(f[1], t0)


def test_concurrent_calls_from_njit_threads(shared):
    """Compiled callers release the GIL (nogil=True): calls truly overlap."""
    d, _ = shared

    @numba.njit(nogil=True)
    def many(x, k):
        dx = np.zeros(x.size)
        for _ in range(k):
            dx[:] = 0.0
            d(x, dx, x.size, 1.0)
        return dx
    x = np.linspace(-1.0, 1.0, 30)
    ref = many(x, 1)
    res = _run_threads(lambda k: many(x, 2000))
    for g in res:
        np.testing.assert_array_equal(g, ref)


def test_prange_bodies_call_derivatives(shared):
    rev, fwd = shared

    @numba.njit(parallel=True)
    def batch(X, G, T, V):
        for k in prange(X.shape[0]):
            x = X[k].copy()
            dx = np.zeros(x.size)
            rev(x, dx, x.size, 1.0)
            G[k, :] = dx
            y, t = fwd(x, V.copy(), x.size)
            T[k, :] = t

    rng = np.random.default_rng(3)
    m, n = 64, 10
    X = rng.uniform(-1, 1, (m, n))
    V = rng.standard_normal((8, n))
    G, T = np.zeros((m, n)), np.zeros((m, 8))
    batch(X, G, T, V)
    for k in range(m):
        y, g = _grad_rev(rev, X[k].copy())
        np.testing.assert_array_equal(G[k], g)
        np.testing.assert_array_equal(T[k], fwd(X[k].copy(), V.copy(), n)[1])


def test_prange_with_threads_calling_python_entry(shared):
    """prange workers and Python threads at once."""
    rev, _ = shared

    @numba.njit(parallel=True)
    def batch(X, G):
        for k in prange(X.shape[0]):
            dx = np.zeros(X.shape[1])
            rev(X[k], dx, X.shape[1], 1.0)
            G[k, :] = dx

    X = np.random.default_rng(4).uniform(-1, 1, (32, 8))
    G0 = np.zeros_like(X)
    batch(X, G0)

    def work(k):
        if k % 2:
            G = np.zeros_like(X)
            batch(X, G)
            return G
        return np.stack([_grad_rev(rev, X[i].copy())[1] for i in range(X.shape[0])])
    for G in _run_threads(work):
        np.testing.assert_array_equal(G, G0)


def test_convenience_grad_from_threads():
    g = zymase.grad(energy)
    x = np.linspace(-1.0, 1.0, 10)
    res = _run_threads(lambda k: g(x, 10))
    for r in res[1:]:
        np.testing.assert_array_equal(r, res[0])


def refused(x, c):
    m = np.outer(x, c)
    return np.sum(m)


def test_refusals_from_8_threads():
    """A derivative zymase refuses, called from 8 threads at once: each gets the
    UnsupportedError (the refusal is built again outside Numba's typer to get its message)."""
    d = zymase.autodiff_reverse(refused, Duplicated, Const, ret=Active)
    x, c = np.ones(3), np.ones(3)

    def work(k):
        dd = d if k % 2 else zymase.autodiff_reverse(refused, Duplicated, Const, ret=Active)
        with pytest.raises(zymase.UnsupportedError):
            dd(x, np.zeros(3), c, 1.0)
        return True
    assert all(_run_threads(work))


def test_builds_keep_the_locale_under_numba_s_lock():
    """llvmlite switches the process's locale to "C" around each of its calls, and Numba reads
    every jitted function's source file in the locale's codeset while it holds its compiler
    lock.  A derivative built from Python (the convenience API) in one thread must therefore
    make its llvmlite calls under that lock too: otherwise another thread compiling a function
    from a file with non-ASCII text read it as ASCII ('ascii' codec can't decode, seen once in
    ``test_convenience_grad_from_threads``).  A watcher holding the lock must never see "C"."""
    import locale
    from numba.core.compiler_lock import global_compiler_lock
    start = locale.setlocale(locale.LC_CTYPE)
    seen, stop = set(), threading.Event()

    def watch():
        while not stop.is_set():
            with global_compiler_lock:
                seen.add(locale.setlocale(locale.LC_CTYPE))

    w = threading.Thread(target=watch, daemon=True)
    w.start()
    try:
        x = np.linspace(-1.0, 1.0, 6)
        for k in range(3):
            g = zymase.grad(_make(20 + k))
            assert np.all(np.isfinite(g(x, 6)[0]))
    finally:
        stop.set()
        w.join(TIMEOUT)
    assert seen == {start}, seen

