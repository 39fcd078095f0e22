"""Checkpointed reverse mode (``checkpoint=``) and the out-of-memory path.

A checkpointed derivative runs the same adjoint operations in the same order as the fully
taped one, so its results must agree to rounding (1e-12 relative; in practice bit for bit),
for every snapshot count from 1 (quadratic recomputation) to more than the trip count, and
the arrays the function writes must end with the primal's contents.  The fully taped
gradient itself is checked against central differences.  The schedule is checked with
Hypothesis over (steps, snapshots): every step reversed once, in order, from its own state,
with at most ``s`` slots and no step advanced more than the binomial bound allows.
"""
import functools
import math
import os
import subprocess
import sys
import textwrap

import numba
import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import zymase
from zymase import Active, ActiveOnly, Checkpoint, Const, Duplicated, UnsupportedError
from zymase.transforms.reverse import revolve
from zymase.transforms.reverse.checkpoint_plan import parse_checkpoint

from tests.support import central_difference

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "examples"))
from demo import lorenz_rk4  # noqa: E402  (the README's example, arrays allocated inside)

SNAPSHOTS = [1, 2, 3, 4, 7, 1000, "1KB"]


@functools.lru_cache(maxsize=None)
def reverse(fn, *activities, **options):
    """One derivative object per (function, activities, options) in this module.  The tests
    below call the same derivatives with different trip counts, data and views; building one
    costs seconds and a derivative object compiles each argument-type signature once, so the
    parametrisations share them instead of rebuilding identical code."""
    return zymase.autodiff_reverse(fn, *activities, **options)


def heat(u, tmp, alpha, nsteps):
    """1-D heat equation, explicit Euler; the arrays are updated in place."""
    n = u.shape[0]
    for _ in range(nsteps):
        for i in range(1, n - 1):
            tmp[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        for i in range(1, n - 1):
            u[i] = tmp[i]
    s = 0.0
    for i in range(n):
        s += u[i] * u[i] * (1.0 + 0.1 * i)
    return s


def pendulum(x0, v0, k, n):
    """Scalar state only: the loop's state is its header phis."""
    x, v = x0, v0
    for _ in range(n):
        v -= 0.01 * k * math.sin(x)
        x += 0.01 * v
    return x * v


def close(a, b, rtol=1e-12):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.all(np.abs(a - b) <= rtol * np.maximum(np.abs(b), 1e-300))


STATE = np.array([1.0, 1.0, 1.0])
PARAMS = np.array([10.0, 28.0, 8.0 / 3.0])


def lorenz_grad(n, checkpoint=None, width=1):
    d = reverse(lorenz_rk4, Duplicated, Duplicated, Const, Const, ret=ActiveOnly, width=width,
                checkpoint=checkpoint)
    shape = (3,) if width == 1 else (width, 3)
    ds, dp = np.zeros(shape), np.zeros(shape)
    seed = 1.0 if width == 1 else np.arange(1.0, width + 1.0)
    d(STATE, ds, PARAMS, dp, n, 0.002, seed)
    return ds, dp


@pytest.mark.parametrize("n", [0, 1, 2, 5, 60])
def test_lorenz_equals_full_tape(n):
    ref = lorenz_grad(n)
    for s in SNAPSHOTS:
        got = lorenz_grad(n, s)
        assert close(got[0], ref[0]) and close(got[1], ref[1]), (n, s, got, ref)


def test_lorenz_full_tape_against_fd():
    n = 60
    ds, dp = lorenz_grad(n, 2)
    f = numba.njit(lorenz_rk4)
    for k in range(3):
        e = np.eye(3)[k]
        fd_s = central_difference(lambda t: f(STATE + t * e, PARAMS, n, 0.002), 1e-5)
        fd_p = central_difference(lambda t: f(STATE, PARAMS + t * e, n, 0.002), 1e-5)
        assert abs(ds[k] - fd_s.value) <= 1e-6 * abs(fd_s.value) + 1e-9
        assert abs(dp[k] - fd_p.value) <= 1e-6 * abs(fd_p.value) + 1e-9


def test_lorenz_width4():
    ref = lorenz_grad(40, None, width=4)
    for s in (1, 3, 100):
        got = lorenz_grad(40, s, width=4)
        assert close(got[0], ref[0]) and close(got[1], ref[1])
    one = lorenz_grad(40, 3)
    assert close(ref[0][2], 3.0 * one[0])      # lane k: seed k+1


def heat_grad(nsteps, checkpoint):
    d = reverse(heat, Duplicated, Duplicated, Active, Const, ret=Active, checkpoint=checkpoint)
    u = np.sin(np.linspace(0.0, 3.0, 16))
    du, tmp, dtmp = np.linspace(-1.0, 1.0, 16), np.zeros(16), np.zeros(16)
    val, dalpha = d(u, du, tmp, dtmp, 0.2, nsteps, 1.0)
    return val, dalpha, du, u


@pytest.mark.parametrize("nsteps", [0, 1, 3, 29])
def test_heat_equals_full_tape_and_leaves_the_primal_result(nsteps):
    ref = heat_grad(nsteps, None)
    u = np.sin(np.linspace(0.0, 3.0, 16))
    numba.njit(heat)(u, np.zeros(16), 0.2, nsteps)
    assert np.array_equal(ref[3], u)
    for s in SNAPSHOTS:
        val, dalpha, du, u_final = heat_grad(nsteps, s)
        assert val == ref[0]
        assert close(dalpha, ref[1]) and close(du, ref[2])
        assert np.array_equal(u_final, u)         # the caller sees the primal's result


def test_heat_against_fd():
    nsteps = 29
    _, dalpha, du, _ = heat_grad(nsteps, 3)
    f = numba.njit(heat)
    u0 = np.sin(np.linspace(0.0, 3.0, 16))
    w = np.linspace(-1.0, 1.0, 16)                # du on entry: the adjoint of u's final value

    def phi(t, e=None, a=0.0):
        u = u0 + (t * e if e is not None else 0.0)
        r = f(u, np.zeros(16), 0.2 + a * t, nsteps)
        return r + w @ u
    fd = central_difference(lambda t: phi(t, a=1.0), 1e-5)
    assert abs(dalpha - fd.value) <= 1e-6 * abs(fd.value)
    for k in (1, 7, 14):
        fd = central_difference(lambda t: phi(t, np.eye(16)[k]), 1e-5)
        assert abs(du[k] - fd.value) <= 1e-6 * abs(fd.value) + 1e-9


def heat_swap(u, v, alpha, nsteps):
    """Two buffers swapped every step: the loop's state holds pointer phis."""
    n = u.shape[0]
    for _ in range(nsteps):
        for i in range(1, n - 1):
            v[i] = u[i] + alpha * (u[i - 1] - 2.0 * u[i] + u[i + 1])
        v[0] = u[0]
        v[n - 1] = u[n - 1]
        u, v = v, u
    s = 0.0
    for i in range(n):
        s += u[i] * u[i] * (1.0 + 0.1 * i)
    return s


@pytest.mark.parametrize("nsteps", [0, 1, 2, 13])
def test_swapped_buffers(nsteps):
    def run(ck):
        d = reverse(heat_swap, Duplicated, Duplicated, Active, Const, checkpoint=ck)
        u, v = np.sin(np.linspace(0.0, 3.0, 12)), np.zeros(12)
        du, dv = np.linspace(-1.0, 1.0, 12), np.zeros(12)
        return (d(u, du, v, dv, 0.2, nsteps, 1.0), du, dv, u, v)
    ref = run(None)
    for s in (1, 2, 5, 100):
        got = run(s)
        assert close(got[0], ref[0]) and close(got[1], ref[1]) and close(got[2], ref[2])
        assert np.array_equal(got[3], ref[3]) and np.array_equal(got[4], ref[4])


def test_scalar_state():
    ref = zymase.autodiff_reverse(pendulum, Active, Active, Active, Const)(0.3, 0.1, 2.0, 100, 1.0)
    for s in (1, 2, 5, 1000):
        d = zymase.autodiff_reverse(pendulum, Active, Active, Active, Const, checkpoint=s)
        got = d(0.3, 0.1, 2.0, 100, 1.0)
        assert close(got, ref)


def test_tape_is_bounded():
    full = reverse(lorenz_rk4, Duplicated, Duplicated, Const, Const, ret=ActiveOnly, width=1,
                   checkpoint=None)
    ck = reverse(lorenz_rk4, Duplicated, Duplicated, Const, Const, ret=ActiveOnly, width=1,
                 checkpoint=4)
    for d in (full, ck):
        d(STATE, np.zeros(3), PARAMS, np.zeros(3), 2000, 1e-4, 1.0)
    assert ck.tape_bytes() < 1024 < 100 * 1024 < full.tape_bytes()
    assert "reversed from snapshots" in ck.last_tape
    assert "reversed from snapshots" not in full.last_tape


def allocates_in_loop(x, n):
    s = 0.0
    for _ in range(n):
        y = np.empty(3)
        y[0] = x[0] * s
        s += y[0] + x[1]
    return s


def data_dependent(x, n):
    s = x
    k = 0
    while s < n:
        s = s * 1.5 + 0.1
        k += 1
    return s


def test_refusals():
    d = zymase.autodiff_reverse(allocates_in_loop, Duplicated, Const, checkpoint=4)
    with pytest.raises(UnsupportedError, match="allocates memory in every iteration"):
        d(np.ones(3), np.zeros(3), 5, 1.0)
    d = zymase.autodiff_reverse(data_dependent, Active, Const, checkpoint=4)
    with pytest.raises(UnsupportedError, match="trip count"):
        d(1.0, 10.0, 1.0)


def test_api():
    assert parse_checkpoint(5) == Checkpoint(snapshots=5)
    assert parse_checkpoint("64MB") == Checkpoint(bytes=64 * 10**6)
    assert parse_checkpoint("1GiB") == Checkpoint(bytes=2**30)
    for bad in (0, -1, "lots", 2.5, True):
        with pytest.raises(ValueError):
            parse_checkpoint(bad)
    with pytest.raises(ValueError):
        Checkpoint(snapshots=2, bytes=10)
    with pytest.raises(TypeError):      # forward mode keeps no tape
        zymase.autodiff_forward(pendulum, checkpoint=3)


def simulate(n, s):
    """Run the schedule on symbolic states; returns the advances per step."""
    slots, cur, adv, turns = {}, 0, [0] * n, []
    for a, arg in revolve.schedule(n, s):
        if a == revolve.TAKESHOT:
            assert cur is not None and 0 <= arg < s
            slots[arg] = cur
        elif a == revolve.RESTORE:
            cur = slots[arg]
        elif a == revolve.ADVANCE:
            assert cur is not None and arg > cur
            for k in range(cur, arg):
                adv[k] += 1
            cur = arg
        else:
            assert a == revolve.YOUTURN and cur == arg
            turns.append(arg)
            cur = None
    assert turns == list(range(n - 1, -1, -1))
    return adv


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 400), st.integers(1, 40))
def test_schedule(n, s):
    adv = simulate(n, s)
    if n:
        assert max(adv) <= revolve.repetitions(s, n)


def test_schedule_is_binomial():
    # with s snapshots and t repetitions exactly C(s+t, t) steps fit
    for s in (1, 2, 5):
        for t in (1, 2, 3):
            n = math.comb(s + t, t)
            assert max(simulate(n, s)) <= t
            assert revolve.repetitions(s, n + 1) == t + 1
    assert revolve.repetitions(40, 10**5) == 4      # C(43, 3) < 1e5 <= C(44, 4)
    assert max(simulate(10**5, 40)) <= 4


OOM = textwrap.dedent("""
    import os, resource, sys
    import numpy as np
    import zymase
    from zymase import ActiveOnly, Const, Duplicated
    sys.path.insert(0, {examples!r})
    from demo import lorenz_rk4
    state, params = np.array([1.0, 1.0, 1.0]), np.array([10.0, 28.0, 8.0 / 3.0])
    d = zymase.autodiff_reverse(lorenz_rk4, Duplicated, Duplicated, Const, Const, ret=ActiveOnly)
    ck = zymase.autodiff_reverse(lorenz_rk4, Duplicated, Duplicated, Const, Const,
                                 ret=ActiveOnly, checkpoint=8)
    d(state, np.zeros(3), params, np.zeros(3), 10, 1e-4, 1.0)      # compile first
    ck(state, np.zeros(3), params, np.zeros(3), 10, 1e-4, 1.0)
    vm = int(open("/proc/self/statm").read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    resource.setrlimit(resource.RLIMIT_AS, (vm + 256 * 2**20, resource.RLIM_INFINITY))
    s0, p0 = state.copy(), params.copy()
    for _ in range(2):
        try:
            d(state, np.zeros(3), params, np.zeros(3), 3 * 10**6, 1e-6, 1.0)
        except MemoryError as e:
            print("MEMORYERROR", e)
    big = zymase.autodiff_reverse(lorenz_rk4, Duplicated, Duplicated, Const, Const,
                                  ret=ActiveOnly, checkpoint=10**8)
    big(state, np.zeros(3), params, np.zeros(3), 10, 1e-4, 1.0)
    try:        # 10**8 snapshots of ~200 bytes: the snapshot buffer cannot be allocated
        big(state, np.zeros(3), params, np.zeros(3), 10**8, 1e-6, 1.0)
    except MemoryError as e:
        print("SNAPSHOTS", e)
    print("INTACT", np.array_equal(state, s0) and np.array_equal(params, p0))
    ds = np.zeros(3)
    ck(state, ds, params, np.zeros(3), 3 * 10**6, 1e-6, 1.0)
    print("CHECKPOINTED", bool(np.all(np.isfinite(ds)) and np.any(ds != 0)))
""")


def test_memory_error_instead_of_a_crash():
    env = dict(os.environ, PYTHONPATH=ROOT)
    r = subprocess.run([sys.executable, "-c", OOM.format(examples=os.path.join(ROOT, "examples"))],
                       capture_output=True, text=True, env=env, timeout=600)
    assert r.returncode == 0, r.stderr[-2000:]
    lines = r.stdout.splitlines()
    errs = [ln for ln in lines if ln.startswith("MEMORYERROR")]
    assert len(errs) == 2 and "MiB" in errs[0] and "pass checkpoint=" in r.stdout, r.stdout
    assert any(ln.startswith("SNAPSHOTS zymase: the tape") for ln in lines), r.stdout
    assert "pass a smaller checkpoint=" in r.stdout, r.stdout
    assert "INTACT True" in lines and "CHECKPOINTED True" in lines, r.stdout


def _inner(x, k):
    s = x
    for _ in range(20):
        s = math.sin(s) * k + 0.5 * s
    return s


_inner_inlined = numba.njit(_inner)
_inner_recomputed = zymase.recompute(_inner)


@numba.njit
def _outer_inlined(x, k, n):
    y = x
    for _ in range(n):
        y = 0.3 * _inner_inlined(y, k) + 0.5 * y
    return y


@numba.njit
def _outer_recomputed(x, k, n):
    y = x
    for _ in range(n):
        y = 0.3 * _inner_recomputed(y, k) + 0.5 * y
    return y


def test_recompute_marker():
    full = zymase.autodiff_reverse(_outer_inlined, Active, Active, Const)
    rc = zymase.autodiff_reverse(_outer_recomputed, Active, Active, Const)
    ref, got = full(0.8, 1.3, 6, 1.0), rc(0.8, 1.3, 6, 1.0)
    assert got[0] == ref[0] and close(got[1:], ref[1:], 1e-11)
    assert abs(ref[1]) > 1e-3 and abs(ref[2]) > 1e-3
    # the callee's 20 iterations are not on the tape: two partials per call are
    assert rc.tape_bytes() * 10 < full.tape_bytes()
    for k, e in ((1, (1.0, 0.0)), (2, (0.0, 1.0))):
        fd = central_difference(lambda t: _outer_recomputed(0.8 + t * e[0], 1.3 + t * e[1], 6),
                                1e-6)
        assert abs(got[k] - fd.value) <= 1e-6 * abs(fd.value)
    fwd = zymase.autodiff_forward(_outer_recomputed, zymase.Dual, Const, Const)
    assert close(fwd(0.8, 1.0, 1.3, 6)[1], got[1], 1e-11)
    assert _inner_recomputed(0.8, 1.3) == _inner(0.8, 1.3)     # still callable as itself


@zymase.recompute
def _reads_array(a, i):
    return a[i] * a[i]


@numba.njit
def _calls_array_callee(a, n):
    s = 0.0
    for i in range(n):
        s += _reads_array(a, i)
    return s


def test_recompute_marker_refuses_array_callees():
    d = zymase.autodiff_reverse(_calls_array_callee, Duplicated, Const)
    with pytest.raises(UnsupportedError):
        d(np.ones(3), np.zeros(3), 3, 1.0)


def blowup(x, a, n):
    y = x
    for _ in range(n):
        y = y * a + 0.1
        if y > 1e6:
            raise ValueError("too big")
    return y


def test_exception_inside_a_checkpointed_loop():
    d = zymase.autodiff_reverse(blowup, Active, Active, Const, checkpoint=3)
    ref = zymase.autodiff_reverse(blowup, Active, Active, Const)(0.5, 1.01, 50, 1.0)
    assert close(d(0.5, 1.01, 50, 1.0), ref)
    with pytest.raises(ValueError, match="too big"):
        d(0.5, 3.0, 50, 1.0)
    assert close(d(0.5, 1.01, 50, 1.0), ref)      # and the next call is fine


# -- a checkpointed loop inside another loop (one run per outer iteration) ---------------------

def nested_arrays(x, a, m, n):
    s = 0.0
    for j in range(m):              # allocates per iteration: the inner loop is checkpointed
        y = np.empty(2)
        y[0] = x[0] + 0.1 * j
        y[1] = x[1]
        for _ in range(n):
            y0 = y[0]
            y[0] = y0 + 0.01 * a * math.sin(y[1])
            y[1] = y[1] - 0.01 * y0
        s += y[0] * y[1] + y[0]
    return s


def nested_scalar(x, a, m, n):
    s = 0.0
    for j in range(m):
        tmp = np.empty(1)
        tmp[0] = x * (j + 1)
        y = tmp[0]
        v = 0.0
        for _ in range(n):
            v += 0.01 * a * math.sin(y)
            y += 0.01 * v
        s += y * v + math.cos(y)    # the run's exit values, read by the outer sweep
    return s


def converge(x, a, n):
    s = x
    k = 0
    while s < 5.0 and k < 50:       # no trip count: the inner loop is checkpointed
        y = s
        for _ in range(n):
            y = y + 0.01 * a * math.sin(y) + 0.001
        s = y + 0.1
        k += 1
    return s


@pytest.mark.parametrize("m,n", [(1, 0), (1, 1), (1, 2), (2, 3), (3, 17), (4, 0)])
def test_nested_arrays(m, n):
    def run(ck):
        d = reverse(nested_arrays, Duplicated, Active, Const, Const, checkpoint=ck)
        dx = np.zeros(2)
        return d(np.array([0.3, 0.7]), dx, 1.5, m, n, 1.0), dx, d
    ref = run(None)
    for s in (1, 2, 3, 100):
        got = run(s)
        assert close(got[0], ref[0]) and close(got[1], ref[1])
        assert "reversed from snapshots" in got[2].last_tape


@pytest.mark.parametrize("f,args", [(nested_scalar, (0.7, 1.3, 4, 9)),
                                    (converge, (0.5, 2.0, 7))])
def test_nested_scalar_state_and_width(f, args):
    acts = [Active, Active] + [Const] * (len(args) - 2)
    ref = zymase.autodiff_reverse(f, *acts)(*args, 1.0)
    for s in (1, 2, 3, 50):
        assert close(zymase.autodiff_reverse(f, *acts, checkpoint=s)(*args, 1.0), ref)
    seed = np.array([1.0, 2.0, 3.0])
    a = zymase.autodiff_reverse(f, *acts, width=3, checkpoint=2)(*args, seed)
    b = zymase.autodiff_reverse(f, *acts, width=3)(*args, seed)
    assert all(close(p, q) for p, q in zip(a, b))
    assert close(b[1], seed * ref[1])


def read_then_overwritten(x, w, a, n):
    s = x
    m = w.shape[0]
    for t in range(n):
        s = s * 0.9 + a * w[t % m] * s * 0.01
    for i in range(m):
        w[i] = 7.0 * s              # written after the loop, read inside it
    return s + w[0]


def test_memory_read_by_the_loop_and_written_after_it():
    # recomputed iterations must read what the first run read, not the final contents
    def run(ck):
        d = zymase.autodiff_reverse(read_then_overwritten, Active, Duplicated, Active, Const,
                                    checkpoint=ck)
        w, dw = np.linspace(0.1, 1.0, 5), np.zeros(5)
        return d(0.5, w, dw, 2.0, 23, 1.0), dw, w
    ref = run(None)
    for s in (1, 2, 5):
        got = run(s)
        assert close(got[0], ref[0]) and close(got[1], ref[1])
        assert np.array_equal(got[2], ref[2])


def relax(u, a, n):
    m = u.shape[0]
    for _ in range(n):
        for i in range(1, m - 1):
            u[i] = u[i] + a * (u[i - 1] - 2.0 * u[i] + u[i + 1])
    s = 0.0
    for i in range(m):
        s += u[i] * u[i] * (i + 1)
    return s


@pytest.mark.parametrize("view", [lambda a: a, lambda a: a[::2], lambda a: a[::-3]],
                         ids=["contiguous", "stride2", "negative"])
def test_strided_views_are_snapshotted_whole(view):
    def run(ck):
        d = reverse(relax, Duplicated, Active, Const, checkpoint=ck)
        base, dbase = np.sin(np.linspace(0.0, 3.0, 40)), np.linspace(-1.0, 1.0, 40)
        r = d(view(base), view(dbase), 0.2, 9, 1.0)
        return r, dbase, base
    ref = run(None)
    for s in (1, 3):
        got = run(s)
        assert close(got[0], ref[0]) and close(got[1], ref[1])
        assert np.array_equal(got[2], ref[2])
