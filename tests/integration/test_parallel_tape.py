"""Parallel loops in reverse mode with the tape recorded by the primal launch
(``transforms/parfor_tape.py``, ``parfor_split.py``) and the row-window analysis
(``analysis/parfor_index.py``): reads at ``x[i + c]`` accumulate straight into the shared
shadow, in one launch (``c = 0``) or two phases; everything else keeps per-entry copies or
atomics.  Each case: the gradient against the serial derivative and central finite
differences, forward against reverse (⟨J v, w⟩ = ⟨v, Jᵀ w⟩), and which path was taken.
"""
import functools
import math
import os
import subprocess
import sys

import numba
import numpy as np
import pytest
from numba import prange

import zymase
from zymase import ActiveOnly, Const, Dual, Duplicated

numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))


def laplace_1d(x, y):
    n = x.shape[0]
    for i in prange(1, n - 1):
        y[i] = x[i - 1] - 2.0 * x[i] + x[i + 1] + 0.1 * math.sin(x[i]) * x[i + 1]
    return np.sum(y * y)


def row_norms(x, out):
    for i in prange(x.shape[0]):
        s = 0.0
        for j in range(x.shape[1]):
            s += x[i, j] * x[i, j] * (1.0 + 0.1 * j)
        out[i] = math.sqrt(s + 1.0)
    return np.sum(out * out * out)


def stencil_2d(u, out):
    n, m = u.shape
    for i in prange(1, n - 1):
        for j in range(1, m - 1):
            c = u[i, j]
            out[i, j] = (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - 4.0 * c
                         + 0.1 * math.sin(c) * c)
    s = 0.0
    for i in prange(n):
        for j in range(m):
            s += out[i, j] * out[i, j]
    return s


def wrapping(x, y):
    # i = 0 reads x[-1]: the last element, also read by i = n - 1 (no window applies)
    for i in prange(x.shape[0]):
        y[i] = x[i - 1] * x[i] + x[i]
    return np.sum(y * y)


def strided(x, y):
    for i in prange(y.shape[0]):
        y[i] = x[2 * i] * x[2 * i + 1] + x[i] * x[i]
    return np.sum(y * y)


def gathered(x, idx, y):
    for i in prange(y.shape[0]):
        y[i] = math.sin(x[idx[i]]) * x[i]
    return np.sum(y)


def _both(f):
    return numba.njit(parallel=True)(f), numba.njit(f)


def _fd(f, x, h=1e-6):
    g = np.zeros_like(x)
    for m in range(x.size):
        e = np.zeros(x.size)
        e[m] = h
        e = e.reshape(x.shape)
        g.flat[m] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def _close(a, b, rtol=1e-6):
    scale = max(1.0, float(np.max(np.abs(b))))
    np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale)


def _paths(capfd, build):
    """The parfor lines ZYMASE_PRINT=parfor prints while ``build()`` compiles."""
    os.environ["ZYMASE_PRINT"] = "parfor"
    try:
        out = build()
    finally:
        del os.environ["ZYMASE_PRINT"]
    err = capfd.readouterr().err
    return out, [ln for ln in err.splitlines() if ln and not ln.startswith(";")
                 and ("row window" in ln or "re-runs" in ln or "not split" in ln)]


def _derivatives(f, n_extra):
    """The parallel and serial primals of ``f(x, *extra, out)``, their reverse derivatives
    and the parallel forward one."""
    par, ser = _both(f)
    acts = [Duplicated] + [Const] * n_extra + [Duplicated]
    rd = zymase.autodiff_reverse(par, *acts, ret=ActiveOnly)
    rs = zymase.autodiff_reverse(ser, *acts, ret=ActiveOnly)
    fwd = zymase.autodiff_forward(par, *[Dual if a is Duplicated else a for a in acts],
                                  ret=Dual)
    return ser, rd, rs, fwd


# Built once per function in this module: the sizes and data the tests vary are run-time
# values (the guards that choose windows or per-entry copies run at every call), and each
# parallel build costs seconds.  Tests that patch the transforms build their own (fresh=True).
_shared_derivatives = functools.lru_cache(maxsize=None)(_derivatives)


def _check_out_arg(f, x, out_shape, extra=(), rtol_fd=1e-6, fresh=False):
    """Reverse gradient of ``f(x, *extra, out)`` against the serial one, central
    differences and the forward tangent."""
    ser, rd, rs, fwd = (_derivatives if fresh else _shared_derivatives)(f, len(extra))
    grads = []
    for d in (rd, rs):
        dx = np.zeros_like(x)
        d(x, dx, *extra, np.zeros(out_shape), np.zeros(out_shape), 1.0)
        grads.append(dx)
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-12, atol=1e-12)
    _close(grads[0], _fd(lambda z: ser(z, *extra, np.zeros(out_shape)), x), rtol_fd)
    v = np.random.default_rng(3).standard_normal(x.shape)
    _, t = fwd(x, v, *extra, np.zeros(out_shape), np.zeros(out_shape))
    assert math.isclose(t, float(np.sum(grads[1] * v)), rel_tol=1e-10, abs_tol=1e-12)
    return grads[0]


def test_one_dimensional_window_two_phases(capfd):
    x = np.random.default_rng(1).standard_normal(41)
    _, lines = _paths(capfd, lambda: zymase.autodiff_reverse(
        numba.njit(parallel=True)(laplace_1d), Duplicated, Duplicated, ret=ActiveOnly)(
        x, np.zeros(41), np.zeros(41), np.zeros(41), 1.0))
    # (then np.sum(y * y), a parallel array expression: a window of 0)
    assert lines[0] == "tape recorded by the primal launch; row window 1", lines
    _check_out_arg(laplace_1d, x, 41)


def test_rows_read_by_their_own_iteration(capfd):
    x = np.random.default_rng(2).standard_normal((13, 4))
    _, lines = _paths(capfd, lambda: zymase.autodiff_reverse(
        numba.njit(parallel=True)(row_norms), Duplicated, Duplicated, ret=ActiveOnly)(
        x, np.zeros_like(x), np.zeros(13), np.zeros(13), 1.0))
    assert lines[0] == "tape recorded by the primal launch; row window 0", lines
    _check_out_arg(row_norms, x, 13)


def test_two_dimensional_stencil_window(capfd):
    u = np.random.default_rng(4).standard_normal((17, 9))
    _, lines = _paths(capfd, lambda: zymase.autodiff_reverse(
        numba.njit(parallel=True)(stencil_2d), Duplicated, Duplicated, ret=ActiveOnly)(
        u, np.zeros_like(u), np.zeros_like(u), np.zeros_like(u), 1.0))
    # the stencil reads u[i ± 1, j]; the reduction loop reads out[i, j]
    assert lines == ["tape recorded by the primal launch; row window 1",
                     "tape recorded by the primal launch; row window 0"], lines
    _check_out_arg(stencil_2d, u, u.shape)


def test_entries_too_short_for_two_phases():
    """Four iterations on two threads: entries of two rows, shorter than the 4·r the phases
    need; the run-time guard keeps per-entry copies."""
    for n in (2, 3, 6):         # (2: an empty loop)
        _check_out_arg(laplace_1d, np.random.default_rng(5).standard_normal(n), n)
    _check_out_arg(stencil_2d, np.random.default_rng(6).standard_normal((6, 5)), (6, 5))


def test_wraparound_read_is_not_windowed():
    """x[i − 1] at i = 0 reads the last element: the row window is 1, but the schedule
    starts at 0, so the guard refuses it (the last element's adjoint gets both terms)."""
    x = np.random.default_rng(8).standard_normal(23)
    g = _check_out_arg(wrapping, x, 23)
    assert g[-1] != 0.0


def test_indices_that_are_not_i_plus_c(capfd):
    x = np.random.default_rng(9).standard_normal(30)
    _, lines = _paths(capfd, lambda: zymase.autodiff_reverse(
        numba.njit(parallel=True)(strided), Duplicated, Duplicated, ret=ActiveOnly)(
        x, np.zeros(30), np.zeros(15), np.zeros(15), 1.0))
    assert lines[0] == "tape recorded by the primal launch; row window None", lines
    _check_out_arg(strided, x, 15)


def test_gathered_reads_repeat_indices(capfd):
    """x[idx[i]] with repeated indices: adjoints of several iterations meet in one element;
    no window (per-entry copies, or atomics past the budget)."""
    rng = np.random.default_rng(10)
    x = rng.standard_normal(20)
    idx = rng.integers(0, 5, 20)
    _, lines = _paths(capfd, lambda: zymase.autodiff_reverse(
        numba.njit(parallel=True)(gathered), Duplicated, Const, Duplicated, ret=ActiveOnly)(
        x, np.zeros(20), idx, np.zeros(20), np.zeros(20), 1.0))
    assert lines[0] == "tape recorded by the primal launch; row window None", lines
    _check_out_arg(gathered, x, 20, extra=(idx,))


def test_gathered_reads_with_atomics(monkeypatch):
    from zymase.transforms import parfor_private
    monkeypatch.setattr(parfor_private, "BUDGET", 0)
    rng = np.random.default_rng(11)
    _check_out_arg(gathered, rng.standard_normal(20), 20, extra=(rng.integers(0, 5, 20),),
                   fresh=True)


def test_rerun_path_when_the_derivative_does_not_split(monkeypatch, capfd):
    """A kernel derivative the split refuses keeps the adjoint launch that re-runs the
    loop: same gradients."""
    from zymase.transforms import parfor_split
    monkeypatch.setattr(parfor_split, "_split", lambda module, f: "refused for the test")
    u = np.random.default_rng(12).standard_normal((11, 6))
    _, lines = _paths(capfd, lambda: _check_out_arg(stencil_2d, u, u.shape, fresh=True))
    assert "the adjoint launch re-runs the loop" in lines, lines


def test_repeated_calls_reuse_nothing_stale():
    """The per-entry tapes and copies of one call are freed by its adjoint launch: calling
    again (other values, other thread counts) gives the new gradient."""
    par, ser = _both(laplace_1d)
    rd = zymase.autodiff_reverse(par, Duplicated, Duplicated, ret=ActiveOnly)
    rs = zymase.autodiff_reverse(ser, Duplicated, Duplicated, ret=ActiveOnly)
    rng = np.random.default_rng(13)
    for t in (2, 1, 2):
        numba.set_num_threads(min(t, numba.config.NUMBA_NUM_THREADS))
        x = rng.standard_normal(64)
        g, h = np.zeros(64), np.zeros(64)
        rd(x, g, np.zeros(64), np.zeros(64), 1.0)
        rs(x, h, np.zeros(64), np.zeros(64), 1.0)
        np.testing.assert_allclose(g, h, rtol=1e-12, atol=1e-12)
    numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))


@pytest.mark.parametrize("name", ["laplace_1d", "stencil_2d", "gathered"])
def test_two_worker_threads_in_a_fresh_process(name):
    """NUMBA_NUM_THREADS=2 before Numba starts: the windowed and the gathered cases on two
    workers agree with the serial derivative."""
    code = (
        "import numba, numpy as np, zymase\n"
        "from zymase import Duplicated, Const, ActiveOnly\n"
        f"from tests.integration.test_parallel_tape import {name} as f\n"
        "assert numba.get_num_threads() == 2\n"
        "rng = np.random.default_rng(0)\n"
        "if f.__name__ == 'stencil_2d':\n"
        "    x = rng.standard_normal((64, 33)); extra = (); out = x.shape\n"
        "elif f.__name__ == 'gathered':\n"
        "    x = rng.standard_normal(90); extra = (rng.integers(0, 7, 90),); out = 90\n"
        "else:\n"
        "    x = rng.standard_normal(200); extra = (); out = 200\n"
        "acts = [Duplicated] + [Const] * len(extra) + [Duplicated]\n"
        "gs = []\n"
        "for par in (True, False):\n"
        "    d = zymase.autodiff_reverse(numba.njit(parallel=par)(f), *acts, ret=ActiveOnly)\n"
        "    for _ in range(3):\n"
        "        g = np.zeros_like(x)\n"
        "        d(x, g, *extra, np.zeros(out), np.zeros(out), 1.0)\n"
        "        gs.append(g)\n"
        "for g in gs[1:]:\n"
        "    assert np.allclose(g, gs[0], rtol=1e-12, atol=1e-12), abs(g - gs[0]).max()\n"
        "print('ok')\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, NUMBA_NUM_THREADS="2",
               PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr[-2000:]
