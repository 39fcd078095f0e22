"""Parallel loops (``prange`` under ``@njit(parallel=True)``, and the array expressions Numba
parallelises) differentiated in both modes, with the derivative running through Numba's
parallel launcher on 2 threads: gradients against central finite differences and against the
derivative of the same function compiled serially, forward against reverse
(⟨J v, w⟩ = ⟨v, Jᵀ w⟩), width N, and the refusals for what cannot be re-run exactly.
"""
import math

import numba
import numpy as np
import pytest
from numba import prange

import zymase
from zymase import Active, ActiveOnly, Const, Dual, DualOnly, Duplicated, UnsupportedError

numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))


def pair_energy(x):
    n = x.shape[0]
    e = 0.0
    for i in prange(n):
        for j in range(n):
            if j != i:
                dx = x[i, 0] - x[j, 0]
                dy = x[i, 1] - x[j, 1]
                e += 0.5 / math.sqrt(dx * dx + dy * dy + 0.1)
    return e


def pair_forces(x, f):
    n = x.shape[0]
    for i in prange(n):
        fx = 0.0
        fy = 0.0
        for j in range(n):
            if j != i:
                dx = x[i, 0] - x[j, 0]
                dy = x[i, 1] - x[j, 1]
                r2 = dx * dx + dy * dy + 0.1
                w = 1.0 / (r2 * math.sqrt(r2))
                fx += w * dx
                fy += w * dy
        f[i, 0] = fx
        f[i, 1] = fy
    s = 0.0
    for i in range(n):
        s += f[i, 0] * f[i, 0] + math.sin(f[i, 1])
    return s


def stencil(u, out):
    n, m = u.shape
    for i in prange(1, n - 1):
        for j in range(1, m - 1):
            out[i, j] = (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1]
                         - 4.0 * u[i, j] + 0.1 * u[i, j] ** 3)
    return np.sum(out * out)


def reduction(x, c):
    s = 0.0
    for i in prange(x.shape[0]):
        s += math.exp(c * x[i]) - x[i] * x[i]
    return s


def array_expression(x, y):
    z = np.sin(x) * y + x ** 2
    return np.sum(z * z)


def gmm_data(alphas, means, icf, x):
    K, n, d = alphas.shape[0], x.shape[0], x.shape[1]
    total = 0.0
    for i in prange(n):
        xc = np.empty(d)
        qx = np.empty(d)
        terms = np.empty(K)
        for k in range(K):
            for j in range(d):
                xc[j] = x[i, j] - means[k, j]
                qx[j] = math.exp(icf[k, j]) * xc[j]
            idx = d
            for c in range(d):
                for r in range(c + 1, d):
                    qx[r] += icf[k, idx] * xc[c]
                    idx += 1
            sq = 0.0
            for j in range(d):
                sq += qx[j] * qx[j] + 0.0 * icf[k, j]
            terms[k] = alphas[k] - 0.5 * sq
        tmax = terms[0]
        for k in range(1, K):
            tmax = max(tmax, terms[k])
        s = 0.0
        for k in range(K):
            s += math.exp(terms[k] - tmax)
        total += tmax + math.log(s)
    return total


def _both(f):
    return numba.njit(parallel=True)(f), numba.njit(f)


def _fd(f, args, k, h=1e-6):
    x = args[k]
    g = np.zeros_like(x)
    for m in range(x.size):
        e = np.zeros(x.size)
        e[m] = h
        e = e.reshape(x.shape)
        up = list(args)
        dn = list(args)
        up[k] = x + e
        dn[k] = x - e
        g.flat[m] = (f(*[a.copy() if isinstance(a, np.ndarray) else a for a in up])
                     - f(*[a.copy() if isinstance(a, np.ndarray) else a for a in dn])) / (2 * h)
    return g


def _close(a, b, rtol=1e-6):
    scale = max(1.0, float(np.max(np.abs(b))))
    np.testing.assert_allclose(a, b, rtol=0, atol=rtol * scale)


def _rng():
    return np.random.default_rng(7)


@pytest.fixture(scope="module")
def points():
    return _rng().uniform(-1.0, 1.0, (24, 2))


def test_pairwise_energy_reverse_forward(points):
    par, ser = _both(pair_energy)
    x = points
    g_par = zymase.grad(par)(x)
    g_ser = zymase.grad(ser)(x)
    np.testing.assert_allclose(g_par, g_ser, rtol=1e-12, atol=1e-12)
    _close(g_par, _fd(par, [x], 0))
    v = _rng().standard_normal(x.shape)
    y, t = zymase.jvp(par, (x,), (v,))
    assert math.isclose(y, ser(x), rel_tol=1e-12)
    assert math.isclose(t, float(np.sum(g_ser * v)), rel_tol=1e-10)


def test_pairwise_forces_adjoint_identity(points):
    par, ser = _both(pair_forces)
    x = points
    n = x.shape[0]
    # forward: the tangent of the forces array (an output argument) and of the result
    fd = zymase.autodiff_forward(par, Dual, Dual, ret=Dual)
    v = _rng().standard_normal(x.shape)
    f, df = np.zeros((n, 2)), np.zeros((n, 2))
    y, ydot = fd(x, v, f, df)
    f_ser = np.zeros((n, 2))
    assert math.isclose(y, ser(x, f_ser), rel_tol=1e-12)
    np.testing.assert_allclose(f, f_ser, rtol=1e-13)
    # reverse with a seed on the result: <J v, 1> = <v, J^T 1>
    rd = zymase.autodiff_reverse(par, Duplicated, Duplicated, ret=ActiveOnly)
    gx, gf = np.zeros_like(x), np.zeros((n, 2))
    rd(x, gx, np.zeros((n, 2)), gf, 1.0)
    assert math.isclose(ydot, float(np.sum(gx * v)), rel_tol=1e-10)
    _close(gx, _fd(lambda x: ser(x, np.zeros((n, 2))), [x], 0))
    # the forces' own Jacobian: seed w on the forces array, v on the positions
    w = _rng().standard_normal((n, 2))
    gx2 = np.zeros_like(x)
    rd(x, gx2, np.zeros((n, 2)), w.copy(), 0.0)
    assert math.isclose(float(np.sum(df * w)) - float(np.sum(df * 0)),
                        float(np.sum(gx2 * v)), rel_tol=1e-10)


def test_stencil_2d_both_modes_width():
    par, ser = _both(stencil)
    rng = _rng()
    u = rng.standard_normal((9, 7))
    shape = u.shape
    rd = zymase.autodiff_reverse(par, Duplicated, Duplicated, ret=ActiveOnly)
    du = np.zeros(shape)
    rd(u, du, np.zeros(shape), np.zeros(shape), 1.0)
    du_ser = np.zeros(shape)
    zymase.autodiff_reverse(ser, Duplicated, Duplicated, ret=ActiveOnly)(
        u, du_ser, np.zeros(shape), np.zeros(shape), 1.0)
    np.testing.assert_allclose(du, du_ser, rtol=1e-12, atol=1e-12)
    _close(du, _fd(lambda u: ser(u, np.zeros(shape)), [u], 0))
    # width 4 in both modes
    V = rng.standard_normal((4,) + shape)
    y, t = zymase.autodiff_forward(par, Dual, Dual, ret=Dual, width=4)(
        u, V, np.zeros(shape), np.zeros((4,) + shape))
    np.testing.assert_allclose(t, [np.sum(du_ser * V[k]) for k in range(4)], rtol=1e-10)
    seeds = np.array([1.0, -2.0, 0.5, 3.0])
    du4 = np.zeros((4,) + shape)
    zymase.autodiff_reverse(par, Duplicated, Duplicated, ret=ActiveOnly, width=4)(
        u, du4, np.zeros(shape), np.zeros((4,) + shape), seeds)
    for k in range(4):
        np.testing.assert_allclose(du4[k], seeds[k] * du_ser, rtol=1e-12, atol=1e-12)


def test_prange_reduction_active_scalar():
    par, ser = _both(reduction)
    x = np.linspace(-1.0, 1.0, 101)
    c = 0.7
    rd = zymase.autodiff_reverse(par, Duplicated, Active, ret=Active)
    dx = np.zeros_like(x)
    y, dc = rd(x, dx, c, 2.0)
    assert math.isclose(y, ser(x, c), rel_tol=1e-12)
    np.testing.assert_allclose(dx, 2.0 * (c * np.exp(c * x) - 2 * x), rtol=1e-12)
    assert math.isclose(dc, 2.0 * float(np.sum(x * np.exp(c * x))), rel_tol=1e-12)
    _, tc = zymase.autodiff_forward(par, Const, Dual, ret=Dual)(x, c, 1.0)
    assert math.isclose(tc, dc / 2.0, rel_tol=1e-12)


def test_parallel_array_expression():
    par, ser = _both(array_expression)
    rng = _rng()
    x, y = rng.standard_normal(300), rng.standard_normal(300)
    gx, gy = zymase.grad(par, (0, 1))(x, y)
    z = np.sin(x) * y + x ** 2
    np.testing.assert_allclose(gx, 2 * z * (np.cos(x) * y + 2 * x), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(gy, 2 * z * np.sin(x), rtol=1e-12, atol=1e-12)
    v = rng.standard_normal(300)
    _, t = zymase.jvp(par, (x, y), (v, np.zeros(300)))
    assert math.isclose(t, float(np.sum(gx * v)), rel_tol=1e-10)


def test_gmm_data_term():
    par, ser = _both(gmm_data)
    rng = _rng()
    K, d, n = 3, 3, 40
    alphas = rng.standard_normal(K)
    means = rng.standard_normal((K, d))
    icf = 0.3 * rng.standard_normal((K, d * (d + 1) // 2))
    x = rng.standard_normal((n, d))
    g_par = zymase.grad(par, (0, 1, 2))(alphas, means, icf, x)
    g_ser = zymase.grad(ser, (0, 1, 2))(alphas, means, icf, x)
    args = [alphas, means, icf, x]
    for k in range(3):
        np.testing.assert_allclose(g_par[k], g_ser[k], rtol=1e-11, atol=1e-12)
        _close(g_par[k], _fd(ser, args, k))


def aliased_slots(x, w):
    y = x[::-1]                 # the same memory as x, in a second launch slot
    n = x.shape[0]
    s = 0.0
    for i in prange(n):
        buf = np.empty(3)       # the kernel's own block beside the launch memory
        acc = np.zeros(2)
        for j in range(3):
            buf[j] = x[(i + j) % n] * y[i] + w[j]
        for j in range(3):
            acc[0] += buf[j] * x[i]
            acc[1] += buf[j] * y[(i + j) % n]
        s += acc[0] * acc[1]
    return s


def test_kernel_launch_slots_that_alias_each_other():
    """Pointers the kernel reads from its launch slots share one alias scope (x and its
    reversed view are two slots of the same memory), disjoint only from the kernel's own
    allocations (scopes.py, S(launch)): accumulating into the private buffers' shadows in
    registers must not reorder the accumulations into the two aliasing shadows."""
    par, ser = _both(aliased_slots)
    rng = _rng()
    x, w = rng.standard_normal(17), rng.standard_normal(3)
    g_par = zymase.grad(par, (0, 1))(x, w)
    g_ser = zymase.grad(ser, (0, 1))(x, w)
    for k, a in enumerate((x, w)):
        np.testing.assert_allclose(g_par[k], g_ser[k], rtol=1e-11, atol=1e-12)
        _close(g_par[k], _fd(ser, [x, w], k))


def test_derivative_called_from_njit():
    par, _ = _both(reduction)
    rd = zymase.autodiff_reverse(par, Duplicated, Const, ret=ActiveOnly)

    @numba.njit
    def caller(x, c):
        dx = np.zeros_like(x)
        rd(x, dx, c, 1.0)
        return dx
    x = np.linspace(-1.0, 1.0, 33)
    np.testing.assert_allclose(caller(x, 0.3), 0.3 * np.exp(0.3 * x) - 2 * x, rtol=1e-12)


# -- refusals: named, never a race or a wrong gradient ------------------------------------------
def in_place(x):
    for i in prange(x.shape[0]):
        x[i] = math.sin(x[i])
    return np.sum(x)


def product(x):
    p = 1.0
    for i in prange(x.shape[0]):
        p *= x[i]
    return p


def scaled(x, w):
    s = 0.0
    for i in prange(x.shape[0]):
        s += w[i] * x[i] * x[i]
    return s


def test_in_place_update_is_refused_in_reverse_mode():
    par, _ = _both(in_place)
    x = np.linspace(0.1, 1.0, 10)
    with pytest.raises(UnsupportedError) as e:
        zymase.autodiff_reverse(par, Duplicated, ret=ActiveOnly)(x.copy(), np.zeros(10), 1.0)
    assert "reads memory it also writes" in str(e.value) and "test_parallel.py:" in str(e.value)
    # forward mode replays the primal step by step: exact
    xt = x.copy()
    t = zymase.autodiff_forward(par, Dual, ret=DualOnly)(xt, np.ones(10))
    assert math.isclose(t, float(np.sum(np.cos(x))), rel_tol=1e-12)


def test_product_reduction_is_refused_in_reverse_mode():
    par, _ = _both(product)
    with pytest.raises(UnsupportedError) as e:
        zymase.grad(par)(np.linspace(0.5, 1.5, 8))
    assert "reduction other than" in str(e.value)


def test_const_array_in_parallel_loop():
    """A Const array read by the loop: its slot is read as inactive by the derivative kernel
    (no shadow exists for it)."""
    par, ser = _both(scaled)
    x, w = np.linspace(0.1, 1.0, 10), np.linspace(1.0, 2.0, 10)
    np.testing.assert_allclose(zymase.grad(par)(x, w), 2 * w * x, rtol=1e-13)
    gx, gw = zymase.grad(par, (0, 1))(x, w)
    np.testing.assert_allclose(gx, 2 * w * x, rtol=1e-13)
    np.testing.assert_allclose(gw, x * x, rtol=1e-13)
    _, t = zymase.autodiff_forward(par, Dual, Const, ret=Dual)(x, np.ones(10), w)
    assert math.isclose(t, float(np.sum(2 * w * x)), rel_tol=1e-13)


def written_const(x, out):
    for i in prange(x.shape[0]):
        out[i] = x[i] * x[i]
    return np.sum(out)


def test_const_array_written_by_parallel_loop_is_refused():
    par, _ = _both(written_const)
    x = np.linspace(0.1, 1.0, 10)
    with pytest.raises(UnsupportedError):
        zymase.autodiff_reverse(par, Duplicated, Const, ret=ActiveOnly)(
            x, np.zeros(10), np.zeros(10), 1.0)
    with pytest.raises(UnsupportedError):
        zymase.autodiff_forward(par, Dual, Const, ret=Dual)(x, np.ones(10), np.zeros(10))



def time_steps(u0, k):
    u = u0.copy()
    v = np.empty_like(u)
    for t in range(k):
        for i in prange(1, u.shape[0] - 1):
            v[i] = u[i] + 0.1 * (u[i - 1] - 2 * u[i] + u[i + 1]) + 0.01 * math.sin(u[i])
        v[0] = u[0]
        v[-1] = u[-1]
        u, v = v, u
    return np.sum(u * u)


def repeated(x, k):
    s = 0.0
    for t in range(k):
        y = np.empty_like(x)
        for i in prange(x.shape[0]):
            y[i] = math.sin(x[i] * (t + 1))
        s += np.sum(y)
    return s


def test_launches_in_a_loop_capturing_the_loop_variable():
    """Each launch reads the loop variable from a cell the next iteration overwrites: the
    adjoint launch reads the copy taken at its launch."""
    par, _ = _both(repeated)
    x = np.linspace(0.1, 1.0, 20)
    g = zymase.grad(par)(x, 3)
    np.testing.assert_allclose(g, sum((t + 1) * np.cos(x * (t + 1)) for t in range(3)),
                               rtol=1e-13, atol=1e-13)


def test_swapped_buffers_refused_in_reverse_exact_in_forward():
    par, ser = _both(time_steps)
    x = np.linspace(0.1, 1.0, 20)
    with pytest.raises(UnsupportedError) as e:
        zymase.grad(par)(x, 3)
    assert "parallel loop" in str(e.value) and "test_parallel.py:" in str(e.value)
    v = _rng().standard_normal(20)
    t = zymase.autodiff_forward(par, Dual, Const, ret=DualOnly)(x, v, 3)
    g = zymase.grad(ser)(x, 3)
    assert math.isclose(t, float(np.sum(g * v)), rel_tol=1e-12)


def test_product_reduction_forward():
    par, _ = _both(product)
    x = np.linspace(0.5, 1.5, 8)
    v = _rng().standard_normal(8)
    t = zymase.autodiff_forward(par, Dual, ret=DualOnly)(x, v)
    assert math.isclose(t, float(np.prod(x) * np.sum(v / x)), rel_tol=1e-12)


def per_thread_weights(x):
    acc = np.zeros(numba.get_num_threads())
    for i in prange(x.shape[0]):
        acc[numba.get_thread_id()] += x[i] * x[i]
    return 2.0 * acc[0] + acc[acc.shape[0] - 1]


def test_user_per_thread_array_is_refused_in_reverse_mode():
    """Slots weighted differently after the loop: re-running shares on other threads would
    give a wrong gradient, so reverse mode refuses (only Numba's `+=` combine is accepted)."""
    par, _ = _both(per_thread_weights)
    with pytest.raises(UnsupportedError) as e:
        zymase.grad(par)(np.linspace(0.1, 1.0, 16))
    assert "thread id" in str(e.value)


def test_hessian_of_parallel_loop_is_refused():
    par, ser = _both(reduction)
    with pytest.raises(UnsupportedError) as e:
        zymase.hessian(par)(np.linspace(0.1, 1.0, 5), 0.5)
    assert "Hessian" in str(e.value)
    h = zymase.hessian(ser)(np.linspace(0.1, 1.0, 5), 0.5)
    assert h.shape == (5, 5)


@pytest.mark.parametrize("outer", ["forward", "reverse"])
@pytest.mark.parametrize("inner", ["forward", "reverse"])
def test_every_derivative_of_a_parallel_derivative_is_refused_by_name(outer, inner):
    # a derivative called from the code being differentiated: each combination names itself
    # (reverse over reverse used to fail on a copy of the tape, reverse over forward on a
    # reduction, forward over forward called itself "forward over reverse")
    par, _ = _both(reduction)
    if inner == "forward":
        d = zymase.autodiff_forward(par, Dual, Const, ret=DualOnly)

        @numba.njit
        def user(x):
            return d(x, np.ones_like(x), 0.5)
    else:
        d = zymase.autodiff_reverse(par, Duplicated, Const, ret=Active)

        @numba.njit
        def user(x):
            dx = np.zeros_like(x)
            d(x, dx, 0.5, 1.0)
            return (dx * dx).sum()
    x = np.linspace(0.1, 1.0, 6)
    assert np.isfinite(user(x))
    with pytest.raises(UnsupportedError,
                       match=f"parallel loop's derivative \\({outer} over {inner}"):
        if outer == "forward":
            zymase.autodiff_forward(user, Dual, ret=DualOnly)(x, np.ones_like(x))
        else:
            zymase.autodiff_reverse(user, Duplicated, ret=Active)(x, np.zeros_like(x), 1.0)


def test_atomic_accumulation_fallback(points, monkeypatch):
    """Past the private-copy budget the adjoint launch adds into the shared shadows with
    atomic adds: same gradient."""
    from zymase.transforms import parfor_private
    monkeypatch.setattr(parfor_private, "BUDGET", 0)
    par, ser = _both(pair_energy)
    g_par = zymase.grad(par)(points)
    np.testing.assert_allclose(g_par, zymase.grad(ser)(points), rtol=1e-12, atol=1e-12)


def overwritten_output(x, out):
    for i in prange(x.shape[0]):
        out[i] = x[i] * x[i]
    out[0] = 5.0 * out[1]
    return np.sum(out)


def test_outputs_written_after_the_loop_keep_their_values():
    """The loop's outputs are computed once (by the forward half of its derivative, or by the
    primal when the adjoint re-runs the loop into scratch memory): what the function wrote
    into them afterwards stays."""
    par, ser = _both(overwritten_output)
    x = np.linspace(0.5, 1.5, 9)
    out, dout = np.zeros(9), np.zeros(9)
    dx = np.zeros(9)
    y = zymase.autodiff_reverse(par, Duplicated, Duplicated, ret=Active)(x, dx, out, dout, 1.0)
    ref = np.zeros(9)
    assert math.isclose(y, ser(x, ref), rel_tol=1e-14)
    np.testing.assert_array_equal(out, ref)
    g = 2 * x
    g[0] = 0.0
    g[1] *= 6.0
    np.testing.assert_allclose(dx, g, rtol=1e-13)


def two_d_prange(A, B):
    s = 0.0
    for i in prange(A.shape[0]):
        for j in prange(A.shape[1]):
            s += math.exp(A[i, j]) * B[i, j]
    return s + np.sum(np.exp(A) * B + A * A)


def test_two_dimensional_parallel_loops():
    """A 2-D prange nest and a 2-D array expression: schedules of (start, end) pairs per
    dimension."""
    par, _ = _both(two_d_prange)
    rng = _rng()
    A, B = 0.3 * rng.standard_normal((7, 5)), rng.standard_normal((7, 5))
    ga = 2 * np.exp(A) * B + 2 * A
    gA, gB = zymase.grad(par, (0, 1))(A, B)
    np.testing.assert_allclose(gA, ga, rtol=1e-13)
    np.testing.assert_allclose(gB, 2 * np.exp(A), rtol=1e-13)
    V = rng.standard_normal(A.shape)
    _, t = zymase.jvp(par, (A, B), (V, np.zeros_like(B)))
    assert math.isclose(t, float(np.sum(ga * V)), rel_tol=1e-12)


def temporary_read(x):
    t = np.empty_like(x)
    for i in range(x.shape[0]):
        t[i] = math.sin(x[i])
    s = 0.0
    for i in prange(x.shape[0]):
        s += t[i] * x[i]
    return s


def test_temporary_read_by_the_loop_outlives_the_adjoint():
    """``t`` is released at the end of the function; the adjoint launch reads it again, so
    its release waits for the end of the adjoint sweep."""
    par, _ = _both(temporary_read)
    x = np.linspace(0.1, 1.0, 33)
    for _ in range(3):
        np.testing.assert_allclose(zymase.grad(par)(x), np.cos(x) * x + np.sin(x),
                                   rtol=1e-13)

def test_two_worker_threads_in_a_fresh_process():
    """NUMBA_NUM_THREADS=2 set before Numba starts (CI machines may have one core): the
    derivative launches run on two workers and agree with the serial derivative; with NRT
    statistics on, the releases deferred past the adjoint sweep all happen."""
    import os
    import subprocess
    import sys
    code = (
        "import numba, numpy as np, zymase\n"
        "from tests.integration.test_parallel import pair_energy, _rng\n"
        "assert numba.get_num_threads() == 2\n"
        "x = _rng().uniform(-1, 1, (40, 2))\n"
        "g = zymase.grad(numba.njit(parallel=True)(pair_energy))(x)\n"
        "h = zymase.grad(numba.njit(pair_energy))(x)\n"
        "assert np.allclose(g, h, rtol=1e-12, atol=1e-12), abs(g - h).max()\n"
        "from tests.integration.test_parallel import repeated\n"
        "from numba.core.runtime import rtsys\n"
        "d = zymase.autodiff_reverse(numba.njit(parallel=True)(repeated), zymase.Duplicated,\n"
        "                            zymase.Const, ret=zymase.ActiveOnly)\n"
        "x = np.linspace(0.1, 1.0, 20)\n"
        "d(x, np.zeros(20), 3, 1.0)\n"
        "s0 = rtsys.get_allocation_stats()\n"
        "for _ in range(5):\n"
        "    d(x, np.zeros(20), 3, 1.0)\n"
        "s1 = rtsys.get_allocation_stats()\n"
        "# arrays released after the adjoint sweep are released: nothing leaks\n"
        "assert s1.mi_alloc - s0.mi_alloc == s1.mi_free - s0.mi_free > 0, (s0, s1)\n"
        "print('ok')\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, NUMBA_NUM_THREADS="2", NUMBA_NRT_STATS="1",
               PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", code], cwd=root, env=env, capture_output=True,
                         text=True, timeout=600)
    assert out.returncode == 0 and "ok" in out.stdout, out.stderr[-2000:]
